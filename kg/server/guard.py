"""What a read-only public endpoint refuses before a query reaches the store.

* SPARQL Update (``INSERT``, ``DELETE``, ``LOAD``, ``CLEAR``, ``CREATE``, ``DROP``, ``COPY``,
  ``MOVE``, ``ADD``, ``WITH``): the endpoint is read-only.
* ``SERVICE``: Oxigraph would send the sub-query to another host (federated query); an endpoint
  on a laptop must not become a proxy for requests to other machines.

The check is lexical: comments, string literals and IRIs are blanked out first (a ``SERVICE`` in
a title or an IRI is fine), then keywords are looked for. It errs on the side of refusing: a
query is also checked with its ``\\uXXXX`` escapes decoded.

>>> check_read_only("SELECT * WHERE { ?s ?p 'SERVICE' }")
>>> check_read_only("SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }")
Traceback (most recent call last):
    ...
kg.server.guard.RefusedError: SERVICE (federated query) is refused: this endpoint only queries its own store
"""

from __future__ import annotations

import re

from kg.errors import QueryError

UPDATE_KEYWORDS = ("INSERT", "DELETE", "LOAD", "CLEAR", "CREATE", "DROP", "COPY", "MOVE", "ADD", "WITH")

_BLANKS = re.compile(
    r"""
      (?P<comment>\#[^\n\r]*)
    | (?P<long1>'''(?:[^'\\]|\\.|'(?!''))*(?:'''|$))
    | (?P<long2>\"\"\"(?:[^"\\]|\\.|"(?!""))*(?:\"\"\"|$))
    | (?P<short1>'(?:[^'\\\n\r]|\\.)*(?:'|$))
    | (?P<short2>"(?:[^"\\\n\r]|\\.)*(?:"|$))
    | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
    """,
    re.VERBOSE | re.DOTALL,
)
_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")
# A keyword is not part of a name: not after ?, $, : (variables, prefixed names), . or - (local names).
_SERVICE = re.compile(r"(?<![\w?$:.\-])SERVICE(?![\w:.\-])", re.IGNORECASE)
_PROLOGUE = re.compile(r"\s*(?:(?:BASE\s*<>|PREFIX\s*[^\s:]*:\s*<>)\s*)*", re.IGNORECASE)
_WORD = re.compile(r"[A-Za-z]+")


class RefusedError(QueryError):
    """A request this read-only endpoint will not run (an update, a federated query)."""


def blank_out(text: str) -> str:
    """``text`` with comments removed and every string literal and IRI emptied (``""``, ``<>``)."""

    def repl(match: re.Match[str]) -> str:
        kind = match.lastgroup
        if kind == "comment":
            return " "
        if kind == "iri":
            return "<>"
        return '""'

    return _BLANKS.sub(repl, text)


def _decoded(text: str) -> str:
    def repl(match: re.Match[str]) -> str:
        code = int(match.group(1) or match.group(2), 16)
        return chr(code) if code <= 0x10FFFF else match.group(0)

    return _ESCAPE.sub(repl, text)


def update_keyword(text: str) -> str | None:
    """The update operation ``text`` starts with (``INSERT``, ``LOAD``...), or None for a query."""
    for variant in {text, _decoded(text)}:
        bare = blank_out(variant)
        prologue = _PROLOGUE.match(bare)
        word = _WORD.match(bare, prologue.end() if prologue else 0)
        if word and word.group(0).upper() in UPDATE_KEYWORDS:
            return word.group(0).upper()
    return None


def uses_service(text: str) -> bool:
    """Whether ``text`` holds a ``SERVICE`` keyword outside strings, IRIs, comments and names."""
    return any(_SERVICE.search(blank_out(variant)) for variant in {text, _decoded(text)})


def check_read_only(text: str) -> None:
    """Raise :class:`RefusedError` for an update or a federated (``SERVICE``) query."""
    keyword = update_keyword(text)
    if keyword is not None:
        raise RefusedError(f"SPARQL Update ({keyword}) is refused: this endpoint is read-only")
    if uses_service(text):
        raise RefusedError("SERVICE (federated query) is refused: this endpoint only queries its own store")
