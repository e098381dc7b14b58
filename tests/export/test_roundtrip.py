"""Every export of a graph built from hostile names reads back in the common readers (rdflib, networkx).

The papers carry what real corpora hold now and then: authors whose names end in ``.`` (Turtle
prefixed names cannot end in one for rdflib), control characters, quotes, backslashes, ``#``,
``%``, ``/`` and non-Latin text. The graph is built in-process from a small JSON Lines file.
"""

from __future__ import annotations

import json
from pathlib import Path

import networkx as nx
import pyoxigraph as ox
import pytest
import rdflib
from hypothesis import given
from hypothesis import strategies as st
from rdflib.compare import isomorphic

from kg import KnowledgeGraph
from kg.export.tables import write_graphml
from kg.graph.iri import entity_iri, person_iri
from kg.vocab import DCTERMS, KG, PREFIX_IRIS, RDF, SKOS

AUTHORS = [
    "Prashanth L.A.",
    "A.",
    ".",
    "..",
    "Jr.",
    'O"Brien \\ #1',
    "50% / x",
    "Ünïcødé 学.",
    "Bell\x07 Tab\tX",
]
TITLES = [
    "Offline reinforcement learning with a bell\x07 and a form feed\x0c in the title",
    "Quotes \"double\" and 'single', a backslash \\ and <angle> & ampersand.",
]
ABSTRACT = "We propose FooNet, a method for offline reinforcement learning, and evaluate it on D4RL."
#: Exports and the rdflib format that reads each; the dataset formats keep the named graphs.
RDF_FILES = {"kg.ttl": "turtle", "kg.nt": "nt", "kg.jsonld": "json-ld", "kg.nq": "nquads", "kg.trig": "trig"}


@pytest.fixture(scope="module")
def hostile_saved(tmp_path_factory) -> tuple[KnowledgeGraph, dict[str, Path]]:
    folder = tmp_path_factory.mktemp("hostile")
    source = folder / "papers.jsonl"
    rows = [{"title": title, "abstract": ABSTRACT, "authors": AUTHORS} for title in TITLES]
    source.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")
    kg = KnowledgeGraph.build([source])
    return kg, kg.save(folder / "out")


def _quads(dataset: rdflib.Dataset) -> dict[str, rdflib.Graph]:
    """Each named graph of ``dataset`` as a Graph, by name (the default graph under ``""``)."""
    graphs: dict[str, rdflib.Graph] = {}
    for s, p, o, g in dataset.quads((None, None, None, None)):
        name = "" if g is None or g == rdflib.graph.DATASET_DEFAULT_GRAPH_ID else str(g)
        graphs.setdefault(name, rdflib.Graph()).add((s, p, o))
    return graphs


def _union(graphs: dict[str, rdflib.Graph]) -> rdflib.Graph:
    union = rdflib.Graph()
    for graph in graphs.values():
        for triple in graph:
            union.add(triple)
    return union


@pytest.mark.parametrize("name", RDF_FILES)
def test_export_roundtrip_rdf_reads_back_in_rdflib(hostile_saved, name: str) -> None:
    kg, written = hostile_saved
    # What the store holds, read by rdflib from Oxigraph's N-Quads (no prefixed names to trip on).
    expected = _quads(
        rdflib.Dataset().parse(data=kg.store.dump(format=ox.RdfFormat.N_QUADS), format="nquads")
    )
    assert len(expected) > 2
    if RDF_FILES[name] in ("nquads", "trig"):
        got = _quads(rdflib.Dataset().parse(written[name], format=RDF_FILES[name]))
        assert sorted(got) == sorted(expected)
        for graph, triples in expected.items():
            assert isomorphic(got[graph], triples), graph
    else:
        got = rdflib.Graph().parse(written[name], format=RDF_FILES[name])
        assert isomorphic(got, _union(expected))


def test_export_roundtrip_author_iris_ending_in_a_dot_are_in_the_turtle(hostile_saved) -> None:
    _, written = hostile_saved
    got = rdflib.Graph().parse(written["kg.ttl"], format="turtle")
    subjects = {str(s) for s in got.subjects()}
    assert str(person_iri("Prashanth L.A.")) in subjects


def test_export_roundtrip_graphml_reads_back_in_networkx(hostile_saved) -> None:
    kg, written = hostile_saved
    G = nx.read_graphml(written["kg.graphml"])
    H = kg.to_networkx()
    assert G.number_of_nodes() == H.number_of_nodes() and G.number_of_edges() == H.number_of_edges()
    titles = {str(d.get("label", "")) for _, d in G.nodes(data=True)}
    assert "Offline reinforcement learning with a bell and a form feed in the title" in titles


@given(st.text(max_size=30))
def test_export_roundtrip_any_name_survives_turtle_in_rdflib(name: str) -> None:
    triples = [
        ox.Triple(
            ox.NamedNode(str(iri)),
            ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label"),
            ox.Literal("x"),
        )
        for iri in (person_iri(name), entity_iri(name))
    ]
    for rdf_format, parser in ((ox.RdfFormat.TURTLE, "turtle"), (ox.RdfFormat.TRIG, "trig")):
        text = ox.serialize(triples, format=rdf_format, prefixes=PREFIX_IRIS)
        got = rdflib.Graph().parse(data=text, format=parser) if parser == "turtle" else rdflib.Dataset()
        if parser == "trig":
            got.parse(data=text, format="trig")
        assert {str(s) for s in got.subjects()} == {t.subject.value for t in triples}


@given(st.text(max_size=30))
def test_export_roundtrip_any_attribute_survives_graphml(tmp_path_factory, text: str) -> None:
    """Any label, alias and title, control characters and markup included, reads back in networkx."""
    kg_ns = str(KG)
    store = ox.Store()
    entity, paper = ox.NamedNode(str(entity_iri("x" + text))), ox.NamedNode("https://w3id.org/kg/id/paper/p")
    a = ox.NamedNode(str(RDF.type))
    for s, p, o in [
        (entity, a, ox.NamedNode(kg_ns + "Method")),
        (entity, ox.NamedNode(str(SKOS.prefLabel)), ox.Literal(text)),
        (entity, ox.NamedNode(str(SKOS.altLabel)), ox.Literal(text + "x")),
        (paper, a, ox.NamedNode(kg_ns + "Paper")),
        (paper, ox.NamedNode(str(DCTERMS.title)), ox.Literal(text)),
        (paper, ox.NamedNode(kg_ns + "uses"), entity),
    ]:
        store.add(ox.Quad(s, p, o))
    path = write_graphml(store, tmp_path_factory.mktemp("graphml") / "g.graphml")
    back = nx.read_graphml(path)
    assert set(back.nodes) == {entity.value, paper.value} and back.number_of_edges() == 1
    assert back.nodes[entity.value]["type"] == "Method"
    ((source, target, data),) = back.edges(data=True)
    assert (source, target, data["relation"], data["weight"]) == (paper.value, entity.value, "uses", 1)
