"""``kg build``: read papers, extract, link, build the graph and write every output."""

from __future__ import annotations

import json
import tempfile
import time
from collections.abc import Sequence
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from kg.atomic import write_text
from kg.cli.app import DEFAULT_OUT, app, out, progress_bar, say
from kg.errors import KgError, ValidationError
from kg.formats import LARGE_DEFAULT, LARGE_GRAPH, OUTPUT_FORMATS, output_formats

if TYPE_CHECKING:
    from kg.api import BuildReport
    from kg.export.folder import OutputFolder


class Executor(StrEnum):
    local = "local"
    dask = "dask"


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
    formats: Annotated[
        str | None,
        typer.Option(
            "--formats",
            help=f"Comma-separated outputs to write, of {','.join(OUTPUT_FORMATS)} (default: all; "
            f"{','.join(sorted(LARGE_DEFAULT))} above {LARGE_GRAPH:,} papers).",
        ),
    ] = None,
    jobs: Annotated[
        int | None,
        typer.Option(
            "--jobs", "-j", min=1, help="Processes for extraction and validation (default: one per core)."
        ),
    ] = None,
    executor: Annotated[
        Executor, typer.Option("--executor", help="Where extraction runs: this machine, or a Dask cluster.")
    ] = Executor.local,
    scheduler: Annotated[
        str | None, typer.Option("--scheduler", help="The Dask scheduler's address, with --executor dask.")
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

    Extractions are kept in OUT/cache, so building again, or with more papers, extracts only
    the papers not seen before. The outputs of a build appear together, when all are written.
    What could not be used is listed in OUT/problems.txt; the rest is built all the same.
    """
    from kg.api import KnowledgeGraph, build_digest
    from kg.execute import default_jobs
    from kg.export.folder import OutputFolder
    from kg.sources import read_corpus

    check_output_folder(out_dir)
    chosen = None if formats is None else [f.strip() for f in formats.split(",") if f.strip()]
    if chosen is not None:
        output_formats(chosen, 0)  # an unknown name fails before any work
    if executor is Executor.dask and not scheduler:
        raise KgError("--executor dask needs --scheduler ADDRESS (tcp://host:8786)")
    with OutputFolder(out_dir) as folder, progress_bar(quiet=quiet) as progress:
        task = progress.add_task("reading", total=None)

        def on_stage(name: str) -> None:
            progress.update(task, description=name, completed=0, total=None)

        def on_paper(done: int, total: int) -> None:
            progress.update(task, completed=done, total=total)

        corpus = read_corpus(paths)
        digest = build_digest(corpus, sorted(chosen or ["default"]), infer and infer.value)
        if (unchanged := _last_build(folder)) is not None and unchanged.get("digest") == digest:
            progress.stop()
            show(
                f"nothing changed since the last build of {len(corpus.papers)} papers: {out_dir}/ is current"
            )
            _say_problems(corpus.problems, (), corpus.warnings, out_dir)
            return
        generation = folder.new_generation()
        kg = KnowledgeGraph.build(
            corpus,
            store=generation / "store",
            cache=out_dir / CACHE_FILE,
            jobs=jobs,
            executor=executor.value,
            scheduler=scheduler,
            on_paper=on_paper,
            on_stage=on_stage,
        )
        progress.update(task, description="validating", total=None)
        clock = time.perf_counter()
        validation = kg.validate(jobs=jobs or default_jobs(), on_part=on_paper)
        kg.report.stages["validating"] = round(time.perf_counter() - clock, 2)
        if not validation.conforms:
            raise ValidationError(f"{validation.summary()}; nothing written (see `kg validate`)")
        if infer is not None:
            progress.update(task, description="inferring")
            inferred = kg.infer(infer.value)
        progress.update(task, description="writing")
        clock = time.perf_counter()
        written = kg.export(generation, chosen)
        report = kg.report
        write_problems(generation / PROBLEMS_FILE, report)
        write_text(generation / BUILD_FILE, json.dumps({"digest": digest, "papers": report.papers}) + "\n")
        stats = kg.stats()
        kg.close()
        folder.commit(generation)
        report.stages["writing"] = round(time.perf_counter() - clock, 2)
    if infer is not None:
        show(
            f"inferred {inferred.inferred_triples} triples ({inferred.regime}, "
            f"from {inferred.input_triples}) in {inferred.seconds:.1f} s"
        )
    failed = f", {len(report.failures)} failed" if report.failures else ""
    show(
        f"{report.papers} papers built{failed} ({report.records_read} records read, "
        f"{report.extracted} extracted) -> {sum(stats['entities'].values())} entities, "
        f"{stats['triples']} triples in {report.seconds:.1f} s"
    )
    show("entities: " + ", ".join(f"{t} {n}" for t, n in stats["entities"].items()))
    show("seconds: " + ", ".join(f"{name} {seconds:.1f}" for name, seconds in report.stages.items()))
    show(f"wrote {len(written) + 1} outputs to {out_dir}/: " + " ".join(sorted([*written, PROBLEMS_FILE])))
    if report.empty_abstracts:
        say(f"kg: warning: {report.empty_abstracts} papers have no abstract (kept, title only)")
    _say_problems(report.problems, report.failures, report.warnings, out_dir)
    if strict and (report.problems or report.failures):
        raise typer.Exit(1)


def _say_problems(
    problems: Sequence[str], failures: Sequence[str], warnings: Sequence[str], out_dir: Path
) -> None:
    """The first problems, failures and warnings on stderr; how many more are in problems.txt."""
    for problem in problems[:MAX_SHOWN]:
        say(f"kg: error: {problem}")
    for failure in failures[:MAX_SHOWN]:
        say(f"kg: error: extraction failed: {failure}")
    for warning in warnings[:MAX_SHOWN]:
        say(f"kg: warning: {warning}")
    hidden = sum(max(0, len(lines) - MAX_SHOWN) for lines in (problems, failures, warnings))
    if hidden:
        say(f"kg: {hidden} more problems and warnings in {out_dir / PROBLEMS_FILE}")


def _last_build(folder: OutputFolder) -> dict | None:
    """What the generation the folder shows says about its build, if anything."""
    current = folder.current()
    try:
        return json.loads((current / BUILD_FILE).read_text(encoding="utf-8")) if current else None
    except (OSError, ValueError):
        return None


#: The extraction cache inside the output folder, shared by its generations.
CACHE_FILE = "cache/extractions.sqlite"
#: What a generation records about its build (the digest of its inputs and options).
BUILD_FILE = ".build.json"

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
