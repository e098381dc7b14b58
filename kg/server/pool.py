"""A pool of query worker processes: parallel queries, a time limit and a memory limit per query.

Oxigraph cannot cancel a query once started, so each query runs in a worker process
(:mod:`kg.server.worker`) holding the store open read-only; a query that runs past the time limit
is stopped by killing its worker, which is then replaced. A worker also has an address-space
limit, so a query that would exhaust the machine's memory kills only its worker, and no network
(:func:`kg.server.worker.isolate_network`; :attr:`QueryPool.isolated` tells whether that held).

>>> pool = QueryPool("outputs/store", workers=2, timeout=5)  # doctest: +SKIP
>>> pool.execute("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }").body  # doctest: +SKIP
b'{"head":{"vars":["n"]},"results":{"bindings":[{"n":{"type":"literal","value":"153718",...'
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import queue
import select
import subprocess
import sys
import threading
import time
from dataclasses import dataclass

from kg.errors import GraphNotFoundError, KgError
from kg.store.disk import find_store
from kg.vocab import PREFIX_IRIS

log = logging.getLogger(__name__)

WORKER_MODULE = "kg.server.worker"


@dataclass(frozen=True)
class Answer:
    """A query's answer: HTTP status, media type and body, or an error message."""

    status: int
    media_type: str = ""
    body: bytes = b""
    rows: int = 0
    error: str = ""
    seconds: float = 0.0


class _Timeout(Exception):
    pass


class _Died(Exception):
    pass


class _Worker:
    """One worker process and the pipe protocol to it."""

    def __init__(self, argv: list[str], identity: tuple[int, int]) -> None:
        self.identity = identity
        self.isolated = False
        self.proc = subprocess.Popen(
            argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, close_fds=True
        )

    def wait_ready(self, timeout: float) -> None:
        try:
            header = self._header(timeout)
        except (_Timeout, _Died):
            self.kill()
            raise KgError("a query worker did not start; is the store readable?") from None
        if header["status"] != 200:
            self.kill()
            raise KgError(header["error"])
        self.isolated = bool(header.get("isolated"))

    def ask(self, request: dict, timeout: float) -> tuple[dict, bytes]:
        try:
            self.proc.stdin.write(json.dumps(request).encode() + b"\n")
            self.proc.stdin.flush()
        except (BrokenPipeError, OSError):
            raise _Died from None
        header = self._header(timeout)
        body = self.proc.stdout.read(header["length"]) if header["length"] else b""
        if len(body) != header["length"]:
            raise _Died
        return header, body

    def _header(self, timeout: float) -> dict:
        ready, _, _ = select.select([self.proc.stdout], [], [], max(timeout, 0.0))
        if not ready:
            raise _Timeout
        line = self.proc.stdout.readline()
        if not line:
            raise _Died
        return json.loads(line)

    def stop(self) -> None:
        """End the worker: close its input, then kill it if it lingers."""
        try:
            self.proc.stdin.close()
            self.proc.wait(timeout=2)
        except (OSError, subprocess.TimeoutExpired):
            self.kill()
        self._close_pipes()

    def kill(self) -> None:
        self.proc.kill()
        self.proc.wait()
        self._close_pipes()

    def _close_pipes(self) -> None:
        for pipe in (self.proc.stdin, self.proc.stdout):
            with contextlib.suppress(OSError):
                pipe.close()


class QueryPool:
    """``workers`` processes answering SPARQL queries on the store at ``store``, read-only.

    ``timeout`` (seconds) bounds each query's run; ``max_rows`` bounds its result (rows or
    triples; 0 = no limit); ``memory_mb`` bounds each worker's address space (0 = no limit).
    With ``in_memory`` each worker queries a private in-memory copy of the store (made when it
    starts: about 3 s and 100 MB per 150k quads) instead of the RocksDB files, which answers
    join-heavy queries several times faster (docs/performance.md has the figures).
    If the store directory is replaced (``kg build`` swaps in a new one), workers reopen it
    before their next query.
    """

    def __init__(
        self,
        store: str | os.PathLike[str],
        *,
        workers: int = 4,
        timeout: float = 10.0,
        max_rows: int = 100_000,
        memory_mb: int = 4096,
        in_memory: bool = False,
        start_timeout: float = 600.0,
    ) -> None:
        found = find_store(store)
        if found is None:
            raise GraphNotFoundError(f"{store}: no store there; build one first with `kg build`")
        if workers < 1:
            raise KgError(f"--workers must be at least 1, not {workers}")
        if timeout <= 0:
            raise KgError(f"--timeout must be positive, not {timeout}")
        self.path = found
        self.workers = workers
        self.timeout = float(timeout)
        self.max_rows = max(int(max_rows), 0)
        self.memory_mb = max(int(memory_mb), 0)
        self.in_memory = in_memory
        self.start_timeout = start_timeout
        self._prefixes = json.dumps(PREFIX_IRIS)
        self._idle: queue.LifoQueue[_Worker] = queue.LifoQueue()
        self._live: set[_Worker] = set()
        self._lock = threading.Lock()
        self._closed = False
        started = [self._start() for _ in range(workers)]
        try:
            for worker in started:
                worker.wait_ready(start_timeout)
        except KgError:
            for worker in started:
                worker.kill()
            raise
        #: Whether the workers run without network access (see :mod:`kg.server.worker`).
        self.isolated = all(worker.isolated for worker in started)
        for worker in started:
            self._idle.put(worker)

    # -- running queries -------------------------------------------------------------------

    def execute(
        self,
        query: str,
        *,
        select: str | None = "json",
        graph: str | None = "turtle",
        union: bool = True,
        default_graph: list[str] | None = None,
        named_graphs: list[str] | None = None,
    ) -> Answer:
        """Run ``query``; ``select``/``graph`` name the result format for each kind of query;
        ``default_graph``/``named_graphs`` (the protocol's dataset) replace the query's own."""
        started = time.monotonic()
        try:
            worker = self._idle.get(timeout=self.timeout)
        except queue.Empty:
            return Answer(503, error=f"all {self.workers} query workers are busy; try again in a moment")
        if self._closed:
            self._idle.put(worker)
            return Answer(503, error="the server is shutting down")
        if worker.identity != self._identity():
            log.info("the store at %s was replaced; reopening it", self.path)
            self._retire(worker)
            try:
                worker = self._spawn()
            except KgError as exc:
                return Answer(503, error=str(exc))
        request = {
            "query": query,
            "select": select,
            "graph": graph,
            "union": union,
            "default_graph": default_graph,
            "named_graphs": named_graphs,
            "max_rows": self.max_rows,
        }
        try:
            header, body = worker.ask(request, self.timeout)
        except _Timeout:
            self._retire(worker, replace=True)
            return Answer(
                503,
                error=f"the query ran for more than {self.timeout:g} s, the time limit of this endpoint, "
                "and was stopped; make it more selective (or start the server with a larger --timeout)",
                seconds=time.monotonic() - started,
            )
        except _Died:
            self._retire(worker, replace=True)
            return Answer(
                503,
                error=f"the query worker stopped while running the query (memory limit {self.memory_mb} MB "
                "per worker?); make the query more selective",
                seconds=time.monotonic() - started,
            )
        self._idle.put(worker)
        return Answer(
            header["status"],
            header["type"],
            body,
            header["rows"],
            header["error"],
            seconds=time.monotonic() - started,
        )

    def close(self) -> None:
        """Stop every worker (those running a query are killed)."""
        self._closed = True
        while True:
            try:
                worker = self._idle.get_nowait()
            except queue.Empty:
                break
            self._forget(worker)
            worker.stop()
        with self._lock:
            busy = list(self._live)
            self._live.clear()
        for worker in busy:
            worker.kill()

    def __enter__(self) -> QueryPool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- workers ---------------------------------------------------------------------------

    def _identity(self) -> tuple[int, int]:
        try:
            stat = os.stat(self.path)
        except OSError:
            return (0, 0)
        return (stat.st_dev, stat.st_ino)

    def _start(self) -> _Worker:
        argv = [
            sys.executable,
            "-P",
            "-m",
            WORKER_MODULE,
            str(self.path),
            self._prefixes,
            str(self.memory_mb),
            str(self.timeout),
            "1" if self.in_memory else "0",
        ]
        worker = _Worker(argv, self._identity())
        with self._lock:
            self._live.add(worker)
        return worker

    def _spawn(self) -> _Worker:
        worker = self._start()
        try:
            worker.wait_ready(self.start_timeout)
        except KgError:
            self._forget(worker)
            raise
        if self._closed:
            self._forget(worker)
            worker.stop()
            raise KgError("the server is shutting down")
        return worker

    def _forget(self, worker: _Worker) -> None:
        with self._lock:
            self._live.discard(worker)

    def _retire(self, worker: _Worker, *, replace: bool = False) -> None:
        """Kill ``worker``; with ``replace``, start another in the background to take its place."""
        self._forget(worker)
        worker.kill()
        if replace and not self._closed:
            threading.Thread(target=self._replace, name="kg-worker-replace", daemon=True).start()

    def _replace(self) -> None:
        try:
            self._idle.put(self._spawn())
        except KgError as exc:
            log.error("could not restart a query worker: %s", exc)
