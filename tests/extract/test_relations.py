"""The relation classifier: features, training (NumPy only), the shipped model, and relation edges."""

from __future__ import annotations

import json
import shutil
import sys
from dataclasses import replace

import numpy as np

from kg.extract.hearst import hyponym_pairs
from kg.extract.labels import RELATION_LABELS
from kg.extract.model import model_path
from kg.extract.relations import (
    DEFAULT_RELATION_MODEL,
    RELATION_PREDICATES,
    load,
    load_head,
    n_features,
    pair_features,
)
from kg.link.merge import link
from kg.types import RELATIONS, RelationMention
from kg.vocab import RELATION_PROPERTIES
from tests.helpers import QUERIES, SCIERC_TINY

FIXTURE = SCIERC_TINY


def test_relations_every_scierc_label_has_a_graph_property():
    assert set(RELATION_PREDICATES) == set(RELATION_LABELS)
    assert set(RELATION_PREDICATES.values()) == set(RELATIONS) == set(RELATION_PROPERTIES)
    assert str(RELATION_PROPERTIES["broader"]) == "http://www.w3.org/2004/02/skos/core#broader"


def test_relations_pair_features_describe_order_distance_and_between_words():
    rng = np.random.default_rng(0)
    start, end = rng.standard_normal((2, 8, 4)).astype(np.float32)
    pairs = [
        (0, 1, 5, 5, "Method", "Task"),
        (5, 5, 0, 1, "Task", "Method"),
        (2, 2, 3, 3, "Generic", "Metric"),
    ]
    x = pair_features(start, end, pairs)
    assert x.shape == (3, n_features(4))
    # start/end states of the arguments come first
    np.testing.assert_allclose(x[0, :4], start[0])
    np.testing.assert_allclose(x[0, 4:8], end[1])
    np.testing.assert_allclose(x[1, :4], start[5])
    # the words between (2, 3, 4) are the same both ways; adjacent spans have none
    between = slice(20, 24)
    np.testing.assert_allclose(x[0, between], ((start + end) / 2)[2:5].mean(axis=0), rtol=1e-5)
    np.testing.assert_allclose(x[0, between], x[1, between])
    np.testing.assert_allclose(x[2, between], 0.0)
    order, nested = x[:, -2], x[:, -1]
    assert order.tolist() == [1.0, 0.0, 1.0] and nested.tolist() == [0.0, 0.0, 0.0]


def test_relations_training_smoke_without_torch(tmp_path, monkeypatch):
    """Three real SciERC documents, a tiny MLP: the trainer runs on NumPy alone, writes a loadable model."""
    data = tmp_path / "scierc"
    data.mkdir()
    for split in ("train", "dev"):
        shutil.copy(FIXTURE, data / f"{split}.json")
    monkeypatch.setitem(sys.modules, "torch", None)  # importing torch now fails
    from typer.testing import CliRunner

    from kg.cli import app

    out = tmp_path / "tiny-relations"
    args = [
        "train-relations",
        "--data",
        str(data),
        "--out",
        str(out),
        "--set",
        "epochs=3",
        "--set",
        "hidden=16",
    ]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    log = result.output
    losses = [
        float(line.split("loss ")[1].split(";")[0]) for line in log.splitlines() if line.startswith("epoch")
    ]
    assert len(losses) == 3 and losses[-1] < losses[0]
    meta = json.loads((out / "meta.json").read_text())
    assert meta["train_pairs"] > 50 and meta["labels"] == list(RELATION_LABELS)
    head = load_head(out)
    assert head.w1.shape == (n_features(256), 16) and head.w2.shape == (16, 1 + len(RELATION_LABELS))
    probs = head.probabilities(np.zeros((2, n_features(256)), dtype=np.float32))
    np.testing.assert_allclose(probs.sum(axis=1), 1.0, rtol=1e-5)


def test_relations_shipped_model_loads_from_the_package():
    path = model_path(DEFAULT_RELATION_MODEL)
    assert (path / "head.npz").is_file()
    size = sum(f.stat().st_size for f in path.iterdir())
    assert size <= 10 * 1024 * 1024
    head = load()
    assert head.labels == RELATION_LABELS
    meta = json.loads((path / "meta.json").read_text())
    assert meta["dev_end_to_end_recognizer_spans"]["f1"] > 0.2


def test_relations_found_in_a_sample_abstract(extraction):
    ex = extraction("Behavior Contrastive Learning for Unsupervised Skill Discovery")
    found = {(r.head.text, r.predicate, r.tail.text) for r in ex.relations}
    # "we propose a novel unsupervised skill discovery method through contrastive learning among behaviors"
    assert any(
        "contrastive learning" in head and pred == "usedFor" and "skill discovery" in tail
        for head, pred, tail in found
    ), found
    for relation in ex.relations:
        assert relation.head.sentence == relation.tail.sentence == relation.evidence
        assert relation.predicate in RELATIONS and 0.0 < relation.score <= 1.0
        assert relation.extractor.endswith("/relations")


def test_relations_generic_arguments_never_become_relations(extraction):
    ex = extraction("Behavior Contrastive Learning for Unsupervised Skill Discovery")
    assert ex.relations
    assert all(r.head.label != "Generic" and r.tail.label != "Generic" for r in ex.relations)
    # "our method" is Generic in SciERC's scheme: it is not a mention, so not an argument
    assert not any(
        r.head.text.lower() == "our method" or r.tail.text.lower() == "our method" for r in ex.relations
    )


def test_relations_become_entity_edges_with_evidence(sample_kg):
    rows = sample_kg.sparql(
        """SELECT ?head ?p ?tail ?g ?paper ?sentence ?confidence ?start ?end ?extractor WHERE {
             ?head ?p ?tail .
             GRAPH ?g { ?a a kg:Assertion ; rdf:subject ?head ; rdf:predicate ?p ; rdf:object ?tail ;
                           prov:wasDerivedFrom ?paper ; kg:evidence ?sentence ; kg:confidence ?confidence ;
                           kg:startOffset ?start ; kg:endOffset ?end ; prov:wasAttributedTo ?agent . }
             ?agent rdfs:label ?extractor .
             ?head skos:prefLabel ?hl . ?tail skos:prefLabel ?tl .
             ?paper a kg:Paper .
           }"""
    )
    assert len(rows) > 100
    predicates = {str(p).rsplit("#", 1)[-1] for p in rows["p"]}
    assert {"usedFor", "conjunctionWith", "broader"} <= predicates
    assert all(str(x).endswith("/relations") for x in rows["extractor"])
    assert all(0.0 < float(c) <= 1.0 for c in rows["confidence"])
    # the edge and its statement sit in the named graph of the paper they were derived from
    for graph, paper in zip(rows["g"], rows["paper"], strict=True):
        assert str(graph).replace("/graph/paper/", "/paper/") == str(paper)
    assert all(int(s) < int(e) for s, e in zip(rows["start"], rows["end"], strict=True))


# Every method's relations, in the order of the example query (which asks about one method).
ALL_METHOD_RELATIONS = """
SELECT ?method ?relation ?other ?type ?confidence ?sentence WHERE {
  { VALUES (?p ?relation) { (kg:usedFor "used for") (kg:comparedWith "compared with") }
    ?a rdf:predicate ?p ; rdf:subject ?m ; rdf:object ?o .
  } UNION {
    VALUES (?p ?relation) { (kg:evaluates "evaluated by") (kg:comparedWith "compared with") }
    ?a rdf:predicate ?p ; rdf:subject ?o ; rdf:object ?m . }
  FILTER EXISTS { ?m a kg:Method }
  ?a kg:confidence ?confidence ; kg:evidence ?sentence .
  ?m skos:prefLabel ?method .
  ?o skos:prefLabel ?other ; a ?class .
  FILTER(?class IN (kg:Method, kg:Dataset, kg:Task, kg:Metric, kg:Concept))
  BIND(STRAFTER(STR(?class), "#") AS ?type)
} ORDER BY ?method ?relation DESC(?confidence) ?other
"""


def test_relations_of_method_query(sample_kg):
    query = (QUERIES / "relations-of-method.rq").read_text()
    rows = sample_kg.sparql(query)
    assert set(rows.columns) == {"method", "relation", "other", "type", "confidence", "sentence"}
    # the relations of PPO: exactly its rows among every method's relations
    every = sample_kg.sparql(ALL_METHOD_RELATIONS)
    assert len(every) > 100 and len(rows) >= 2
    assert set(rows["method"]) == {"PPO"}
    ppo = every[every["method"] == "PPO"].reset_index(drop=True)
    assert rows.to_dict("records") == ppo.to_dict("records")
    assert set(rows["relation"]) <= {"used for", "evaluated by", "compared with"}
    # every row is backed by its evidence sentence, which names the method
    named = sum(
        str(m).lower() in str(s).lower() for m, s in zip(rows["method"], rows["sentence"], strict=True)
    )
    assert named >= len(rows) * 0.8


def test_relations_link_symmetric_once_and_evaluates_only_from_a_metric(extraction):
    ex = extraction("Behavior Contrastive Learning for Unsupervised Skill Discovery")
    by_label: dict[str, list] = {}
    for m in ex.mentions:
        by_label.setdefault(m.label, []).append(m)
    method, task = by_label["Method"][0], by_label["Task"][0]

    def relation(head, predicate, tail):
        return RelationMention(head, tail, predicate, head.sentence, 0.9, "kg-rules/relations")

    crafted = replace(
        ex,
        relations=(
            relation(method, "conjunctionWith", task),
            relation(task, "conjunctionWith", method),  # the same symmetric fact, the other way
            relation(method, "evaluates", task),  # a Method does not evaluate: dropped
        ),
    )
    facts = {
        (a.subject, a.predicate, a.object) for a in link([crafted]).assertions if a.predicate in RELATIONS
    }
    assert [p for _, p, _ in facts] == ["conjunctionWith"]


def test_relations_hearst_patterns_on_word_lists():
    words = "we compare with methods such as PPO , SAC and DQN , and other baselines".split()
    spans = [(3, 4), (6, 7), (8, 9), (10, 11), (14, 15)]  # methods PPO SAC DQN baselines
    assert set(hyponym_pairs(words, spans)) == {(1, 0), (2, 0), (3, 0), (3, 4)}
    # no cue, or a list broken by other words: nothing
    assert hyponym_pairs("methods beat PPO".split(), [(0, 1), (2, 3)]) == []
    words = "LLMs such as ChatGPT , trained with RLHF".split()
    assert hyponym_pairs(words, [(0, 1), (3, 4), (7, 8)]) == [(1, 0)]


def test_relations_hearst_hyponyms_in_a_sample_abstract(extraction):
    """ "recent LLMs such as ChatGPT and GPT-4": both are hyponyms of LLMs (skos:broader)."""
    ex = extraction("Learning to Generate Better Than Your LLM")
    broader = {(r.head.text, r.tail.text) for r in ex.relations if r.predicate == "broader"}
    assert {("ChatGPT", "LLMs"), ("GPT-4", "LLMs")} <= broader


def test_relations_candidates_of_a_run_on_sentence_stay_linear():
    """1,000 spans in one "sentence": only pairs at most MAX_PAIR_GAP words apart, in bounded batches
    (all ordered pairs would be a million); a short sentence keeps every ordered pair."""
    from kg.extract.relations import MAX_PAIR_GAP, PAIR_BATCH, _candidate_batches

    def spans(n: int) -> list[tuple[str, int, int, str]]:
        return [(f"s{i}", 5 * i, 5 * i + 1, "Method") for i in range(n)]  # a 2-word span every 5 words

    batches = list(_candidate_batches(spans(1000)))
    pairs = [pair for batch, _ in batches for pair in batch]
    assert all(len(batch) <= PAIR_BATCH for batch, _ in batches)
    assert all(max(p[0], p[2]) - min(p[1], p[3]) <= MAX_PAIR_GAP for p in pairs)
    assert 1000 * 2 * (MAX_PAIR_GAP // 5 - 2) <= len(pairs) <= 1000 * 2 * (MAX_PAIR_GAP // 5 + 1)
    ((short, args),) = list(_candidate_batches(spans(4)))
    assert len(short) == 4 * 3 and {a for a, _ in args} == {"s0", "s1", "s2", "s3"}
