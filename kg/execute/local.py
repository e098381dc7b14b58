"""Extraction on this machine: in this process, or over ``jobs`` worker processes.

Workers are spawned (not forked: the parent may run threads, such as the progress display)
and each loads the pipeline once. A worker that dies (out of memory, killed) costs only its
batch: the batch is redone one paper per task in a new pool, and a paper that kills its
worker again is reported as failed, not cached.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool

from kg.cache import CachedResult, cache_key
from kg.execute.work import extract_batch, warm_up
from kg.types import Paper

Results = Iterator[tuple[list[Paper], list[CachedResult]]]


def run_local(batches: list[list[Paper]], fingerprint: str, *, jobs: int) -> Results:
    """Yield each batch with its results, as batches finish."""
    if jobs <= 1:
        for batch in batches:
            yield batch, extract_batch(batch, fingerprint)
        return
    broken: list[list[Paper]] = []
    yield from _pool(batches, fingerprint, jobs, broken)
    for batch in broken:  # one paper per task, so that a paper that kills a worker is found
        dead: list[list[Paper]] = []
        yield from _pool([[paper] for paper in batch], fingerprint, jobs, dead)
        for (paper,) in dead:
            message = "the extraction process died (out of memory or killed)"
            yield [paper], [CachedResult(cache_key(fingerprint, paper), None, message, transient=True)]


def _pool(batches: list[list[Paper]], fingerprint: str, jobs: int, broken: list[list[Paper]]) -> Results:
    """Run ``batches`` on a pool of ``jobs`` processes, at most two batches in flight per job;
    batches lost to a dead worker are appended to ``broken``."""
    context = multiprocessing.get_context("spawn")
    pending: dict[Future, list[Paper]] = {}
    queue = iter(batches)
    with ProcessPoolExecutor(jobs, mp_context=context, initializer=warm_up) as pool:

        def submit() -> bool:
            batch = next(queue, None)
            if batch is None:
                return False
            try:
                pending[pool.submit(extract_batch, batch, fingerprint)] = batch
            except BrokenProcessPool:
                broken.append(batch)
            return True

        for _ in range(2 * jobs):
            submit()
        while pending:
            finished, _ = wait(pending, return_when=FIRST_COMPLETED)
            for future in finished:
                batch = pending.pop(future)
                try:
                    results = future.result()
                except BrokenProcessPool:
                    broken.append(batch)
                    continue
                yield batch, results
                submit()
        broken.extend(queue)  # never submitted: the pool broke first
