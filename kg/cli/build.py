"""``kg build``: read papers, extract, link, build the graph and write every output."""

from __future__ import annotations

import tempfile
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from kg.atomic import write_text
from kg.cli.app import DEFAULT_OUT, app, out, progress_bar, say
from kg.errors import KgError, ValidationError

if TYPE_CHECKING:
    from kg.api import BuildReport


class Inference(StrEnum):
    rdfs = "rdfs"
    owlrl = "owlrl"


@app.command()
def build(
    paths: Annotated[
        list[Path],
        typer.Argument(
            help="Files or folders of papers: JSON lines (arXiv, OpenAlex, Semantic Scholar, OpenReview "
            "exports too), CSV/TSV, BibTeX, arXiv Atom, page dumps; gzip, bz2, xz. See docs/input-formats.md."
        ),
    ],
    out_dir: Annotated[Path, typer.Option("--out", "-o", help="Where to write the outputs.")] = DEFAULT_OUT,
    store: Annotated[
        Path | None, typer.Option("--store", help="Where to write the Oxigraph store (default: OUT/store).")
    ] = None,
    infer: Annotated[
        Inference | None,
        typer.Option("--infer", help="Also materialise RDFS or OWL-RL entailments (kgid:graph/inferred)."),
    ] = None,
    strict: Annotated[
        bool, typer.Option("--strict", help="Exit 1 when any file, row or paper could not be used.")
    ] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress display.")] = False,
) -> None:
    """Read papers, extract entities and roles, build the graph and write every output.

    What could not be used is listed in OUT/problems.txt; the rest is built all the same.
    """
    from kg.api import KnowledgeGraph

    check_output_folder(out_dir)
    with progress_bar(quiet=quiet) as progress:
        task = progress.add_task("reading", total=None)

        def on_stage(name: str) -> None:
            progress.update(task, description=name)

        def on_paper(done: int, total: int) -> None:
            progress.update(task, completed=done, total=total)

        kg = KnowledgeGraph.build(paths, on_paper=on_paper, on_stage=on_stage)
        progress.update(task, description="validating", total=None)
        validation = kg.validate()
        if not validation.conforms:
            raise ValidationError(f"{validation.summary()}; nothing written (see `kg validate`)")
        if infer is not None:
            progress.update(task, description="inferring")
            inferred = kg.infer(infer.value)
        progress.update(task, description="writing")
        written = kg.save(out_dir, store=store)
        report = kg.report
        write_problems(out_dir / PROBLEMS_FILE, report)
    stats = kg.stats()
    if infer is not None:
        show(
            f"inferred {inferred.inferred_triples} triples ({inferred.regime}, "
            f"from {inferred.input_triples}) in {inferred.seconds:.1f} s"
        )
    failed = f", {len(report.failures)} failed" if report.failures else ""
    show(
        f"{report.papers} papers built{failed} ({report.records_read} records read) -> "
        f"{sum(stats['entities'].values())} entities, {stats['triples']} triples "
        f"in {report.seconds:.1f} s"
    )
    show("entities: " + ", ".join(f"{t} {n}" for t, n in stats["entities"].items()))
    show(f"wrote {len(written) + 1} files to {out_dir}/: " + " ".join(sorted([*written, PROBLEMS_FILE])))
    if kg.store_report is not None:
        show(kg.store_report.summary())
    if report.empty_abstracts:
        say(f"kg: warning: {report.empty_abstracts} papers have no abstract (kept, title only)")
    for problem in report.problems[:MAX_SHOWN]:
        say(f"kg: error: {problem}")
    for failure in report.failures[:MAX_SHOWN]:
        say(f"kg: error: extraction failed: {failure}")
    for warning in report.warnings[:MAX_SHOWN]:
        say(f"kg: warning: {warning}")
    hidden = sum(
        max(0, len(lines) - MAX_SHOWN) for lines in (report.problems, report.failures, report.warnings)
    )
    if hidden:
        say(f"kg: {hidden} more problems and warnings in {out_dir / PROBLEMS_FILE}")
    if strict and (report.problems or report.failures):
        raise typer.Exit(1)


#: The file beside the outputs that lists everything a build could not use.
PROBLEMS_FILE = "problems.txt"

#: Problems, failures and warnings each shown on stderr at most this many times; all are in the file.
MAX_SHOWN = 20


def check_output_folder(out_dir: Path) -> None:
    """Fail before any work when ``out_dir`` cannot take the outputs (a file, no write permission).

    Nothing is created: the folder, or its nearest existing parent, is tried with a temporary file.
    """
    if out_dir.exists() and not out_dir.is_dir():
        raise KgError(f"--out {out_dir}: is a file, not a folder")
    existing = next(p for p in (out_dir.absolute(), *out_dir.absolute().parents) if p.exists())
    if not existing.is_dir():
        raise KgError(f"--out {out_dir}: {existing} is a file, not a folder")
    try:
        with tempfile.TemporaryFile(dir=existing):
            pass
    except OSError as error:
        raise KgError(f"--out {out_dir}: cannot write there ({error.strerror or error})") from None


def write_problems(path: Path, report: BuildReport) -> None:
    """List what the build could not use, one line each (an empty file when nothing)."""
    lines = [
        *(f"input: {problem}" for problem in report.problems),
        *(f"extraction failed: {failure}" for failure in report.failures),
        *(f"warning: {warning}" for warning in report.warnings),
    ]
    write_text(path, "".join(f"{line}\n" for line in lines))


def show(text: str) -> None:
    """One line on stdout, printed as it is (no rich markup: paths may hold ``[`` and ``]``)."""
    out.print(text, markup=False, highlight=False)
