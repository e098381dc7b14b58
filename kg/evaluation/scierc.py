"""SciERC-style scoring of the entity recognizer and the relation classifier, micro-averaged.

Entities match on exact (start, end, label). Relations are scored end to end, from predicted
entities, two ways: *boundaries* (both argument spans and the relation label right) and *strict*
(the arguments' entity types right too).

Gold documents come from :func:`kg.sources.scierc.read_scierc`. The project's own pipeline runs
on the given tokens and sentences, and every gold span counts, nested ones included.

>>> gold = [{(0, 1, "Method"), (0, 0, "Task")}]
>>> pred = [{(0, 1, "Method"), (3, 3, "Task")}]
>>> round(score_entities(gold, pred)["f1"], 2)
0.5
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from spacy.language import Language
from spacy.tokens import Doc

from kg.extract.labels import KG_TO_SCIERC, PTB_ESCAPES, RELATION_LABELS, SCIERC_ATTR, SCIERC_LABELS
from kg.extract.pipeline import default_pipeline
from kg.sources.scierc import GoldDocument, Triple, read_scierc


def _prf(tp: int, n_pred: int, n_gold: int) -> dict[str, float]:
    precision = tp / n_pred if n_pred else 0.0
    recall = tp / n_gold if n_gold else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": precision, "recall": recall, "f1": f1}


def score_entities(gold: Iterable[Iterable[Triple]], predicted: Iterable[Iterable[Triple]]) -> dict[str, Any]:
    """Micro-averaged exact-match precision, recall and F1, overall and per label.

    ``gold`` and ``predicted`` hold one collection of ``(start, end, label)`` per document.
    ``f1_without_generic`` scores the same spans with every ``Generic`` span left out of both.
    """
    tp: Counter[str] = Counter()
    n_gold: Counter[str] = Counter()
    n_pred: Counter[str] = Counter()
    for gold_doc, pred_doc in zip(gold, predicted, strict=True):
        gold_set, pred_set = set(gold_doc), set(pred_doc)
        n_gold.update(label for _, _, label in gold_set)
        n_pred.update(label for _, _, label in pred_set)
        tp.update(label for _, _, label in gold_set & pred_set)
    labels = [*SCIERC_LABELS, *sorted((set(n_gold) | set(n_pred)) - set(SCIERC_LABELS))]
    per_label = {
        label: {**_prf(tp[label], n_pred[label], n_gold[label]), "support": n_gold[label]} for label in labels
    }
    overall = _prf(sum(tp.values()), sum(n_pred.values()), sum(n_gold.values()))

    def without_generic(counts: Counter[str]) -> int:
        return sum(n for label, n in counts.items() if label != "Generic")

    overall["per_label"] = per_label
    overall["f1_without_generic"] = _prf(
        without_generic(tp), without_generic(n_pred), without_generic(n_gold)
    )["f1"]
    return overall


def error_breakdown(
    gold: Iterable[Iterable[Triple]], predicted: Iterable[Iterable[Triple]]
) -> dict[str, int]:
    """Sort the false positives: wrong type on the right span, wrong boundary, both, or spurious.

    ``type`` — a gold span has the same offsets but another label; ``boundary`` — it overlaps a
    gold span of the same label; ``boundary+type`` — it overlaps only gold spans of other labels;
    ``spurious`` — it overlaps no gold span. ``missed`` counts gold spans that no prediction
    overlaps at all.
    """
    counts = Counter({"correct": 0, "type": 0, "boundary": 0, "boundary+type": 0, "spurious": 0, "missed": 0})
    for gold_doc, pred_doc in zip(gold, predicted, strict=True):
        gold_set, pred_set = set(gold_doc), set(pred_doc)
        for start, end, label in pred_set:
            if (start, end, label) in gold_set:
                counts["correct"] += 1
                continue
            overlapping = [g for g in gold_set if g[0] <= end and start <= g[1]]
            if any((g[0], g[1]) == (start, end) for g in overlapping):
                counts["type"] += 1
            elif any(g[2] == label for g in overlapping):
                counts["boundary"] += 1
            elif overlapping:
                counts["boundary+type"] += 1
            else:
                counts["spurious"] += 1
        for g_start, g_end, _ in gold_set:
            if not any(p[0] <= g_end and g_start <= p[1] for p in pred_set):
                counts["missed"] += 1
    return dict(counts)


#: A relation with its arguments' entity types: head start, head end, head type, tail start, tail
#: end, tail type, relation label.
TypedRelation = tuple[int, int, str, int, int, str, str]


def typed_relations(doc: GoldDocument) -> set[TypedRelation]:
    """A gold document's relations with the gold types of their arguments."""
    types = {(s, e): label for s, e, label in doc.entities}
    return {
        (hs, he, types.get((hs, he), ""), ts, te, types.get((ts, te), ""), r)
        for hs, he, ts, te, r in doc.relations
    }


def score_relations(
    gold: Iterable[Iterable[TypedRelation]], predicted: Iterable[Iterable[TypedRelation]]
) -> dict[str, Any]:
    """Relation precision, recall and F1, ``boundaries`` and ``strict``, overall and per label.

    >>> gold = [{(0, 1, "Method", 4, 4, "Task", "USED-FOR")}]
    >>> pred = [{(0, 1, "Task", 4, 4, "Task", "USED-FOR")}]  # right spans, wrong head type
    >>> report = score_relations(gold, pred)
    >>> report["boundaries"]["f1"], report["strict"]["f1"]
    (1.0, 0.0)
    """
    tp = {"boundaries": Counter(), "strict": Counter()}
    n_gold: Counter[str] = Counter()
    n_pred: Counter[str] = Counter()
    for gold_doc, pred_doc in zip(gold, predicted, strict=True):
        gold_set, pred_set = set(gold_doc), set(pred_doc)
        n_gold.update(r[6] for r in gold_set)
        n_pred.update(r[6] for r in pred_set)
        tp["strict"].update(r[6] for r in gold_set & pred_set)
        untyped = {(hs, he, ts, te, r) for hs, he, _, ts, te, _, r in gold_set}
        tp["boundaries"].update(
            r[4] for r in {(hs, he, ts, te, r) for hs, he, _, ts, te, _, r in pred_set} & untyped
        )
    labels = [*RELATION_LABELS, *sorted((set(n_gold) | set(n_pred)) - set(RELATION_LABELS))]
    report: dict[str, Any] = {}
    for way, hits in tp.items():
        report[way] = _prf(sum(hits.values()), sum(n_pred.values()), sum(n_gold.values()))
        report[way]["per_label"] = {
            label: {**_prf(hits[label], n_pred[label], n_gold[label]), "support": n_gold[label]}
            for label in labels
        }
    return report


def doc_relations(nlp: Language, doc: Doc) -> set[TypedRelation]:
    """The relations the pipeline's classifier finds between the scored entity spans of a Doc,
    with their arguments' SciERC types (none without a ``kg_relations`` component)."""
    if "kg_relations" not in nlp.pipe_names:
        return set()
    key = next((k for k in SCORED_KEYS if k in doc.spans), SCORED_KEYS[-1])
    types = {(s, e): label for s, e, label in span_triples(doc, key)}
    found = set()
    for head, tail, label, _ in nlp.get_pipe("kg_relations").find(doc, key):
        h, t = (head.start, head.end - 1), (tail.start, tail.end - 1)
        found.add((*h, types.get(h, ""), *t, types.get(t, ""), label))
    return found


def make_doc(nlp: Language, gold: GoldDocument) -> Doc:
    """A Doc of the gold tokens, words separated by spaces, sentence starts as given."""
    words = [PTB_ESCAPES.get(w, w) for w in gold.words]
    sent_starts = [i == 0 for sent in gold.sentences for i in range(len(sent))]
    return Doc(nlp.vocab, words=words, spaces=[True] * len(words), sent_starts=sent_starts)


def span_triples(doc: Doc, spans_key: str = "kg_mentions") -> set[Triple]:
    """The spans of a Doc's mention group as SciERC triples (end inclusive)."""
    if spans_key not in doc.spans:
        return set()
    group = doc.spans[spans_key]
    labels = group.attrs.get(SCIERC_ATTR)
    triples = set()
    for i, span in enumerate(group):
        label = labels[i] if labels else KG_TO_SCIERC.get(span.label_, span.label_)
        triples.add((span.start, span.end - 1, label))
    return triples


#: Span groups scored, the first one a Doc has: the trained recognizer's own SciERC spans, else
#: the mention group (the rule layer alone writes only that one).
SCORED_KEYS = ("kg_scierc", "kg_mentions")


def annotate(
    nlp: Language, documents: Sequence[GoldDocument], *, batch_size: int = 32
) -> tuple[list[Doc], float]:
    """Run the pipeline on the gold tokens; returns the Docs and the seconds taken.

    The title component is switched off: SciERC documents are abstracts without a title.
    """
    disabled = [name for name in ("kg_title",) if name in nlp.pipe_names]
    docs = [make_doc(nlp, gold) for gold in documents]
    with nlp.select_pipes(disable=disabled):
        start = time.perf_counter()
        processed = list(nlp.pipe(docs, batch_size=batch_size))
        return processed, time.perf_counter() - start


def scored_triples(docs: Iterable[Doc], spans_key: str | None = None) -> list[set[Triple]]:
    """Each Doc's entity triples from ``spans_key`` (default: the first of :data:`SCORED_KEYS`)."""
    keys = [spans_key] if spans_key else SCORED_KEYS
    return [span_triples(doc, next((k for k in keys if k in doc.spans), keys[-1])) for doc in docs]


def predict(
    nlp: Language,
    documents: Sequence[GoldDocument],
    *,
    batch_size: int = 32,
    spans_key: str | None = None,
) -> tuple[list[set[Triple]], float]:
    """Run the pipeline on the gold tokens; returns the predicted triples and the seconds taken."""
    docs, seconds = annotate(nlp, documents, batch_size=batch_size)
    return scored_triples(docs, spans_key), seconds


def evaluate(gold_path: str | Path, nlp: Language | None = None) -> dict[str, Any]:
    """Score the extractor on a SciERC file: the JSON object that ``kg evaluate`` prints."""
    documents = read_scierc(gold_path)
    nlp = nlp or default_pipeline()
    docs, seconds = annotate(nlp, documents)
    n_words = sum(len(d.words) for d in documents)
    return {
        "entities": score_entities([d.entities for d in documents], scored_triples(docs)),
        "relations": score_relations(
            [typed_relations(d) for d in documents], [doc_relations(nlp, d) for d in docs]
        ),
        "documents": len(documents),
        "words_per_second": n_words / seconds if seconds else 0.0,
    }
