"""Extraction on a Dask LocalCluster gives what extraction on this machine gives."""

from __future__ import annotations

import pytest

from kg.cache import ExtractionCache
from kg.execute import extract_missing
from kg.extract.fingerprint import extractor_fingerprint

distributed = pytest.importorskip("distributed")


@pytest.fixture(scope="module")
def cluster():
    with distributed.LocalCluster(
        n_workers=1, threads_per_worker=1, processes=True, dashboard_address=None
    ) as c:
        yield c


def test_dask_executor_gives_the_local_results(sample_corpus, cluster) -> None:
    papers = sample_corpus.papers[20:27]
    local = ExtractionCache(":memory:", extractor_fingerprint())
    on_dask = ExtractionCache(":memory:", extractor_fingerprint())
    assert extract_missing(local, papers, jobs=1) == (len(papers), [])
    assert extract_missing(
        on_dask, papers, executor="dask", scheduler=cluster.scheduler_address, batch_size=3
    ) == (
        len(papers),
        [],
    )
    assert list(on_dask.extractions(papers)) == list(local.extractions(papers))


def test_dask_executor_unreachable_scheduler_is_a_clear_error(sample_corpus, monkeypatch) -> None:
    from kg.errors import KgError
    from kg.execute import dask

    monkeypatch.setattr(dask, "CONNECT_SECONDS", 1)
    cache = ExtractionCache(":memory:", extractor_fingerprint())
    with pytest.raises(KgError, match="cannot reach the Dask scheduler"):
        extract_missing(cache, sample_corpus.papers[:1], executor="dask", scheduler="tcp://127.0.0.1:9")
