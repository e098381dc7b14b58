"""``kg build``: read papers, extract, link, build the graph and write every output."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from kg.cli.app import DEFAULT_OUT, app, err, out, progress_bar
from kg.errors import ValidationError


class Inference(StrEnum):
    rdfs = "rdfs"
    owlrl = "owlrl"


@app.command()
def build(
    paths: Annotated[
        list[Path],
        typer.Argument(help="Files or folders of papers (.txt page dumps, .jsonl, .json, .csv)."),
    ],
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

    with progress_bar("extracting") as progress:
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
