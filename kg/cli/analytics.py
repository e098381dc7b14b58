"""Analytics of a built graph: ``kg trends``, ``co-usage``, ``compare``, ``similar``, ``communities``.

Each prints a table and, with ``--out``, writes it as CSV or JSON (by the file's suffix); trends and
co-usage also draw a picture with ``--plot`` (PNG, SVG or PDF).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from kg.atomic import write_text
from kg.cli.app import DEFAULT_OUT, GraphOption, app, cell_text, say, show_table
from kg.errors import InputError

if TYPE_CHECKING:
    import pandas as pd

    from kg.api import KnowledgeGraph

OutOption = Annotated[
    Path | None,
    typer.Option("--out", "-o", help="Also write the table to this .csv or .json file (atomically)."),
]
PlotOption = Annotated[Path | None, typer.Option("--plot", help="Draw it into this .png, .svg or .pdf file.")]
TypeOption = Annotated[
    str | None,
    typer.Option("--type", "-t", help="Only entities of this type: Method, Dataset, Task, Metric, Concept."),
]


def _write(frame: pd.DataFrame, path: Path, *, index: bool = False) -> None:
    """The table as CSV (lists joined with `` | ``) or as JSON records (lists kept)."""
    suffix = path.suffix.lower()
    if index:
        frame = frame.reset_index()
    frame = frame.rename(columns=str)
    if suffix == ".csv":
        write_text(path, frame.map(cell_text).to_csv(index=False))
    elif suffix == ".json":
        records = json.loads(frame.to_json(orient="records", force_ascii=False))
        write_text(path, json.dumps(records, indent=2, ensure_ascii=False) + "\n")
    else:
        raise InputError(f"{path}: write the table as .csv or .json")
    say(f"kg: wrote {path}")


def _load(graph: Path) -> KnowledgeGraph:
    """The graph, with the facade imported late: the CLI starts fast."""
    from kg.api import KnowledgeGraph

    return KnowledgeGraph.load(graph)


@app.command()
def trends(
    graph: GraphOption = DEFAULT_OUT,
    type: TypeOption = None,
    top: Annotated[int, typer.Option("--top", min=1, help="How many rising and how many declining.")] = 20,
    min_papers: Annotated[
        int, typer.Option("--min-papers", min=1, help="Only entities with this many dated papers.")
    ] = 5,
    out_path: OutOption = None,
    plot: PlotOption = None,
) -> None:
    """Entities rising and declining fastest: the slope of their share of each year's papers."""
    frame = _load(graph).trends(type, top=top, min_papers=min_papers)
    if frame.empty:
        say("kg: no trend: the graph needs dated papers of two years or more")
    show_table(frame, ["label", "type", "papers", "first_year", "last_year", "slope", "trend"])
    if out_path is not None:
        _write(frame, out_path)
    if plot is not None and not frame.empty:
        from kg.export.plots import plot_trends

        say(f"kg: wrote {plot_trends(frame, plot)}")


@app.command("co-usage")
def co_usage(
    graph: GraphOption = DEFAULT_OUT,
    rows: Annotated[str, typer.Option("--rows", help="Entity type of the rows.")] = "Method",
    columns: Annotated[str, typer.Option("--columns", help="Entity type of the columns.")] = "Dataset",
    top: Annotated[
        int, typer.Option("--top", min=1, help="Rows and columns: the entities with most papers.")
    ] = 20,
    out_path: OutOption = None,
    plot: PlotOption = None,
) -> None:
    """How many papers work with both: methods × datasets, methods × tasks, ..."""
    table = _load(graph).co_usage(rows, columns, top=top)
    show_table(table, index=True)
    if out_path is not None:
        _write(table, out_path, index=True)
    if plot is not None and not table.empty:
        from kg.export.plots import plot_co_usage

        say(f"kg: wrote {plot_co_usage(table, plot)}")


@app.command()
def compare(
    names: Annotated[
        list[str], typer.Argument(help="Methods, datasets, tasks or papers: label, alias, title or IRI.")
    ],
    graph: GraphOption = DEFAULT_OUT,
    top: Annotated[int, typer.Option("--top", min=1, help="How many benchmarks, tasks, ... per cell.")] = 5,
    out_path: OutOption = None,
) -> None:
    """A comparison table: papers, years, venues, proposers, methods, benchmarks, tasks, metrics, evidence."""
    frame = _load(graph).compare(*names, top=top)
    shown = frame.drop(columns=["iri"]).set_index("label").T
    shown.index.name = "property"
    show_table(shown, index=True)
    if out_path is not None:
        _write(frame, out_path)


@app.command()
def similar(
    paper: Annotated[str, typer.Argument(help="A paper: its title, id or IRI.")],
    graph: GraphOption = DEFAULT_OUT,
    top: Annotated[int, typer.Option("--top", min=1, help="How many papers.")] = 10,
    out_path: OutOption = None,
) -> None:
    """Papers most like PAPER: the specific entities they share, rare ones weighing more."""
    frame = _load(graph).similar(paper, top=top)
    show_table(frame, ["title", "year", "venue", "score", "shared"])
    if out_path is not None:
        _write(frame, out_path)


@app.command()
def communities(
    graph: GraphOption = DEFAULT_OUT,
    type: TypeOption = None,
    top: Annotated[int, typer.Option("--top", min=2, help="Entities with the most papers to group.")] = 300,
    resolution: Annotated[
        float, typer.Option("--resolution", min=0.0, help="Higher: more, smaller groups.")
    ] = 1.0,
    out_path: OutOption = None,
) -> None:
    """Communities (Leiden) of the entities that papers work with together."""
    frame = _load(graph).communities(type, top=top, resolution=resolution)
    groups = frame.groupby("community", sort=True).agg(
        entities=("label", "size"), papers=("papers", "sum"), members=("label", lambda s: list(s[:12]))
    )
    show_table(groups, index=True)
    if out_path is not None:
        _write(frame, out_path)
