"""SPARQL through Oxigraph: read what a query asks for, run it, format the answer.

rdflib stays the construction API; its pure-Python SPARQL engine is too slow for real corpora,
so queries run on a :class:`pyoxigraph.Store`. Dataset semantics are SPARQL 1.1's: a query with
``FROM`` / ``FROM NAMED`` is answered over the graphs it names; without them the default graph
is the union of the named graphs (one per paper), so plain patterns see the whole graph.
rdflib's SPARQL 1.1 parser tells which clauses a query has (:func:`query_parts`).

>>> parts = query_parts("SELECT * FROM <http://g/> WHERE { SERVICE <http://s/> { ?s ?p ?o } }")
>>> "DatasetClause" in parts, "ServiceGraphPattern" in parts
(True, True)
"""

from __future__ import annotations

import contextlib
import csv
import functools
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

import pyoxigraph as ox
from pyparsing import ParseBaseException, ParseResults
from rdflib.plugins.sparql.parser import parseQuery
from rdflib.plugins.sparql.parserutils import CompValue

from kg.errors import QueryError
from kg.vocab import PREFIX_IRIS

if TYPE_CHECKING:  # pandas is imported when a DataFrame is asked for: query workers never need it
    import pandas as pd

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
        import pandas as pd

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


@functools.lru_cache(maxsize=512)
def query_parts(query: str) -> frozenset[str]:
    """The names of the grammar rules in ``query``'s parse tree (``SelectQuery``, ``DatasetClause``,
    ``ServiceGraphPattern``...); a QueryError if it is not a SPARQL 1.1 query."""
    try:
        tree = parseQuery(query)
    except (ParseBaseException, RecursionError, ValueError) as exc:
        raise QueryError(f"malformed SPARQL query: {' '.join(str(exc).split())[:500]}") from None
    return frozenset(node.name for node in _nodes(tree))


def _nodes(tree: object) -> Iterator[CompValue]:
    """Every rule node of an rdflib parse tree, depth first, without recursion (trees can be deep)."""
    stack = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, CompValue):
            yield node
            stack.extend(node.values())
        elif isinstance(node, list | tuple | ParseResults):
            stack.extend(node)


def dataset_options(query: str) -> dict[str, bool]:
    """Store.query options for SPARQL 1.1 dataset semantics: the query's own ``FROM`` / ``FROM NAMED``
    if it has any, else the union of the named graphs as the default graph."""
    try:
        named = "DatasetClause" in query_parts(query)
    except QueryError:  # not rdflib's grammar: Oxigraph tells what is wrong, or runs an extension
        named = False
    return {} if named else {"use_default_graph_as_union": True}


def run_query(store: ox.Store, query: str) -> QueryResult:
    """Run a SPARQL 1.1 query with the project's prefixes predeclared; bad syntax is a QueryError."""
    with _query_errors():
        # Oxigraph evaluates lazily: errors (a failing SERVICE, say) surface while reading rows.
        return _collect(_answer(store, query))


def select_rows(store: ox.Store, query: str) -> Iterator[tuple[Any, ...]]:
    """The rows of a SELECT query one at a time, as Python values (:func:`term_value`): for
    answers too large to hold at once. Bad syntax or a failure is a QueryError."""
    with _query_errors():
        answer = _answer(store, query)
        if not isinstance(answer, ox.QuerySolutions):
            raise QueryError("select_rows needs a SELECT query")
        columns = [v.value for v in answer.variables]
        solution = None
        for solution in answer:
            yield tuple(term_value(solution[c]) for c in columns)
        del answer, solution  # Oxigraph's answers are dropped in the thread that made them


def _answer(store: ox.Store, query: str) -> Any:
    return store.query(query, prefixes=PREFIX_IRIS, **dataset_options(query))


@contextlib.contextmanager
def _query_errors() -> Iterator[None]:
    """Oxigraph's syntax and evaluation errors as one-line QueryErrors."""
    try:
        yield
    except SyntaxError as exc:
        raise QueryError(f"malformed SPARQL query: {' '.join(str(exc).split())}") from None
    except OSError as exc:
        raise QueryError(f"query failed: {' '.join(str(exc).split())}") from None


def _rows(answer: ox.QuerySolutions) -> Iterator[tuple[Any, ...]]:
    columns = [v.value for v in answer.variables]
    for solution in answer:
        yield tuple(term_value(solution[c]) for c in columns)


def _collect(answer: Any) -> QueryResult:
    """Read an Oxigraph answer to the end into a QueryResult."""
    if isinstance(answer, ox.QueryBoolean):
        return QueryResult(kind="ask", boolean=bool(answer))
    if isinstance(answer, ox.QuerySolutions):
        columns = tuple(v.value for v in answer.variables)
        return QueryResult(kind="select", columns=columns, rows=tuple(_rows(answer)))
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
