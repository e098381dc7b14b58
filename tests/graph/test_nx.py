"""The NetworkX view of the sample graph (kg.graph.nx): nodes, edges and the drawable core."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import networkx as nx
import pytest

from kg import KnowledgeGraph
from kg.graph.nx import core_view, to_networkx
from kg.types import ENTITY_TYPES, ROLES

FAMO2O_TITLE = "Train Once, Get a Family"
ENTITY_CLASS_VALUES = "VALUES ?c { kg:Method kg:Dataset kg:Task kg:Metric kg:Concept }"


@pytest.fixture(scope="module")
def G(sample_kg: KnowledgeGraph) -> nx.MultiDiGraph:
    return sample_kg.to_networkx()


@pytest.fixture(scope="module")
def core(G: nx.MultiDiGraph) -> nx.MultiDiGraph:
    return core_view(G)


def _count(kg: KnowledgeGraph, where: str) -> int:
    ((n,),) = kg.query(f"SELECT (COUNT(DISTINCT ?x) AS ?n) WHERE {{ {where} }}").rows
    return n


def _node(G: nx.MultiDiGraph, label: str) -> str:
    (node,) = [n for n, d in G.nodes(data=True) if d["label"] == label and d["type"] != "Paper"]
    return node


def _paper(G: nx.MultiDiGraph, title_start: str) -> str:
    (node,) = [
        n for n, d in G.nodes(data=True) if d["type"] == "Paper" and d["label"].startswith(title_start)
    ]
    return node


# --- nodes -----------------------------------------------------------------------------------


def test_graph_nx_nodes_are_papers_and_entities(G, sample_kg: KnowledgeGraph, sample_corpus) -> None:
    papers = _count(sample_kg, "?x a kg:Paper")
    entities = _count(sample_kg, f"{ENTITY_CLASS_VALUES} ?x a ?c")
    assert papers == len(sample_corpus.papers)
    assert G.number_of_nodes() == papers + entities
    types = Counter(d["type"] for _, d in G.nodes(data=True))
    assert types["Paper"] == papers
    assert set(types) <= {"Paper", *ENTITY_TYPES}


def test_graph_nx_node_types_match_rdf_classes(G, sample_kg: KnowledgeGraph) -> None:
    for etype in ENTITY_TYPES:
        assert sum(1 for _, d in G.nodes(data=True) if d["type"] == etype) == _count(
            sample_kg, f"?x a kg:{etype}"
        ), etype


def test_graph_nx_node_attributes(G) -> None:
    for node, data in G.nodes(data=True):
        assert isinstance(data["label"], str) and data["label"].strip(), node
        assert isinstance(data["aliases"], list), node
        if data["type"] == "Paper":
            assert data["title"] == data["label"]
            assert isinstance(data["abstract"], str)


def test_graph_nx_famo2o_and_d4rl(G) -> None:
    famo2o, d4rl = _node(G, "FamO2O"), _node(G, "D4RL")
    assert G.nodes[famo2o]["type"] == "Method"
    assert "Family Offline-to-Online RL" in G.nodes[famo2o]["aliases"]
    assert G.nodes[d4rl]["type"] == "Dataset"
    paper = _paper(G, FAMO2O_TITLE)
    assert G.nodes[paper]["abstract"].startswith("Offline-to-online reinforcement learning (RL)")
    assert "proposes" in G[paper][famo2o]
    assert "evaluatedOn" in G[paper][d4rl]


# --- edges -----------------------------------------------------------------------------------


def test_graph_nx_edge_attributes(G) -> None:
    assert G.number_of_edges() > 0
    for s, o, key, data in G.edges(keys=True, data=True):
        assert data["relation"] == key
        assert isinstance(data["weight"], int) and not isinstance(data["weight"], bool)
        assert data["weight"] >= 1
        assert isinstance(data["evidence"], list)
        if data["relation"] in ROLES:
            assert G.nodes[s]["type"] == "Paper", (s, key, o)
            assert G.nodes[o]["type"] in ENTITY_TYPES, (s, key, o)


@pytest.mark.parametrize("role", ROLES)
def test_graph_nx_one_edge_per_role_triple(G, sample_kg: KnowledgeGraph, role: str) -> None:
    triples = sample_kg.query(f"SELECT ?s ?o WHERE {{ ?s kg:{role} ?o }}").rows
    edges = {(s, o) for s, o, key in G.edges(keys=True) if key == role}
    assert edges == set(triples)


def test_graph_nx_role_edges_carry_their_evidence(G) -> None:
    paper, famo2o = _paper(G, FAMO2O_TITLE), _node(G, "FamO2O")
    (sentence,) = G[paper][famo2o]["proposes"]["evidence"]
    assert "FamO2O" in sentence or "Family Offline-to-Online RL" in sentence


def test_graph_nx_view_of_loaded_graph_equals_built_one(G, sample_outputs: Path) -> None:
    loaded = to_networkx(KnowledgeGraph.load(sample_outputs / "kg.nq").store)
    assert dict(loaded.nodes(data=True)) == dict(G.nodes(data=True))
    assert sorted(loaded.edges(keys=True)) == sorted(G.edges(keys=True))


# --- core view -------------------------------------------------------------------------------


def test_graph_nx_core_keeps_every_paper(G, core) -> None:
    papers = {n for n, d in G.nodes(data=True) if d["type"] == "Paper"}
    assert papers <= set(core)


def test_graph_nx_core_drops_mention_only_singletons(G, core) -> None:
    singletons = [
        n
        for n, d in G.nodes(data=True)
        if d["type"] != "Paper"
        and G.out_degree(n) == 0
        and [e["relation"] for _, _, e in G.in_edges(n, data=True)] == ["mentions"]
    ]
    assert singletons, "the sample graph should have entities named only once"
    assert not set(singletons) & set(core)


def test_graph_nx_core_keeps_roles_and_shared_entities(G, core) -> None:
    for node, data in G.nodes(data=True):
        if data["type"] == "Paper":
            continue
        relations = [e["relation"] for _, _, e in G.in_edges(node, data=True)]
        if any(r in ROLES and r != "mentions" for r in relations) or relations.count("mentions") >= 2:
            assert node in core, (node, relations)
    assert {_node(G, "FamO2O"), _node(G, "D4RL")} <= set(core)


def test_graph_nx_core_is_a_subgraph(G, core) -> None:
    assert set(core) < set(G)
    assert set(core.edges(keys=True)) <= set(G.edges(keys=True))
    for node in core:
        assert core.nodes[node] == G.nodes[node]


def test_graph_nx_core_drops_mentions_beside_a_specific_role(G, core) -> None:
    paper, famo2o = _paper(G, FAMO2O_TITLE), _node(G, "FamO2O")
    assert set(G[paper][famo2o]) == {"proposes", "mentions"}
    assert set(core[paper][famo2o]) == {"proposes"}
    for s, o, key in core.edges(keys=True):
        if key == "mentions":
            assert set(core[s][o]) == {"mentions"}


def test_graph_nx_core_min_papers_controls_shared_mentions(G) -> None:
    loose, strict = core_view(G, min_papers=1), core_view(G, min_papers=3)
    entities = {n for n, d in G.nodes(data=True) if d["type"] != "Paper" and G.in_degree(n) > 0}
    assert entities <= set(loose)
    assert set(strict) < set(core_view(G))
