"""Schwartz–Hearst abbreviations: real sentences of the sample corpus, and ``best_long_form`` units."""

from __future__ import annotations

import string

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kg.extract.abbreviations import SKIPPABLE, best_long_form, is_short_form_candidate
from kg.types import PaperExtraction


def pairs(ex: PaperExtraction) -> set[tuple[str, str]]:
    return {(a.short, a.long) for a in ex.abbreviations}


# -- real sentences ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("title_start", "short", "long"),
    [
        ("Beyond Training Objectives", "IRM", "Implicit Reward Model"),
        ("Beyond Training Objectives", "RLHF", "reinforcement learning from human feedback"),
        ("Beyond Training Objectives", "LLMs", "Large language models"),
        ("Multimodal Diffusion Transformer", "MDT", "Multimodal Diffusion Transformer"),
        ("Train Once, Get a Family", "FamO2O", "Family Offline-to-Online RL"),
        ("Train Once, Get a Family", "RL", "reinforcement learning"),
        ("SSL4RL", "SSL", "self-supervised learning"),
        ("Pairwise Proximal Policy Optimization", "PPO", "Proximal Policy Optimization"),
    ],
)
def test_abbreviations_long_form_before_bracket(extraction, title_start, short, long):
    ex = extraction(title_start)
    assert (short, long) in pairs(ex)
    abbr = next(a for a in ex.abbreviations if (a.short, a.long) == (short, long))
    # The long form is written right before "(SHORT)".
    assert ex.paper.text[abbr.end :].startswith(f" ({short})")


def test_abbreviations_short_form_before_bracket(extraction):
    """The reverse form ``SHORT (long form)``: "This method, called ELLM (Exploring with LLMs) ..."."""
    ex = extraction("Guiding Pretraining in Reinforcement Learning with Large")
    assert ("ELLM", "Exploring with LLMs") in pairs(ex)
    abbr = next(a for a in ex.abbreviations if a.short == "ELLM")
    assert ex.paper.text[abbr.start - len("ELLM (") : abbr.end + 1] == "ELLM (Exploring with LLMs)"


@pytest.mark.parametrize(
    "title_start",
    [
        "Beyond Training Objectives",
        "Train Once, Get a Family",
        "SSL4RL",
        "Uni-O4",
        "WebRL",
        "Guiding Pretraining in Reinforcement Learning with Large",
        "Is Reinforcement Learning (Not) for Natural Language Processing",
    ],
)
def test_abbreviations_offsets_and_sentence(extraction, title_start):
    ex = extraction(title_start)
    assert ex.abbreviations
    for abbr in ex.abbreviations:
        assert abbr.paper_id == ex.paper.id
        assert ex.paper.text[abbr.start : abbr.end] == abbr.long
        assert abbr.long in abbr.sentence
        assert abbr.short in abbr.sentence
        assert len(abbr.long) > len(abbr.short)


@pytest.mark.parametrize(
    ("title_start", "bracketed"),
    [
        ("Doubly Adversarial Federated Bandits", "2016"),
        ("What are human values, and how do we align AI to them?", "1977"),
        ("Lucy-SKG", "2022 bot champion"),
        ("Is Reinforcement Learning (Not) for Natural Language Processing", "Not"),
        ("Is Reinforcement Learning (Not) for Natural Language Processing", "Schulman et al. 2017"),
        ("Towards QD-suite", "1"),
        ("Meta-World: A Benchmark", "e.g., with different object positions"),
        ("Inferring Rewards from Language in Context", "e.g., selecting that flight"),
        ("Incentivized Truthful Communication", "i.e., truthful"),
    ],
)
def test_abbreviations_ignore_other_brackets(extraction, title_start, bracketed):
    """Years, citations, enumerations and asides in brackets define nothing."""
    ex = extraction(title_start)
    assert f"({bracketed})" in ex.paper.text
    for abbr in ex.abbreviations:
        assert bracketed not in (abbr.short, abbr.long)
        assert bracketed not in abbr.long


@pytest.mark.parametrize(
    ("title_start", "short", "long"),
    [
        pytest.param(
            "Goal-Conditioned Imitation Learning using Score-based",
            "BESO",
            "BEhavior generation with ScOre-based Diffusion Policies",
        ),
        pytest.param(
            "Atari-GPT",
            "ICL",
            "In-Context Learning",
        ),
        pytest.param(
            "Enable Language Models to Implicitly Learn",
            "PIT",
            "ImPlicit Self-ImprovemenT",
        ),
        pytest.param(
            "What is Essential for Unseen Goal",
            "GOAT",
            "Generalizable Offline goAl-condiTioned RL",
        ),
        pytest.param(
            "Video PreTraining (VPT)",
            "VPT",
            "Video PreTraining",
        ),
        pytest.param(
            "Read to Play (R2-Play)",
            "R2-Play",
            "Read to Play",
        ),
    ],
)
def test_abbreviations_hard_sentences(extraction, title_start, short, long):
    assert (short, long) in {(a.short, a.long) for a in extraction(title_start).abbreviations}


def test_abbreviations_long_form_never_contains_a_bracket(extraction):
    ex = extraction("Multi-branch Collaborative Learning Network for 3D Visual Grounding")
    assert ex.abbreviations
    assert not [a.long for a in ex.abbreviations if "(" in a.long or ")" in a.long]


# -- best_long_form and is_short_form_candidate ----------------------------------------------


@pytest.mark.parametrize(
    ("short", "candidate", "long"),
    [
        ("PPO", "we fine-tune it with proximal policy optimization", "proximal policy optimization"),
        ("SSL", "a framework that leverages self-supervised learning", "self-supervised learning"),
        (
            "RLHF",
            "fine-tuned by reinforcement learning from human feedback",
            "reinforcement learning from human feedback",
        ),
        ("IRM", "We coin the term Implicit Reward Model", "Implicit Reward Model"),
        ("LLMs", "Large language models", "Large language models"),
        (
            "MDT",
            "This work introduces the Multimodal Diffusion Transformer",
            "Multimodal Diffusion Transformer",
        ),
        # a digit stands for a word
        ("FamO2O", "To this end, we introduce Family Offline-to-Online RL", "Family Offline-to-Online RL"),
        ("L2S", "an approach based on learning to search", "learning to search"),
        (
            "SSL4RL",
            "we revisit self-supervised learning for reinforcement learning",
            "self-supervised learning for reinforcement learning",
        ),
        (
            "RL4LMs",
            "Reinforcement Learning for Language Models",
            "Reinforcement Learning for Language Models",
        ),
        pytest.param(
            "BESO",
            '"BEhavior generation with ScOre-based Diffusion Policies',
            "BEhavior generation with ScOre-based Diffusion Policies",
        ),
        pytest.param(
            "ICL",
            "we examine the impact of In-Context Learning",
            "In-Context Learning",
        ),
        pytest.param(
            "BSD",
            "trips from İzmir Bike Sharing Data",
            "Bike Sharing Data",
        ),
    ],
)
def test_abbreviations_best_long_form_start(short, candidate, long):
    start = best_long_form(short, candidate)
    assert start is not None
    assert candidate[start:] == long


@pytest.mark.parametrize(
    ("short", "long"),
    [
        ("PPO", "proximal policy optimization"),
        ("ELLM", "Exploring with LLMs"),
        ("GRUE", "General Reinforced-language Understanding Evaluation"),
    ],
)
def test_abbreviations_best_long_form_reverse_form_starts_at_zero(short, long):
    """``PPO (proximal policy optimization)``: the bracket holds exactly the long form."""
    assert best_long_form(short, long) == 0


@pytest.mark.parametrize(
    ("short", "candidate"),
    [
        ("PPO", "Schulman et al. 2017"),
        ("MDT", "2022 bot champion"),
        ("SSL", "with different object positions"),
        ("RLHF", "reward models"),
        ("", "anything at all"),
    ],
)
def test_abbreviations_best_long_form_none_when_nothing_fits(short, candidate):
    assert best_long_form(short, candidate) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("IRM", True),
        ("LLMs", True),
        ("FamO2O", True),
        ("SSL4RL", True),
        ("R2-Play", True),
        ("see", False),
        ("e.g.", False),
        ("i.e.", False),
        ("2016", False),
        ("1", False),
        ("Schulman et al. 2017", False),
        ("ABCDEFGHIJK", False),
        ("-RL", False),
    ],
)
def test_abbreviations_short_form_candidate(text, expected):
    assert is_short_form_candidate(text) is expected


_WORDS = st.text(alphabet=string.ascii_lowercase, min_size=2, max_size=9).filter(lambda w: w not in SKIPPABLE)


@settings(deadline=None)
@given(
    words=st.lists(_WORDS, min_size=2, max_size=6), prefix=st.sampled_from(["", "we use the ", "In short, "])
)
def test_abbreviations_best_long_form_finds_words_whose_initials_spell_the_short_form(words, prefix):
    long = " ".join(words)
    short = "".join(w[0] for w in words).upper()
    start = best_long_form(short, prefix + long)
    assert start is not None
    assert (prefix + long)[start:] == long


@settings(deadline=None)
@given(short=st.text(max_size=12), candidate=st.text(alphabet=string.printable, max_size=60))
def test_abbreviations_best_long_form_returns_a_word_start_or_none(short, candidate):
    start = best_long_form(short, candidate)
    if start is not None:
        assert 0 <= start < len(candidate)
        assert start == 0 or not candidate[start - 1].isalnum()
