"""The rule-based entity recognizer on real sample abstracts: what it finds, how it types it."""

from __future__ import annotations

import re

import pytest

from kg.extract.lexicon import container_name
from kg.types import ENTITY_TYPES, Mention, PaperExtraction


def labels_of(ex: PaperExtraction, name: str) -> set[str]:
    """Labels of the mentions that are ``name``, maybe followed by a version (``AlpacaEval 2.0``)."""
    pattern = re.compile(rf"{re.escape(name)}(?: v?\d+(?:\.\d+)*)?")
    return {m.label for m in ex.mentions if pattern.fullmatch(m.text)}


PAPERS = [
    "Train Once, Get a Family",
    "Beyond Training Objectives",
    "SSL4RL",
    "Uni-O4",
    "WebRL",
    "Meta-World: A Benchmark",
    "GTAlign",
    "Pairwise Proximal Policy Optimization",
]


@pytest.mark.parametrize(
    ("name", "label"),
    [("FamO2O", "Method"), ("Family Offline-to-Online RL", "Method"), ("D4RL", "Dataset")],
)
def test_entities_famo2o_abstract(extraction, name, label):
    assert labels_of(extraction("Train Once, Get a Family"), name) == {label}


@pytest.mark.parametrize(
    ("title_start", "name", "label"),
    [
        ("SSL4RL", "SSL4RL", "Method"),
        ("Uni-O4", "Uni-O4", "Method"),
        ("Uni-O4", "Uni-o4", "Method"),
        ("WebRL", "WebRL", "Method"),
        ("WebRL", "WebArena-Lite", "Dataset"),
        ("Pairwise Proximal Policy Optimization", "PPO", "Method"),
        ("BRAIn", "DPO", "Method"),
        ("Beyond Training Objectives", "RLHF", "Method"),
        ("Beyond Training Objectives", "IRM", "Method"),
        ("Open-Source Reinforcement Learning Environments Implemented in MuJoCo", "MuJoCo", "Dataset"),
        ("Learning to Modulate pre-trained Models in RL", "Meta-World", "Dataset"),
        ("Meta-World: A Benchmark", "Meta-World", "Dataset"),
        ("Self-Exploring Language Models", "AlpacaEval", "Dataset"),
        ("Self-Exploring Language Models", "MT-Bench", "Dataset"),
        ("Reward Steering with Evolutionary Heuristics", "AlpacaEval", "Dataset"),
        ("Multimodal Diffusion Transformer", "CALVIN", "Dataset"),
        ("D5RL", "D5RL", "Dataset"),
        # names listed after "our stream-x algorithms:", and a hyphenated name ending in a letter
        ("Streaming Deep Reinforcement Learning", "stream Q", "Method"),
        ("Streaming Deep Reinforcement Learning", "stream AC", "Method"),
        ("Streaming Deep Reinforcement Learning", "stream TD", "Method"),
        ("Streaming Deep Reinforcement Learning", "stream-x", "Method"),
        # lower-case names of environments and techniques the gazetteer knows
        ("Byzantine Robust Cooperative", "level-based foraging", "Dataset"),
        ("Measuring the Intrinsic Dimension", "inverted pendulum", "Dataset"),
        ("Agent Q", "supervised fine-tuning", "Method"),
    ],
)
def test_entities_sample_names_and_types(extraction, title_start, name, label):
    assert labels_of(extraction(title_start), name) == {label}


@pytest.mark.parametrize(
    ("title_start", "name", "label"),
    [
        pytest.param(
            "GTAlign",
            "GTAlign",
            "Method",
        ),
        pytest.param(
            "LOQA",
            "LOQA",
            "Method",
        ),
    ],
)
def test_entities_title_name_type(extraction, title_start, name, label):
    assert labels_of(extraction(title_start), name) == {label}


GENERIC = frozenset(
    """
    approach approaches method methods work paper study studies performance result results model
    models framework frameworks code codes system systems technique task tasks it they we this
    these them its our
    """.split()
) | {"this work", "this paper", "our approach", "our method", "our work", "our model", "the model"}
DETERMINERS = frozenset("the a an this these those our their its we it they".split())


@pytest.mark.parametrize(
    "title_start",
    [
        *PAPERS,
        pytest.param(
            "Multimodal Diffusion Transformer",
        ),
    ],
)
def test_entities_generic_words_are_never_mentions(extraction, title_start):
    ex = extraction(title_start)
    assert not [m.text for m in ex.mentions if m.text.lower() in GENERIC]
    assert not [m.text for m in ex.mentions if m.text.split()[0].lower() in DETERMINERS]


def test_entities_praise_is_never_a_mention(extraction):
    ex = extraction("Train Once, Get a Family")
    assert "state-of-the-art" in ex.paper.abstract
    assert not [m.text for m in ex.mentions if m.text.lower() in {"state-of-the-art", "sota"}]


@pytest.mark.parametrize(
    "title_start",
    ["Train Once, Get a Family", "Uni-O4", "Multimodal Diffusion Transformer", "GTAlign", "D5RL"],
)
def test_entities_urls_are_never_mentions(extraction, title_start):
    """``https://github.com/LeapLabTHU/FamO2O`` holds a name, but it is a link, not a mention."""
    ex = extraction(title_start)
    urls = [(u.start(), u.end()) for u in re.finditer(r"https?://\S+", ex.paper.text)]
    assert urls
    assert not [m.text for m in ex.mentions if any(m.start < end and start < m.end for start, end in urls)]


@pytest.mark.parametrize("title_start", [*PAPERS, "Multimodal Diffusion Transformer", "BRAIn"])
def test_entities_mentions_point_into_the_text(extraction, title_start):
    ex = extraction(title_start)
    assert ex.mentions
    previous_end = 0
    for m in sorted(ex.mentions, key=lambda m: m.start):
        assert isinstance(m, Mention)
        assert m.paper_id == ex.paper.id
        assert ex.paper.text[m.start : m.end] == m.text
        assert m.start >= previous_end, f"{m.text!r} overlaps the mention before it"
        previous_end = m.end
        assert m.label in ENTITY_TYPES
        assert 0 < m.score <= 1
        assert m.extractor.startswith("kg-rules/")


@pytest.mark.parametrize(
    "title_start",
    [
        *PAPERS,
        pytest.param(
            "BRAIn",
        ),
    ],
)
def test_entities_mention_lies_in_its_sentence(extraction, title_start):
    ex = extraction(title_start)
    assert not [(m.text, m.sentence) for m in ex.mentions if m.text not in m.sentence]


_CLEAN_START = re.compile(r"^[^\W_]")
_CLEAN_END = re.compile(r"([^\W_]|[)+*])$")


@pytest.mark.parametrize(
    "title_start",
    [
        *PAPERS,
        pytest.param(
            "ODIN",
        ),
        pytest.param(
            "Multimodal Diffusion Transformer",
        ),
        pytest.param(
            "Behavior Transformers",
        ),
    ],
)
def test_entities_mentions_have_clean_edges(extraction, title_start):
    """A mention starts with a letter or digit and ends with one (or ``)``, ``+``: ``REINFORCE++``)."""
    ex = extraction(title_start)
    assert not [
        m.text for m in ex.mentions if not (_CLEAN_START.search(m.text) and _CLEAN_END.search(m.text))
    ]


@pytest.mark.parametrize(
    ("title_start", "task", "written"),
    [
        # "multi-step reasoning tasks": the task is "multi-step reasoning"
        ("Agent Q", "multi-step reasoning", "multi-step reasoning tasks"),
        ("Aligning Diffusion Behaviors", "continuous control", "continuous control problems"),
    ],
)
def test_entities_task_is_named_without_the_word_task(extraction, title_start, task, written):
    ex = extraction(title_start)
    assert written in ex.paper.text
    assert labels_of(ex, task) == {"Task"}
    assert not labels_of(ex, written)


def test_entities_problem_in_a_capitalised_name_stays(extraction):
    ex = extraction("Reinforcement Learning for Adaptive Time-Stepping")
    assert any(m.text.endswith("Three-Body Problem") for m in ex.mentions)


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("DM Control Suite", "DM Control"),
        ("the Atari suite", None),  # "the" is no part of a name
        ("offline benchmarks", None),
        ("benchmark", None),
        ("", None),
    ],
)
def test_entities_container_name(text, name):
    """The name inside "<Name> suite/benchmark/...": never an error, even for one word or none."""
    assert container_name(text) == name


def test_gazetteer_phrase_matches_its_plural(extraction):
    """ "Decision Transformers" in the abstract is the gazetteer's "Decision Transformer"."""
    ex = extraction("Unleashing the Power of Pre-trained Language Models for Offline")
    assert any(m.text == "Decision Transformers" and m.label == "Method" for m in ex.mentions)
    assert "Decision Transformers" in {r.mention.text for r in ex.roles if r.role == "uses"}


@pytest.mark.parametrize(
    ("title_start", "name"),
    [
        # "Meta's BlenderBot 3 chatbot": a coined name with its version is still a name
        ("Reward Reports for Reinforcement", "BlenderBot 3"),
        # "Mistral Large": a known model's tier right after its name
        ("Direct Nash Optimization", "Mistral Large"),
    ],
)
def test_model_name_with_version_or_tier_is_one_used_name(extraction, title_start, name):
    ex = extraction(title_start)
    assert name in {r.mention.text for r in ex.roles if r.role == "uses"}
