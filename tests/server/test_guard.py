"""What the read-only endpoint refuses (kg.server.guard): updates and SERVICE, and nothing else."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kg.server.guard import RefusedError, blank_out, check_read_only, update_keyword, uses_service

UPDATES = {
    "INSERT DATA { <http://a> <http://b> <http://c> }": "INSERT",
    "PREFIX ex: <http://ex.org/#>\nINSERT DATA { ex:a ex:b ex:c }": "INSERT",
    "BASE <http://ex.org/> DELETE WHERE { ?s ?p ?o }": "DELETE",
    "# a comment\n  delete data { <a> <b> <c> }": "DELETE",
    "LOAD <http://example.org/data.ttl>": "LOAD",
    "LOAD SILENT <http://example.org/data.ttl> INTO GRAPH <http://g>": "LOAD",
    "CLEAR ALL": "CLEAR",
    "DROP GRAPH <http://g>": "DROP",
    "CREATE GRAPH <http://g>": "CREATE",
    "COPY DEFAULT TO <http://g>": "COPY",
    "MOVE <http://a> TO <http://b>": "MOVE",
    "ADD <http://a> TO <http://b>": "ADD",
    "WITH <http://g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }": "WITH",
    "\\u0049NSERT DATA { <a> <b> <c> }": "INSERT",
}

SERVICES = [
    "SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }",
    "select * where { service silent <http://example.org/sparql> { ?s ?p ?o } }",
    "SELECT * {SERVICE<http://127.0.0.1:9/sparql>{?s ?p ?o}}",
    "SELECT * { OPTIONAL { SERVICE ?endpoint { ?s ?p ?o } } VALUES ?endpoint { <http://x> } }",
    "SELECT * { { SELECT ?s { SERVICE <http://x> { ?s ?p ?o } } } }",
    "SELECT * { \\u0053ERVICE <http://x> { ?s ?p ?o } }",
    "ASK { ?s ?p 'x' . SERVICE <http://x> {} }",
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
]


@pytest.mark.parametrize(("text", "keyword"), UPDATES.items())
def test_store_guard_updates_are_refused(text: str, keyword: str) -> None:
    assert update_keyword(text) == keyword
    with pytest.raises(RefusedError, match=rf"SPARQL Update \({keyword}\) is refused"):
        check_read_only(text)


@pytest.mark.parametrize("text", SERVICES)
def test_store_guard_service_is_refused(text: str) -> None:
    assert uses_service(text)
    with pytest.raises(RefusedError, match="SERVICE"):
        check_read_only(text)


@pytest.mark.parametrize("text", HARMLESS)
def test_store_guard_harmless_queries_pass(text: str) -> None:
    check_read_only(text)


def test_store_guard_blank_out_keeps_the_structure() -> None:
    text = 'SELECT ?x WHERE { ?x <http://a#b> \'it\'\'s\' . # note\n ?x ?p """multi\nline""" }'
    assert blank_out(text) == 'SELECT ?x WHERE { ?x <> """" .  \n ?x ?p "" }'  # 'it' 's': two strings


@given(st.text(alphabet=st.characters(blacklist_characters='"\\', blacklist_categories=("Cs",))))
def test_store_guard_nothing_inside_a_string_is_refused(inner: str) -> None:
    check_read_only(f'SELECT * WHERE {{ ?s ?p "{inner}" }}'.replace("\n", " ").replace("\r", " "))
