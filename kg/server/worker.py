"""A query worker: one process that holds a read-only store open and answers SPARQL queries.

``kg serve`` runs a few of these (see :mod:`kg.server.pool`) so that a query which runs past its
time limit can be stopped by killing its process: Oxigraph cannot cancel a running query.
The module runs as ``python -P -m kg.server.worker STORE PREFIXES_JSON MEMORY_MB TIMEOUT IN_MEMORY``.
A watchdog thread ends the worker if its parent goes away or a query outlives the time limit by
far (the parent kills it first; this covers a parent killed with SIGKILL).

Before it opens the store, a worker moves into a network namespace of its own (Linux, as root
or with unprivileged user namespaces): no interface but a loopback that is down, so whatever a
query asks for, Oxigraph cannot open a connection to any host. Each query is also checked from
its parse tree (:mod:`kg.server.guard`) here, under the time limit, before it reaches the store.

Protocol, over stdin/stdout: the worker first writes ``{"status", "isolated", ...}`` (ready, and
whether the network is cut off); then the parent writes one JSON line per query,
``{"query", "union", "default_graph", "named_graphs", "select", "graph", "max_rows"}``; the
worker answers with one JSON header line ``{"status", "type", "length", "rows", "error"}``
followed by ``length`` bytes of body. ``select``/``graph`` name the format for a SELECT/ASK or
a CONSTRUCT/DESCRIBE result (keys of :data:`SELECT_FORMATS`, :data:`GRAPH_FORMATS`; None:
nothing the client accepts). ``default_graph``/``named_graphs`` (None when not given) are the
protocol's dataset, which replaces the query's ``FROM``/``FROM NAMED``.

The result serialisers are ours (SPARQL 1.1 Query Results JSON, XML, CSV and TSV) because the
rows are counted against the row limit before anything is written.
"""

from __future__ import annotations

import ctypes
import json
import os
import sys
import threading
import time
from xml.sax.saxutils import escape, quoteattr

import pyoxigraph as ox

from kg.errors import QueryError
from kg.formats import DATASET_FORMATS, RDF_FORMATS, RESULT_FORMATS
from kg.server.guard import RefusedError, check_read_only

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
RDF_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"
CLONE_NEWNET = 0x40000000
CLONE_NEWUSER = 0x10000000


def _media_type(fmt: ox.RdfFormat | ox.QueryResultsFormat) -> str:
    """The Content-Type of an answer in ``fmt``: text types say they are UTF-8."""
    base = fmt.media_type.split(";")[0]
    return f"{base}; charset=utf-8" if base.startswith("text/") else base


#: SELECT/ASK result formats: name -> media type.
SELECT_FORMATS = {name: _media_type(fmt) for name, fmt in RESULT_FORMATS.items()}
#: CONSTRUCT/DESCRIBE result formats: name -> Oxigraph format (those without named graphs).
GRAPH_FORMATS = {name: fmt for name, fmt in RDF_FORMATS.items() if fmt not in DATASET_FORMATS}

Term = ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple
Row = tuple[Term | None, ...]


class Refused(Exception):
    """An answer other than 200: the HTTP status and a one-line message."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


# -- serialisers -----------------------------------------------------------------------------


def _json_term(term: Term) -> dict:
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, ox.Literal):
        out = {"type": "literal", "value": term.value}
        if term.language:
            out["xml:lang"] = term.language
        elif term.datatype.value != XSD_STRING:
            out["datatype"] = term.datatype.value
        return out
    return {
        "type": "triple",
        "value": {
            "subject": _json_term(term.subject),
            "predicate": _json_term(term.predicate),
            "object": _json_term(term.object),
        },
    }


def write_json(variables: list[str], rows: list[Row]) -> bytes:
    """SPARQL 1.1 Query Results JSON."""
    bindings = [
        {v: _json_term(t) for v, t in zip(variables, row, strict=True) if t is not None} for row in rows
    ]
    body = {"head": {"vars": variables}, "results": {"bindings": bindings}}
    return json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()


def _xml_term(term: Term) -> str:
    if isinstance(term, ox.NamedNode):
        return f"<uri>{escape(term.value)}</uri>"
    if isinstance(term, ox.BlankNode):
        return f"<bnode>{escape(term.value)}</bnode>"
    if isinstance(term, ox.Literal):
        if term.language:
            return f"<literal xml:lang={quoteattr(term.language)}>{escape(term.value)}</literal>"
        if term.datatype.value != XSD_STRING:
            return f"<literal datatype={quoteattr(term.datatype.value)}>{escape(term.value)}</literal>"
        return f"<literal>{escape(term.value)}</literal>"
    return (
        f"<triple><subject>{_xml_term(term.subject)}</subject><predicate>{_xml_term(term.predicate)}"
        f"</predicate><object>{_xml_term(term.object)}</object></triple>"
    )


def write_xml(variables: list[str], rows: list[Row]) -> bytes:
    """SPARQL Query Results XML."""
    parts = [
        '<?xml version="1.0" encoding="UTF-8"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#">'
    ]
    parts.append("<head>" + "".join(f"<variable name={quoteattr(v)}/>" for v in variables) + "</head>")
    parts.append("<results>")
    for row in rows:
        cells = "".join(
            f"<binding name={quoteattr(v)}>{_xml_term(t)}</binding>"
            for v, t in zip(variables, row, strict=True)
            if t is not None
        )
        parts.append(f"<result>{cells}</result>")
    parts.append("</results>\n</sparql>\n")
    return "\n".join(parts).encode()


def _csv_cell(term: Term | None) -> str:
    if term is None:
        return ""
    if isinstance(term, ox.BlankNode):
        text = f"_:{term.value}"
    elif isinstance(term, ox.NamedNode | ox.Literal):
        text = term.value
    else:
        text = str(term)
    if any(c in text for c in '",\r\n'):
        return '"' + text.replace('"', '""') + '"'
    return text


def write_csv(variables: list[str], rows: list[Row]) -> bytes:
    """SPARQL 1.1 Query Results CSV (lexical forms only; CRLF line ends, RFC 4180)."""
    lines = [",".join(variables)]
    lines.extend(",".join(_csv_cell(t) for t in row) for row in rows)
    return ("\r\n".join(lines) + "\r\n").encode()


def _tsv_cell(term: Term | None) -> str:
    if term is None:
        return ""
    # Oxigraph prints terms in N-Triples syntax; a raw tab would end the cell early.
    return str(term).replace("\t", "\\t")


def write_tsv(variables: list[str], rows: list[Row]) -> bytes:
    """SPARQL 1.1 Query Results TSV (terms in Turtle/N-Triples syntax)."""
    lines = ["\t".join(f"?{v}" for v in variables)]
    lines.extend("\t".join(_tsv_cell(t) for t in row) for row in rows)
    return ("\n".join(lines) + "\n").encode()


def write_boolean(value: bool, fmt: str) -> bytes:
    """An ASK answer in one of :data:`SELECT_FORMATS`."""
    word = "true" if value else "false"
    if fmt == "json":
        return json.dumps({"head": {}, "boolean": value}).encode()
    if fmt == "xml":
        return (
            '<?xml version="1.0" encoding="UTF-8"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#">'
            f"<head/><boolean>{word}</boolean></sparql>\n"
        ).encode()
    return f"{word}\n".encode()


SELECT_WRITERS = {"json": write_json, "xml": write_xml, "csv": write_csv, "tsv": write_tsv}


# -- answering -------------------------------------------------------------------------------


def _graph_list(iris: list[str] | None) -> list[ox.NamedNode] | None:
    if iris is None:
        return None
    try:
        return [ox.NamedNode(iri) for iri in iris]
    except ValueError as exc:
        raise Refused(400, f"bad graph IRI: {exc}") from None


def answer(store: ox.Store, request: dict, prefixes: dict[str, str]) -> tuple[str, bytes, int]:
    """Run one query request; return (media type, body, rows) or raise :class:`Refused`."""
    try:
        parts = check_read_only(request["query"])
    except RefusedError as exc:
        raise Refused(403, str(exc)) from None
    except QueryError as exc:
        raise Refused(400, str(exc)) from None
    options: dict = {"prefixes": prefixes}
    default_graph = _graph_list(request.get("default_graph"))
    named_graphs = _graph_list(request.get("named_graphs"))
    if default_graph is not None or named_graphs is not None:  # SPARQL 1.1 Protocol: these define it
        options["default_graph"] = default_graph or []
        options["named_graphs"] = named_graphs or []
    elif "DatasetClause" not in parts and request.get("union", True):
        options["use_default_graph_as_union"] = True
    max_rows = int(request.get("max_rows") or 0)
    try:
        result = store.query(request["query"], **options)
        if isinstance(result, ox.QueryBoolean):
            fmt = _chosen(request.get("select"), SELECT_FORMATS, "an ASK")
            return SELECT_FORMATS[fmt], write_boolean(bool(result), fmt), 1
        if isinstance(result, ox.QuerySolutions):
            fmt = _chosen(request.get("select"), SELECT_FORMATS, "a SELECT")
            variables = [v.value for v in result.variables]
            rows = _take(result, max_rows, "rows", tuple)
            return SELECT_FORMATS[fmt], SELECT_WRITERS[fmt](variables, rows), len(rows)
        fmt = _chosen(request.get("graph"), GRAPH_FORMATS, "a CONSTRUCT or DESCRIBE")
        triples = _take(result, max_rows, "triples", None)
        rdf_format = GRAPH_FORMATS[fmt]
        body = ox.serialize(
            triples, format=rdf_format, prefixes=prefixes if rdf_format == ox.RdfFormat.TURTLE else None
        )
        return _media_type(rdf_format), body or b"", len(triples)
    except SyntaxError as exc:
        raise Refused(400, f"malformed SPARQL query: {_one_line(exc)}") from None
    except (OSError, ValueError, RuntimeError) as exc:
        raise Refused(500, f"query failed: {_one_line(exc)}") from None


def _chosen(fmt: str | None, formats: dict, kind: str) -> str:
    if fmt not in formats:
        offered = ", ".join(v if isinstance(v, str) else v.media_type for v in formats.values())
        raise Refused(
            406, f"none of the accepted media types fits {kind} result; this endpoint gives {offered}"
        )
    return fmt


def _take(items, limit: int, what: str, convert) -> list:
    out = []
    for item in items:
        if limit and len(out) >= limit:
            raise Refused(
                422,
                f"the result has more than {limit:,} {what}, the limit of this endpoint; "
                "add a LIMIT to the query (or start the server with a larger --max-rows)",
            )
        out.append(convert(item) if convert else item)
    return out


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split())[:500]


def isolate_network() -> bool:
    """Move this process into a new, empty network namespace; False where the OS does not allow it.

    Called while the process has one thread (a user namespace needs that). Sockets stay possible,
    but there is no interface to reach any host through, the machine's own loopback included.
    """
    try:
        unshare = ctypes.CDLL(None, use_errno=True).unshare
    except (AttributeError, OSError):  # not Linux
        return False
    return any(unshare(flags) == 0 for flags in (CLONE_NEWNET, CLONE_NEWUSER | CLONE_NEWNET))


def _reply(out, status: int, media_type: str = "", body: bytes = b"", rows: int = 0, error: str = "") -> None:
    header = {"status": status, "type": media_type, "length": len(body), "rows": rows, "error": error}
    out.write(json.dumps(header).encode() + b"\n" + body)
    out.flush()


class _Watchdog:
    """Exit when the parent process is gone, or when one query runs ``limit`` seconds."""

    def __init__(self, limit: float) -> None:
        self.limit = limit
        self.parent = os.getppid()
        self.started: float | None = None
        threading.Thread(target=self._watch, name="kg-watchdog", daemon=True).start()

    def _watch(self) -> None:
        while True:
            time.sleep(0.5)
            started = self.started
            overdue = started is not None and time.monotonic() - started > self.limit
            if overdue or os.getppid() != self.parent:
                os._exit(3)


def _handle(store: ox.Store, line: bytes, prefixes: dict[str, str]) -> tuple[int, str, bytes, int, str]:
    """(status, media type, body, rows, error) for one request line."""
    try:
        media_type, body, rows = answer(store, json.loads(line), prefixes)
    except Refused as exc:
        return exc.status, "", b"", 0, str(exc)
    except MemoryError:
        return 503, "", b"", 0, "the query ran out of memory (see --memory-mb)"
    except Exception as exc:  # keep the worker alive whatever a query does
        return 500, "", b"", 0, f"query failed: {_one_line(exc)}"
    return 200, media_type, body, rows, ""


def main(argv: list[str]) -> int:
    store_path, prefixes_json, memory_mb, timeout = argv[1], argv[2], int(argv[3]), float(argv[4])
    in_memory = len(argv) > 5 and argv[5] == "1"
    out = sys.stdout.buffer
    isolated = isolate_network()
    watchdog = _Watchdog(limit=timeout * 2 + 5)
    if memory_mb > 0:
        import resource

        limit = memory_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    try:
        store = ox.Store.read_only(store_path)
        if in_memory:  # a private in-memory copy: Oxigraph's memory backend is ~10x faster to query
            copy = ox.Store()
            copy.bulk_extend(store)
            store = copy
    except OSError as exc:
        _reply(out, 500, error=f"{store_path}: cannot open the store: {_one_line(exc)}")
        return 1
    prefixes = json.loads(prefixes_json)
    out.write(json.dumps({"status": 200, "isolated": isolated}).encode() + b"\n")  # ready
    out.flush()
    for line in sys.stdin.buffer:
        watchdog.started = time.monotonic()
        reply = _handle(store, line, prefixes)
        watchdog.started = None
        _reply(out, *reply)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
