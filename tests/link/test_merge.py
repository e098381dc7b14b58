"""Merging mentions into entities: acronyms and long forms, labels, and assertions."""

from __future__ import annotations

import pytest

from kg.link.merge import AcronymResolver, link
from kg.types import Abbreviation, Mention, Paper, PaperExtraction, Role

# -- hand-made extractions (unit tests of link) ------------------------------------------------


def mention(paper: Paper, surface: str, nth: int = 0, label: str = "Method", score: float = 0.9) -> Mention:
    """The ``nth`` occurrence of ``surface`` in ``paper.text`` as a Mention."""
    start = -1
    for _ in range(nth + 1):
        start = paper.text.index(surface, start + 1)
    return Mention(paper.id, surface, label, start, start + len(surface), paper.abstract, score)


def defined(paper: Paper, short: str, long: str) -> Abbreviation:
    start = paper.text.index(f"{long} ({short})")
    return Abbreviation(paper.id, short, long, start, start + len(long), paper.abstract)


def paper_extraction(pid: str, abstract: str, surfaces: list[str], abbrs=(), roles=()) -> PaperExtraction:
    """A PaperExtraction with one Method mention per listed surface (repeats mean later occurrences)."""
    paper = Paper(id=pid, title=f"Paper {pid}", abstract=abstract)
    seen: dict[str, int] = {}
    mentions = []
    for surface in surfaces:
        mentions.append(mention(paper, surface, nth=seen.get(surface, 0)))
        seen[surface] = seen.get(surface, 0) + 1
    abbreviations = tuple(defined(paper, short, long) for short, long in abbrs)
    role_objs = tuple(Role(pid, role, mentions[i], 0.8, "test") for role, i in roles)
    return PaperExtraction(paper, tuple(mentions), abbreviations, role_objs)


PPO_A = ("a", "We train with proximal policy optimization (PPO). PPO is stable.")
PPO_B = ("b", "We introduce pairwise preference optimization (PPO) for ranking. PPO beats DPO.")
PPO_C = ("c", "Our baseline is PPO.")


@pytest.fixture
def ppo_two_ways() -> list[PaperExtraction]:
    """PPO defined as two different things in two papers, and used bare in a third."""
    return [
        paper_extraction(
            PPO_A[0],
            PPO_A[1],
            ["proximal policy optimization", "PPO", "PPO"],
            abbrs=[("PPO", "proximal policy optimization")],
        ),
        paper_extraction(
            PPO_B[0],
            PPO_B[1],
            ["pairwise preference optimization", "PPO", "PPO", "DPO"],
            abbrs=[("PPO", "pairwise preference optimization")],
        ),
        paper_extraction(PPO_C[0], PPO_C[1], ["PPO"]),
    ]


def by_key(linked):
    return {e.key: e for e in linked.entities}


def test_merge_acronym_with_two_long_forms_stays_two_entities(ppo_two_ways):
    entities = by_key(link(ppo_two_ways))
    proximal = entities["proximalpolicyoptimization"]
    pairwise = entities["pairwisepreferenceoptimization"]
    assert proximal.papers == ("a",)
    assert pairwise.papers == ("b",)
    for entity, long in [
        (proximal, "proximal policy optimization"),
        (pairwise, "pairwise preference optimization"),
    ]:
        assert {entity.label, *entity.aliases} == {"PPO", long}


def test_merge_ambiguous_acronym_is_an_altlabel_of_both_entities_in_rdf(ppo_two_ways):
    from kg.graph.iri import entity_iri
    from kg.graph.rdf import build_store, new_dataset
    from kg.vocab import SKOS

    ds = new_dataset(build_store([ex.paper for ex in ppo_two_ways], link(ppo_two_ways)))
    for key, long in [
        ("proximalpolicyoptimization", "proximal policy optimization"),
        ("pairwisepreferenceoptimization", "pairwise preference optimization"),
    ]:
        node = entity_iri(key)
        assert [str(label) for label in ds.objects(node, SKOS.prefLabel)] in (["PPO"], [long])
        labels = {str(label) for p in (SKOS.prefLabel, SKOS.altLabel) for label in ds.objects(node, p)}
        assert labels == {"PPO", long}


def test_merge_bare_ambiguous_acronym_gets_neither_long_form(ppo_two_ways):
    entities = by_key(link(ppo_two_ways))
    (bare,) = [e for e in entities.values() if "c" in e.papers]
    assert bare.key == "ppo"
    assert bare.papers == ("c",)
    assert (bare.label, bare.aliases) == ("PPO", ())
    resolver = AcronymResolver(ppo_two_ways)
    assert "ppo" not in resolver.corpus
    assert "ppo" not in resolver.corpus


def test_merge_bare_acronym_joins_a_single_long_form(ppo_two_ways):
    a, _, c = ppo_two_ways
    entities = by_key(link([a, c]))
    assert "ppo" not in entities
    assert entities["proximalpolicyoptimization"].papers == ("a", "c")


def test_merge_acronym_resolves_per_paper_first():
    """Inside the paper that defines it, an acronym means that paper's long form."""
    a = paper_extraction(*PPO_A, ["PPO", "PPO"], abbrs=[("PPO", "proximal policy optimization")])
    b = paper_extraction(*PPO_B, ["PPO"], abbrs=[("PPO", "pairwise preference optimization")])
    resolver = AcronymResolver([a, b])
    assert {resolver.key(m) for m in a.mentions} == {"proximalpolicyoptimization"}
    assert {resolver.key(m) for m in b.mentions} == {"pairwisepreferenceoptimization"}


def test_merge_proposed_entity_is_not_also_used_by_the_same_paper():
    p = paper_extraction(
        "p",
        "We propose FooNet, a network. FooNet uses attention.",
        ["FooNet", "FooNet"],
        roles=[("proposes", 0), ("uses", 1)],
    )
    q = paper_extraction("q", "We compare with FooNet.", ["FooNet"], roles=[("uses", 0)])
    facts = {(a.subject, a.predicate, a.object) for a in link([p, q]).assertions}
    assert ("p", "proposes", "foonet") in facts
    assert ("p", "mentions", "foonet") in facts
    assert ("p", "uses", "foonet") not in facts
    assert ("q", "uses", "foonet") in facts


@pytest.mark.parametrize(
    ("surfaces", "label"),
    [
        (["Decision Transformer", "Decision Transformer", "decision transformers"], "Decision Transformer"),
        (["Q-functions", "Q-function", "Q-functions", "q-function"], "Q-functions"),
        (["Decision Transformers", "Decision Transformer"], "Decision Transformers"),  # tie: the longer form
    ],
)
def test_merge_pref_label_is_the_most_frequent_surface(surfaces, label):
    abstract = " and ".join(surfaces) + "."
    (entity,) = link([paper_extraction("p", abstract, surfaces, roles=[("uses", 0)])]).entities
    assert entity.label == label
    assert label not in entity.aliases
    folded = [a.casefold() for a in entity.aliases]
    assert len(folded) == len(set(folded)) and label.casefold() not in folded
    assert {label.casefold(), *folded} == {s.casefold() for s in surfaces}


def test_merge_type_is_a_score_weighted_vote():
    paper = Paper("p", "Paper p", "D4RL here, D4RL there, D4RL everywhere.")
    mentions = (
        mention(paper, "D4RL", 0, "Dataset", 0.95),
        mention(paper, "D4RL", 1, "Concept", 0.4),
        mention(paper, "D4RL", 2, "Concept", 0.4),
    )
    (entity,) = link([PaperExtraction(paper, mentions)]).entities
    assert entity.type == "Dataset"


def test_merge_assertion_provenance_is_best_first_and_counts_papers():
    p = paper_extraction("p", "FooNet and FooNet.", ["FooNet", "FooNet"], roles=[("uses", 1), ("uses", 0)])
    q = paper_extraction("q", "FooNet.", ["FooNet"], roles=[("uses", 0)])
    linked = link([p, q])
    (p_mentions,) = [a for a in linked.assertions if (a.subject, a.predicate) == ("p", "mentions")]
    assert p_mentions.support == 1
    assert [prov.start for prov in p_mentions.provenance] == sorted(
        prov.start for prov in p_mentions.provenance
    )
    for a in linked.assertions:
        scores = [prov.score for prov in a.provenance]
        assert scores == sorted(scores, reverse=True)
        assert all(prov.paper_id == a.subject for prov in a.provenance)


def test_merge_skips_labels_outside_the_ontology():
    paper = Paper("p", "Paper p", "It works with FooNet.")
    generic = Mention("p", "It", "Generic", len("Paper p\n\n"), len("Paper p\n\nIt"), paper.abstract, 0.5)
    linked = link([PaperExtraction(paper, (generic, mention(paper, "FooNet")))])
    assert [e.key for e in linked.entities] == ["foonet"]


# -- the real sample graph -------------------------------------------------------------------


def labels(kg, node: str) -> set[str]:
    data = kg.to_networkx().nodes[node]
    return {data["label"], *data["aliases"]}


def test_merge_sample_rl_is_reinforcement_learning(sample_kg):
    (node,) = sample_kg.find("reinforcement learning")
    assert {"RL", "reinforcement learning"} <= labels(sample_kg, node)
    assert node in sample_kg.find("RL")


def test_merge_sample_bare_rl_is_reinforcement_learning(sample_kg):
    for node in sample_kg.find("RL"):
        if sample_kg.to_networkx().nodes[node]["label"] == "RL":
            assert "reinforcement learning" in labels(sample_kg, node), node


@pytest.mark.parametrize(
    ("short", "long"),
    [
        ("PPO", "Proximal Policy Optimization"),
        ("FamO2O", "Family Offline-to-Online RL"),
        ("IRM", "Implicit Reward Model"),
        ("MDT", "Multimodal Diffusion Transformer"),
    ],
)
def test_merge_sample_acronym_with_one_long_form_is_one_entity(sample_kg, short, long):
    (node,) = sample_kg.find(short)
    assert sample_kg.find(long) == [node]
    assert {short, long} <= labels(sample_kg, node)


def test_merge_sample_acronym_with_two_long_forms_stays_apart(sample_kg):
    preference = sample_kg.find("Direct Preference Optimization")
    policy = sample_kg.find("Direct Policy Optimization")
    assert len(preference) == len(policy) == 1
    assert preference != policy
    for node in preference + policy:
        assert "DPO" in labels(sample_kg, node)


def test_merge_sample_case_variants_are_one_entity(sample_kg):
    """The Uni-O4 paper writes its name ``Uni-O4`` in the title and ``Uni-o4`` in the abstract."""
    (node,) = sample_kg.find("Uni-O4")
    assert sample_kg.find("Uni-o4") == [node]


def test_merge_sample_never_proposes_and_uses_the_same_entity(sample_kg):
    both = sample_kg.sparql("SELECT ?paper ?entity WHERE { ?paper kg:proposes ?entity ; kg:uses ?entity }")
    for role in ("proposes", "uses"):  # both kinds of triple are there to collide
        assert sample_kg.sparql(f"SELECT ?p WHERE {{ ?p kg:{role} ?e }} LIMIT 1").shape[0] == 1
    assert both.empty, both.head().to_string()


def test_merge_sample_name_with_markup_keeps_its_written_forms(sample_kg):
    """The M$^3$GPT paper, read as M^3GPT (the math markup is cleaned when the paper is read):
    one entity, found by either form."""
    (node,) = sample_kg.find("M3GPT")
    assert {"M3GPT", "M^3GPT"} <= labels(sample_kg, node)
    assert sample_kg.find("M^3GPT") == [node]


def test_merge_sample_labels_carry_no_markup(sample_kg):
    """LaTeX and HTML never reach an entity's labels: no backslash, dollar, brace or angle bracket."""
    found = sample_kg.sparql(
        "SELECT ?label WHERE { ?e kg:entityKey ?k ; skos:prefLabel|skos:altLabel ?label }"
    )
    assert len(found) > 1000
    assert not [label for label in found["label"] if set(label) & set("\\${<")]


def test_merge_sample_benchmark_in_capitals_is_not_the_common_word(sample_kg):
    """Mini-BEHAVIOR is evaluated on BEHAVIOR, the benchmark, not on the word "behaviors"."""
    nodes = [n for n in sample_kg.find("BEHAVIOR") if "BEHAVIOR" in labels(sample_kg, n)]
    assert nodes
    for node in nodes:
        assert "behaviors" not in {label.casefold() for label in labels(sample_kg, node)}
