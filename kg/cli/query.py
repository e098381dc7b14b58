"""``kg query``, ``kg stats``, ``kg validate``, ``kg export``, ``kg push``: use a built graph."""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from kg.cli.app import DEFAULT_OUT, EXAMPLE_QUERIES, GraphOption, app, err, out, progress_bar, show_table
from kg.errors import InputError
from kg.formats import RDF_FORMATS


class Format(StrEnum):
    table = "table"
    csv = "csv"
    json = "json"


def _read_query(text: str) -> str:
    """A query given inline, as a file path, or as the name of a shipped example (``papers-on-d4rl``)."""
    candidates = [Path(text), EXAMPLE_QUERIES / text, EXAMPLE_QUERIES / f"{text}.rq"]
    if "{" not in text and len(text) < 4096:
        for path in candidates:
            if path.is_file():
                return path.read_text(encoding="utf-8")
        if text.endswith(".rq"):
            names = ", ".join(sorted(p.stem for p in EXAMPLE_QUERIES.glob("*.rq")))
            raise InputError(f"{text}: no such query file; the shipped examples are {names}")
    return text


@app.command()
def query(
    sparql: Annotated[
        str, typer.Argument(help="A SPARQL query, a .rq file, or the name of a shipped example query.")
    ],
    graph: GraphOption = DEFAULT_OUT,
    fmt: Annotated[Format, typer.Option("--format", "-f", help="Output format.")] = Format.table,
    store: Annotated[
        Path | None, typer.Option("--store", help="An Oxigraph store folder to query (instead of --graph).")
    ] = None,
) -> None:
    """Run a SPARQL query on a built graph (prefixes kg:, kgid:, skos:, dcterms:, ... are predeclared)."""
    from kg.api import KnowledgeGraph
    from kg.store import format_result

    result = KnowledgeGraph.load(store or graph).query(_read_query(sparql))
    if fmt is not Format.table:
        sys.stdout.write(format_result(result, fmt.value))
        if fmt is Format.json:
            sys.stdout.write("\n")
        return
    frame = result.to_dataframe()
    show_table(frame)
    out.print(f"{len(frame)} rows")


@app.command()
def stats(graph: GraphOption = DEFAULT_OUT) -> None:
    """Count papers, entities per type, edges per relation and triples of a built graph."""
    from kg.store.disk import stored_stats

    numbers = stored_stats(graph)
    if numbers is None:  # a graph file, or a store written by another tool: count
        from kg.api import KnowledgeGraph

        numbers = KnowledgeGraph.load(graph).stats()
    out.print(f"papers    {numbers['papers']}")
    for etype, n in numbers["entities"].items():
        out.print(f"{etype:<9} {n}")
    for relation, n in sorted(numbers["edges"].items()):
        out.print(f"{relation:<12} {n}")
    out.print(f"triples   {numbers['triples']}")
    out.print(f"graphs    {numbers['graphs']}")


@app.command()
def validate(
    graph: Annotated[
        Path,
        typer.Argument(
            help="A built graph: an output folder (its store/, else its kg.nq), "
            "or a .nq/.trig/.ttl/.nt/.jsonld file."
        ),
    ] = DEFAULT_OUT,
    store: Annotated[
        Path | None, typer.Option("--store", help="An Oxigraph store folder to validate (instead of GRAPH).")
    ] = None,
) -> None:
    """Check a built graph against the SHACL shapes (ontology/shapes.ttl); exit 1 when it does not conform."""
    from kg.api import KnowledgeGraph
    from kg.execute import default_jobs

    report = KnowledgeGraph.load(store or graph).validate(jobs=default_jobs())
    for result in (*report.violations, *report.warnings):
        prefix = "" if result.severity == "Violation" else f"{result.severity.lower()}: "
        out.print(f"{prefix}{result}", markup=False, highlight=False)
    if not report.conforms:
        err.print(f"kg: {len(report.violations)} violations", markup=False, highlight=False)
        raise typer.Exit(1)
    out.print(report.summary(), markup=False, highlight=False)


#: ``kg export --format`` choices: the names of :data:`kg.formats.RDF_FORMATS`.
ExportFormat = StrEnum("ExportFormat", {name: name for name in RDF_FORMATS})


@app.command()
def export(
    fmt: Annotated[
        ExportFormat,
        typer.Option("--format", "-f", help="RDF format (nquads and trig keep the named graphs)."),
    ] = ExportFormat.nquads,
    graph: GraphOption = DEFAULT_OUT,
    out_path: Annotated[
        Path | None, typer.Option("--out", "-o", help="File to write (atomically); default: stdout.")
    ] = None,
) -> None:
    """Write the whole graph in one RDF format, e.g. N-Quads to load into a standalone SPARQL server."""
    from kg.api import KnowledgeGraph
    from kg.export.rdf import export_rdf

    kg = KnowledgeGraph.load(graph)
    if out_path is None or str(out_path) == "-":
        export_rdf(kg.store, sys.stdout.buffer, fmt.value)
        sys.stdout.buffer.flush()
        return
    export_rdf(kg.store, out_path, fmt.value)
    err.print(f"kg: wrote {out_path} ({fmt.value}, {len(kg.store):,} quads)", markup=False, highlight=False)


@app.command()
def push(
    endpoint: Annotated[
        str,
        typer.Option("--endpoint", help="Graph Store endpoint, e.g. http://127.0.0.1:7878/store (Oxigraph)."),
    ],
    graph: GraphOption = DEFAULT_OUT,
    method: Annotated[
        str, typer.Option("--method", help="PUT replaces each graph, POST adds to it.")
    ] = "PUT",
    timeout: Annotated[float, typer.Option("--timeout", help="Seconds to wait for each answer.")] = 60.0,
) -> None:
    """Upload every named graph to a SPARQL server (SPARQL 1.1 Graph Store HTTP Protocol)."""
    from kg.api import KnowledgeGraph
    from kg.store.push import push as push_graphs

    kg = KnowledgeGraph.load(graph)
    with progress_bar() as progress:
        task = progress.add_task("pushing", total=None)

        def on_graph(done: int, total: int) -> None:
            progress.update(task, completed=done, total=total)

        report = push_graphs(kg.store, endpoint, method=method, timeout=timeout, on_graph=on_graph)
    out.print(
        f"pushed {report.graphs} graphs ({report.triples:,} triples, {report.bytes / 1e6:.1f} MB) "
        f"to {endpoint} in {report.seconds:.1f} s",
        markup=False,
        highlight=False,
    )
