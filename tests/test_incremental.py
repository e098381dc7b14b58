"""Incremental and resumable builds: what the cache holds is never extracted again, and the
graph is always the graph of a clean build of the same papers."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kg import KnowledgeGraph
from kg.cache import CachedResult, ExtractionCache, encode
from kg.extract.fingerprint import extractor_fingerprint
from kg.extract.pipeline import extract
from kg.sources import read_corpus
from tests.helpers import graph_digests, kg


@pytest.fixture(scope="module")
def halves(sample_corpus, tmp_path_factory) -> tuple[Path, Path]:
    """Four sample papers, and those with four more, as two JSONL files."""
    folder = tmp_path_factory.mktemp("papers")
    lines = [
        json.dumps({"id": p.id, "title": p.title, "abstract": p.abstract, "date": p.date}) + "\n"
        for p in sample_corpus.papers[:8]
    ]
    (folder / "half.jsonl").write_text("".join(lines[:4]), encoding="utf-8")
    (folder / "all.jsonl").write_text("".join(lines), encoding="utf-8")
    return folder / "half.jsonl", folder / "all.jsonl"


@pytest.fixture(scope="module")
def clean(halves) -> KnowledgeGraph:
    """All the papers built from nothing."""
    return KnowledgeGraph.build([halves[1]], jobs=1)


def test_incremental_more_papers_extracts_only_the_new_ones(halves, clean, tmp_path: Path) -> None:
    cache = tmp_path / "cache.sqlite"
    first = KnowledgeGraph.build([halves[0]], cache=cache, jobs=1)
    again = KnowledgeGraph.build([halves[1]], cache=cache, jobs=1)
    assert again.report.extracted == again.report.papers - first.report.papers > 0
    assert graph_digests(again.store) == graph_digests(clean.store)


def test_incremental_same_papers_extract_nothing(halves, clean, tmp_path: Path) -> None:
    cache = tmp_path / "cache.sqlite"
    KnowledgeGraph.build([halves[1]], cache=cache, jobs=1)
    again = KnowledgeGraph.build([halves[1]], cache=cache, jobs=1)
    assert again.report.extracted == 0
    assert graph_digests(again.store) == graph_digests(clean.store)


def test_incremental_resume_after_a_kill_redoes_only_the_rest(halves, clean, tmp_path: Path) -> None:
    """A killed build leaves the batches it finished in the cache: here, the first three papers."""
    cache_path = tmp_path / "cache.sqlite"
    papers = read_corpus([halves[1]]).papers
    with ExtractionCache(cache_path, extractor_fingerprint()) as cache:
        cache.put([CachedResult(cache.key(ex.paper), encode(ex)) for ex in extract(papers[:3])])
    resumed = KnowledgeGraph.build([halves[1]], cache=cache_path, jobs=1)
    assert resumed.report.extracted == len(papers) - 3
    assert graph_digests(resumed.store) == graph_digests(clean.store)


def test_incremental_results_of_another_extractor_are_not_mixed_in(halves, clean, tmp_path: Path) -> None:
    cache_path = tmp_path / "cache.sqlite"
    papers = read_corpus([halves[1]]).papers
    with ExtractionCache(cache_path, "kg-rules/0.0.1/older") as old:
        stale = [ex for ex in extract(papers) if ex.mentions]
        stale = [type(ex)(ex.paper, ex.mentions[:1]) for ex in stale]  # an older extractor's output
        old.put([CachedResult(old.key(ex.paper), encode(ex)) for ex in stale])
    rebuilt = KnowledgeGraph.build([halves[1]], cache=cache_path, jobs=1)
    assert rebuilt.report.extracted == len(papers)
    assert graph_digests(rebuilt.store) == graph_digests(clean.store)


def test_incremental_cli_rebuild_says_nothing_was_extracted(halves, tmp_path: Path) -> None:
    out = tmp_path / "out"
    first = kg("build", halves[0], "--out", out, "--quiet")
    assert first.code == 0, first.stderr
    assert "extracted)" in first.stdout and " 0 extracted" not in first.stdout
    again = kg("build", halves[0], "--out", out, "--quiet", "--formats", "nq")
    assert again.code == 0, again.stderr
    assert ", 0 extracted)" in again.stdout
    assert sorted(p.name for p in out.iterdir() if not p.name.startswith(".")) == [
        "cache",
        "catalog.sqlite",
        "kg.nq",
        "problems.txt",
        "stats.json",
        "store",
    ]


def test_incremental_stats_json_holds_what_the_store_counts(halves, tmp_path: Path) -> None:
    from kg.graph.stats import graph_counts

    KnowledgeGraph.build([halves[0]], jobs=1).save(tmp_path, formats=[])
    loaded = KnowledgeGraph.load(tmp_path)
    assert loaded._stats is not None  # read from stats.json, not counted
    assert loaded.stats() == {**graph_counts(loaded.store), "edges": loaded.stats()["edges"]}
    assert dict(loaded.stats()["edges"]) == graph_counts(loaded.store)["edges"]


def test_incremental_unknown_output_format_fails_before_any_work(halves, tmp_path: Path) -> None:
    run = kg("build", halves[0], "--out", tmp_path / "out", "--formats", "nq,pdf")
    assert run.code == 2 and len(run.lines) == 1
    assert run.lines[0].startswith("kg: error: unknown output format pdf: use nq, trig")
    assert not (tmp_path / "out" / "cache").exists()
