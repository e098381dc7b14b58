"""``kg push``: upload the named graphs to a SPARQL server with the Graph Store HTTP Protocol.

Each named graph (one per paper, the entities, the ontology) is sent as N-Triples in one request
to ``ENDPOINT?graph=IRI`` (SPARQL 1.1 Graph Store HTTP Protocol, indirect graph identification):
``PUT`` replaces that graph on the server, so pushing twice leaves the same data, and graphs the
server holds that are not ours are left alone; ``POST`` adds the triples to what is there.
Requests go over one keep-alive connection.

Endpoints: Oxigraph server ``http://HOST:7878/store``, Apache Jena Fuseki
``http://HOST:3030/DATASET/data``, Virtuoso ``http://HOST:8890/sparql-graph-crud``
(authenticated variants need credentials, which ``kg push`` does not send yet), QLever has no
Graph Store Protocol: load the N-Quads export instead (see the README).
"""

from __future__ import annotations

import http.client
import time
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import quote, urlsplit

import pyoxigraph as ox

from kg.errors import KgError

METHODS = ("PUT", "POST")


class PushError(KgError):
    """The server could not be reached or refused a graph."""


@dataclass(frozen=True)
class PushReport:
    """What was sent: graphs, triples, bytes and the time it took."""

    endpoint: str
    graphs: int
    triples: int
    bytes: int
    seconds: float


def _graphs(store: ox.Store) -> list[ox.NamedNode | ox.BlankNode | ox.DefaultGraph]:
    graphs: list = sorted(store.named_graphs(), key=str)
    if next(iter(store.quads_for_pattern(None, None, None, ox.DefaultGraph())), None) is not None:
        graphs.append(ox.DefaultGraph())
    return graphs


def push(
    store: ox.Store,
    endpoint: str,
    *,
    method: str = "PUT",
    timeout: float = 60.0,
    on_graph: Callable[[int, int], None] | None = None,
) -> PushReport:
    """Send every graph of ``store`` to the Graph Store endpoint ``endpoint`` (see the module docstring).

    ``on_graph(done, total)`` is called after each graph. Raises :class:`PushError` with the
    server's answer on the first graph it refuses.
    """
    method = method.upper()
    if method not in METHODS:
        raise PushError(f"--method {method}: use PUT (replace each graph) or POST (add to it)")
    url = urlsplit(endpoint)
    if url.scheme not in ("http", "https") or not url.hostname:
        raise PushError(
            f"{endpoint}: not an http(s) URL of a Graph Store endpoint, e.g. http://127.0.0.1:7878/store"
        )
    graphs = _graphs(store)
    started = time.perf_counter()
    connection = _Connection(url.scheme, url.hostname, url.port, timeout)
    triples = sent = 0
    try:
        for done, graph in enumerate(graphs, start=1):
            if isinstance(graph, ox.BlankNode):
                continue  # a graph named by a blank node cannot be named in a request
            target = (
                "default" if isinstance(graph, ox.DefaultGraph) else "graph=" + quote(graph.value, safe="")
            )
            body = store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=graph)
            path = (url.path or "/") + ("?" + url.query + "&" if url.query else "?") + target
            status, reason, answer = connection.request(method, path, body, endpoint)
            if status not in (200, 201, 204):
                excerpt = " ".join(answer.decode("utf-8", "replace").split())[:300]
                raise PushError(
                    f"{endpoint}: {method} of graph {graph} answered {status} {reason}: {excerpt}"
                )
            triples += body.count(b"\n")
            sent += len(body)
            if on_graph is not None:
                on_graph(done, len(graphs))
    finally:
        connection.close()
    return PushReport(endpoint, len(graphs), triples, sent, time.perf_counter() - started)


class _Connection:
    """One keep-alive HTTP connection, reopened once if the server closed it between requests."""

    def __init__(self, scheme: str, host: str, port: int | None, timeout: float) -> None:
        self._make = (
            (lambda: http.client.HTTPSConnection(host, port, timeout=timeout))
            if scheme == "https"
            else (lambda: http.client.HTTPConnection(host, port, timeout=timeout))
        )
        self._conn = self._make()

    def request(self, method: str, path: str, body: bytes, endpoint: str) -> tuple[int, str, bytes]:
        headers = {"Content-Type": "application/n-triples", "Content-Length": str(len(body))}
        for attempt in (1, 2):
            try:
                self._conn.request(method, path, body=body, headers=headers)
                response = self._conn.getresponse()
                return response.status, response.reason, response.read()
            except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError):
                self._conn.close()
                self._conn = self._make()
                if attempt == 2:
                    raise PushError(f"{endpoint}: the server closed the connection") from None
            except (OSError, http.client.HTTPException) as exc:
                raise PushError(f"{endpoint}: cannot reach the server: {exc}; is it running?") from None
        raise AssertionError("unreachable")

    def close(self) -> None:
        self._conn.close()
