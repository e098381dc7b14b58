"""SciERC-style scoring of the entity recognizer: exact (start, end, label) matches, micro-averaged.

Gold files are DyGIE/SciERC JSON lines: one document per line with ``sentences`` (lists of
tokens) and ``ner`` (per sentence, ``[start, end, label]`` with document-level token offsets,
end inclusive). The project's own pipeline runs on the given tokens and sentences, and every
gold span counts, nested ones included.

>>> gold = [{(0, 1, "Method"), (0, 0, "Task")}]
>>> pred = [{(0, 1, "Method"), (3, 3, "Task")}]
>>> round(score_entities(gold, pred)["f1"], 2)
0.5
"""

from __future__ import annotations

import json
import time
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from spacy.language import Language
from spacy.tokens import Doc

from kg.errors import InputError

#: The six SciERC entity labels, in the order reports list them.
SCIERC_LABELS: tuple[str, ...] = ("Method", "Task", "Metric", "Material", "OtherScientificTerm", "Generic")

#: How a graph label maps back to a SciERC label when a component did not record the original.
KG_TO_SCIERC = {"Dataset": "Material", "Concept": "OtherScientificTerm"}

#: The span-group attribute in which a component records each span's SciERC label.
SCIERC_ATTR = "scierc_labels"

#: Penn Treebank escapes in SciERC's tokens, given back their characters (the pipeline reads text).
PTB_ESCAPES = {"-LRB-": "(", "-RRB-": ")", "-LSB-": "[", "-RSB-": "]", "-LCB-": "{", "-RCB-": "}"}

#: A gold or predicted entity: document-level token offsets (end inclusive) and a label.
Triple = tuple[int, int, str]


@dataclass(frozen=True)
class GoldDocument:
    """One document of a SciERC file: its tokens by sentence and its gold entity spans."""

    key: str
    sentences: tuple[tuple[str, ...], ...]
    entities: frozenset[Triple] = field(default_factory=frozenset)

    @property
    def words(self) -> list[str]:
        return [w for sent in self.sentences for w in sent]


def read_scierc(path: str | Path) -> list[GoldDocument]:
    """Read a DyGIE/SciERC JSON-lines file; malformed lines raise :class:`InputError`."""
    path = Path(path)
    if not path.is_file():
        raise InputError(f"{path}: no such file (expected SciERC/DyGIE JSON lines)")
    docs = []
    with path.open(encoding="utf-8") as fh:
        for lineno, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
                sentences = tuple(tuple(str(w) for w in s) for s in row["sentences"])
                n_words = sum(len(s) for s in sentences)
                entities = set()
                for sent in row.get("ner", []):
                    for start, end, label in sent:
                        if not 0 <= int(start) <= int(end) < n_words:
                            raise ValueError(f"span [{start}, {end}] outside the {n_words} tokens")
                        entities.add((int(start), int(end), str(label)))
            except (json.JSONDecodeError, KeyError, TypeError, ValueError) as exc:
                raise InputError(
                    f"{path}:{lineno}: not a SciERC document ({exc}); each line needs "
                    '"sentences" and "ner" with document-level [start, end, label] spans'
                ) from exc
            docs.append(GoldDocument(str(row.get("doc_key", lineno)), sentences, frozenset(entities)))
    if not docs:
        raise InputError(f"{path}: no documents")
    return docs


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


def predict(
    nlp: Language,
    documents: Sequence[GoldDocument],
    *,
    batch_size: int = 32,
    spans_key: str | None = None,
) -> tuple[list[set[Triple]], float]:
    """Run the pipeline on the gold tokens; returns the predicted triples and the seconds taken.

    ``spans_key`` picks the span group to score (default: the first of :data:`SCORED_KEYS`).
    The title component is switched off: SciERC documents are abstracts without a title.
    """
    disabled = [name for name in ("kg_title",) if name in nlp.pipe_names]
    docs = [make_doc(nlp, gold) for gold in documents]
    with nlp.select_pipes(disable=disabled):
        start = time.perf_counter()
        processed = list(nlp.pipe(docs, batch_size=batch_size))
        seconds = time.perf_counter() - start
    keys = [spans_key] if spans_key else SCORED_KEYS
    triples = [span_triples(doc, next((k for k in keys if k in doc.spans), keys[-1])) for doc in processed]
    return triples, seconds


def evaluate(gold_path: str | Path, nlp: Language | None = None) -> dict[str, Any]:
    """Score the extractor on a SciERC file: the JSON object that ``kg evaluate`` prints."""
    from kg.extract.pipeline import default_pipeline

    documents = read_scierc(gold_path)
    nlp = nlp or default_pipeline()
    predicted, seconds = predict(nlp, documents)
    n_words = sum(len(d.words) for d in documents)
    return {
        "entities": score_entities([d.entities for d in documents], predicted),
        "documents": len(documents),
        "words_per_second": n_words / seconds if seconds else 0.0,
    }
