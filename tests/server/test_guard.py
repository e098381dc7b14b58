"""What the read-only endpoint refuses (kg.server.guard), from the parse tree: updates and SERVICE."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kg.errors import QueryError
from kg.server.guard import RefusedError, check_read_only, update_operation

UPDATES = {
    "INSERT DATA { <http://a> <http://b> <http://c> }": "INSERT DATA",
    "PREFIX ex: <http://ex.org/#>\nINSERT DATA { ex:a ex:b ex:c }": "INSERT DATA",
    "BASE <http://ex.org/> DELETE WHERE { ?s ?p ?o }": "DELETE WHERE",
    "# a comment\n  delete data { <a> <b> <c> }": "DELETE DATA",
    "LOAD <http://example.org/data.ttl>": "LOAD",
    "LOAD SILENT <http://example.org/data.ttl> INTO GRAPH <http://g>": "LOAD",
    "CLEAR ALL": "CLEAR",
    "DROP GRAPH <http://g>": "DROP",
    "CREATE GRAPH <http://g>": "CREATE",
    "COPY DEFAULT TO <http://g>": "COPY",
    "MOVE <http://a> TO <http://b>": "MOVE",
    "ADD <http://a> TO <http://b>": "ADD",
    "WITH <http://g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }": "DELETE/INSERT",
    "\\u0049NSERT DATA { <a> <b> <c> }": "INSERT DATA",
}

SERVICES = [
    "SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }",
    "select * where { service silent <http://example.org/sparql> { ?s ?p ?o } }",
    "SELECT * {SERVICE<http://127.0.0.1:9/sparql>{?s ?p ?o}}",
    "SELECT * { OPTIONAL { SERVICE ?endpoint { ?s ?p ?o } } VALUES ?endpoint { <http://x> } }",
    "SELECT * { { SELECT ?s { SERVICE <http://x> { ?s ?p ?o } } } }",
    "SELECT * { \\u0053ERVICE <http://x> { ?s ?p ?o } }",
    "ASK { ?s ?p 'x' . SERVICE <http://x> {} }",
    "SELECT * { ?s ?p ?o # a comment\n SERVICE <http://x> { ?s ?p ?o } }",
    # What fooled the lexical check that came before: an escape inside a name, before SERVICE.
    "PREFIX ex: <http://e/> SELECT ?leak WHERE { VALUES ?z { ex:a\\'b } "
    "SERVICE <http://127.0.0.1:9/x> { ?leak ?p ?o } }",
]

#: Refused one way or another: the parser used for the decision does not read ``\\#`` in a name.
NOT_RUN = [
    "PREFIX ex: <http://e/> SELECT ?leak WHERE { VALUES ?z { ex:a\\#b } "
    "SERVICE <http://127.0.0.1:9/x> { ?leak ?p ?o } }",
]

HARMLESS = [
    "SELECT * WHERE { ?s ?p 'SERVICE' }",
    'SELECT * WHERE { ?s ?p """a SERVICE <http://x> { } in a long string""" }',
    'SELECT * WHERE { ?s ?p "quote \\" SERVICE <http://x> {} " }',
    "SELECT * WHERE { ?s <http://example.org/SERVICE> ?o }",
    "SELECT ?service WHERE { ?service ?p ?o }",
    "PREFIX SERVICE: <http://x/> SELECT * { ?s SERVICE:p ?o }",
    "PREFIX ex: <http://x/> SELECT * { ?s ex:SERVICE ?o }",
    "SELECT * { ?s ?p ?o } # SERVICE <http://x> { } and DELETE",
    "SELECT * { ?s ?p ?o FILTER(?o < 3 && ?o > 1) }",
    "SELECT (COUNT(*) AS ?insert) WHERE { ?s ?p ?o }",
    "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }",
    "DESCRIBE <http://example.org/LOAD>",
    "SELECT * FROM <http://g/> FROM NAMED <http://h/> WHERE { GRAPH ?g { ?s ?p ?o } }",
]


@pytest.mark.parametrize(("text", "operation"), UPDATES.items())
def test_server_guard_updates_are_refused(text: str, operation: str) -> None:
    assert update_operation(text) == operation
    with pytest.raises(RefusedError, match=rf"SPARQL Update \({operation}\) is refused"):
        check_read_only(text)


@pytest.mark.parametrize("text", SERVICES)
def test_server_guard_service_is_refused(text: str) -> None:
    with pytest.raises(RefusedError, match="SERVICE"):
        check_read_only(text)


@pytest.mark.parametrize("text", NOT_RUN)
def test_server_guard_unreadable_queries_are_refused(text: str) -> None:
    with pytest.raises(QueryError):
        check_read_only(text)


@pytest.mark.parametrize("text", HARMLESS)
def test_server_guard_harmless_queries_pass(text: str) -> None:
    assert "ServiceGraphPattern" not in check_read_only(text)


@pytest.mark.parametrize(
    "text", ["", "# only a comment", "PREFIX ex: <http://x/>", "SELECT ?s WHERE { ?s ?p "]
)
def test_server_guard_not_a_query_is_a_query_error(text: str) -> None:
    with pytest.raises(QueryError, match="malformed SPARQL query") as caught:
        check_read_only(text)
    assert not isinstance(caught.value, RefusedError)


@given(st.text(alphabet=st.characters(blacklist_characters='"\\', blacklist_categories=("Cs",))))
def test_server_guard_nothing_inside_a_string_is_refused(inner: str) -> None:
    check_read_only(f'SELECT * WHERE {{ ?s ?p "{inner}" }}'.replace("\n", " ").replace("\r", " "))


@given(st.text(alphabet="\\\"'#<>{}()?:. \nSERVICEservice", max_size=60))
def test_server_guard_any_text_is_decided_without_a_crash(text: str) -> None:
    try:
        parts = check_read_only(text)
    except QueryError:
        return
    assert "ServiceGraphPattern" not in parts
