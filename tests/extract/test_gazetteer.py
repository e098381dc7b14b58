"""The gazetteer as data: sorted, unique, typed, with an id per concept and no entry another one covers."""

from __future__ import annotations

import re
from collections import defaultdict

import pytest

from kg.errors import InputError
from kg.extract.gazetteer import (
    GAZETTEER,
    GazetteerEntry,
    concept_id,
    entry_key,
    format_gazetteer,
    normalise_gazetteer,
    read_gazetteer,
)
from kg.extract.pipeline import default_pipeline
from kg.types import ENTITY_TYPES

#: A slug: lower-case letters (any script) and digits in runs joined by single hyphens.
SLUG = re.compile(r"[^\W_A-Z]+(?:-[^\W_A-Z]+)*")


@pytest.fixture(scope="module")
def entries() -> list[GazetteerEntry]:
    return read_gazetteer()


def lower_tokens(text: str) -> tuple[str, ...]:
    """What a case-insensitive (``LOWER``) match compares: the pipeline tokenizer's lower-cased tokens."""
    return tuple(token.lower_ for token in default_pipeline().make_doc(text))


def test_gazetteer_file_is_in_normal_form():
    text = GAZETTEER.read_text(encoding="utf-8")
    assert text == format_gazetteer(read_gazetteer()), (
        "gazetteer.jsonl is not in normal form: run "
        "`.venv/bin/python -c 'from kg.extract.gazetteer import normalise_gazetteer; normalise_gazetteer()'`"
    )


def test_gazetteer_sorted_by_id_then_pattern_case_insensitively(entries):
    keys = [(e.id, e.pattern.casefold()) for e in entries]
    assert keys == sorted(keys)
    assert [entry_key(e) for e in entries] == sorted(entry_key(e) for e in entries)


def test_gazetteer_entries_are_unique(entries):
    written = [(e.pattern, e.attr) for e in entries]
    assert len(written) == len(set(written)), "a pattern is listed twice with the same attr"


def test_gazetteer_labels_are_entity_types_and_patterns_trimmed(entries):
    assert {e.label for e in entries} <= set(ENTITY_TYPES)
    for e in entries:
        assert e.pattern and e.pattern == e.pattern.strip() and "  " not in e.pattern, e


def test_gazetteer_ids_are_slugs_of_one_concept(entries):
    """An id is the entry's own slug, or an alias: the slug of the concept's own entry, of the same type."""
    canonical = {(e.label, e.id) for e in entries if e.id == concept_id(e.pattern)}
    for e in entries:
        assert SLUG.fullmatch(e.id), e
        assert e.id == concept_id(e.pattern) or (e.label, e.id) in canonical, e
    labels, ids = defaultdict(set), defaultdict(set)
    for e in entries:
        labels[e.id].add(e.label)
        ids[concept_id(e.pattern)].add(e.id)
    assert {i: ls for i, ls in labels.items() if len(ls) > 1} == {}, "an id names entries of two types"
    assert {s: i for s, i in ids.items() if len(i) > 1} == {}, "variants of one name with different ids"


def test_gazetteer_variants_link_by_id(entries):
    by_pattern = {e.pattern: e.id for e in entries}
    assert by_pattern["GSM8K"] == by_pattern["GSM8k"] == "gsm8k"
    assert by_pattern["LLaMA"] == by_pattern["Llama"] == "llama"
    assert by_pattern["self-play"] == by_pattern["self play"]
    assert by_pattern["behaviour cloning"] == by_pattern["behavior cloning"] == "behavior-cloning"
    assert by_pattern["HumanEval"] != by_pattern["HumanEval+"]  # HumanEval+ is another benchmark


def test_gazetteer_no_entry_is_covered_by_a_case_insensitive_one(entries):
    """A ``LOWER`` entry matches its forms (the pattern, and a multi-word method's or dataset's plural)
    in any case; another entry of the same type that it matches adds nothing. Case variants that
    stay are case-sensitive on purpose (``GSM8K``/``GSM8k`` do not match ``gsm8k``)."""
    matched = defaultdict(list)
    for e in entries:
        if e.attr == "LOWER":
            for form in e.forms():
                matched[e.label, lower_tokens(form)].append(e)
    covered = {
        e.pattern: [o.pattern for o in matched[e.label, lower_tokens(e.pattern)] if o is not e]
        for e in entries
    }
    assert {p: by for p, by in covered.items() if by} == {}


@pytest.mark.parametrize(
    ("name", "slug"),
    [
        ("Q-learning", "q-learning"),
        ("q learning", "q-learning"),
        ("Fréchet Inception Distance", "frechet-inception-distance"),
        ("Cohen's kappa", "cohens-kappa"),
        ("MiniWoB++", "miniwob-plus-plus"),
        ("dm_control", "dm-control"),
        ("TD(λ)", "td-λ"),
    ],
)
def test_gazetteer_concept_id(name, slug):
    assert concept_id(name) == slug


def test_gazetteer_normalise_sorts_and_fills_fields(tmp_path):
    path = tmp_path / "gazetteer.jsonl"
    path.write_text(
        '{"label": "Method", "pattern": "Q-learning", "attr": "LOWER"}\n\n'
        '{"label": "Dataset", "pattern": "D4RL"}\n',
        encoding="utf-8",
    )
    assert normalise_gazetteer(path) is True
    assert path.read_text(encoding="utf-8") == (
        '{"label": "Dataset", "pattern": "D4RL", "id": "d4rl", "attr": "ORTH"}\n'
        '{"label": "Method", "pattern": "Q-learning", "id": "q-learning", "attr": "LOWER"}\n'
    )
    assert normalise_gazetteer(path) is False


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ('{"label": "Model", "pattern": "PPO"}', "label 'Model' is not one of Method, Dataset"),
        ('{"label": "Method", "pattern": "PPO", "attr": "NORM"}', "attr 'NORM' is not one of ORTH, LOWER"),
        ('{"label": "Method", "pattern": " "}', 'no "pattern" string'),
        ('{"label": "Method", "pattern": "PPO", "kb_id": "x"}', "unknown field 'kb_id'"),
        ('{"label": "Method", "pattern": "PPO",}', "not JSON"),
    ],
)
def test_gazetteer_loader_rejects_bad_lines_with_their_place(tmp_path, line, message):
    path = tmp_path / "bad.jsonl"
    path.write_text('{"label": "Method", "pattern": "DQN"}\n' + line + "\n", encoding="utf-8")
    with pytest.raises(InputError, match=re.escape(f"{path}:2: ") + ".*" + re.escape(message)):
        read_gazetteer(path)
