"""Paper metadata in the graph: dates at their precision, a year, ordered authors, venue, DOI and
arXiv IRIs, keywords, decision; conforming to the shapes and read back by ``papers()``."""

from __future__ import annotations

import pyoxigraph as ox
import pytest
from rdflib import Literal, URIRef

from kg.api import KnowledgeGraph
from kg.graph.rdf import build_store
from kg.link.merge import link
from kg.types import Paper
from kg.vocab import BIBO, DCTERMS, KG, SCHEMA, XSD

PAPERS = (
    Paper(
        id="neurips2023:abc",
        title="Sparse Attention at Scale",
        abstract="We propose SparseFormer.",
        date="2023",
        authors=("Ada Lovelace", "Alan Turing", "Grace Hopper"),
        venue="NeurIPS 2023",
        status="Spotlight",
        keywords=("attention", "sparsity"),
        url="https://openreview.net/forum?id=abc",
        doi="10.5555/3666122.3667000",
        arxiv_id="2305.12345",
    ),
    Paper(
        id="p2",
        title="Planning with Pods",
        abstract="",
        date="2021-06",
        authors=("Alan Turing",),
        venue="NeurIPS",
    ),
    Paper(id="p3", title="A Third Paper", abstract="Text.", date="2019-05-12", doi="10.1000/a<b>c"),
)


@pytest.fixture(scope="module")
def graph() -> KnowledgeGraph:
    store = ox.Store()
    build_store(PAPERS, link([]), store)
    return KnowledgeGraph(store)


def test_metadata_dates_keep_their_precision_with_a_year(graph) -> None:
    ds = graph.to_rdflib()
    dates = {str(p): d for p, d in ds.subject_objects(DCTERMS.date)}
    assert {d.datatype for d in dates.values()} == {XSD.gYear, XSD.gYearMonth, XSD.date}
    assert sorted(int(y) for y in ds.objects(None, KG.year)) == [2019, 2021, 2023]


def test_metadata_papers_frame_has_everything_in_order(graph) -> None:
    frame = graph.papers().set_index("id")
    first = frame.loc["neurips2023:abc"]
    assert first["authors"] == ["Ada Lovelace", "Alan Turing", "Grace Hopper"]
    assert (first["year"], first["venue"], first["decision"]) == (2023, "NeurIPS", "Spotlight")
    assert (first["doi"], first["arxiv_id"]) == ("10.5555/3666122.3667000", "2305.12345")
    assert first["keywords"] == ["attention", "sparsity"]
    assert first["url"] == "https://openreview.net/forum?id=abc"
    assert frame.loc["p2", "authors"] == ["Alan Turing"] and frame.loc["p3", "authors"] == []


def test_metadata_one_node_per_person_and_per_venue(graph) -> None:
    ds = graph.to_rdflib()
    assert len(set(ds.subjects(SCHEMA.name, Literal("Alan Turing")))) == 1
    venues = set(ds.objects(None, KG.venue))
    assert len(venues) == 1  # "NeurIPS 2023" in 2023 and "NeurIPS" are one venue
    assert [str(n) for n in ds.objects(venues.pop(), SCHEMA.name)] == ["NeurIPS"]


def test_metadata_identifiers_are_resolvable_iris(graph) -> None:
    ds = graph.to_rdflib()
    same = {str(o) for o in ds.objects(None, SCHEMA.sameAs)}
    assert "https://doi.org/10.5555/3666122.3667000" in same
    assert "https://arxiv.org/abs/2305.12345" in same
    assert "https://doi.org/10.1000/a%3Cb%3Ec" in same  # a DOI with markup characters stays a valid IRI
    assert "10.1000/a<b>c" in {str(o) for o in ds.objects(None, BIBO.doi)}
    assert all(isinstance(o, URIRef) for o in ds.objects(None, SCHEMA.url))


def test_metadata_conforms_to_the_shapes(graph) -> None:
    report = graph.validate()
    assert report.conforms, report.summary()
