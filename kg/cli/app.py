"""The typer app and what its commands share: consoles, the progress bar, the ``--graph`` option.

Defaults never depend on the current folder beyond ``outputs/``, the usual place of a built
graph: the example queries ship inside the package.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    Task,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.table import Table
from rich.text import Text

if TYPE_CHECKING:
    import pandas as pd

app = typer.Typer(
    name="kg",
    help="Build, query and explore a knowledge graph of papers, methods, benchmarks and concepts.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
out = Console(soft_wrap=True)
err = Console(stderr=True, soft_wrap=True)

DEFAULT_OUT = Path("outputs")

#: The example queries shipped with the package (``kg query papers-on-d4rl``).
EXAMPLE_QUERIES = Path(str(files("kg") / "queries"))

GraphOption = Annotated[
    Path,
    typer.Option(
        "--graph",
        "-g",
        help="A built graph: an output folder (its store/, else its kg.nq), a store folder, "
        "or a .nq/.trig/.ttl/.nt/.jsonld file.",
    ),
]


class RateColumn(ProgressColumn):
    """Items per second, once there is a rate to show."""

    def render(self, task: Task) -> Text:
        return Text(f"{task.speed:,.1f}/s" if task.speed else "")


def progress_bar(*, quiet: bool = False) -> Progress:
    """A progress display on stderr (each task's description, count, rate, time left), only on a
    terminal and unless ``quiet``, so piped stderr holds just the messages."""
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        RateColumn(),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
        console=err,
        transient=True,
        disable=quiet or not err.is_terminal,
    )


def say(text: str) -> None:
    """One line on stderr, printed as it is (no rich markup: paths may hold ``[`` and ``]``)."""
    err.print(text, markup=False, highlight=False)


def cell_text(value: object) -> str:
    """A table cell as text: lists joined with `` | ``, a missing value empty, the rest as it is."""
    if isinstance(value, list | tuple):
        return " | ".join(str(v) for v in value)
    if value is None or (isinstance(value, float) and value != value):
        return ""
    return str(value)


def show_table(frame: pd.DataFrame, columns: list[str] | None = None, *, index: bool = False) -> None:
    """Print ``frame`` (its ``columns``, its index too if asked) as a table on stdout, values verbatim."""
    shown = frame.reset_index() if index else frame
    shown = shown[columns] if columns else shown
    table = Table(show_lines=False)
    for column in shown.columns:
        table.add_column(Text(str(column)), overflow="fold")
    for row in shown.itertuples(index=False, name=None):
        table.add_row(*(Text(cell_text(v)) for v in row))
    out.print(table)
