"""The typer app and what its commands share: consoles, the progress bar, the ``--graph`` option.

Defaults never depend on the current folder beyond ``outputs/``, the usual place of a built
graph: the example queries ship inside the package.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path
from typing import Annotated

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
from rich.text import Text

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
