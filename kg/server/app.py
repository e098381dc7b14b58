"""``kg serve``: a read-only SPARQL 1.1 Protocol endpoint over the on-disk store.

* ``GET /sparql?query=...``, ``POST /sparql`` with a form (``query=...``) or an
  ``application/sparql-query`` body; ``default-graph-uri`` / ``named-graph-uri`` are honoured, and
  without them the default graph is the union of the named graphs (as in ``kg query``).
* SELECT and ASK answers as SPARQL JSON (the default), XML, CSV or TSV, CONSTRUCT and DESCRIBE
  answers as Turtle (the default), N-Triples, JSON-LD or RDF/XML, chosen by ``Accept`` (or a
  ``format=`` parameter: json, xml, csv, tsv, turtle, ntriples, jsonld, rdfxml, or a media type).
* ``GET /store?graph=IRI`` reads one named graph (SPARQL 1.1 Graph Store Protocol, reads only).
* ``GET /`` is a small offline page to type a query and see the table, listing ``queries/*.rq``.

Read-only and bounded: updates (``update=``, ``application/sparql-update``, an ``INSERT`` sent as a
query...) and ``SERVICE`` are refused with 403, Graph Store writes (PUT, DELETE, POST on /store)
with 405; each query runs in a worker process (:mod:`kg.server.pool`) with a time limit (503 past
it), a row limit (422 past it) and a memory limit; malformed queries get 400 with the parser's
message. The server binds 127.0.0.1 unless told otherwise, and serves clients in parallel: each
connection has a thread, each query a worker process, so a slow query never blocks a fast one.

Status codes: 200; 400 malformed query or parameters; 403 update or SERVICE; 404 unknown path or
graph; 405 write method; 406 no acceptable media type; 413 request body over 1 MiB; 415 unknown
POST content type; 422 too many result rows; 503 time limit, memory limit or all workers busy.
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
import logging
import os
import socket
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pyoxigraph as ox

from kg import __version__
from kg.server.guard import RefusedError, check_read_only
from kg.server.pool import Answer, QueryPool
from kg.vocab import PREFIXES

log = logging.getLogger(__name__)

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 7878
MAX_BODY = 1 << 20
MAX_DISCARD = 16 * MAX_BODY  # larger refused bodies are cut off rather than read
QUERY_PATHS = ("/sparql", "/query")

#: Accept media type -> format name, for SELECT/ASK and for CONSTRUCT/DESCRIBE answers.
SELECT_TYPES = {
    "application/sparql-results+json": "json",
    "application/json": "json",
    "application/sparql-results+xml": "xml",
    "application/xml": "xml",
    "text/csv": "csv",
    "text/tab-separated-values": "tsv",
    "text/xml": "xml",
}
GRAPH_TYPES = {
    "text/turtle": "turtle",
    "application/x-turtle": "turtle",
    "application/n-triples": "ntriples",
    "text/plain": "ntriples",
    "application/ld+json": "jsonld",
    "application/json": "jsonld",
    "application/rdf+xml": "rdfxml",
    "application/xml": "rdfxml",
}
#: ``format=`` parameter -> (SELECT/ASK format, CONSTRUCT/DESCRIBE format).
FORMAT_PARAM = {
    "json": ("json", "jsonld"),
    "xml": ("xml", "rdfxml"),
    "csv": ("csv", None),
    "tsv": ("tsv", None),
    "turtle": (None, "turtle"),
    "ttl": (None, "turtle"),
    "ntriples": (None, "ntriples"),
    "nt": (None, "ntriples"),
    "jsonld": (None, "jsonld"),
    "rdfxml": (None, "rdfxml"),
}


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


class SparqlHandler(BaseHTTPRequestHandler):
    """One connection; see the module docstring for what each path and method does."""

    server: SparqlServer
    protocol_version = "HTTP/1.1"
    server_version = f"kg-sparql/{__version__}"
    timeout = 60  # seconds an idle keep-alive connection may hold its thread
    disable_nagle_algorithm = True  # headers and body are two writes: no 40 ms delayed-ACK stall

    # -- methods ---------------------------------------------------------------------------

    def do_GET(self) -> None:
        self._dispatch("GET")

    def do_HEAD(self) -> None:
        self._dispatch("HEAD")

    def do_POST(self) -> None:
        self._dispatch("POST")

    def do_PUT(self) -> None:
        self._dispatch("PUT")

    def do_DELETE(self) -> None:
        self._dispatch("DELETE")

    def do_PATCH(self) -> None:
        self._dispatch("PATCH")

    def do_OPTIONS(self) -> None:
        self._send(204, b"", "", {"Allow": "GET, HEAD, POST, OPTIONS"})

    # -- routing ---------------------------------------------------------------------------

    def _dispatch(self, method: str) -> None:
        try:
            url = urlsplit(self.path)
            params = parse_qs(url.query, keep_blank_values=True)
            path = url.path.rstrip("/") or "/"
            if method in ("PUT", "DELETE", "PATCH") or (method == "POST" and path == "/store"):
                self._drain()
                raise HttpError(
                    405,
                    f"{method} is refused: this endpoint is read-only (no SPARQL Graph Store writes)",
                    {"Allow": "GET, HEAD" if path == "/store" else "GET, HEAD, POST, OPTIONS"},
                )
            if path in QUERY_PATHS or (path == "/" and (params or method == "POST")):
                self._sparql(method, params)
            elif path == "/":
                self._send(
                    200, self.server.page, "text/html; charset=utf-8", {"Content-Security-Policy": PAGE_CSP}
                )
            elif path == "/store":
                self._graph_store(params)
            else:
                raise HttpError(404, f"{url.path}: not found; the SPARQL endpoint is /sparql, its page is /")
        except HttpError as exc:
            self._send_error(exc.status, str(exc), exc.headers)
        except (ConnectionError, TimeoutError):
            self.close_connection = True
        except Exception:
            log.exception("error answering %s %s", method, self.path)
            self.close_connection = True
            self._send_error(500, "internal error; see the server log")

    def _sparql(self, method: str, params: dict[str, list[str]]) -> None:
        if method == "POST":
            content_type = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
            body = self._body()
            if content_type == "application/x-www-form-urlencoded":
                form = parse_qs(_utf8(body), keep_blank_values=True)
                for key, values in form.items():
                    params.setdefault(key, []).extend(values)
                query = self._query_param(params)
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
            query = self._query_param(params)
        try:
            check_read_only(query)
        except RefusedError as exc:
            raise HttpError(403, str(exc)) from None
        select, graph = self._formats(params)
        answer = self.server.pool.execute(
            query,
            select=select,
            graph=graph,
            default_graph=params.get("default-graph-uri") or None,
            named_graphs=params.get("named-graph-uri") or None,
        )
        self._answer(answer)

    def _graph_store(self, params: dict[str, list[str]]) -> None:
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
        _, graph = self._formats(params)
        answer = self.server.pool.execute(query, select=None, graph=graph)
        if answer.status == 200 and answer.rows == 0 and graphs:
            raise HttpError(404, f"no graph <{graphs[0]}> in this store")
        self._answer(answer)

    # -- pieces ----------------------------------------------------------------------------

    def _query_param(self, params: dict[str, list[str]]) -> str:
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

    def _formats(self, params: dict[str, list[str]]) -> tuple[str | None, str | None]:
        """The answer format for a SELECT/ASK and for a CONSTRUCT/DESCRIBE: format= or Accept."""
        if "format" in params:
            name = params["format"][-1].split(";")[0].strip().lower()
            if name in SELECT_TYPES or name in GRAPH_TYPES:  # a media type, as SPARQLWrapper sends
                return SELECT_TYPES.get(name), GRAPH_TYPES.get(name)
            if name not in FORMAT_PARAM:
                raise HttpError(400, f"unknown format={name}; use one of {', '.join(FORMAT_PARAM)}")
            return FORMAT_PARAM[name]
        accept = self.headers.get("Accept")
        return negotiate(accept, SELECT_TYPES, "json"), negotiate(accept, GRAPH_TYPES, "turtle")

    def _body(self) -> bytes:
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            self.close_connection = True
            raise HttpError(411, "send the request body with a Content-Length")
        try:
            length = int(self.headers.get("Content-Length") or 0)
        except ValueError:
            self.close_connection = True
            raise HttpError(400, "bad Content-Length") from None
        if length > MAX_BODY:
            self.close_connection = True
            self._discard(length)
            raise HttpError(413, f"the request body is over {MAX_BODY:,} bytes")
        return self.rfile.read(length) if length > 0 else b""

    def _discard(self, length: int) -> None:
        """Read and drop a refused body of moderate size, so the client is not cut off mid-send (EPIPE)."""
        if length > MAX_DISCARD:
            return
        while length > 0:
            chunk = self.rfile.read(min(length, 1 << 16))
            if not chunk:
                return
            length -= len(chunk)

    def _drain(self) -> None:
        """Read (and drop) a request body we refuse, so the connection can be reused."""
        try:
            length = int(self.headers.get("Content-Length") or 0)
        except ValueError:
            length = 0
        if 0 < length <= MAX_BODY:
            self.rfile.read(length)
        elif length:
            self.close_connection = True

    def _answer(self, answer: Answer) -> None:
        log.debug("%d %d rows in %.3f s", answer.status, answer.rows, answer.seconds)
        if answer.status != 200:
            extra = {"Retry-After": "1"} if "busy" in answer.error else {}
            self._send_error(answer.status, answer.error, extra)
            return
        self._send(200, answer.body, answer.media_type, {"Vary": "Accept"})

    def _send_error(self, status: int, message: str, headers: dict[str, str] | None = None) -> None:
        self._send(status, f"{message}\n".encode(), "text/plain; charset=utf-8", headers)

    def _send(self, status: int, body: bytes, media_type: str, headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        if media_type:
            self.send_header("Content-Type", media_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Cache-Control", "no-store")
        if self.close_connection:
            self.send_header("Connection", "close")
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        if self.command != "HEAD" and status != 204:
            self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        log.info("%s %s", self.address_string(), format % args)


def _utf8(body: bytes) -> str:
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise HttpError(400, f"the request is not UTF-8: {exc}") from None


class SparqlServer(ThreadingHTTPServer):
    """The HTTP server: a thread per connection, a :class:`QueryPool` for the queries."""

    daemon_threads = True
    request_queue_size = 64

    def __init__(self, address: tuple[str, int], pool: QueryPool, page: bytes) -> None:
        if ":" in address[0]:
            self.address_family = socket.AF_INET6
        self.pool = pool
        self.page = page
        super().__init__(address, SparqlHandler)

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        host = f"[{host}]" if ":" in host else host
        return f"http://{host}:{port}/"

    def server_close(self) -> None:
        super().server_close()
        self.pool.close()


def make_server(
    store: str | os.PathLike[str],
    *,
    host: str = DEFAULT_HOST,
    port: int = DEFAULT_PORT,
    workers: int = 4,
    timeout: float = 10.0,
    max_rows: int = 100_000,
    memory_mb: int = 4096,
    in_memory: bool = True,
    queries: str | os.PathLike[str] | None = "queries",
) -> SparqlServer:
    """A bound, not yet serving, endpoint over the store at ``store`` (port 0: any free port).

    With ``in_memory`` (the default) each worker queries its own in-memory copy of the store,
    about ten times faster than querying the RocksDB files in place (``in_memory=False``).
    Call ``serve_forever()`` (in a thread, for tests) and ``shutdown()`` + ``server_close()``.
    """
    pool = QueryPool(
        store, workers=workers, timeout=timeout, max_rows=max_rows, memory_mb=memory_mb, in_memory=in_memory
    )
    where = "in-memory copies" if in_memory else "on disk"
    limit = f"at most {max_rows:,} result rows" if max_rows else "no row limit"
    settings = f"{workers} query workers ({where}), {timeout:g} s per query, {limit}"
    page = render_page(read_examples(queries), store=str(pool.path), settings=settings)
    try:
        return SparqlServer((host, port), pool, page)
    except BaseException:
        pool.close()
        raise
