"""``kg serve``: a read-only SPARQL 1.1 Protocol endpoint over the on-disk store.

* ``GET /sparql?query=...``, ``POST /sparql`` with a form (``query=...``) or an
  ``application/sparql-query`` body.
* Dataset (SPARQL 1.1): ``default-graph-uri`` / ``named-graph-uri`` define it when given, else the
  query's ``FROM`` / ``FROM NAMED``; with neither, the default graph is the union of the named
  graphs, one per paper (as in ``kg query``).
* SELECT and ASK answers as SPARQL JSON (the default), XML, CSV or TSV, CONSTRUCT and DESCRIBE
  answers as Turtle (the default), N-Triples, JSON-LD or RDF/XML, chosen by ``Accept`` (or a
  ``format=`` parameter: json, xml, csv, tsv, turtle, ntriples, jsonld, rdfxml, or a media type);
  the formats are those of :mod:`kg.formats`.
* ``GET /store?graph=IRI`` reads one named graph (SPARQL 1.1 Graph Store Protocol, reads only).
* ``GET /`` is a small offline page to type a query and see the table, listing ``queries/*.rq``.

Read-only and contained: whether a query may run is decided from its parse tree
(:mod:`kg.server.guard`: updates and ``SERVICE`` are refused with 403), and the query workers
have no network (:mod:`kg.server.worker`), so the endpoint sends no request anywhere; Graph Store
writes (PUT, DELETE, POST on /store) get 405. Each query runs in a worker process
(:mod:`kg.server.pool`) with a time limit (503 past it; parsing counts), a row limit (422 past it)
and a memory limit.

HTTP is Starlette on uvicorn (h11): connections are served by one event loop, not a thread each;
request parsing follows the HTTP RFCs (conflicting ``Content-Length`` headers get 400); the
limits are settings of :func:`make_server` (body size, time to send a body, idle keep-alive,
open connections). Nothing that parses or runs a query happens in the event loop: queries go to
the workers through a few threads, so a slow or hostile query never holds up another request.
The server binds 127.0.0.1 unless told otherwise.

Status codes: 200; 400 malformed query, parameters or HTTP request; 403 update or SERVICE; 404
unknown path or graph; 405 write method; 406 no acceptable media type; 408 request body too slow;
413 request body over 1 MiB; 415 unknown POST content type; 422 too many result rows; 503 time
limit, memory limit, all workers busy or too many connections.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import html
import json
import logging
import os
import socket
import threading
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs

import anyio
import pyoxigraph as ox
import uvicorn
from starlette.applications import Starlette
from starlette.requests import ClientDisconnect, Request
from starlette.responses import Response
from starlette.routing import Route

from kg import __version__
from kg.formats import DATASET_FORMATS, RDF_FORMATS, RESULT_FORMATS
from kg.server.explore import ExplorerSite
from kg.server.pool import Answer, QueryPool
from kg.store.disk import find_store
from kg.vocab import PREFIXES

log = logging.getLogger(__name__)

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 7878
MAX_BODY = 1 << 20
MAX_DISCARD = 16 * MAX_BODY  # a larger refused body is cut off rather than read
QUERY_PATHS = ("/sparql", "/query")
METHODS = ["GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS"]

_GRAPH_FORMATS = {name: fmt for name, fmt in RDF_FORMATS.items() if fmt not in DATASET_FORMATS}
#: Accept media type -> format name, for SELECT/ASK and for CONSTRUCT/DESCRIBE answers: each
#: format's own media type (from :mod:`kg.formats`) and the generic ones clients also send.
SELECT_TYPES = {fmt.media_type.split(";")[0]: name for name, fmt in RESULT_FORMATS.items()} | {
    "application/json": "json",
    "application/xml": "xml",
    "text/xml": "xml",
}
GRAPH_TYPES = {fmt.media_type.split(";")[0]: name for name, fmt in _GRAPH_FORMATS.items()} | {
    "application/x-turtle": "turtle",
    "text/plain": "ntriples",
    "application/json": "jsonld",
    "application/xml": "rdfxml",
}
#: ``format=`` parameter -> (SELECT/ASK format, CONSTRUCT/DESCRIBE format): the format names, and
#: each format's file extension.
FORMAT_PARAM = (
    {name: (name, None) for name in RESULT_FORMATS}
    | {name: (None, name) for name in _GRAPH_FORMATS}
    | {fmt.file_extension: (None, name) for name, fmt in _GRAPH_FORMATS.items()}
    | {"json": ("json", "jsonld"), "xml": ("xml", "rdfxml")}
)


class HttpError(Exception):
    """An error answer: status, one-line message, extra headers."""

    def __init__(self, status: int, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.headers = headers or {}


def negotiate(accept: str | None, types: dict[str, str], default: str) -> str | None:
    """The format to answer in for an ``Accept`` header (highest q first; None if nothing fits)."""
    entries = []
    for position, part in enumerate((accept or "").split(",")):
        fields = [f.strip() for f in part.split(";")]
        media_type = fields[0].lower()
        if not media_type:
            continue
        q = 1.0
        for param in fields[1:]:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        entries.append((-q, position, media_type))
    if not entries:
        return default
    for negative_q, _, media_type in sorted(entries):
        if negative_q >= 0:
            break
        if media_type in ("*/*", "*"):
            return default
        if media_type.endswith("/*"):
            family = [f for t, f in types.items() if t.startswith(media_type[:-1])]
            if family:
                return default if default in family else family[0]
        elif media_type in types:
            return types[media_type]
    return None


# -- the page at / -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Example:
    name: str
    description: str
    query: str


def read_examples(folder: str | os.PathLike[str] | None) -> list[Example]:
    """The named queries of ``folder`` (``*.rq``), with their leading ``#`` comment as description."""
    if folder is None or not Path(folder).is_dir():
        return []
    examples = []
    for path in sorted(Path(folder).glob("*.rq")):
        text = path.read_text(encoding="utf-8")
        comment = []
        for line in text.splitlines():
            if not line.startswith("#"):
                break
            comment.append(line.lstrip("#").strip())
        examples.append(Example(path.stem, " ".join(comment), text))
    return examples


_STYLE = """
body { font: 15px/1.45 system-ui, sans-serif; margin: 0 auto; max-width: 80rem; padding: 0 1rem 3rem;
  color: #222; }
h1 { font-size: 1.4rem; margin: 1rem 0 .2rem; } h2 { font-size: 1.05rem; margin: 1.2rem 0 .4rem; }
code, textarea, pre { font: 13px/1.4 ui-monospace, monospace; }
.meta { color: #555; margin: 0; }
#examples { display: grid; grid-template-columns: repeat(auto-fill, minmax(22rem, 1fr)); gap: .3rem .8rem;
  list-style: none; padding: 0; margin: 0; }
#examples button { font-weight: 600; margin-right: .4rem; cursor: pointer; }
#examples span { color: #555; font-size: 13px; }
textarea { width: 100%; box-sizing: border-box; min-height: 12rem; padding: .5rem; }
.bar { display: flex; gap: .8rem; align-items: center; margin: .4rem 0; flex-wrap: wrap; }
#status { color: #555; } .error { color: #a00; white-space: pre-wrap; }
table { border-collapse: collapse; width: 100%; font-size: 13px; }
th, td { border: 1px solid #ddd; padding: .25rem .4rem; text-align: left; vertical-align: top; }
th { background: #f4f4f4; position: sticky; top: 0; } td { overflow-wrap: anywhere; }
pre { background: #f7f7f7; padding: .6rem; overflow: auto; }
"""

_SCRIPT = """
(() => {
  const examples = JSON.parse(document.getElementById("kg-examples").textContent);
  const form = document.getElementById("form"), query = document.getElementById("query");
  const status = document.getElementById("status"), result = document.getElementById("result");
  const links = document.querySelectorAll("a[data-format]");
  for (const button of document.querySelectorAll("button[data-example]")) {
    button.addEventListener("click", () => {
      query.value = examples[Number(button.dataset.example)].query;
      run();
    });
  }
  form.addEventListener("submit", (event) => { event.preventDefault(); run(); });
  query.addEventListener("keydown", (event) => {
    if ((event.ctrlKey || event.metaKey) && event.key === "Enter") { event.preventDefault(); run(); }
  });
  function cell(term) {
    if (!term) return "";
    if (term.type === "triple") {
      return "<< " + ["subject", "predicate", "object"].map((k) => cell(term.value[k])).join(" ") + " >>";
    }
    if (term.type === "bnode") return "_:" + term.value;
    return term.value;
  }
  function table(data) {
    const t = document.createElement("table"), head = t.createTHead().insertRow(), body = t.createTBody();
    for (const name of data.head.vars) {
      const th = document.createElement("th");
      th.textContent = name;
      head.appendChild(th);
    }
    for (const binding of data.results.bindings) {
      const row = body.insertRow();
      for (const name of data.head.vars) {
        const td = row.insertCell(), term = binding[name];
        td.textContent = cell(term);
        if (term && term.datatype) td.title = term.datatype;
        if (term && term["xml:lang"]) td.title = "@" + term["xml:lang"];
      }
    }
    return [t, data.results.bindings.length + " rows"];
  }
  async function run() {
    const text = query.value, started = performance.now();
    status.textContent = "running…";
    for (const a of links) {
      a.href = "sparql?" + new URLSearchParams({ query: text, format: a.dataset.format });
    }
    let response, body;
    try {
      response = await fetch("sparql", {
        method: "POST", body: new URLSearchParams({ query: text }),
        headers: { Accept: "application/sparql-results+json, text/turtle;q=0.9" },
      });
      body = await response.text();
    } catch (error) {
      status.textContent = ""; result.replaceChildren(); const p = document.createElement("p");
      p.className = "error"; p.textContent = String(error); result.appendChild(p); return;
    }
    const ms = Math.round(performance.now() - started);
    result.replaceChildren();
    if (!response.ok) {
      const p = document.createElement("p"); p.className = "error";
      p.textContent = response.status + " " + response.statusText + ": " + body;
      result.appendChild(p); status.textContent = ms + " ms"; return;
    }
    const type = response.headers.get("Content-Type") || "";
    if (type.startsWith("application/sparql-results+json")) {
      const data = JSON.parse(body);
      if ("boolean" in data) {
        const p = document.createElement("p"); p.textContent = "ASK: " + data.boolean; result.appendChild(p);
        status.textContent = ms + " ms"; return;
      }
      const [node, summary] = table(data);
      result.appendChild(node); status.textContent = summary + " · " + ms + " ms"; return;
    }
    const pre = document.createElement("pre"); pre.textContent = body; result.appendChild(pre);
    status.textContent = ms + " ms";
  }
})();
"""


def _csp_hash(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"


#: The page inlines its style and script (no CDN, no other request) and allows nothing else.
PAGE_CSP = (
    f"default-src 'none'; script-src {_csp_hash(_SCRIPT)}; style-src {_csp_hash(_STYLE)}; "
    "connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
)


def _json_for_script(value: object) -> str:
    """JSON that cannot end its <script> element early."""
    text = json.dumps(value, ensure_ascii=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def render_page(examples: list[Example], *, store: str, settings: str) -> bytes:
    """The page at ``/``: example list, query box, results table; works with no network."""
    items = "\n".join(
        f'<li><button type="button" data-example="{i}">{html.escape(e.name)}</button>'
        f"<span>{html.escape(e.description)}</span></li>"
        for i, e in enumerate(examples)
    )
    prefixes = " ".join(f"{name}:" for name in PREFIXES)
    first = (
        examples[0].query
        if examples
        else "SELECT ?paper ?title WHERE {\n  ?paper a kg:Paper ; dcterms:title ?title .\n} LIMIT 10\n"
    )
    data = [{"name": e.name, "query": e.query} for e in examples]
    page = f"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>kg · SPARQL endpoint</title>
<style>{_STYLE}</style>
</head>
<body>
<h1>kg · SPARQL endpoint</h1>
<p class="meta">Read-only SPARQL 1.1 endpoint at <code>/sparql</code> (GET <code>?query=</code>, POST form or
<code>application/sparql-query</code>) over <code>{html.escape(store)}</code>. {html.escape(settings)}.
The default graph is the union of the named graphs (one per paper); prefixes predeclared:
<code>{html.escape(prefixes)}</code>.</p>
<h2>Example queries</h2>
<ul id="examples">
{items or "<li><span>no queries/*.rq found</span></li>"}
</ul>
<h2>Query</h2>
<form id="form" action="sparql" method="get">
<textarea id="query" name="query" spellcheck="false" aria-label="SPARQL query">{html.escape(first)}</textarea>
<div class="bar"><button type="submit">Run (Ctrl+Enter)</button><span id="status"></span>
<span>download: <a data-format="csv">CSV</a> · <a data-format="tsv">TSV</a> · <a data-format="json">JSON</a> ·
<a data-format="xml">XML</a></span></div>
</form>
<div id="result"></div>
<script id="kg-examples" type="application/json">{_json_for_script(data)}</script>
<script>{_SCRIPT}</script>
</body>
</html>
"""
    return page.encode()


# -- HTTP --------------------------------------------------------------------------------------


class Endpoint:
    """The Starlette app: routes each request (see the module docstring) and sends queries to the pool."""

    def __init__(
        self, pool: QueryPool, page: bytes, *, body_timeout: float, explorer: ExplorerSite | None = None
    ) -> None:
        self.pool = pool
        self.page = page
        self.explorer = explorer
        self.body_timeout = body_timeout
        # Threads that wait on the workers' pipes: a few per worker, however many connections are open.
        self.limiter = anyio.CapacityLimiter(2 * pool.workers + 4)
        self.app = Starlette(routes=[Route("/{path:path}", self.handle, methods=METHODS)])

    async def handle(self, request: Request) -> Response:
        method = request.method
        path = request.url.path.rstrip("/") or "/"
        params = parse_qs(request.url.query, keep_blank_values=True)
        try:
            if method in ("PUT", "DELETE", "PATCH") or (method == "POST" and path == "/store"):
                await self._discard(request)
                raise HttpError(
                    405,
                    f"{method} is refused: this endpoint is read-only (no SPARQL Graph Store writes)",
                    {"Allow": "GET, HEAD" if path == "/store" else "GET, HEAD, POST, OPTIONS"},
                )
            if method == "OPTIONS":
                return _response(204, b"", "", {"Allow": "GET, HEAD, POST, OPTIONS"})
            if path in QUERY_PATHS or (path == "/" and (params or method == "POST")):
                return await self._sparql(request, params)
            if path == "/":
                return _response(
                    200, self.page, "text/html; charset=utf-8", {"Content-Security-Policy": PAGE_CSP}
                )
            if path == "/store":
                return await self._graph_store(request, params)
            if path in ("/explore", "/explore/search"):
                if method not in ("GET", "HEAD"):
                    raise HttpError(
                        405, f"{method} is refused: the explorer is read-only", {"Allow": "GET, HEAD"}
                    )
                return await self._explore(path, params)
            raise HttpError(
                404, f"{request.url.path}: not found; the SPARQL endpoint is /sparql, its page is /"
            )
        except HttpError as exc:
            return _error(exc.status, str(exc), exc.headers)
        except ClientDisconnect:
            return _error(400, "the client went away", {"Connection": "close"})

    async def _sparql(self, request: Request, params: dict[str, list[str]]) -> Response:
        if request.method == "POST":
            content_type = (request.headers.get("Content-Type") or "").split(";")[0].strip().lower()
            body = await self._body(request)
            if content_type == "application/x-www-form-urlencoded":
                form = parse_qs(_utf8(body), keep_blank_values=True)
                for key, values in form.items():
                    params.setdefault(key, []).extend(values)
                query = _query_param(params)
            elif content_type == "application/sparql-query":
                if "query" in params:
                    raise HttpError(400, "give the query either in the body or as ?query=, not both")
                query = _utf8(body)
            elif content_type == "application/sparql-update":
                raise HttpError(403, "SPARQL Update is refused: this endpoint is read-only")
            else:
                raise HttpError(
                    415,
                    f"POST a query as application/x-www-form-urlencoded (query=...) or as "
                    f"application/sparql-query, not {content_type or 'no Content-Type'}",
                )
        else:
            query = _query_param(params)
        select, graph = _formats(request, params)
        answer = await self._execute(
            query,
            select=select,
            graph=graph,
            default_graph=params.get("default-graph-uri"),
            named_graphs=params.get("named-graph-uri"),
        )
        return _answer(answer)

    async def _graph_store(self, request: Request, params: dict[str, list[str]]) -> Response:
        graphs = params.get("graph", [])
        if len(graphs) > 1 or (graphs and "default" in params) or not (graphs or "default" in params):
            raise HttpError(400, "give one ?graph=IRI (a named graph) or ?default (the union of all graphs)")
        if graphs:
            try:
                iri = ox.NamedNode(graphs[0]).value
            except ValueError as exc:
                raise HttpError(400, f"bad graph IRI {graphs[0]!r}: {exc}") from None
            query = f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{iri}> {{ ?s ?p ?o }} }}"
        else:
            query = "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }"
        _, graph = _formats(request, params)
        answer = await self._execute(query, select=None, graph=graph)
        if answer.status == 200 and answer.rows == 0 and graphs:
            raise HttpError(404, f"no graph <{graphs[0]}> in this store")
        return _answer(answer)

    async def _explore(self, path: str, params: dict[str, list[str]]) -> Response:
        """The explorer's overview, a node's page (``node=IRI``) or search (``q=TEXT``)."""
        site = self.explorer
        if site is None or not site.available:
            raise HttpError(
                404, "no explorer for this store: the build that wrote it wrote no catalog.sqlite"
            )
        if path == "/explore/search":
            text = (params.get("q") or [""])[0]
            body = await anyio.to_thread.run_sync(site.search, text, limiter=self.limiter)
            return _response(200, body, "application/json")
        node = (params.get("node") or [""])[0]
        if not node:
            page = await anyio.to_thread.run_sync(site.overview_page, limiter=self.limiter)
        else:
            page = await anyio.to_thread.run_sync(site.node_page, node, limiter=self.limiter)
            if page is None:
                raise HttpError(404, f"no paper or entity {node[:200]!r} in this graph")
        return _response(200, page, "text/html; charset=utf-8")

    async def _execute(self, query: str, **options) -> Answer:
        """Run a query in a worker, from a thread: the event loop goes on serving other requests."""
        run = functools.partial(self.pool.execute, query, **options)
        return await anyio.to_thread.run_sync(run, limiter=self.limiter)

    async def _body(self, request: Request) -> bytes:
        """The request body, at most :data:`MAX_BODY` bytes, sent within ``body_timeout`` seconds."""
        if int(request.headers.get("Content-Length") or 0) > MAX_BODY:
            await self._discard(request)
            raise HttpError(413, f"the request body is over {MAX_BODY:,} bytes", {"Connection": "close"})
        chunks, size = [], 0
        with anyio.move_on_after(self.body_timeout) as scope:
            async for chunk in request.stream():
                size += len(chunk)
                if size > MAX_BODY:  # a chunked body may not say its length
                    raise HttpError(
                        413, f"the request body is over {MAX_BODY:,} bytes", {"Connection": "close"}
                    )
                chunks.append(chunk)
        if scope.cancelled_caught:
            raise HttpError(
                408,
                f"the request body did not arrive within {self.body_timeout:g} s",
                {"Connection": "close"},
            )
        return b"".join(chunks)

    async def _discard(self, request: Request) -> None:
        """Read and drop a refused body of moderate size, so the client is not cut off mid-send (EPIPE)."""
        if int(request.headers.get("Content-Length") or 0) > MAX_DISCARD:
            return
        with anyio.move_on_after(self.body_timeout):
            async for _ in request.stream():
                pass


def _query_param(params: dict[str, list[str]]) -> str:
    if "update" in params:
        raise HttpError(403, "SPARQL Update is refused: this endpoint is read-only")
    queries = params.get("query", [])
    if len(queries) != 1 or not queries[0].strip():
        raise HttpError(
            400,
            "give exactly one query: ?query=... (GET), a query= form field or an "
            "application/sparql-query body (POST)",
        )
    return queries[0]


def _formats(request: Request, params: dict[str, list[str]]) -> tuple[str | None, str | None]:
    """The answer format for a SELECT/ASK and for a CONSTRUCT/DESCRIBE: format= or Accept."""
    if "format" in params:
        name = params["format"][-1].split(";")[0].strip().lower()
        if name in SELECT_TYPES or name in GRAPH_TYPES:  # a media type, as SPARQLWrapper sends
            return SELECT_TYPES.get(name), GRAPH_TYPES.get(name)
        if name not in FORMAT_PARAM:
            raise HttpError(400, f"unknown format={name}; use one of {', '.join(FORMAT_PARAM)}")
        return FORMAT_PARAM[name]
    accept = request.headers.get("Accept")
    return negotiate(accept, SELECT_TYPES, "json"), negotiate(accept, GRAPH_TYPES, "turtle")


def _utf8(body: bytes) -> str:
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise HttpError(400, f"the request is not UTF-8: {exc}") from None


def _answer(answer: Answer) -> Response:
    log.debug("%d %d rows in %.3f s", answer.status, answer.rows, answer.seconds)
    if answer.status != 200:
        return _error(answer.status, answer.error, {"Retry-After": "1"} if "busy" in answer.error else {})
    return _response(200, answer.body, answer.media_type, {"Vary": "Accept"})


def _error(status: int, message: str, headers: dict[str, str] | None = None) -> Response:
    return _response(status, f"{message}\n".encode(), "text/plain; charset=utf-8", headers)


def _response(status: int, body: bytes, media_type: str, headers: dict[str, str] | None = None) -> Response:
    common = {"X-Content-Type-Options": "nosniff", "Cache-Control": "no-store", "Server": SERVER}
    return Response(body, status, common | (headers or {}), media_type or None)


SERVER = f"kg-sparql/{__version__}"


@dataclass(frozen=True)
class Limits:
    """The HTTP limits, handed to uvicorn (connections, keep-alive, header size) and the app."""

    body_timeout: float = 10.0  # seconds a client may take to send a request body (then 408)
    keep_alive: int = 5  # seconds an idle keep-alive connection stays open
    max_connections: int = 2048  # open connections and requests at once (beyond: 503)
    max_header_bytes: int = 1 << 16  # request line and headers (a GET query is in the request line)
    backlog: int = 256


class SparqlServer:
    """The endpoint bound to its socket: uvicorn serving an :class:`Endpoint`, and its :class:`QueryPool`."""

    def __init__(
        self,
        address: tuple[str, int],
        pool: QueryPool,
        page: bytes,
        limits: Limits,
        explorer: ExplorerSite | None = None,
    ) -> None:
        family = socket.AF_INET6 if ":" in address[0] else socket.AF_INET
        self.socket = socket.create_server(address, family=family, backlog=limits.backlog)
        self.server_address = self.socket.getsockname()
        self.pool = pool
        endpoint = Endpoint(pool, page, body_timeout=limits.body_timeout, explorer=explorer)
        config = uvicorn.Config(
            endpoint.app,
            http="h11",
            loop="asyncio",
            lifespan="off",
            log_config=None,
            server_header=False,
            timeout_keep_alive=limits.keep_alive,
            limit_concurrency=limits.max_connections,
            h11_max_incomplete_event_size=limits.max_header_bytes,
            backlog=limits.backlog,
        )
        self._server = uvicorn.Server(config)
        self._stopped = threading.Event()
        self._stopped.set()

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        host = f"[{host}]" if ":" in host else host
        return f"http://{host}:{port}/"

    def serve_forever(self) -> None:
        """Serve until :meth:`shutdown` (or, in the main thread, SIGINT / SIGTERM)."""
        self._stopped.clear()
        try:
            self._server.run(sockets=[self.socket])
        finally:
            self._stopped.set()

    def shutdown(self, timeout: float = 30.0) -> None:
        """Stop :meth:`serve_forever` (from another thread) once the requests under way are answered."""
        self._server.should_exit = True
        self._stopped.wait(timeout)

    def server_close(self) -> None:
        """Close the listening socket and stop the query workers."""
        self.socket.close()
        self.pool.close()


#: The largest store (on disk) whose query workers each get an in-memory copy by default: the
#: sample's store is about 40 MB; a 5,000-paper store, 550 MB on disk, took 33 s and 2.7 GB
#: for four copies.
IN_MEMORY_MAX_MB = 150


def _size_mb(folder: Path) -> float:
    return sum(f.stat().st_size for f in folder.resolve().rglob("*") if f.is_file()) / 1e6


def make_server(
    store: str | os.PathLike[str],
    *,
    host: str = DEFAULT_HOST,
    port: int = DEFAULT_PORT,
    workers: int = 4,
    timeout: float = 10.0,
    max_rows: int = 100_000,
    memory_mb: int = 4096,
    in_memory: bool | None = None,
    queries: str | os.PathLike[str] | None = "queries",
    limits: Limits | None = None,
) -> SparqlServer:
    """A bound, not yet serving, endpoint over the store at ``store`` (port 0: any free port).

    With ``in_memory`` each worker queries its own in-memory copy of the store, faster on joins
    than querying the RocksDB files in place (``in_memory=False``), but each copy costs memory
    and start-up time that grow with the graph. By default the copies are made for a store of
    at most :data:`IN_MEMORY_MAX_MB` on disk, and larger stores are queried in place.
    Call ``serve_forever()`` (in a thread, for tests) and ``shutdown()`` + ``server_close()``.
    """
    if in_memory is None:
        found = find_store(store)
        in_memory = found is not None and _size_mb(found) <= IN_MEMORY_MAX_MB
    pool = QueryPool(
        store, workers=workers, timeout=timeout, max_rows=max_rows, memory_mb=memory_mb, in_memory=in_memory
    )
    if not pool.isolated:
        log.warning(
            "query workers could not be cut off from the network (no network namespace allowed here); "
            "SERVICE is still refused from each query's parse tree"
        )
    where = "in-memory copies" if in_memory else "on disk"
    limit = f"at most {max_rows:,} result rows" if max_rows else "no row limit"
    settings = f"{workers} query workers ({where}), {timeout:g} s per query, {limit}"
    page = render_page(read_examples(queries), store=str(pool.path), settings=settings)
    try:
        explorer = ExplorerSite(Path(pool.path))
        return SparqlServer((host, port), pool, page, limits or Limits(), explorer)
    except BaseException:
        pool.close()
        raise
