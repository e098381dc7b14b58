"""Running extraction over many papers: in this process, over local cores, or on a Dask cluster.

Every executor maps the same pure function, :func:`kg.execute.work.extract_batch`, over batches
of the papers the cache does not have yet, and the results go into the cache a batch at a time.
What comes out depends only on the papers and the extractor, never on the executor, the
number of jobs or the batch size.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Sequence

from kg.cache import CachedResult, ExtractionCache
from kg.errors import InputError
from kg.types import Paper

#: Papers per batch: one task of a job, one transaction of the cache, what a kill can lose.
BATCH_SIZE = 64
#: Fewer papers than this per job and starting another process costs more than it saves.
MIN_PAPERS_PER_JOB = 150

Runner = Callable[[list[list[Paper]], str], Iterator[tuple[list[Paper], list[CachedResult]]]]


def default_jobs() -> int:
    """The cores this process may use."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def extract_missing(
    cache: ExtractionCache,
    papers: Sequence[Paper],
    *,
    jobs: int | None = None,
    executor: str = "local",
    scheduler: str | None = None,
    batch_size: int = BATCH_SIZE,
    on_batch: Callable[[int], None] | None = None,
) -> tuple[int, list[CachedResult]]:
    """Extract the papers ``cache`` lacks and store their results; returns (papers extracted,
    results that could not be cached: processes that died)."""
    todo = cache.missing(papers)
    if not todo:
        return 0, []
    batches = [todo[i : i + batch_size] for i in range(0, len(todo), batch_size)]
    if executor == "dask":
        from kg.execute.dask import run_on_dask

        results = run_on_dask(batches, cache.fingerprint, scheduler=scheduler)
    elif executor == "local":
        from kg.execute.local import run_local

        jobs = min(jobs or default_jobs(), max(1, len(todo) // MIN_PAPERS_PER_JOB))
        results = run_local(batches, cache.fingerprint, jobs=jobs)
    else:
        raise InputError(f"unknown executor {executor!r}: use local or dask")
    lost: list[CachedResult] = []
    for batch, batch_results in results:
        cache.put(batch_results)
        lost += [r for r in batch_results if r.transient]
        if on_batch is not None:
            on_batch(len(batch))
    return len(todo), lost
