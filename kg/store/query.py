"""SPARQL through Oxigraph: load the graph into a store, run a query, format the answer.

rdflib stays the construction API; its pure-Python SPARQL engine is too slow for real corpora,
so queries run on an in-memory :class:`pyoxigraph.Store` whose default graph is the union of
the named graphs.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass, field
from typing import Any, Literal

import pandas as pd
import pyoxigraph as ox

from kg.errors import QueryError
from kg.vocab import PREFIX_IRIS

_INTEGER_TYPES = {
    f"http://www.w3.org/2001/XMLSchema#{name}"
    for name in [
        "integer",
        "nonNegativeInteger",
        "positiveInteger",
        "nonPositiveInteger",
        "negativeInteger",
        "long",
        "int",
        "short",
        "byte",
        "unsignedLong",
        "unsignedInt",
        "unsignedShort",
        "unsignedByte",
    ]
}
_FLOAT_TYPES = {f"http://www.w3.org/2001/XMLSchema#{n}" for n in ("double", "float", "decimal")}
_BOOLEAN = "http://www.w3.org/2001/XMLSchema#boolean"


@dataclass(frozen=True)
class QueryResult:
    """The answer to a query: rows for SELECT, a boolean for ASK, triples for CONSTRUCT/DESCRIBE."""

    kind: Literal["select", "ask", "graph"]
    columns: tuple[str, ...] = ()
    rows: tuple[tuple[Any, ...], ...] = ()
    boolean: bool | None = None
    triples: tuple[tuple[str, str, str], ...] = field(default=())

    def to_dataframe(self) -> pd.DataFrame:
        """SELECT rows as a DataFrame (one column per variable); triples as subject/predicate/object."""
        columns, rows = _table(self)
        return pd.DataFrame(list(rows), columns=list(columns))


def term_value(term: Any) -> Any:
    """A Python value for an RDF term: IRIs as strings, numbers and booleans typed, None if unbound."""
    if term is None:
        return None
    if isinstance(term, ox.Literal):
        datatype = term.datatype.value
        try:
            if datatype in _INTEGER_TYPES:
                return int(term.value)
            if datatype in _FLOAT_TYPES:
                return float(term.value)
            if datatype == _BOOLEAN:
                return term.value == "true"
        except ValueError:
            return term.value
        return term.value
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    return term.value


def run_query(store: ox.Store, query: str) -> QueryResult:
    """Run a SPARQL 1.1 query with the project's prefixes predeclared; bad syntax is a QueryError."""
    try:
        answer = store.query(query, prefixes=PREFIX_IRIS, use_default_graph_as_union=True)
        # Oxigraph evaluates lazily: errors (a failing SERVICE, say) surface while reading rows.
        return _collect(answer)
    except SyntaxError as exc:
        raise QueryError(f"malformed SPARQL query: {' '.join(str(exc).split())}") from None
    except OSError as exc:
        raise QueryError(f"query failed: {' '.join(str(exc).split())}") from None


def _collect(answer: Any) -> QueryResult:
    """Read an Oxigraph answer to the end into a QueryResult."""
    if isinstance(answer, ox.QueryBoolean):
        return QueryResult(kind="ask", boolean=bool(answer))
    if isinstance(answer, ox.QuerySolutions):
        columns = tuple(v.value for v in answer.variables)
        rows = tuple(tuple(term_value(sol[c]) for c in columns) for sol in answer)
        return QueryResult(kind="select", columns=columns, rows=rows)
    triples = tuple((term_value(t.subject), term_value(t.predicate), term_value(t.object)) for t in answer)
    return QueryResult(kind="graph", triples=triples)


def _table(result: QueryResult) -> tuple[tuple[str, ...], tuple[tuple[Any, ...], ...]]:
    if result.kind == "graph":
        return ("subject", "predicate", "object"), result.triples
    if result.kind == "ask":
        return ("boolean",), ((result.boolean,),)
    return result.columns, result.rows


def format_result(result: QueryResult, fmt: str = "csv") -> str:
    """Render a result as ``csv`` or ``json`` text (the CLI renders ``table`` itself)."""
    columns, rows = _table(result)
    if fmt == "json":
        if result.kind == "ask":
            return json.dumps({"boolean": result.boolean})
        records = [{k: v for k, v in zip(columns, row, strict=True) if v is not None} for row in rows]
        return json.dumps(records, ensure_ascii=False, indent=2, default=str)
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(columns)
        for row in rows:
            writer.writerow(["" if v is None else v for v in row])
        return buffer.getvalue()
    raise QueryError(f"unknown output format {fmt!r}: use table, csv or json")
