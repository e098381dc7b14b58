"""Analytics of kg.graph.analytics on small graphs made by hand, and on the sample graph."""

from __future__ import annotations

import networkx as nx
import pandas as pd
import pytest

from kg import KnowledgeGraph
from kg.errors import InputError
from kg.graph.analytics import co_usage, communities, compare, cooccurrence, similar_papers, trends


def corpus(
    papers: dict[str, int | None], links: list[tuple[str, str, str]], entities: dict[str, str]
) -> nx.MultiDiGraph:
    """Papers (id -> year), entities (id -> type; the label is the id) and (paper, role, entity) edges."""
    G = nx.MultiDiGraph()
    for paper, year in papers.items():
        G.add_node(paper, type="Paper", label=f"Paper {paper}", title=f"Paper {paper}", year=year, venue="V")
    for entity, kind in entities.items():
        G.add_node(entity, type=kind, label=entity)
    for paper, role, entity in links:
        G.add_edge(paper, entity, key=role, relation=role)
    return G


def test_trends_ranks_by_share_of_each_years_papers_not_by_counts() -> None:
    # 2020: 2 papers, 2021: 10 papers. "steady" is in half the papers of both years: its count
    # grows from 1 to 5 but its share does not; "fading" has 1 paper each year, its share falls.
    years = {f"a{i}": 2020 for i in range(2)} | {f"b{i}": 2021 for i in range(10)}
    links = [("a0", "uses", "steady")] + [(f"b{i}", "uses", "steady") for i in range(5)]
    links += [("a1", "uses", "fading"), ("b9", "uses", "fading")]
    G = corpus(years, links, {"steady": "Method", "fading": "Method"})
    frame = trends(G, min_papers=2)
    assert frame["label"].tolist() == ["fading"]  # "steady" has no slope: neither rising nor declining
    row = frame.iloc[0]
    assert row["trend"] == "declining"
    assert row["slope"] == pytest.approx(10 - 50)  # 50% of 2020's papers, 10% of 2021's
    assert (row[2020], row[2021], row["papers"]) == (1, 1, 2)


def test_trends_keeps_entities_with_min_papers_and_the_type_asked() -> None:
    G = corpus(
        {"p1": 2020, "p2": 2021, "p3": 2021},
        [("p2", "uses", "m"), ("p3", "uses", "m"), ("p3", "evaluatedOn", "d")],
        {"m": "Method", "d": "Dataset"},
    )
    assert trends(G, min_papers=2)["label"].tolist() == ["m"]
    assert trends(G, min_papers=1, type="Dataset")["label"].tolist() == ["d"]
    with pytest.raises(InputError, match="unknown entity type"):
        trends(G, type="Model")


def test_trends_of_papers_without_years_is_an_empty_table() -> None:
    G = corpus({"p1": None, "p2": None}, [("p1", "uses", "m"), ("p2", "uses", "m")], {"m": "Method"})
    frame = trends(G, min_papers=1)
    assert frame.empty
    assert list(frame.columns[:3]) == ["iri", "label", "type"]


def test_co_usage_counts_papers_that_work_with_both_not_mere_mentions() -> None:
    G = corpus(
        {"p1": None, "p2": None, "p3": None},
        [
            ("p1", "proposes", "IQL"),
            ("p1", "evaluatedOn", "D4RL"),
            ("p2", "uses", "IQL"),
            ("p2", "evaluatedOn", "D4RL"),
            ("p3", "uses", "IQL"),
            ("p3", "mentions", "D4RL"),
        ],
        {"IQL": "Method", "D4RL": "Dataset"},
    )
    table = co_usage(G, "Method", "Dataset")
    assert table.loc["IQL", "D4RL"] == 2
    assert (table.index.name, table.columns.name) == ("Method", "Dataset")


def test_compare_an_entity_lists_what_its_papers_work_with() -> None:
    G = corpus(
        {"p1": 2021, "p2": 2023},
        [
            ("p1", "proposes", "IQL"),
            ("p1", "evaluatedOn", "D4RL"),
            ("p1", "addresses", "offline RL"),
            ("p2", "uses", "IQL"),
            ("p2", "evaluatedOn", "D4RL"),
            ("p2", "mentions", "return"),
            ("p2", "mentions", "Atari"),
        ],
        {"IQL": "Method", "D4RL": "Dataset", "offline RL": "Task", "return": "Metric", "Atari": "Dataset"},
    )
    row = compare(G, ["IQL"]).iloc[0]
    assert row["papers"] == 2
    assert row["years"] == "2021–2023"
    assert row["venues"] == ["V (2)"]
    assert row["proposed_by"] == ["Paper p1"]
    assert row["benchmarks"] == ["D4RL (2)"]  # a mere mention of Atari is no benchmark
    assert row["tasks"] == ["offline RL (1)"]
    assert row["metrics"] == ["return (1)"]  # metrics count when mentioned


def test_compare_a_paper_lists_its_own_roles() -> None:
    G = corpus(
        {"p1": 2021},
        [("p1", "proposes", "IQL"), ("p1", "evaluatedOn", "D4RL")],
        {"IQL": "Method", "D4RL": "Dataset"},
    )
    row = compare(G, ["p1"]).iloc[0]
    assert (row["type"], row["papers"], row["methods"], row["benchmarks"]) == (
        "Paper",
        1,
        ["IQL (1)"],
        ["D4RL (1)"],
    )


def test_similar_papers_weigh_rare_entities_more() -> None:
    papers = {p: None for p in "abcdef"}
    links = [(p, "mentions", "common") for p in "abcdef"]
    links += [("a", "evaluatedOn", "rare"), ("b", "evaluatedOn", "rare")]
    links += [("a", "uses", "half"), ("c", "uses", "half"), ("d", "uses", "half")]
    G = corpus(papers, links, {"common": "Task", "rare": "Dataset", "half": "Method"})
    frame = similar_papers(G, "a")
    assert frame["iri"].tolist()[:3] == ["b", "c", "d"]
    assert frame.iloc[0]["shared"] == ["rare", "common"]
    assert frame["score"].is_monotonic_decreasing
    assert frame.iloc[0]["score"] > frame.iloc[1]["score"]
    with pytest.raises(InputError, match="not a paper"):
        similar_papers(G, "rare")


def test_communities_separate_groups_that_papers_never_share_and_are_stable() -> None:
    links = []
    for i in range(6):
        links += [(f"rl{i}", "uses", e) for e in ("PPO", "SAC", "MuJoCo")]
        links += [(f"nlp{i}", "uses", e) for e in ("BERT", "GLUE", "SQuAD")]
    links.append(("rl0", "mentions", "BERT"))
    papers = {p: None for p, _, _ in links}
    kinds = {
        "PPO": "Method",
        "SAC": "Method",
        "MuJoCo": "Dataset",
        "BERT": "Method",
        "GLUE": "Dataset",
        "SQuAD": "Dataset",
    }
    G = corpus(papers, links, kinds)
    frame = communities(G)
    groups = {frozenset(g) for g in frame.groupby("community")["label"].apply(set)}
    assert groups == {frozenset({"PPO", "SAC", "MuJoCo"}), frozenset({"BERT", "GLUE", "SQuAD"})}
    assert frame.iloc[0]["label"] == "BERT"  # the largest community first, then the most papers
    pd.testing.assert_frame_equal(frame, communities(G))
    assert set(communities(G, type="Dataset")["label"]) == {"MuJoCo", "GLUE", "SQuAD"}


def test_cooccurrence_keeps_the_top_entities_and_weighs_shared_papers() -> None:
    G = corpus(
        {"p1": None, "p2": None, "p3": None},
        [
            ("p1", "uses", "a"),
            ("p1", "uses", "b"),
            ("p2", "uses", "a"),
            ("p2", "uses", "b"),
            ("p3", "uses", "c"),
        ],
        {"a": "Method", "b": "Method", "c": "Method"},
    )
    C = cooccurrence(G, min_papers=1)
    assert C.edges["a", "b"]["weight"] == 2
    assert set(cooccurrence(G, top=2, min_papers=1)) == {"a", "b"}
    assert set(cooccurrence(G, min_papers=2)) == {"a", "b"}


# -- through the API, on the sample graph --------------------------------------------------


def test_api_compare_names_by_alias_and_adds_evidence(sample_kg: KnowledgeGraph) -> None:
    table = sample_kg.compare("IQL", "Offline Reinforcement Learning")
    assert table["label"].tolist() == ["IQL", "offline RL"]
    assert any(b.startswith("D4RL (") for b in table.iloc[1]["benchmarks"])
    assert "iql" in table.iloc[0]["evidence"].lower()
    assert "offline" in table.iloc[1]["evidence"].lower()


def test_api_similar_finds_a_paper_by_title_and_rejects_an_entity(sample_kg: KnowledgeGraph) -> None:
    title = sample_kg.papers().title.iloc[0]
    frame = sample_kg.similar(title, top=3)
    assert len(frame) <= 3 and title not in frame["title"].tolist()
    with pytest.raises(InputError, match="an entity, not a paper"):
        sample_kg.similar("D4RL")
    with pytest.raises(InputError, match="no paper or entity is called"):
        sample_kg.similar("no such paper at all")


def test_api_find_by_paper_id(sample_kg: KnowledgeGraph) -> None:
    paper = sample_kg.papers().iloc[3]
    assert sample_kg.find(paper["id"]) == [paper["iri"]]
