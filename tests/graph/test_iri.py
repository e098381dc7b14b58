"""IRI minting: any text gives a valid, deterministic, distinct IRI that survives N-Triples."""

from __future__ import annotations

import re
from urllib.parse import unquote

import pyoxigraph as ox
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rdflib import Graph, Literal, URIRef
from rdflib.compare import isomorphic

from kg.graph.iri import assertion_iri, entity_iri, extractor_iri, paper_graph_iri, paper_iri, person_iri
from kg.vocab import KG, KGID, SKOS

MINTERS = {
    "paper": paper_iri,
    "entity": entity_iri,
    "graph/paper": paper_graph_iri,
    "person": person_iri,
}

#: Nasty characters for an IRI, mixed into ordinary text.
_AWKWARD = st.sampled_from(
    [" ", '"', "'", "<", ">", "#", "/", "%", "?", "\\", "{", "}", "|", "^", "`", "\n", "é", "𝔼"]
)
TEXT = st.one_of(st.text(), st.lists(st.one_of(_AWKWARD, st.text(max_size=3)), max_size=12).map("".join))

_SAFE_SEGMENT = re.compile(r"[A-Za-z0-9\-._~%]*")


@pytest.mark.parametrize("kind", MINTERS)
@settings(deadline=None)
@given(value=TEXT)
def test_iri_is_one_safe_segment_that_decodes_back(kind, value):
    iri = MINTERS[kind](value)
    assert isinstance(iri, URIRef)
    prefix = f"{KGID}{kind}/"
    assert iri.startswith(prefix)
    segment = iri[len(prefix) :]
    assert _SAFE_SEGMENT.fullmatch(segment), segment
    assert unquote(segment, errors="strict") == value  # so distinct values give distinct IRIs
    assert MINTERS[kind](value) == iri  # deterministic


@settings(deadline=None)
@given(a=TEXT, b=TEXT)
def test_iri_distinct_inputs_give_distinct_iris(a, b):
    if a == b:
        assert entity_iri(a) == entity_iri(b)
    else:
        assert entity_iri(a) != entity_iri(b)
        assert paper_iri(a) != paper_iri(b)
    assert paper_iri(a) != entity_iri(b)


@settings(deadline=None, max_examples=50)
@given(key=TEXT, paper_id=TEXT, label=st.text())
def test_iri_round_trips_through_n_triples(key, paper_id, label):
    graph = Graph()
    entity, paper = entity_iri(key), paper_iri(paper_id)
    graph.add((paper, KG.proposes, entity))
    graph.add((entity, SKOS.prefLabel, Literal(label)))
    data = graph.serialize(format="nt", encoding="utf-8")

    back = Graph().parse(data=data, format="nt")
    assert set(back) == set(graph)
    assert isomorphic(back, graph)
    # Oxigraph, the store the graph is queried in, checks IRIs strictly.
    triples = list(ox.parse(data, format=ox.RdfFormat.N_TRIPLES))
    assert {(t.subject.value, t.object.value) for t in triples if t.predicate.value == str(KG.proposes)} == {
        (str(paper), str(entity))
    }


@pytest.mark.parametrize(
    ("a", "b"),
    [
        (("kg-rules/roles", "0.1.0"), ("kg-rules", "roles/0.1.0")),
        (("kg-rules", "0.1.0"), ("kg-rules", "0.1.1")),
    ],
)
def test_iri_extractor_parts_do_not_run_together(a, b):
    assert extractor_iri(*a) != extractor_iri(*b)
    assert extractor_iri(*a) == extractor_iri(*a)


@settings(deadline=None)
@given(paper=st.text(max_size=20), obj=st.text(max_size=20))
def test_iri_assertion_is_stable_and_keeps_roles_apart(paper, obj):
    iris = {
        assertion_iri(paper, role, obj)
        for role in ("proposes", "uses", "evaluatedOn", "addresses", "mentions")
    }
    assert len(iris) == 5
    assert assertion_iri(paper, "uses", obj) == assertion_iri(paper, "uses", obj)
    assert all(str(i).startswith(f"{KGID}assertion/") for i in iris)
