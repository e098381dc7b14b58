"""The ``kg`` command line: thin typer wrappers around the Python API.

Every :class:`~kg.errors.KgError` becomes one line on stderr and exit code 2, never a traceback.
"""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import click
import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from kg.errors import InputError, KgError

app = typer.Typer(
    name="kg",
    help="Build, query and explore a knowledge graph of papers, methods, benchmarks and concepts.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
out = Console(soft_wrap=True)
err = Console(stderr=True, soft_wrap=True)

DEFAULT_CORPUS = Path("data/hf-daily-papers")
DEFAULT_OUT = Path("outputs")
QUERIES_DIR = Path("queries")


class Format(StrEnum):
    table = "table"
    csv = "csv"
    json = "json"


GraphOption = Annotated[
    Path,
    typer.Option(
        "--graph",
        "-g",
        help="A built graph: an output folder or a .nq/.trig/.ttl/.nt/.jsonld file.",
    ),
]


@app.command()
def build(
    paths: Annotated[
        list[Path] | None,
        typer.Argument(help="Files or folders of papers (.txt page dumps, .jsonl, .csv)."),
    ] = None,
    out_dir: Annotated[Path, typer.Option("--out", "-o", help="Where to write the outputs.")] = DEFAULT_OUT,
) -> None:
    """Read papers, extract entities and roles, build the graph and write every output."""
    from kg.api import KnowledgeGraph

    paths = paths or [DEFAULT_CORPUS]
    with Progress(
        TextColumn("extracting"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err,
        transient=True,
    ) as progress:
        task = progress.add_task("extract", total=None)

        def on_paper(done: int, total: int) -> None:
            progress.update(task, completed=done, total=total)

        kg = KnowledgeGraph.build(paths, on_paper=on_paper)
    written = kg.save(out_dir)
    report = kg.report
    stats = kg.stats()
    out.print(
        f"{report.papers} papers ({report.records_read} records read) -> "
        f"{sum(stats['entities'].values())} entities, {stats['triples']} triples "
        f"in {report.seconds:.1f} s"
    )
    out.print("entities: " + ", ".join(f"{t} {n}" for t, n in stats["entities"].items()))
    out.print(f"wrote {len(written)} files to {out_dir}/: " + " ".join(sorted(written)))
    if report.empty_abstracts:
        err.print(f"kg: warning: {report.empty_abstracts} papers have no abstract (kept, title only)")
    for problem in report.problems:
        err.print(f"kg: error: {problem}", markup=False, highlight=False)
    if report.problems:
        raise typer.Exit(2)


def _read_query(text: str) -> str:
    """A query given inline, as a file path, or as the name of an example in ``queries/``."""
    candidates = [Path(text), QUERIES_DIR / text, QUERIES_DIR / f"{text}.rq"]
    if "{" not in text and len(text) < 4096:
        for path in candidates:
            if path.is_file():
                return path.read_text(encoding="utf-8")
        if text.endswith(".rq"):
            raise InputError(f"{text}: no such query file")
    return text


@app.command()
def query(
    sparql: Annotated[
        str, typer.Argument(help="A SPARQL query, a .rq file, or the name of one in queries/.")
    ],
    graph: GraphOption = DEFAULT_OUT,
    fmt: Annotated[Format, typer.Option("--format", "-f", help="Output format.")] = Format.table,
) -> None:
    """Run a SPARQL query on a built graph (prefixes kg:, kgid:, skos:, dcterms:, ... are predeclared)."""
    from kg.api import KnowledgeGraph
    from kg.store import format_result

    result = KnowledgeGraph.load(graph).query(_read_query(sparql))
    if fmt is not Format.table:
        sys.stdout.write(format_result(result, fmt.value))
        if fmt is Format.json:
            sys.stdout.write("\n")
        return
    frame = result.to_dataframe()
    table = Table(show_lines=False)
    for column in frame.columns:
        table.add_column(str(column), overflow="fold")
    for row in frame.itertuples(index=False, name=None):
        table.add_row(*("" if v is None or v != v else str(v) for v in row))
    out.print(table)
    out.print(f"{len(frame)} rows")


@app.command()
def stats(graph: GraphOption = DEFAULT_OUT) -> None:
    """Count papers, entities per type, edges per relation and triples of a built graph."""
    from kg.api import KnowledgeGraph

    numbers = KnowledgeGraph.load(graph).stats()
    out.print(f"papers    {numbers['papers']}")
    for etype, n in numbers["entities"].items():
        out.print(f"{etype:<9} {n}")
    for relation, n in sorted(numbers["edges"].items()):
        out.print(f"{relation:<12} {n}")
    out.print(f"triples   {numbers['triples']}")
    out.print(f"graphs    {numbers['graphs']}")


class ReportFormat(StrEnum):
    table = "table"
    json = "json"


@app.command()
def evaluate(
    gold: Annotated[Path, typer.Option("--gold", help="Gold entities: a SciERC/DyGIE JSON-lines file.")],
    fmt: Annotated[ReportFormat, typer.Option("--format", "-f", help="Output format.")] = ReportFormat.table,
) -> None:
    """Score the entity extractor on gold SciERC documents (exact span and label, micro-averaged)."""
    import json

    from kg.evaluate import evaluate as run_evaluation

    report = run_evaluation(gold)
    if fmt is ReportFormat.json:
        sys.stdout.write(json.dumps(report) + "\n")
        return
    entities = report["entities"]
    table = Table(title=f"entities: {gold}")
    for column in ("label", "precision", "recall", "f1", "support"):
        table.add_column(column, justify="left" if column == "label" else "right")
    for label, row in entities["per_label"].items():
        table.add_row(label, *(f"{row[k]:.3f}" for k in ("precision", "recall", "f1")), str(row["support"]))
    support = sum(row["support"] for row in entities["per_label"].values())
    table.add_row("all", *(f"{entities[k]:.3f}" for k in ("precision", "recall", "f1")), str(support))
    out.print(table)
    out.print(f"f1 without Generic {entities['f1_without_generic']:.3f}")
    out.print(f"{report['documents']} documents, {report['words_per_second']:.0f} words/s")


def main() -> None:
    """Console entry point: run the app, turning user errors into one line and exit code 2."""
    try:
        app(standalone_mode=False)
    except KgError as exc:
        err.print(f"kg: error: {exc}", markup=False, highlight=False)
        sys.exit(2)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except click.exceptions.Abort:
        err.print("kg: aborted")
        sys.exit(130)


if __name__ == "__main__":
    main()
