"""The SciERC scorer, the reader, and ``kg evaluate`` on a three-document fixture."""

from __future__ import annotations

import json

import pytest
import spacy
from spacy.language import Language
from spacy.tokens import Doc, Span, SpanGroup
from typer.testing import CliRunner

import kg.evaluation.scierc
from kg.cli import app
from kg.errors import InputError
from kg.evaluation.scierc import (
    error_breakdown,
    evaluate,
    make_doc,
    score_entities,
    score_relations,
    span_triples,
    typed_relations,
)
from kg.extract.labels import RELATION_LABELS
from kg.sources.scierc import read_scierc
from tests.helpers import SCIERC_TINY

FIXTURE = SCIERC_TINY


def test_evaluate_scores_nested_span_and_label_mismatch():
    # gold: a Method with a Task nested inside it, and a Generic
    gold = [{(0, 3, "Method"), (2, 3, "Task"), (5, 5, "Generic")}]
    # predicted: the Method, the nested span with the wrong label, the Generic, one spurious Metric
    pred = [{(0, 3, "Method"), (2, 3, "Method"), (5, 5, "Generic"), (7, 8, "Metric")}]
    scores = score_entities(gold, pred)
    assert scores["precision"] == pytest.approx(2 / 4)
    assert scores["recall"] == pytest.approx(2 / 3)
    assert scores["f1"] == pytest.approx(4 / 7)
    per = scores["per_label"]
    assert per["Method"] == pytest.approx({"precision": 0.5, "recall": 1.0, "f1": 2 / 3, "support": 1})
    assert per["Task"] == {"precision": 0.0, "recall": 0.0, "f1": 0.0, "support": 1}
    assert per["Generic"] == {"precision": 1.0, "recall": 1.0, "f1": 1.0, "support": 1}
    assert per["Metric"]["support"] == 0 and per["Metric"]["precision"] == 0.0
    # without Generic: 1 correct of 3 predicted, 2 gold
    assert scores["f1_without_generic"] == pytest.approx(2 * 1 / (3 + 2))
    assert list(per)[:6] == ["Method", "Task", "Metric", "Material", "OtherScientificTerm", "Generic"]


def test_evaluate_error_breakdown_sorts_false_positives():
    gold = [{(0, 3, "Method"), (2, 3, "Task"), (10, 11, "Task")}]
    pred = [{(0, 3, "Method"), (2, 3, "Method"), (10, 12, "Task"), (6, 6, "Metric"), (1, 1, "Generic")}]
    counts = error_breakdown(gold, pred)
    assert counts == {
        "correct": 1,
        "type": 1,
        "boundary": 1,
        "boundary+type": 1,
        "spurious": 1,
        "missed": 0,
    }


def test_evaluate_reads_document_offsets():
    docs = read_scierc(FIXTURE)
    assert [d.key for d in docs] == ["C08-1118", "P03-2036", "H01-1070"]
    first = docs[0]
    assert (28, 29, "OtherScientificTerm") in first.entities  # nested in (25, 29, "Method")
    assert " ".join(first.words[28:30]) == "word n-grams"
    assert sum(len(d.entities) for d in docs) == 27


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("", "no documents"),
        ("{not json\n", ":1: not a SciERC document"),
        ('{"sentences": [["a"]], "ner": [[[0, 3, "Method"]]]}\n', "outside the 1 tokens"),
    ],
)
def test_evaluate_rejects_bad_files(tmp_path, content, message):
    path = tmp_path / "bad.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(InputError, match=message):
        read_scierc(path)


@pytest.fixture
def everything_is_a_method(monkeypatch):
    """A pipeline that finds exactly the fixture's gold spans and calls each one a Method."""
    nlp = spacy.blank("en")
    gold = {make_doc(nlp, d).text: d.entities for d in read_scierc(FIXTURE)}

    def component(doc: Doc) -> Doc:
        spans = sorted({(s, e) for s, e, _ in gold[doc.text]})
        doc.spans["kg_mentions"] = SpanGroup(
            doc, spans=[Span(doc, s, e + 1, label="Method") for s, e in spans]
        )
        return doc

    if not Language.has_factory("test_all_methods"):
        Language.component("test_all_methods", func=component)
    nlp.add_pipe("test_all_methods")
    monkeypatch.setattr(kg.evaluation.scierc, "default_pipeline", lambda: nlp)
    return nlp


def test_evaluate_fixture_hand_computed(everything_is_a_method):
    # 27 gold spans at 27 distinct offsets; 12 are Methods, 3 Generic. Every span predicted Method.
    report = evaluate(FIXTURE)
    entities = report["entities"]
    assert report["documents"] == 3
    assert entities["precision"] == pytest.approx(12 / 27)
    assert entities["recall"] == pytest.approx(12 / 27)
    assert entities["f1"] == pytest.approx(12 / 27)
    assert entities["per_label"]["Method"] == pytest.approx(
        {"precision": 12 / 27, "recall": 1.0, "f1": 24 / 39, "support": 12}
    )
    assert entities["per_label"]["Task"] == {"precision": 0.0, "recall": 0.0, "f1": 0.0, "support": 4}
    assert entities["f1_without_generic"] == pytest.approx(24 / 51)


def test_evaluate_cli_json_contract(everything_is_a_method):
    result = CliRunner().invoke(app, ["evaluate", "--gold", str(FIXTURE), "--format", "json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert set(report) == {"entities", "relations", "documents", "words_per_second"}
    for way in ("boundaries", "strict"):
        relations = report["relations"][way]
        assert set(relations["per_label"]) == set(RELATION_LABELS)
        # this pipeline has no relation classifier: nothing found, the 19 gold relations missed
        assert relations["recall"] == 0.0 and relations["precision"] == 0.0
        assert sum(row["support"] for row in relations["per_label"].values()) == 19
    assert set(report["entities"]) == {"precision", "recall", "f1", "per_label", "f1_without_generic"}
    assert set(report["entities"]["per_label"]) == {
        "Method",
        "Task",
        "Metric",
        "Material",
        "OtherScientificTerm",
        "Generic",
    }
    for row in report["entities"]["per_label"].values():
        assert set(row) == {"precision", "recall", "f1", "support"}
        assert all(0.0 <= row[k] <= 1.0 for k in ("precision", "recall", "f1"))
    assert report["entities"]["f1"] == pytest.approx(12 / 27)
    assert report["documents"] == 3 and report["words_per_second"] > 0


def test_evaluate_cli_table(everything_is_a_method):
    result = CliRunner().invoke(app, ["evaluate", "--gold", str(FIXTURE)])
    assert result.exit_code == 0, result.output
    assert "OtherScientificTerm" in result.stdout and "0.444" in result.stdout


def test_evaluate_span_triples_map_graph_labels_back():
    nlp = spacy.blank("en")
    doc = nlp.make_doc("the Penn Treebank and syntactic trees")
    doc.spans["kg_mentions"] = SpanGroup(
        doc, spans=[Span(doc, 1, 3, label="Dataset"), Span(doc, 4, 6, label="Concept")]
    )
    assert span_triples(doc) == {(1, 2, "Material"), (4, 5, "OtherScientificTerm")}
    doc.spans["kg_mentions"].attrs["scierc_labels"] = ["Material", "Material"]
    assert span_triples(doc) == {(1, 2, "Material"), (4, 5, "Material")}


def test_evaluate_relations_boundaries_and_strict_differ():
    # gold: a Method USED-FOR a Task, a Metric EVALUATE-FOR that Method, two Methods in CONJUNCTION
    gold = [
        {
            (0, 1, "Method", 5, 5, "Task", "USED-FOR"),
            (8, 8, "Metric", 0, 1, "Method", "EVALUATE-FOR"),
            (0, 1, "Method", 3, 3, "Method", "CONJUNCTION"),
        }
    ]
    pred = [
        {
            (0, 1, "Method", 5, 5, "Task", "USED-FOR"),  # right
            (8, 8, "Material", 0, 1, "Method", "EVALUATE-FOR"),  # right spans and label, wrong head type
            (3, 3, "Method", 0, 1, "Method", "CONJUNCTION"),  # reversed: wrong
            (5, 5, "Task", 8, 8, "Metric", "USED-FOR"),  # spurious
        }
    ]
    report = score_relations(gold, pred)
    boundaries, strict = report["boundaries"], report["strict"]
    assert (boundaries["precision"], boundaries["recall"]) == pytest.approx((2 / 4, 2 / 3))
    assert boundaries["f1"] == pytest.approx(4 / 7)
    assert (strict["precision"], strict["recall"]) == pytest.approx((1 / 4, 1 / 3))
    assert strict["f1"] == pytest.approx(2 / 7)
    assert boundaries["per_label"]["EVALUATE-FOR"] == {
        "precision": 1.0,
        "recall": 1.0,
        "f1": 1.0,
        "support": 1,
    }
    assert strict["per_label"]["EVALUATE-FOR"]["f1"] == 0.0
    assert boundaries["per_label"]["USED-FOR"] == pytest.approx(
        {"precision": 0.5, "recall": 1.0, "f1": 2 / 3, "support": 1}
    )
    assert boundaries["per_label"]["CONJUNCTION"]["f1"] == 0.0
    assert list(boundaries["per_label"]) == list(RELATION_LABELS)


def test_evaluate_reads_relations_with_argument_types():
    docs = read_scierc(FIXTURE)
    assert (15, 16, 19, 20, "PART-OF") in docs[0].relations
    assert sum(len(d.relations) for d in docs) == 19
    # the arguments carry their gold entity types
    assert typed_relations(docs[0]) == {
        (15, 16, "Material", 19, 20, "Material", "PART-OF"),
        (35, 35, "Metric", 38, 39, "Method", "EVALUATE-FOR"),
    }


def test_evaluate_rejects_relation_outside_the_document(tmp_path):
    bad = tmp_path / "bad.json"
    row = {
        "doc_key": "x",
        "sentences": [["a", "b"]],
        "ner": [[[0, 0, "Method"]]],
        "relations": [[[0, 0, 1, 5, "USED-FOR"]]],
    }
    bad.write_text(json.dumps(row) + "\n")
    with pytest.raises(InputError, match=r"bad.json:1: .*relation"):
        read_scierc(bad)


def test_evaluate_dev_relations_with_the_shipped_models():
    """End to end on three real SciERC abstracts: the shipped pipeline finds some gold relations."""
    report = evaluate(FIXTURE)
    relations = report["relations"]
    assert relations["boundaries"]["recall"] > 0.0
    assert relations["strict"]["f1"] <= relations["boundaries"]["f1"]
