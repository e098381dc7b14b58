"""Canonical keys: the form under which surface variants of one name meet."""

from __future__ import annotations

import re
import string

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from kg.link.normalize import canonical_key, clean_surface, singular, written_forms


@pytest.mark.parametrize(
    "variants",
    [
        ["pre-training", "pretraining", "pre training", "Pre-Training", "PRE-TRAINING", "Pre‑training"],
        ["policies", "policy", "Policy", "POLICy"],
        ["LLMs", "LLM", "llms", "LLM's"],
        ["M$^3$GPT", "M3GPT", "m3gpt"],
        ["Uni-O4", "Uni-o4", "UniO4"],
        ["Offline-to-Online RL", "offline to online RL", "Offline-to-online RL"],
        ["reward models", "Reward Model", "reward-model"],
        ["Markov decision processes", "Markov Decision Process"],
        ["Vision-language models", "vision language models", "Vision-Language Model"],
        ["GPT-4", "GPT 4", "gpt4"],
        ["  Decision\tTransformer ", "Decision Transformer", "Decision Transformers"],
    ],
)
def test_normalize_variants_share_a_key(variants):
    keys = {canonical_key(v) for v in variants}
    assert len(keys) == 1, keys
    assert keys.pop()


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("PPO", "DPO"),
        ("reinforcement learning", "RL"),
        ("Meta-World", "MetaWorld benchmark"),
        ("policy", "police"),
        ("GPT-4", "GPT-4o"),
    ],
)
def test_normalize_different_names_differ(a, b):
    assert canonical_key(a) != canonical_key(b)


@pytest.mark.parametrize(
    ("name", "word"),
    [("BEHAVIOR", "behaviors"), ("PRIOR", "priors"), ("SALMON", "salmon")],
)
def test_normalize_name_in_capitals_differs_from_common_word(name, word):
    """A name written in capitals (the BEHAVIOR benchmark, the PRIOR method) is not the common word
    (so a common word shouted in capitals, "POLICIES", stays apart too: abstracts rarely do that)."""
    assert canonical_key(name) != canonical_key(word)


def test_normalize_name_in_capitals_keeps_its_plural():
    assert canonical_key("DRAGGNs") == canonical_key("DRAGGN")


@pytest.mark.parametrize(
    ("word", "expected"),
    [
        ("policies", "policy"),
        ("POLICIES", "POLICY"),
        ("LLMs", "LLM"),
        ("MDPs", "MDP"),
        ("benchmarks", "benchmark"),
        ("approaches", "approach"),
        ("processes", "process"),
        ("boxes", "box"),
        ("analysis", "analysis"),
        ("dynamics", "dynamics"),
        ("corpus", "corpus"),
        ("class", "class"),
        ("continuous", "continuous"),
        ("RL", "RL"),
        ("gas", "gas"),
        pytest.param(
            "MCTS",
            "MCTS",
        ),
        pytest.param(
            "bias",
            "bias",
        ),
    ],
)
def test_normalize_singular(word, expected):
    assert singular(word) == expected


@pytest.mark.parametrize(
    ("a", "b"),
    [
        pytest.param(
            "inductive bias",
            "inductive biases",
        ),
        pytest.param(
            "Direct Preference Optimisation",
            "Direct Preference Optimization",
        ),
    ],
)
def test_normalize_spelling_variants_share_a_key(a, b):
    assert canonical_key(a) == canonical_key(b)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("M$^3$GPT", "M3GPT"),
        ("  Decision \n Transformer ", "Decision Transformer"),
        ("ﬁne-tuning", "fine-tuning"),
        (r"\mathrm{MT}-Bench", "MT-Bench"),
        ("ＧＰＴ-４", "GPT-4"),
    ],
)
def test_normalize_clean_surface(text, expected):
    assert clean_surface(text) == expected


@settings(deadline=None)
@given(st.text())
def test_normalize_key_never_raises_and_has_no_separators(text):
    key = canonical_key(text)
    assert isinstance(key, str)
    assert not re.search(r"[\s\-_/.]", key)
    assert key == key.casefold() or re.fullmatch(r"[A-Z]{4,}", key)  # folded, or a name in capitals
    assert canonical_key(text) == key  # deterministic


_ASCII_NAME = st.text(alphabet=string.ascii_letters + string.digits + " -", max_size=40)


@settings(deadline=None)
@given(_ASCII_NAME)
def test_normalize_key_ignores_case(text):
    """Case never matters, except in one word of four or more letters, which in capitals is a name
    (see test_normalize_name_in_capitals_differs_from_common_word)."""
    assume(not re.fullmatch(r"\s*[A-Za-z]{4,}\s*", text))
    assert canonical_key(text) == canonical_key(text.upper()) == canonical_key(text.lower())


_WORD = st.text(alphabet=string.ascii_letters + string.digits, min_size=1, max_size=12)


@settings(deadline=None)
@given(words=st.lists(_WORD, min_size=1, max_size=5), spaces=st.lists(st.sampled_from([" ", "  ", "\t"])))
def test_normalize_key_ignores_space_or_hyphen_between_words(words, spaces):
    spaced = "".join(w + (spaces[i] if i < len(spaces) else " ") for i, w in enumerate(words)).strip()
    assert canonical_key(spaced) == canonical_key("-".join(words)) == canonical_key(" ".join(words))


_LONG_WORD = st.text(alphabet=string.ascii_letters, min_size=4, max_size=12)


@settings(deadline=None)
@given(words=st.lists(_LONG_WORD, min_size=1, max_size=4), sep=st.sampled_from([" ", "-"]))
def test_normalize_key_of_a_key_is_itself_for_plain_words(words, sep):
    """Idempotent for names of plain words of four letters or more.

    Not in general: ``canonical_key("ab cs")`` is ``"abcs"`` (a last word of three letters or less is
    never singularised) but ``canonical_key("abcs")`` is ``"abc"``. Nothing in kg re-keys a key.
    """
    key = canonical_key(sep.join(words))
    assert canonical_key(key) == key


@pytest.mark.parametrize(
    ("text", "forms"),
    [
        ("M$^3$GPT", ("M$^3$GPT", "M^3GPT")),
        ("\\mathrm{ONI}", ("\\mathrm{ONI}",)),
        ("PPO", ()),
        ("pre-training", ()),
    ],
)
def test_normalize_written_forms_of_names_with_markup(text, forms):
    """A name with LaTeX-ish markup keeps how it was written (and typed) as aliases; others add none."""
    assert written_forms(text) == forms
