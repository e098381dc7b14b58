"""The Python API (kg.api.KnowledgeGraph) on the real sample graph."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from rdflib import Dataset, Graph

from kg import KnowledgeGraph
from kg.errors import GraphNotFoundError, InputError, KgError, QueryError
from kg.types import ENTITY_TYPES

FAMO2O_TITLE = "Train Once, Get a Family"
FAMO2O_IRI = "https://w3id.org/kg/id/entity/familyofflinetoonlinerl"
D4RL_IRI = "https://w3id.org/kg/id/entity/d4rl"


@pytest.fixture(scope="module")
def papers(sample_kg: KnowledgeGraph) -> pd.DataFrame:
    return sample_kg.papers()


@pytest.fixture(scope="module")
def stats(sample_kg: KnowledgeGraph) -> dict:
    return sample_kg.stats()


# --- papers and entities -------------------------------------------------------------------------


def test_api_papers_one_row_per_unique_paper(papers: pd.DataFrame, sample_corpus) -> None:
    assert len(papers) == len(sample_corpus.papers)
    assert papers["id"].is_unique and papers["iri"].is_unique
    assert set(papers["id"]) == {p.id for p in sample_corpus.papers}
    titles = dict(zip(papers["id"], papers["title"], strict=True))
    assert all(titles[p.id] == p.title for p in sample_corpus.papers)
    assert list(papers.columns[:3]) == ["iri", "id", "title"]


def test_api_papers_sorted_by_title(papers: pd.DataFrame) -> None:
    assert papers["title"].tolist() == sorted(papers["title"].tolist())


def test_api_entities_of_type_dataset_include_d4rl(sample_kg: KnowledgeGraph) -> None:
    datasets = sample_kg.entities(type="Dataset")
    assert set(datasets["type"]) == {"Dataset"}
    row = datasets[datasets["label"] == "D4RL"]
    assert row["iri"].tolist() == [D4RL_IRI]
    assert int(row["papers"].iloc[0]) >= 2  # several sample papers report D4RL results
    assert datasets["iri"].is_unique


def test_api_entities_sorted_by_support(sample_kg: KnowledgeGraph) -> None:
    support = sample_kg.entities(type="Dataset")["papers"].tolist()
    assert support == sorted(support, reverse=True)


def test_api_entities_all_types(sample_kg: KnowledgeGraph, stats: dict) -> None:
    every = sample_kg.entities()
    assert set(every["type"]) == set(stats["entities"])
    assert set(every["type"]) <= set(ENTITY_TYPES)
    assert len(every) == sum(stats["entities"].values())
    famo2o = every[every["iri"] == FAMO2O_IRI].iloc[0]
    assert famo2o["label"] == "FamO2O"
    assert famo2o["type"] == "Method"
    assert "Family Offline-to-Online RL" in famo2o["aliases"].split(" | ")


@pytest.mark.parametrize("bogus", ["Bogus", "dataset", "Paper", ""])
def test_api_entities_unknown_type_is_an_error(sample_kg: KnowledgeGraph, bogus: str) -> None:
    with pytest.raises(KgError) as caught:
        sample_kg.entities(type=bogus)
    assert isinstance(caught.value, InputError)
    message = str(caught.value)
    assert repr(bogus) in message and "\n" not in message
    assert all(t in message for t in ENTITY_TYPES)


# --- find and neighbors ------------------------------------------------------------------------


@pytest.mark.parametrize("label", ["FamO2O", "famo2o", "FAMO2O", "Family Offline-to-Online RL"])
def test_api_find_by_label_or_alias_ignoring_case(sample_kg: KnowledgeGraph, label: str) -> None:
    assert sample_kg.find(label) == [FAMO2O_IRI]


def test_api_find_paper_by_title(sample_kg: KnowledgeGraph, sample_paper) -> None:
    paper = sample_paper(FAMO2O_TITLE)
    (iri,) = sample_kg.find(paper.title)
    assert iri.startswith("https://w3id.org/kg/id/paper/")


def test_api_find_unknown_is_empty(sample_kg: KnowledgeGraph) -> None:
    assert sample_kg.find("No Such Method 0") == []


def test_api_neighbors_famo2o_is_proposed_by_its_paper(sample_kg: KnowledgeGraph) -> None:
    frame = sample_kg.neighbors("FamO2O")
    assert list(frame.columns) == ["relation", "direction", "iri", "label", "type"]
    proposers = frame[(frame["relation"] == "proposes") & (frame["direction"] == "in")]
    assert len(proposers) == 1
    assert proposers["label"].iloc[0].startswith(FAMO2O_TITLE)
    assert proposers["type"].iloc[0] == "Paper"


def test_api_neighbors_famo2o_paper_is_evaluated_on_d4rl(sample_kg: KnowledgeGraph) -> None:
    paper_title = sample_kg.neighbors("FamO2O").query("relation == 'proposes'")["label"].iloc[0]
    frame = sample_kg.neighbors(paper_title)
    out = frame[frame["direction"] == "out"]
    rows = set(zip(out["relation"], out["label"], out["type"], strict=True))
    assert ("evaluatedOn", "D4RL", "Dataset") in rows
    assert ("proposes", "FamO2O", "Method") in rows


def test_api_neighbors_d4rl_lists_famo2o_paper(sample_kg: KnowledgeGraph) -> None:
    frame = sample_kg.neighbors("D4RL")
    evaluated = frame[(frame["relation"] == "evaluatedOn") & (frame["direction"] == "in")]
    assert any(label.startswith(FAMO2O_TITLE) for label in evaluated["label"])


def test_api_neighbors_unknown_is_empty_frame(sample_kg: KnowledgeGraph) -> None:
    frame = sample_kg.neighbors("No Such Method 0")
    assert frame.empty
    assert list(frame.columns) == ["relation", "direction", "iri", "label", "type"]


# --- SPARQL ------------------------------------------------------------------------------------


def test_api_sparql_famo2o_proposed_and_evaluated_on_d4rl(sample_kg: KnowledgeGraph) -> None:
    frame = sample_kg.sparql(
        f"""SELECT ?title ?method ?benchmark WHERE {{
              ?paper dcterms:title ?title ; kg:proposes ?m ; kg:evaluatedOn ?b .
              FILTER(STRSTARTS(STR(?title), "{FAMO2O_TITLE}"))
              ?m skos:prefLabel|skos:altLabel ?method . ?b skos:prefLabel ?benchmark .
              FILTER(?method = "FamO2O") }}"""
    )
    assert len(frame) >= 1
    assert set(frame["benchmark"]) >= {"D4RL"}
    assert frame["title"].str.startswith(FAMO2O_TITLE).all()


@pytest.mark.parametrize(
    "query",
    ["SELECT * WHERE {", "SELEKT ?s WHERE { ?s ?p ?o }", "SELECT ?s WHERE { ?s ?p }", "ASK { ?s nope:x ?o }"],
)
def test_api_sparql_bad_syntax_is_one_line_query_error(sample_kg: KnowledgeGraph, query: str) -> None:
    with pytest.raises(QueryError) as caught:
        sample_kg.sparql(query)
    assert len(str(caught.value).splitlines()) == 1


def test_api_sparql_ask(sample_kg: KnowledgeGraph) -> None:
    yes = sample_kg.sparql(f"ASK {{ ?p kg:proposes <{FAMO2O_IRI}> ; kg:evaluatedOn <{D4RL_IRI}> }}")
    no = sample_kg.sparql(f"ASK {{ ?p kg:evaluatedOn <{FAMO2O_IRI}> }}")
    assert yes["boolean"].tolist() == [True]
    assert no["boolean"].tolist() == [False]
    assert sample_kg.query("ASK { ?p a kg:Paper }").boolean is True


def test_api_sparql_construct(sample_kg: KnowledgeGraph) -> None:
    frame = sample_kg.sparql(
        f"CONSTRUCT {{ ?p kg:proposes ?m }} WHERE {{ ?p kg:proposes ?m FILTER(?m = <{FAMO2O_IRI}>) }}"
    )
    assert list(frame.columns) == ["subject", "predicate", "object"]
    assert len(frame) == 1
    assert frame["object"].iloc[0] == FAMO2O_IRI
    assert frame["predicate"].iloc[0] == "https://w3id.org/kg/ontology#proposes"


# --- stats and views ---------------------------------------------------------------------------


def test_api_stats(sample_kg: KnowledgeGraph, stats: dict, sample_corpus) -> None:
    n = len(sample_corpus.papers)
    assert stats["papers"] == n
    assert stats["graphs"] == n + 3  # + entities, ontology, statistics
    assert set(stats["entities"]) <= set(ENTITY_TYPES)
    assert stats["entities"]["Dataset"] >= 1 and stats["entities"]["Method"] >= 1
    G = sample_kg.to_networkx()
    assert stats["papers"] + sum(stats["entities"].values()) == G.number_of_nodes()
    assert sum(stats["edges"].values()) == G.number_of_edges()
    assert stats["quads"] == len(sample_kg.store)
    assert stats["triples"] <= stats["quads"]


def test_api_build_report(sample_kg: KnowledgeGraph, sample_corpus) -> None:
    report = sample_kg.report
    assert report.papers == len(sample_corpus.papers)
    assert report.records_read == sample_corpus.n_read
    assert report.records_read > report.papers  # the sample dumps repeat some titles
    assert report.problems == ()
    assert report.empty_abstracts == sum(1 for p in sample_corpus.papers if not p.abstract)
    assert report.mentions > 0 and report.seconds > 0


def test_api_union_is_plain_graph_of_every_triple(sample_kg: KnowledgeGraph, stats: dict) -> None:
    union = sample_kg.union()
    assert type(union) is Graph
    assert len(union) == stats["triples"]


def test_api_to_rdflib_has_a_graph_per_paper(sample_kg: KnowledgeGraph, stats: dict) -> None:
    dataset = sample_kg.to_rdflib()
    assert isinstance(dataset, Dataset)
    named = {g.identifier for g in dataset.graphs() if len(g)}
    assert len(named) == stats["graphs"]


def test_api_to_networkx_is_cached(sample_kg: KnowledgeGraph) -> None:
    assert sample_kg.to_networkx() is sample_kg.to_networkx()


def test_api_load_gives_same_answers(sample_kg: KnowledgeGraph, sample_outputs: Path) -> None:
    loaded = KnowledgeGraph.load(sample_outputs)
    assert loaded.report is None
    pd.testing.assert_frame_equal(loaded.papers(), sample_kg.papers())
    pd.testing.assert_frame_equal(loaded.entities(type="Dataset"), sample_kg.entities(type="Dataset"))
    assert loaded.find("FamO2O") == sample_kg.find("FamO2O")


# --- errors ------------------------------------------------------------------------------------


def _one_line(error: BaseException) -> str:
    message = str(error)
    assert message and "\n" not in message
    return message


def test_api_load_missing_path(tmp_path: Path) -> None:
    with pytest.raises(GraphNotFoundError) as caught:
        KnowledgeGraph.load(tmp_path / "nowhere")
    assert "nowhere" in _one_line(caught.value)


def test_api_load_folder_without_graph(tmp_path: Path) -> None:
    with pytest.raises(GraphNotFoundError) as caught:
        KnowledgeGraph.load(tmp_path)
    assert "kg build" in _one_line(caught.value)


def test_api_load_unknown_format(tmp_path: Path) -> None:
    path = tmp_path / "graph.xyz"
    path.write_text("<rdf:RDF/>", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        KnowledgeGraph.load(path)
    assert "unknown graph format" in _one_line(caught.value)
    assert ".nq" in _one_line(caught.value) and ".rdf" in _one_line(caught.value)


def test_api_load_rdfxml_export(sample_kg, tmp_path: Path) -> None:
    """Every format ``kg export`` writes loads back; RDF/XML holds the union of the graphs."""
    from kg.export.rdf import export_rdf

    export_rdf(sample_kg.store, tmp_path / "kg.rdf", "rdfxml")
    loaded = KnowledgeGraph.load(tmp_path / "kg.rdf")
    distinct = {(q.subject, q.predicate, q.object) for q in sample_kg.store}
    assert len(loaded.store) == len(distinct)


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("kg.nq", b"not rdf at all\n"),
        ("kg.ttl", b"@prefix kg: <https://w3id.org/kg/ontology#> .\nkg:a kg:b \n"),
        ("kg.jsonld", b'{"@context": '),
        ("kg.nt", b"\x00\x01\x02binary"),
        ("kg.nq", b"<a> <b> <c> <d> <e> .\n"),
    ],
)
def test_api_load_invalid_rdf(tmp_path: Path, name: str, content: bytes) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(InputError) as caught:
        KnowledgeGraph.load(path)
    assert _one_line(caught.value).startswith(f"{path}: not valid RDF")


def test_api_load_empty_nquads_is_an_empty_graph(tmp_path: Path) -> None:
    path = tmp_path / "kg.nq"
    path.write_text("", encoding="utf-8")
    stats = KnowledgeGraph.load(path).stats()
    assert stats["papers"] == 0 and stats["triples"] == 0


def test_api_build_without_papers_is_an_error(tmp_path: Path) -> None:
    empty = tmp_path / "empty.jsonl"
    empty.write_text("", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        KnowledgeGraph.build([empty, tmp_path / "missing.jsonl"])
    message = _one_line(caught.value)
    assert "empty.jsonl" in message and "missing.jsonl" in message


def test_api_build_keeps_going_when_one_paper_fails(monkeypatch, tmp_path: Path) -> None:
    """A paper whose extraction raises is left out and listed in ``report.failures``; the others build."""
    import kg.extract.pipeline as pipeline

    rows = [
        {
            "id": "ok-1",
            "title": "Deep Q-Networks Revisited",
            "abstract": "We evaluate DQN on the Atari benchmark.",
        },
        {
            "id": "boom",
            "title": "A Paper That Breaks",
            "abstract": "We propose BoomNet for image classification.",
        },
        {"id": "ok-2", "title": "PPO at Scale", "abstract": "We use PPO to train agents on MuJoCo tasks."},
    ]
    path = tmp_path / "papers.jsonl"
    path.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")
    real = pipeline.doc_to_extraction

    def breaks_on_boom(paper, doc):
        if paper.id == "boom":
            raise KeyError((12, 17))
        return real(paper, doc)

    monkeypatch.setattr(pipeline, "doc_to_extraction", breaks_on_boom)
    graph = KnowledgeGraph.build([path])
    assert graph.report.papers == 2
    (failure,) = graph.report.failures
    assert failure.startswith('boom "A Paper That Breaks": KeyError')
    assert sorted(graph.papers()["id"]) == ["ok-1", "ok-2"]
