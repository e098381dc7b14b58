"""Shared fixtures: the real sample corpus, built once per test session."""

from __future__ import annotations

from pathlib import Path

import pytest

from kg import KnowledgeGraph
from kg.extract.pipeline import extract
from kg.sources import read_corpus
from kg.types import PaperExtraction
from tests.helpers import ROOT

SAMPLE = ROOT / "data" / "hf-daily-papers"
QUERIES = ROOT / "queries"


@pytest.fixture(scope="session")
def sample_corpus():
    """The bundled sample corpus, parsed and de-duplicated."""
    return read_corpus([SAMPLE])


@pytest.fixture(scope="session")
def sample_paper(sample_corpus):
    """Look up a sample paper by the start of its title."""

    def find(title_start: str):
        matches = [p for p in sample_corpus.papers if p.title.startswith(title_start)]
        assert len(matches) == 1, f"{len(matches)} sample papers start with {title_start!r}"
        return matches[0]

    return find


@pytest.fixture(scope="session")
def extraction(sample_paper):
    """Extract one sample paper (by the start of its title); each paper once per session."""
    cache: dict[str, PaperExtraction] = {}

    def get(title_start: str) -> PaperExtraction:
        if title_start not in cache:
            (cache[title_start],) = extract([sample_paper(title_start)])
        return cache[title_start]

    return get


@pytest.fixture(scope="session")
def sample_kg() -> KnowledgeGraph:
    """The knowledge graph of the whole sample corpus (built once; about half a minute)."""
    return KnowledgeGraph.build([SAMPLE])


@pytest.fixture(scope="session")
def sample_outputs(sample_kg, tmp_path_factory) -> Path:
    """Every output file of the sample graph, written to a temporary folder."""
    out = tmp_path_factory.mktemp("outputs")
    sample_kg.save(out)
    return out
