"""The rule helpers on small hand-built Docs: each test pins one rule, with the annotations it reads."""

from __future__ import annotations

import pytest
import spacy
from spacy.tokens import Doc

import kg.extract.components  # noqa: F401  (declares doc._.kg_title_end)
from kg.extract.entities import (
    capitalised_name,
    head_lemma,
    is_coined,
    lettered_name,
    name_without_version,
    unit_is_name,
)
from kg.extract.lexicon import container_name, is_paradigm
from kg.extract.naming import named_by_authors
from kg.extract.roles import _by_authors

VOCAB = spacy.blank("en").vocab


def doc(words: list[str], *, spaces: list[bool] | None = None, **annotations) -> Doc:
    """A Doc of ``words`` on a blank English vocab, with whatever annotations a rule reads."""
    return Doc(VOCAB, words=words, spaces=spaces, **annotations)


@pytest.mark.parametrize(
    ("word", "tag", "lemma", "expected"),
    [
        ("Transformers", "NNPS", "Transformers", "transformer"),  # the lemmatizer leaves proper plurals
        ("Policies", "NNPS", "Policies", "policy"),
        ("benchmarks", "NNS", "benchmark", "benchmark"),  # a real lemma is kept
        ("Atari", "NNP", "Atari", "atari"),  # a singular is only lower-cased
    ],
)
def test_rules_head_lemma_singularises_plural_proper_nouns(word, tag, lemma, expected):
    assert head_lemma(doc([word], tags=[tag], lemmas=[lemma])[0]) == expected


@pytest.mark.parametrize("word", ["FamO2O", "PPO", "MuJoCo", "D4RL", "LLMs", "Q1"])
def test_rules_is_coined_inner_capital_or_capital_with_digit(word):
    assert is_coined(word)


@pytest.mark.parametrize("word", ["Offline", "x4", "2024", "I", "-PPO"])
def test_rules_is_coined_not_a_word_a_number_or_a_lower_case_code(word):
    assert not is_coined(word)


@pytest.mark.parametrize(
    ("tokens", "expected"),
    [
        (["GPT", "-", "4"], True),  # a hyphenated name with a number piece
        (["k", "-", "means"], True),  # a lone letter makes a name of a hyphenated word
        (["e", "-", "commerce"], False),  # but "e-" is a prefix
        (["LLM", "-", "based"], False),  # an adjectival suffix makes a modifier
        (["7B"], False),  # a model size alone
        (["https://d4rl.org"], False),
    ],
)
def test_rules_unit_is_name(tokens, expected):
    assert unit_is_name(tokens) is expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [("Q-Decomposition", True), ("H-Infinity", True), ("Q-function", False), ("A-Star", False)],
)
def test_rules_lettered_name_needs_capitalised_pieces_and_a_lone_capital(text, expected):
    assert lettered_name(text) is expected


def test_rules_capitalised_name_inside_a_sentence_of_the_abstract():
    d = doc(
        ["Title", ".", "This", "paper", "introduces", "Personalized", "Path", "Recourse", "."],
        sent_starts=[True, False, True, False, False, False, False, False, False],
    )
    d._.kg_title_end = 2
    assert capitalised_name(d[5:8])
    assert not capitalised_name(d[5:6])  # one word is not enough
    assert not capitalised_name(d[2:4])  # "This paper": a sentence's first word is capitalised anyway
    assert not capitalised_name(d[4:7])  # "introduces" is lower-case
    d._.kg_title_end = 8
    assert not capitalised_name(d[5:8])  # a title capitalises every word


def test_rules_name_without_version_drops_spaced_versions_and_sizes_only():
    spaced = doc(["Llama", "3", "70B"])
    assert name_without_version(spaced[0:3]).text == "Llama"
    glued = doc(["Llama", "-", "3"], spaces=[False, False, False])
    assert name_without_version(glued[0:3]).text == "Llama-3"
    roman = doc(["StarCraft", "II"])
    assert name_without_version(roman[0:2]).text == "StarCraft"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Atari suite", "Atari"),
        ("DM Control Suite", "DM Control"),
        ("offline benchmarks", None),  # lower-case words name no benchmark
        ("benchmark", None),  # a container word alone holds no name
        ("Atari agents", None),  # "agents" holds nothing
    ],
)
def test_rules_container_name(text, expected):
    assert container_name(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("offline RL", True),
        ("multi-agent reinforcement learning", True),
        ("MARLs", True),
        ("Q-learning", False),  # a method
        ("contrastive learning", False),  # a technique, not a setting
    ],
)
def test_rules_is_paradigm(text, expected):
    assert is_paradigm(text) is expected


def naming(subject: str, *, adverb: str | None = None) -> Doc:
    """ "<subject> [adverb] call it Deep FooNet .", parsed by hand."""
    words = [subject, *([adverb] if adverb else []), "call", "it", "Deep", "FooNet", "."]
    verb = words.index("call")
    deps = {subject: "nsubj", adverb: "advmod", "call": "ROOT", "it": "dobj", "Deep": "compound"}
    deps |= {"FooNet": "oprd", ".": "punct"}
    heads = [verb] * len(words)
    heads[words.index("Deep")] = words.index("FooNet")
    pos = {subject: "PRON", adverb: "ADV", "call": "VERB", "it": "PRON", "Deep": "PROPN", "FooNet": "PROPN"}
    return doc(
        words,
        pos=[pos.get(w, "PUNCT") for w in words],
        deps=[deps[w] for w in words],
        heads=heads,
        lemmas=[w.lower() for w in words],
    )


def test_rules_named_by_authors_is_the_name_we_give_with_its_modifiers():
    d = naming("We")
    assert {d[i].text for i in named_by_authors(d)} == {"Deep", "FooNet"}


@pytest.mark.parametrize(("subject", "adverb"), [("They", None), ("We", "often")])
def test_rules_named_by_authors_not_someone_elses_or_a_habitual_name(subject, adverb):
    assert named_by_authors(naming(subject, adverb=adverb)) == set()


@pytest.mark.parametrize(("subject", "expected"), [("paper", True), ("work", True), ("method", False)])
def test_rules_roles_by_authors_when_the_paper_is_the_subject(subject, expected):
    """ "This <subject> introduces X": the authors act when they or their paper is the subject."""
    d = doc(
        ["This", subject, "introduces", "X", "."],
        pos=["DET", "NOUN", "VERB", "PROPN", "PUNCT"],
        deps=["det", "nsubj", "ROOT", "dobj", "punct"],
        heads=[1, 2, 2, 2, 2],
        lemmas=["this", subject, "introduce", "X", "."],
    )
    assert _by_authors(d[2]) is expected
