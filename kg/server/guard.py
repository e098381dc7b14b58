"""What a read-only public endpoint refuses, decided from the query's parse tree, not its text.

The query is parsed with rdflib's SPARQL 1.1 parser (:func:`kg.store.query.query_parts`), which
reads escapes, comments, strings and IRIs as the grammar says, so no spelling hides a clause:

* an update (``INSERT``, ``DELETE``, ``LOAD``, ``CLEAR``, ``DROP``...) sent as a query: 403;
* ``SERVICE`` anywhere (federated query: the endpoint would send requests to other hosts): 403;
* text that is not a SPARQL 1.1 query: 400.

The check runs in the query worker, under the query's time limit (parsing is part of a query's
cost), never where it could hold up other requests. It is one of two walls: the workers also
run without network access (:mod:`kg.server.worker`).

>>> "SelectQuery" in check_read_only("SELECT * WHERE { ?s ?p 'SERVICE' }")
True
>>> check_read_only("SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }")
Traceback (most recent call last):
    ...
kg.server.guard.RefusedError: SERVICE (federated query) is refused: this endpoint only queries its own store
"""

from __future__ import annotations

import re

from pyparsing import ParseBaseException
from rdflib.plugins.sparql.parser import parseUpdate

from kg.errors import QueryError
from kg.store.query import query_parts


class RefusedError(QueryError):
    """A request this read-only endpoint will not run (an update, a federated query)."""


def update_operation(text: str) -> str | None:
    """The first operation of ``text`` as a SPARQL Update (``LOAD``, ``INSERT DATA``...), or None."""
    try:
        request = parseUpdate(text).get("request") or []
    except (ParseBaseException, RecursionError, ValueError):
        return None
    name = getattr(request[0], "name", None) if request else None
    if not name:  # nothing but a prologue or comments
        return None
    return "DELETE/INSERT" if name == "Modify" else re.sub(r"(?<=[a-z])(?=[A-Z])", " ", name).upper()


def check_read_only(text: str) -> frozenset[str]:
    """The parts of a read-only query (see :func:`query_parts`); :class:`RefusedError` for an update
    or ``SERVICE``, :class:`QueryError` for anything else that is not a SPARQL 1.1 query."""
    try:
        parts = query_parts(text)
    except QueryError:
        operation = update_operation(text)
        if operation is not None:
            raise RefusedError(
                f"SPARQL Update ({operation}) is refused: this endpoint is read-only"
            ) from None
        raise
    if "ServiceGraphPattern" in parts:
        raise RefusedError("SERVICE (federated query) is refused: this endpoint only queries its own store")
    return parts
