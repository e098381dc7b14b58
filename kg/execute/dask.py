"""Extraction on a Dask cluster (``kg build --executor dask --scheduler ADDRESS``).

The same function as on one machine, :func:`kg.execute.work.extract_batch`, is mapped over
batches of papers; each worker process loads the pipeline once (it is cached per process) and
keeps it for every batch it runs. At most two batches per worker thread are in flight, so the
scheduler never holds the whole corpus. A batch whose worker died is reported, not cached.
"""

from __future__ import annotations

from collections.abc import Iterator

from kg.cache import CachedResult, cache_key
from kg.errors import KgError
from kg.execute.work import extract_batch
from kg.types import Paper

#: How long to try to reach the scheduler before giving up.
CONNECT_SECONDS = 20

Results = Iterator[tuple[list[Paper], list[CachedResult]]]


def run_on_dask(batches: list[list[Paper]], fingerprint: str, *, scheduler: object) -> Results:
    """Yield each batch with its results as the cluster at ``scheduler`` (an address, or a
    ``LocalCluster``) finishes them."""
    try:
        from distributed import Client, as_completed
    except ImportError:
        raise KgError("--executor dask needs Dask: pip install 'kg[dask]'") from None
    try:
        client = Client(scheduler, timeout=CONNECT_SECONDS)
    except OSError as error:
        raise KgError(f"cannot reach the Dask scheduler at {scheduler}: {error}") from None
    with client:
        slots = max(1, sum(client.nthreads().values())) * 2
        queue = iter(batches)
        pending = {}

        def submit() -> None:
            if (batch := next(queue, None)) is not None:
                pending[client.submit(extract_batch, batch, fingerprint, pure=False)] = batch

        for _ in range(slots):
            submit()
        running = as_completed(list(pending))
        for future in running:
            batch = pending.pop(future)
            try:
                results = future.result()
            except KgError:
                raise
            except Exception as error:  # the worker died (KilledWorker) or the task failed as a whole
                message = " ".join(f"the Dask task failed: {type(error).__name__}: {error}".split())[:300]
                results = [
                    CachedResult(cache_key(fingerprint, p), None, message, transient=True) for p in batch
                ]
            yield batch, results
            before = len(pending)
            submit()
            if len(pending) > before:
                running.add(next(reversed(pending)))
