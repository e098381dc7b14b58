"""kg:support on every kg:Assertion: the number of distinct papers asserting its triple."""

from __future__ import annotations

from dataclasses import replace

import pyoxigraph as ox

from kg.api import KnowledgeGraph
from kg.graph.rdf import build_store
from kg.link.merge import link
from kg.types import RelationMention

PAPERS = ("A General Theoretical Paradigm to Understand", "REINFORCE++")


def _relation(ex, head_text: str, tail_text: str) -> RelationMention:
    """A hand-made relation between two real mentions of one sample paper."""
    head = next(m for m in ex.mentions if m.text == head_text)
    tail = next(m for m in ex.mentions if m.text == tail_text)
    return RelationMention(head, tail, "usedFor", head.sentence, 0.9, "test/relations")


def test_support_counts_papers_asserting_the_same_edge(extraction) -> None:
    """Both papers relate DPO to RLHF (put here by hand); each paper's assertion has support 2."""
    first, second = (extraction(title) for title in PAPERS)
    both = [replace(ex, relations=(_relation(ex, "DPO", "RLHF"),)) for ex in (first, second)]
    linked = link(both)
    edges = [a for a in linked.assertions if a.predicate == "usedFor"]
    assert len(edges) == 2  # one evidence node in each paper's graph
    assert {(a.subject, a.object) for a in edges} == {(edges[0].subject, edges[0].object)}
    assert [a.support for a in edges] == [2, 2]
    assert {p.paper_id for a in edges for p in a.provenance} == {first.paper.id, second.paper.id}
    # a paper's role is its own: support 1
    assert {a.support for a in linked.assertions if a.predicate != "usedFor"} == {1}

    kg = KnowledgeGraph(ox.Store())
    build_store([ex.paper for ex in both], linked, kg.store)
    rows = kg.query(
        "SELECT ?node ?support ?paper WHERE { ?node a kg:Assertion ; rdf:predicate kg:usedFor ; "
        "kg:support ?support ; prov:wasDerivedFrom ?paper }"
    ).rows
    assert len(rows) == 2 and {support for _, support, _ in rows} == {2}
    assert len({paper for *_, paper in rows}) == 2


def test_support_on_the_sample_graph_is_the_number_of_asserting_papers(sample_kg) -> None:
    """Every assertion node has one kg:support equal to the papers behind its triple; only
    assertions and entities carry kg:support."""
    wrong = sample_kg.query(
        """SELECT ?node ?support ?papers WHERE {
             ?node a kg:Assertion ; rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o ; kg:support ?support .
             { SELECT ?s ?p ?o (COUNT(DISTINCT ?paper) AS ?papers) WHERE {
                 ?n a kg:Assertion ; rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o ;
                    prov:wasDerivedFrom ?paper } GROUP BY ?s ?p ?o }
             FILTER(?support != ?papers) }"""
    ).rows
    assert wrong == ()
    missing = sample_kg.query(
        "SELECT (COUNT(*) AS ?n) WHERE { ?node a kg:Assertion FILTER NOT EXISTS { ?node kg:support ?s } }"
    ).rows
    assert missing == ((0,),)
    others = sample_kg.query(
        "SELECT (COUNT(*) AS ?n) WHERE { ?x kg:support ?s "
        "FILTER NOT EXISTS { ?x a kg:Assertion } FILTER NOT EXISTS { ?x kg:entityKey ?k } }"
    ).rows
    assert others == ((0,),)
    most = sample_kg.query("SELECT (MAX(?s) AS ?m) WHERE { ?node a kg:Assertion ; kg:support ?s }").rows
    assert most[0][0] >= 2  # relation edges stated in several papers
