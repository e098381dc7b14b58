"""RDFS and OWL-RL inference (kg.graph.reasoning, `kg build --infer`) on the real sample graph."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from kg import KnowledgeGraph
from kg.graph.iri import INFERRED_GRAPH
from kg.graph.reasoning import InferenceReport

INFERRED = f"<{INFERRED_GRAPH}>"


def count(kg: KnowledgeGraph, where: str) -> int:
    return int(kg.sparql(f"SELECT (COUNT(*) AS ?n) WHERE {{ {where} }}")["n"][0])


def inferred(sample_outputs: Path, regime: str) -> tuple[KnowledgeGraph, InferenceReport]:
    kg = KnowledgeGraph.load(sample_outputs / "kg.nq")  # a copy: the session's sample_kg stays as built
    return kg, kg.infer(regime)


@pytest.fixture(scope="module")
def rdfs(sample_outputs: Path) -> tuple[KnowledgeGraph, InferenceReport]:
    return inferred(sample_outputs, "rdfs")


@pytest.fixture(scope="module")
def owlrl(sample_outputs: Path) -> tuple[KnowledgeGraph, InferenceReport]:
    return inferred(sample_outputs, "owlrl")


@pytest.mark.parametrize(
    ("superclass", "subclasses"),
    [
        ("kg:Entity", ["kg:Method", "kg:Dataset", "kg:Task", "kg:Metric", "kg:Concept"]),
        ("skos:Concept", ["kg:Method", "kg:Dataset", "kg:Task", "kg:Metric", "kg:Concept"]),
        ("mls:Algorithm", ["kg:Method"]),
        ("schema:Dataset", ["kg:Dataset"]),
        ("schema:ScholarlyArticle", ["kg:Paper"]),
    ],
)
def test_infer_rdfs_finds_instances_of_superclasses(
    sample_kg, rdfs, superclass: str, subclasses: list[str]
) -> None:
    kg, _ = rdfs
    # Before reasoning nothing is typed with the superclass; after, exactly the subclasses' instances.
    assert count(sample_kg, f"?x a {superclass}") == 0
    values = " ".join(subclasses)
    expected = count(kg, f"SELECT DISTINCT ?x WHERE {{ VALUES ?c {{ {values} }} ?x a ?c }}")
    assert expected > 0
    assert count(kg, f"SELECT DISTINCT ?x WHERE {{ ?x a {superclass} }}") == expected


def test_infer_keeps_entailments_in_their_own_graph(sample_kg, rdfs) -> None:
    kg, report = rdfs
    assert report.regime == "rdfs" and report.inferred_triples > 5_000
    assert count(kg, f"GRAPH {INFERRED} {{ ?s ?p ?o }}") == report.inferred_triples
    assert len(kg.store) == len(sample_kg.store) + report.inferred_triples
    # Only new facts: nothing in the inferred graph was already stated elsewhere.
    assert (
        count(kg, f"GRAPH {INFERRED} {{ ?s ?p ?o }} GRAPH ?g {{ ?s ?p ?o }} FILTER (?g != {INFERRED})") == 0
    )


def test_infer_rdfs_has_no_inverse_properties(rdfs) -> None:
    kg, _ = rdfs
    assert count(kg, "?e kg:proposedBy ?p") == 0  # owl:inverseOf is OWL, not RDFS


@pytest.mark.parametrize(
    ("role", "inverse"),
    [
        ("proposes", "proposedBy"),
        ("uses", "usedBy"),
        ("evaluatedOn", "evaluationOf"),
        ("mentions", "mentionedIn"),
    ],
)
def test_infer_owlrl_makes_inverse_properties_work(owlrl, role: str, inverse: str) -> None:
    kg, _ = owlrl
    stated = count(kg, f"?p kg:{role} ?e")
    assert stated > 0
    assert count(kg, f"?e kg:{inverse} ?p") == stated
    assert count(kg, f"?e kg:{inverse} ?p FILTER NOT EXISTS {{ ?p kg:{role} ?e }}") == 0


def test_infer_owlrl_graph_still_conforms(owlrl) -> None:
    kg, _ = owlrl
    report = kg.validate()
    assert report.conforms, report.summary()


def test_infer_again_replaces_the_inferred_graph(sample_outputs: Path) -> None:
    kg, first = inferred(sample_outputs, "rdfs")
    size = len(kg.store)
    assert kg.infer("rdfs").inferred_triples == first.inferred_triples
    assert len(kg.store) == size


def test_rebuild_without_infer_drops_the_inferred_graph(rdfs, sample_outputs: Path, tmp_path: Path) -> None:
    kg, _ = rdfs
    kg.save(tmp_path, formats=[])
    assert KnowledgeGraph.load(tmp_path).store.contains_named_graph(ox.NamedNode(str(INFERRED_GRAPH)))
    KnowledgeGraph.load(sample_outputs / "kg.nq").save(tmp_path, formats=[])
    on_disk = KnowledgeGraph.load(tmp_path)
    assert not on_disk.store.contains_named_graph(ox.NamedNode(str(INFERRED_GRAPH)))
    assert count(on_disk, "?x a kg:Entity") == 0
