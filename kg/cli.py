"""The ``kg`` command line: thin typer wrappers around the Python API.

Every :class:`~kg.errors.KgError` becomes one line on stderr and exit code 2, never a traceback.
"""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table
from rich.text import Text

from kg.errors import InputError, KgError, ValidationError

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


class Inference(StrEnum):
    rdfs = "rdfs"
    owlrl = "owlrl"


class Format(StrEnum):
    table = "table"
    csv = "csv"
    json = "json"


GraphOption = Annotated[
    Path,
    typer.Option(
        "--graph",
        "-g",
        help="A built graph: an output folder (its store/, else its kg.nq), a store folder, "
        "or a .nq/.trig/.ttl/.nt/.jsonld file.",
    ),
]


def _progress(what: str) -> Progress:
    """A progress bar on stderr, only on a terminal (so piped stderr holds just the messages)."""
    return Progress(
        TextColumn(what),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err,
        transient=True,
        disable=not err.is_terminal,
    )


@app.command()
def build(
    paths: Annotated[
        list[Path] | None,
        typer.Argument(help="Files or folders of papers (.txt page dumps, .jsonl, .csv)."),
    ] = None,
    out_dir: Annotated[Path, typer.Option("--out", "-o", help="Where to write the outputs.")] = DEFAULT_OUT,
    store: Annotated[
        Path | None, typer.Option("--store", help="Where to write the Oxigraph store (default: OUT/store).")
    ] = None,
    infer: Annotated[
        Inference | None,
        typer.Option("--infer", help="Also materialise RDFS or OWL-RL entailments (kgid:graph/inferred)."),
    ] = None,
) -> None:
    """Read papers, extract entities and roles, build the graph and write every output."""
    from kg.api import KnowledgeGraph

    paths = paths or [DEFAULT_CORPUS]
    with _progress("extracting") as progress:
        task = progress.add_task("extract", total=None)

        def on_paper(done: int, total: int) -> None:
            progress.update(task, completed=done, total=total)

        kg = KnowledgeGraph.build(paths, on_paper=on_paper)
    validation = kg.validate()
    if not validation.conforms:
        raise ValidationError(f"{validation.summary()}; nothing written (see `kg validate`)")
    if infer is not None:
        inferred = kg.infer(infer.value)
        out.print(
            f"inferred {inferred.inferred_triples} triples ({inferred.regime}, "
            f"from {inferred.input_triples}) in {inferred.seconds:.1f} s"
        )
    written = kg.save(out_dir, store=store)
    report = kg.report
    stats = kg.stats()
    out.print(
        f"{report.papers} papers ({report.records_read} records read) -> "
        f"{sum(stats['entities'].values())} entities, {stats['triples']} triples "
        f"in {report.seconds:.1f} s"
    )
    out.print("entities: " + ", ".join(f"{t} {n}" for t, n in stats["entities"].items()))
    out.print(f"wrote {len(written)} files to {out_dir}/: " + " ".join(sorted(written)))
    if kg.store_report is not None:
        out.print(kg.store_report.summary())
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
    table = Table(show_lines=False)
    for column in frame.columns:
        table.add_column(Text(str(column)), overflow="fold")
    for row in frame.itertuples(index=False, name=None):
        table.add_row(*(Text("" if v is None or v != v else str(v)) for v in row))
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

    report = KnowledgeGraph.load(store or graph).validate()
    for result in (*report.violations, *report.warnings):
        prefix = "" if result.severity == "Violation" else f"{result.severity.lower()}: "
        out.print(f"{prefix}{result}", markup=False, highlight=False)
    if not report.conforms:
        err.print(f"kg: {len(report.violations)} violations", markup=False, highlight=False)
        raise typer.Exit(1)
    out.print(report.summary(), markup=False, highlight=False)


class ReportFormat(StrEnum):
    table = "table"
    json = "json"


@app.command()
def evaluate(
    gold: Annotated[
        Path | None,
        typer.Option("--gold", help="Gold entities and relations: a SciERC/DyGIE JSON-lines file."),
    ] = None,
    roles: Annotated[
        Path | None,
        typer.Option("--roles", help="Gold paper roles (JSON, as seed-roles/dev.json): score a built graph."),
    ] = None,
    graph: GraphOption = DEFAULT_OUT,
    fmt: Annotated[ReportFormat, typer.Option("--format", "-f", help="Output format.")] = ReportFormat.table,
) -> None:
    """Score entities and relations on SciERC documents (--gold), or a built graph's paper roles (--roles)."""
    import json

    from kg.evaluate import evaluate as run_evaluation

    if (gold is None) == (roles is None):
        raise InputError("give one of --gold FILE (entities) or --roles FILE (paper roles of --graph)")
    if roles is not None:
        _evaluate_roles(roles, graph, fmt)
        return

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
    relations = report["relations"]
    table = Table(title="relations end to end (s: strict, argument types right too)")
    for column in ("label", "P", "R", "F1", "sP", "sR", "sF1", "support"):
        table.add_column(column, justify="left" if column == "label" else "right", no_wrap=True)
    ways = ("boundaries", "strict")
    for label, row in relations["boundaries"]["per_label"].items():
        cells = [
            f"{relations[w]['per_label'][label][k]:.3f}" for w in ways for k in ("precision", "recall", "f1")
        ]
        table.add_row(label, *cells, str(row["support"]))
    support = sum(row["support"] for row in relations["boundaries"]["per_label"].values())
    cells = [f"{relations[w][k]:.3f}" for w in ways for k in ("precision", "recall", "f1")]
    table.add_row("all", *cells, str(support))
    out.print(table)
    out.print(f"{report['documents']} documents, {report['words_per_second']:.0f} words/s")


def _evaluate_roles(gold: Path, graph: Path, fmt: ReportFormat) -> None:
    """Print the role scores of the graph at ``graph`` against the gold file ``gold``."""
    import json

    from kg.api import KnowledgeGraph
    from kg.evaluate_roles import evaluate_roles

    report = evaluate_roles(KnowledgeGraph.load(graph), gold)
    if fmt is ReportFormat.json:
        sys.stdout.write(json.dumps(report) + "\n")
        return
    table = Table(title=f"paper roles: {gold}")
    for column in ("gold", "role", "recall", "found/gold", "precision", "right/edges"):
        table.add_column(column, justify="left" if column in ("gold", "role") else "right")
    for field, role in (
        ("proposed", "proposes"),
        ("benchmarks", "evaluatedOn"),
        ("uses_methods", "uses"),
        ("tasks", "addresses"),
    ):
        row = report[field]
        precision = (
            (f"{row['precision']:.3f}", f"{row['right_edges']} / {row['edges']}")
            if "precision" in row
            else ("", "")
        )
        table.add_row(field, role, f"{row['recall']:.3f}", f"{row['found']} / {row['gold']}", *precision)
    out.print(table)
    out.print(f"{report['papers']} gold papers, {len(report['papers_missing'])} not in the graph")


class ExportFormat(StrEnum):
    nquads = "nquads"
    trig = "trig"
    turtle = "turtle"
    ntriples = "ntriples"
    jsonld = "jsonld"
    rdfxml = "rdfxml"


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
    from kg.export.formats import export_rdf

    kg = KnowledgeGraph.load(graph)
    if out_path is None or str(out_path) == "-":
        export_rdf(kg.store, sys.stdout.buffer, fmt.value)
        sys.stdout.buffer.flush()
        return
    export_rdf(kg.store, out_path, fmt.value)
    err.print(f"kg: wrote {out_path} ({fmt.value}, {len(kg.store):,} quads)", markup=False, highlight=False)


@app.command()
def explore(
    graph: GraphOption = DEFAULT_OUT,
    out_path: Annotated[Path, typer.Option("--out", "-o", help="HTML file to write (atomically).")] = Path(
        "explorer.html"
    ),
    focus: Annotated[
        str | None,
        typer.Option("--focus", help="Only the ego network of this node: label, alias, paper title or IRI."),
    ] = None,
    depth: Annotated[int, typer.Option("--depth", min=1, max=2, help="Radius of the ego network.")] = 1,
    max_nodes: Annotated[
        int, typer.Option("--max-nodes", min=1, help="Keep at most this many nodes, highest degree first.")
    ] = 5000,
    full: Annotated[
        bool, typer.Option("--full", help="Every entity, not only those with a paper role or 2+ mentions.")
    ] = False,
) -> None:
    """Write the offline HTML explorer of a built graph, or of one node's ego network."""
    import logging

    from kg.api import KnowledgeGraph
    from kg.export.html import find_nodes, write_explorer
    from kg.graph.nx import core_view

    logging.basicConfig(level=logging.WARNING, format="kg: warning: %(message)s", stream=sys.stderr)
    G = KnowledgeGraph.load(graph).to_networkx()
    drawn = G if full else core_view(G)
    center = None
    if focus is not None:
        found = find_nodes(drawn, focus)
        if not found:
            hint = " (it is only mentioned once: add --full)" if find_nodes(G, focus) else ""
            raise KgError(f"no node is called {focus!r}{hint}; search for it with kg query")
        center = found[0]
        if len(found) > 1:
            err.print(f"kg: {len(found)} nodes are called {focus!r}: the best connected", markup=False)
    page = write_explorer(drawn, out_path, max_nodes=max_nodes, focus=center, depth=depth)
    err.print(f"kg: wrote {page} ({page.stat().st_size / 1e6:.1f} MB)", markup=False, highlight=False)


@app.command()
def serve(
    store: Annotated[
        Path,
        typer.Option("--store", help="The Oxigraph store to serve (or an output folder holding store/)."),
    ] = DEFAULT_OUT / "store",
    host: Annotated[
        str, typer.Option("--host", help="Address to listen on (loopback by default).")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", "-p", help="Port to listen on (0: any free port).")] = 7878,
    timeout: Annotated[float, typer.Option("--timeout", help="Seconds a query may run.")] = 10.0,
    max_rows: Annotated[
        int, typer.Option("--max-rows", help="Most result rows or triples (0: no limit).")
    ] = 100_000,
    workers: Annotated[int, typer.Option("--workers", help="Queries run at once (one process each).")] = 4,
    memory_mb: Annotated[
        int, typer.Option("--memory-mb", help="Memory limit per query worker, MB (0: none).")
    ] = 4096,
    queries: Annotated[
        Path, typer.Option("--queries", help="Example queries shown on the page at /.")
    ] = QUERIES_DIR,
    in_memory: Annotated[
        bool,
        typer.Option(
            "--in-memory/--on-disk",
            help="Each worker queries an in-memory copy of the store (~10x faster), or the store files.",
        ),
    ] = True,
) -> None:
    """Serve the store as a read-only SPARQL 1.1 endpoint (/sparql) with a query page (/)."""
    import logging
    import signal

    from kg.serve import make_server

    def stop(_signum, _frame) -> None:
        raise KeyboardInterrupt

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s", stream=sys.stderr)
    try:
        server = make_server(
            store,
            host=host,
            port=port,
            workers=workers,
            timeout=timeout,
            max_rows=max_rows,
            memory_mb=memory_mb,
            in_memory=in_memory,
            queries=queries,
        )
    except OSError as exc:
        raise KgError(f"{host}:{port}: cannot listen: {exc.strerror or exc}; choose another --port") from None
    signal.signal(signal.SIGTERM, stop)
    if host not in ("127.0.0.1", "localhost", "::1"):
        err.print(f"kg: warning: listening on {host}: other machines can query this store", markup=False)
    err.print(
        f"kg: serving {server.pool.path} at {server.url} (SPARQL endpoint {server.url}sparql; read-only; "
        f"{workers} workers, {timeout:g} s per query, max {max_rows:,} rows); Ctrl+C stops",
        markup=False,
        highlight=False,
    )
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


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
    from kg.push import push as push_graphs

    kg = KnowledgeGraph.load(graph)
    with _progress("pushing") as progress:
        task = progress.add_task("push", total=None)

        def on_graph(done: int, total: int) -> None:
            progress.update(task, completed=done, total=total)

        report = push_graphs(kg.store, endpoint, method=method, timeout=timeout, on_graph=on_graph)
    out.print(
        f"pushed {report.graphs} graphs ({report.triples:,} triples, {report.bytes / 1e6:.1f} MB) "
        f"to {endpoint} in {report.seconds:.1f} s",
        markup=False,
        highlight=False,
    )


def main() -> None:
    """Console entry point: run the app, turning user errors into one line and exit code 2."""
    try:
        app()
    except KgError as exc:
        err.print(f"kg: error: {exc}", markup=False, highlight=False)
        sys.exit(2)


if __name__ == "__main__":
    main()
