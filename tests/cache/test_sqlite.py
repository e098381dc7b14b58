"""The extraction cache: keyed by text and extractor, one transaction a batch, pruned by version."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from kg.cache import CachedResult, ExtractionCache, encode
from kg.types import Mention, Paper, PaperExtraction

A = Paper(id="a", title="Alpha", abstract="We propose AlphaNet.")
B = Paper(id="b", title="Beta", abstract="We study beta.")


def result(cache: ExtractionCache, paper: Paper) -> CachedResult:
    mention = Mention(paper.id, paper.title, "Method", 0, len(paper.title), paper.title, 0.9)
    return CachedResult(cache.key(paper), encode(PaperExtraction(paper, (mention,))))


def test_cache_stores_and_returns_an_extraction(tmp_path: Path) -> None:
    cache = ExtractionCache(tmp_path / "c.sqlite", "x/1")
    assert cache.missing([A, B]) == [A, B]
    cache.put([result(cache, A)])
    assert cache.missing([A, B]) == [B]
    assert cache.get(A).mentions[0].text == "Alpha"
    assert cache.get(B) is None
    assert [ex.paper for ex in cache.extractions([B, A])] == [A]


def test_cache_key_is_the_text_not_the_id(tmp_path: Path) -> None:
    cache = ExtractionCache(tmp_path / "c.sqlite", "x/1")
    cache.put([result(cache, A)])
    renamed = replace(A, id="a2", venue="NeurIPS")
    assert cache.missing([renamed]) == []
    assert cache.get(renamed).mentions[0].paper_id == "a2"
    assert cache.missing([replace(A, abstract="We propose AlphaNet-2.")]) != []


def test_cache_errors_are_kept_and_transient_ones_are_not(tmp_path: Path) -> None:
    cache = ExtractionCache(tmp_path / "c.sqlite", "x/1")
    cache.put(
        [
            CachedResult(cache.key(A), None, "ValueError: bad"),
            CachedResult(cache.key(B), None, "the process died", transient=True),
        ]
    )
    assert cache.get(A) == "ValueError: bad"
    assert cache.errors() == {cache.key(A): "ValueError: bad"}
    assert cache.missing([A, B]) == [B]


def test_cache_of_another_extractor_version_is_never_used(tmp_path: Path) -> None:
    old = ExtractionCache(tmp_path / "c.sqlite", "x/1")
    old.put([result(old, A)])
    old.close()
    new = ExtractionCache(tmp_path / "c.sqlite", "x/2")
    assert new.missing([A]) == [A] and new.get(A) is None
    assert new.prune() == 1
    assert len(new) == 0


def test_cache_survives_reopening(tmp_path: Path) -> None:
    with ExtractionCache(tmp_path / "c.sqlite", "x/1") as cache:
        cache.put([result(cache, A)])
    with ExtractionCache(tmp_path / "c.sqlite", "x/1") as again:
        assert again.missing([A, B]) == [B]
