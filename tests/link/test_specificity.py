"""Which merged names become entities, their types from corpus-wide evidence, and canonical names."""

from __future__ import annotations

import pytest

from kg.link.merge import link
from kg.link.normalize import canonical_key
from kg.link.specificity import NameUsage, is_adjective, is_junk, is_named
from kg.types import Abbreviation, Mention, Paper, PaperExtraction, Role


def extraction(
    pid: str, abstract: str, names: list[tuple[str, str]], *, rule: str = "model", abbrs=(), roles=()
):
    """One paper whose mentions are the first occurrences of ``names`` (surface, type), found by ``rule``."""
    paper = Paper(id=pid, title=f"Paper {pid}", abstract=abstract)
    mentions, taken = [], set()
    for surface, label in names:
        start = paper.text.index(surface)
        while start in taken:
            start = paper.text.index(surface, start + 1)
        taken.add(start)
        mentions.append(
            Mention(
                pid, surface, label, start, start + len(surface), abstract, 0.8, extractor=f"kg-rules/{rule}"
            )
        )
    abbreviations = tuple(
        Abbreviation(pid, short, long, paper.text.index(long), paper.text.index(long) + len(long), abstract)
        for short, long in abbrs
    )
    role_objects = tuple(Role(pid, role, mentions[i], 0.8, "test") for role, i in roles)
    return PaperExtraction(paper, tuple(mentions), abbreviations, role_objects)


def keys(extractions: list[PaperExtraction]) -> dict[str, object]:
    return {e.key: e for e in link(extractions).entities}


@pytest.mark.parametrize(
    ("label", "junk"),
    [
        ("20Hz", True),
        ("5-10", True),
        ("F(2,58)=7.952", True),
        ("SE(2", True),
        ("600 mL", True),
        ("GPT-3.5", False),
        ("CIFAR-10", False),
        ("TD3+BC", False),
        ("3D", True),
        ("SE(3)", False),
        ("3DGS", False),
    ],
)
def test_numbers_units_formulas_and_cut_off_names_are_junk(label, junk):
    assert is_junk(label) is junk


def test_compound_adjectives_are_not_names_but_capitalised_ones_are():
    assert is_adjective("NP-hard") and is_adjective("GPU-based")
    assert not is_adjective("Arena-Hard") and not is_adjective("Meta-World")


def test_a_name_has_capitals_inside_or_is_written_capitalised():
    plain = NameUsage(mentions=4)
    assert is_named("LiDAR", plain) and is_named("word2vec", plain) and is_named("BERT", plain)
    assert not is_named("dropout", plain)
    assert is_named("Transformer", NameUsage(mentions=4, capitalised=3))


def many(pid: str, text: str, names: list[tuple[str, str]], **kw) -> PaperExtraction:
    return extraction(pid, text, names, **kw)


def test_bare_common_nouns_and_measurements_are_no_entities():
    papers = [
        many(
            str(i),
            "We learn features with FooNet at 20Hz.",
            [("features", "Concept"), ("FooNet", "Method"), ("20Hz", "Method")],
        )
        for i in range(3)
    ]
    assert set(keys(papers)) == {"foonet"}


def test_a_name_written_in_front_of_nouns_is_an_attribute():
    papers = [
        many("a", "We read RGB images from RGB cameras of RGB scenes.", [("RGB", "Method")] * 3, rule="name"),
        many("b", "Then RGB frames follow.", [("RGB", "Method")], rule="name"),
    ]
    assert "rgb" not in keys(papers)
    # one paper's phrasing is not enough to call a name an attribute
    assert "rgb" in keys([many("c", "Then RGB frames follow.", [("RGB", "Method")], rule="name")])


def test_a_broad_class_is_generic_but_a_process_or_a_named_family_is_not():
    """ "deep neural networks" (a count noun, broad modifiers) is dropped; "object detection" stays."""
    filler = []
    for i in range(40):  # a corpus where "deep" and "neural" modify many names and networks are plural
        text = f"Deep nets{i} and neural nets{i} and deep neural networks and object detection."
        filler.append(
            many(
                f"f{i}",
                text,
                [
                    (f"Deep nets{i}", "Method"),
                    (f"neural nets{i}", "Method"),
                    ("deep neural networks", "Method"),
                    ("object detection", "Task"),
                ],
            )
        )
    entities = keys(filler)
    assert "deepneuralnetwork" not in entities
    assert "objectdetection" in entities


def test_a_phrase_of_one_paper_needs_a_role():
    alone = many("a", "We study gradient flows.", [("gradient flows", "Concept")])
    used = many("b", "We use gradient clipping.", [("gradient clipping", "Method")], roles=[("uses", 0)])
    entities = keys([alone, used])
    assert "gradientclipping" in entities and "gradientflow" not in entities


def test_a_name_papers_propose_is_specific_even_in_lower_case():
    papers = [many("a", "We propose stream-x for this.", [("stream-x", "Method")], roles=[("proposes", 0)])]
    assert "streamx" in keys(papers)


def test_a_proper_names_default_type_yields_to_the_recognizers_evidence():
    """The name rule calls every proper name a Method; the recognizer's Task wins for a field."""
    papers = [many(str(i), "Work in NLP is hard.", [("NLP", "Method")], rule="name") for i in range(4)] + [
        many("m", "Natural language processing matters.", [("Natural language processing", "Task")])
    ]
    papers.append(
        many(
            "d",
            "Natural language processing (NLP) is a field.",
            [("NLP", "Task")],
            rule="model",
            abbrs=[("NLP", "Natural language processing")],
        )
    )
    (entity,) = [e for e in link(papers).entities if e.key == "naturallanguageprocessing"]
    assert entity.type == "Task"


def test_paraphrased_long_forms_of_one_acronym_are_one_entity():
    a = many(
        "a",
        "We use reinforcement learning from human feedback (RLHF).",
        [("reinforcement learning from human feedback", "Method"), ("RLHF", "Method")],
        abbrs=[("RLHF", "reinforcement learning from human feedback")],
    )
    b = many(
        "b",
        "We use reinforcement learning with human feedback (RLHF).",
        [("reinforcement learning with human feedback", "Method"), ("RLHF", "Method")],
        abbrs=[("RLHF", "reinforcement learning with human feedback")],
    )
    c = many("c", "Our RLHF is cheap.", [("RLHF", "Method")])
    entities = [e for e in link([a, b, c]).entities if "RLHF" in (e.label, *e.aliases)]
    assert len(entities) == 1 and len(entities[0].papers) == 3


def test_long_forms_that_differ_in_meaning_stay_apart():
    a = many(
        "a",
        "proximal policy optimization (PPO) here.",
        [("proximal policy optimization", "Method")],
        abbrs=[("PPO", "proximal policy optimization")],
        roles=[("uses", 0)],
    )
    b = many(
        "b",
        "pairwise preference optimization (PPO) here.",
        [("pairwise preference optimization", "Method")],
        abbrs=[("PPO", "pairwise preference optimization")],
        roles=[("uses", 0)],
    )
    assert {"proximalpolicyoptimization", "pairwisepreferenceoptimization"} <= set(keys([a, b]))


def test_a_qualified_acronym_is_its_own_entity_narrower_than_its_base():
    """ "offline RL" is offline reinforcement learning (broader: RL), never plain RL."""
    define = many(
        "a",
        "Reinforcement learning (RL) and offline reinforcement learning differ.",
        [("Reinforcement learning", "Task"), ("offline reinforcement learning", "Task")],
        abbrs=[("RL", "Reinforcement learning")],
    )
    qualified = many("b", "We study offline RL algorithms.", [("RL", "Task")], rule="name")
    base = many("c", "Deep reinforcement learning is hard.", [("reinforcement learning", "Task")])
    entities = link([define, qualified, base]).entities
    offline = next(e for e in entities if e.key == "offlinereinforcementlearning")
    assert "b" in offline.papers and offline.broader == ("reinforcementlearning",)
    assert "offline RL" in (offline.label, *offline.aliases)
    base = next(e for e in entities if e.key == "reinforcementlearning")
    assert "b" not in base.papers


@pytest.mark.parametrize(
    ("a", "b"), [("AlpacaEval 2.0", "AlpacaEval 2"), ("Deepmind control suite", "DeepMind Control suite")]
)
def test_version_and_case_variants_share_a_key(a, b):
    assert canonical_key(a) == canonical_key(b)


def test_versions_that_differ_keep_apart():
    assert canonical_key("GPT-3.5") != canonical_key("GPT-3")


def test_a_name_in_capitals_joins_the_same_name_written_as_a_name():
    """ "LIDAR" and "LiDAR" are one name; "BEHAVIOR" stays apart from the common word "behaviors"."""
    papers = [
        many("a", "We fuse LiDAR scans.", [("LiDAR", "Method")], roles=[("uses", 0)]),
        many("b", "We fuse LIDAR scans.", [("LIDAR", "Method")], roles=[("uses", 0)]),
        many("c", "On BEHAVIOR we test.", [("BEHAVIOR", "Dataset")], roles=[("evaluatedOn", 0)]),
        many(
            "d",
            "Robot behaviors vary and behaviors matter.",
            [("behaviors", "Concept"), ("behaviors", "Concept")],
        ),
    ]
    entities = keys(papers)
    assert entities["lidar"].papers == ("a", "b") and "LIDAR" not in entities
    assert "BEHAVIOR" in entities


def test_a_name_with_the_word_for_its_kind_is_the_name():
    papers = [
        many("a", "We report the F1-score.", [("F1-score", "Metric")], rule="gazetteer"),
        many("b", "We report F1 here.", [("F1", "Metric")], rule="gazetteer"),
    ]
    assert keys(papers)["f1"].papers == ("a", "b")
