"""The explorer's catalog (kg.graph.catalog): names by word start, search ranking, the overview."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kg import KnowledgeGraph
from kg.graph.catalog import OVERVIEW_PER_TYPE, open_catalog, read_overview, search, word_keys, write_catalog


@pytest.fixture(scope="module")
def catalog(sample_kg: KnowledgeGraph, tmp_path_factory):
    path = write_catalog(sample_kg.store, tmp_path_factory.mktemp("catalog") / "catalog.sqlite")
    connection = open_catalog(path)
    yield connection
    connection.close()


@given(st.text(max_size=80))
def test_catalog_word_keys_are_lowercase_suffixes_at_word_starts(name: str) -> None:
    lower = name.lower()
    expected = [
        (lower[i : i + 64], i == 0)
        for i, char in enumerate(lower)
        if (char.isalnum() or char == "_") and (i == 0 or not lower[i - 1].isalnum())
    ]
    assert list(word_keys(name)) == expected


def test_catalog_search_ranks_the_whole_name_then_whole_words_then_papers(catalog) -> None:
    found = search(catalog, "PPO")
    assert found[0]["name"] == "PPO" and found[0]["type"] == "Method"
    assert "Support" not in " ".join(item["name"] for item in found)
    offline = search(catalog, "offline reinforcement learning")
    assert offline[0]["label"] == "offline RL" and offline[0]["alias"] is True
    scores = search(catalog, "rl", limit=40)
    assert scores[0]["name"] == "RL"
    assert len({item["id"] for item in scores}) == len(scores)


def test_catalog_search_finds_papers_by_any_word_of_the_title(catalog, sample_kg) -> None:
    title = "Train Once, Get a Family: State-Adaptive Balances for Offline-to-Online Reinforcement Learning"
    (iri,) = sample_kg.find(title)
    assert iri in [item["id"] for item in search(catalog, "state-adaptive balances", limit=50)]
    assert search(catalog, "   ") == []


def test_catalog_overview_has_the_most_supported_entities_of_each_type(catalog, sample_kg) -> None:
    overview = read_overview(catalog)
    entities = sample_kg.entities()
    for kind in ("Method", "Dataset", "Task"):
        chosen = [e for e in overview["entities"] if e["type"] == kind]
        assert len(chosen) == OVERVIEW_PER_TYPE
        top = entities[entities.type == kind].papers.nlargest(OVERVIEW_PER_TYPE).min()
        assert min(e["papers"] for e in chosen) == top
    assert len({e["group"] for e in overview["entities"]}) >= 2


def test_catalog_is_written_with_the_outputs(sample_outputs: Path) -> None:
    connection = open_catalog(sample_outputs / "catalog.sqlite")
    assert search(connection, "D4RL")[0]["label"] == "D4RL"
    connection.close()
