"""Extraction over local processes: the same results whatever the jobs and the batch size."""

from __future__ import annotations

from kg.cache import ExtractionCache
from kg.execute import extract_missing
from kg.execute.local import run_local
from kg.extract.fingerprint import extractor_fingerprint


def test_local_results_do_not_depend_on_jobs_or_batches(sample_corpus) -> None:
    papers = sample_corpus.papers[:12]
    fingerprint = extractor_fingerprint()
    one = {r.key: r for _, results in run_local([papers], fingerprint, jobs=1) for r in results}
    batches = [papers[i : i + 5] for i in range(0, len(papers), 5)]
    two = {r.key: r for _, results in run_local(batches, fingerprint, jobs=2) for r in results}
    assert one == two
    assert len(one) == len(papers) and all(r.data for r in one.values())


def test_extract_missing_extracts_only_what_the_cache_lacks(sample_corpus) -> None:
    papers = sample_corpus.papers[:6]
    cache = ExtractionCache(":memory:", extractor_fingerprint())
    assert extract_missing(cache, papers[:4], jobs=1, batch_size=3) == (4, [])
    batches: list[int] = []
    assert extract_missing(cache, papers, jobs=1, on_batch=batches.append) == (2, [])
    assert batches == [2]
    assert extract_missing(cache, papers, jobs=1) == (0, [])
