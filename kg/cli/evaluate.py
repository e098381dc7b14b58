"""``kg evaluate``: score the extractor on SciERC, or a built graph's paper roles on hand-annotated papers."""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from kg.cli.app import DEFAULT_OUT, GraphOption, app, out
from kg.errors import InputError


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

    from kg.evaluation.scierc import evaluate as run_evaluation

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
    from kg.evaluation.roles import evaluate_roles

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
