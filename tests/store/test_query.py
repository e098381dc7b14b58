"""SPARQL through Oxigraph (kg.store.query): result kinds, typed values, formats and errors."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pyoxigraph as ox
import pytest

from kg import KnowledgeGraph
from kg.errors import KgError, QueryError
from kg.export.rdf import union_triples
from kg.store import QueryResult, format_result, run_query
from tests.helpers import FAMO2O_TITLE, INLINE_FAMO2O

MALFORMED = {
    "unclosed-brace": "SELECT * WHERE {",
    "unknown-prefix": "SELECT ?s WHERE { ?s nope:thing ?o }",
    "not-sparql": "hello world",
    "bad-iri": "SELECT ?s WHERE { <kgid:assertion/1 a> ?p ?o }",
    "empty": "",
}


@pytest.fixture(scope="module")
def store(sample_kg: KnowledgeGraph):
    return sample_kg.store


def test_store_query_select_famo2o_roles(store) -> None:
    result = run_query(store, INLINE_FAMO2O)
    assert result.kind == "select"
    assert result.columns == ("role", "label")
    assert ("proposes", "FamO2O") in result.rows
    assert ("evaluatedOn", "D4RL") in result.rows


def test_store_query_prefixes_are_predeclared_and_may_be_restated(store) -> None:
    restated = (
        "PREFIX kg: <https://w3id.org/kg/ontology#>\nPREFIX skos: <http://www.w3.org/2004/02/skos/core#>\n"
    )
    plain = run_query(store, "SELECT ?e WHERE { ?e a kg:Dataset ; skos:prefLabel 'D4RL' }")
    assert plain.rows
    assert run_query(store, restated + "SELECT ?e WHERE { ?e a kg:Dataset ; skos:prefLabel 'D4RL' }") == plain


def test_store_query_values_are_typed(store) -> None:
    result = run_query(
        store,
        """SELECT ?support ?confidence ?start ?iri ?label WHERE {
             ?iri skos:prefLabel "D4RL" ; kg:support ?support .
             ?a rdf:object ?iri ; kg:confidence ?confidence ; kg:startOffset ?start .
             ?iri skos:prefLabel ?label } LIMIT 1""",
    )
    ((support, confidence, start, iri, label),) = result.rows
    assert isinstance(support, int) and not isinstance(support, bool) and support >= 1
    assert isinstance(confidence, float) and 0.0 <= confidence <= 1.0
    assert isinstance(start, int) and start >= 0
    assert iri == "https://w3id.org/kg/id/entity/d4rl"
    assert label == "D4RL"


def test_store_query_unbound_is_none(store) -> None:
    result = run_query(
        store, 'SELECT ?e ?nothing WHERE { ?e skos:prefLabel "D4RL" OPTIONAL { ?e kg:upvotes ?nothing } }'
    )
    assert result.rows == (("https://w3id.org/kg/id/entity/d4rl", None),)


@pytest.mark.parametrize(
    ("query", "expected"),
    [("ASK { ?e skos:prefLabel 'D4RL' }", True), ("ASK { ?e skos:prefLabel 'No Such Benchmark 0' }", False)],
)
def test_store_query_ask(store, query: str, expected: bool) -> None:
    result = run_query(store, query)
    assert result.kind == "ask"
    assert result.boolean is expected
    assert result.to_dataframe()["boolean"].tolist() == [expected]


def test_store_query_construct_returns_triples(store) -> None:
    result = run_query(
        store, 'CONSTRUCT { ?p kg:evaluatedOn ?d } WHERE { ?p kg:evaluatedOn ?d . ?d skos:prefLabel "D4RL" }'
    )
    assert result.kind == "graph"
    assert result.triples
    assert {t[1] for t in result.triples} == {"https://w3id.org/kg/ontology#evaluatedOn"}
    assert {t[2] for t in result.triples} == {"https://w3id.org/kg/id/entity/d4rl"}
    frame = result.to_dataframe()
    assert list(frame.columns) == ["subject", "predicate", "object"]
    assert len(frame) == len(result.triples)


def test_store_query_describe_returns_triples(store) -> None:
    result = run_query(store, "DESCRIBE <https://w3id.org/kg/id/entity/d4rl>")
    assert result.kind == "graph"
    assert (
        "https://w3id.org/kg/id/entity/d4rl",
        "http://www.w3.org/2004/02/skos/core#prefLabel",
        "D4RL",
    ) in (result.triples)


@pytest.mark.parametrize("query", MALFORMED.values(), ids=MALFORMED.keys())
def test_store_query_malformed_is_one_line_query_error(store, query: str) -> None:
    with pytest.raises(QueryError) as caught:
        run_query(store, query)
    message = str(caught.value)
    assert isinstance(caught.value, KgError)
    assert message.startswith("malformed SPARQL query")
    assert "\n" not in message and "\r" not in message


def test_store_query_failing_service_is_a_query_error(store) -> None:
    # Port 9 is refused by Oxigraph's HTTP client itself: nothing goes over the network.
    with pytest.raises(QueryError):
        run_query(store, "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }")


def _paper_graph(store) -> tuple[str, int]:
    """The first paper's named graph and how many triples it holds."""
    graph = sorted(g.value for g in store.named_graphs() if "/graph/paper/" in g.value)[0]
    return graph, len(list(store.quads_for_pattern(None, None, None, ox.NamedNode(graph))))


def test_store_query_from_defines_the_default_graph(store) -> None:
    graph, size = _paper_graph(store)
    count = "SELECT (COUNT(*) AS ?n) {} WHERE {{ ?s ?p ?o }}"
    assert run_query(store, count.format("FROM <http://nothing/>")).rows == ((0,),)
    assert run_query(store, count.format(f"FROM <{graph}>")).rows == ((size,),)
    # FROM NAMED alone: an empty default graph, GRAPH sees only the graphs named.
    assert run_query(store, count.format(f"FROM NAMED <{graph}>")).rows == ((0,),)
    named = run_query(store, f"SELECT DISTINCT ?g FROM NAMED <{graph}> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}")
    assert named.rows == ((graph,),)
    # Without FROM the default graph is the union of the named graphs.
    assert run_query(store, count.format("")).rows == ((len(union_triples(store)),),)


def test_store_query_union_counts_each_triple_once(store) -> None:
    ((count,),) = run_query(store, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }").rows
    assert count == len(union_triples(store))


def test_store_query_extractors_listed_once(store) -> None:
    rows = run_query(store, "SELECT ?x WHERE { ?x a kg:Extractor }").rows
    assert rows
    assert len(rows) == len(set(rows))


def test_store_query_shared_author_listed_once(sample_paper, tmp_path: Path) -> None:
    # Two real sample abstracts, given the same (made-up) author list.
    papers = [sample_paper(FAMO2O_TITLE), sample_paper("Safe Reinforcement Learning with Minimal")]
    source = tmp_path / "papers.jsonl"
    source.write_text(
        "".join(
            json.dumps({"title": p.title, "abstract": p.abstract, "authors": ["Ann Lee"]}) + "\n"
            for p in papers
        ),
        encoding="utf-8",
    )
    kg = KnowledgeGraph.build([source])
    rows = kg.query("SELECT ?person WHERE { ?person a schema:Person }").rows
    assert rows == (("https://w3id.org/kg/id/person/Ann%20Lee",),)


# --- formats ---------------------------------------------------------------------------------


def test_store_query_csv_format_round_trips(store) -> None:
    result = run_query(store, INLINE_FAMO2O)
    rows = list(csv.reader(io.StringIO(format_result(result, "csv"))))
    assert rows[0] == list(result.columns)
    assert [tuple(r) for r in rows[1:]] == [tuple(str(v) for v in row) for row in result.rows]


def test_store_query_csv_writes_unbound_as_empty(store) -> None:
    result = run_query(
        store, 'SELECT ?e ?nothing WHERE { ?e skos:prefLabel "D4RL" OPTIONAL { ?e kg:upvotes ?nothing } }'
    )
    assert format_result(result, "csv").splitlines() == ["e,nothing", "https://w3id.org/kg/id/entity/d4rl,"]


def test_store_query_json_format_round_trips(store) -> None:
    result = run_query(store, INLINE_FAMO2O)
    records = json.loads(format_result(result, "json"))
    assert records == [dict(zip(result.columns, row, strict=True)) for row in result.rows]


def test_store_query_json_keeps_numbers_as_numbers(store) -> None:
    result = run_query(store, 'SELECT ?support WHERE { ?e skos:prefLabel "D4RL" ; kg:support ?support }')
    (record,) = json.loads(format_result(result, "json"))
    assert isinstance(record["support"], int)


@pytest.mark.parametrize(("fmt", "expected"), [("json", {"boolean": True}), ("csv", "boolean\nTrue\n")])
def test_store_query_ask_formats(store, fmt: str, expected) -> None:
    text = format_result(run_query(store, "ASK { ?s a kg:Paper }"), fmt)
    assert (json.loads(text) if fmt == "json" else text) == expected


def test_store_query_unknown_format_is_query_error(store) -> None:
    result = run_query(store, "ASK { ?s a kg:Paper }")
    with pytest.raises(QueryError, match="xml"):
        format_result(result, "xml")


def test_store_query_empty_result_has_header_only(store) -> None:
    result = run_query(store, 'SELECT ?e WHERE { ?e skos:prefLabel "No Such Benchmark 0" }')
    assert result.rows == ()
    assert format_result(result, "csv") == "e\n"
    assert json.loads(format_result(result, "json")) == []
    assert list(result.to_dataframe().columns) == ["e"]


def test_store_query_result_is_a_frozen_record() -> None:
    result = QueryResult(kind="ask", boolean=True)
    with pytest.raises(AttributeError):
        result.boolean = False  # type: ignore[misc]
