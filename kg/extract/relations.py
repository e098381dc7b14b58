"""The relation classifier: SciERC relations between two entity spans of one sentence.

Candidates are the ordered pairs of mention spans in one sentence (SciERC annotates relations only
within sentences). Each pair is described by the entity recognizer's encoder states, which
``kg_recognizer`` keeps on ``doc._.kg_word_states`` (so the encoder runs once): the start and end
states of both spans, their elementwise product, the mean state of the words between them, both
SciERC entity types, the distance in words and the order. A small NumPy MLP (one ReLU layer,
softmax over ``NONE`` and the seven relation labels) scores the pair; a pair is a relation when a
label beats ``NONE`` after ``NONE``'s logit is lowered by a bias tuned on SciERC dev. No torch.

The model folder (``kg/extract/model/scierc-relations``) holds ``head.npz`` and ``meta.json``;
:mod:`kg.training.relations` writes it.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
from spacy.language import Language
from spacy.tokens import Doc, Span

from kg.errors import KgError
from kg.extract.hearst import hyponym_pairs
from kg.extract.labels import KG_TO_SCIERC, SCIERC_ATTR, SCIERC_LABELS
from kg.extract.model import model_path

#: The folder of the relation model that ships inside the package.
DEFAULT_RELATION_MODEL = "scierc-relations"

#: SciERC relation label -> predicate name in the graph (``kg.vocab.RELATION_PROPERTIES``).
RELATION_PREDICATES: dict[str, str] = {
    "USED-FOR": "usedFor",
    "EVALUATE-FOR": "evaluates",
    "FEATURE-OF": "featureOf",
    "HYPONYM-OF": "broader",
    "PART-OF": "partOf",
    "COMPARE": "comparedWith",
    "CONJUNCTION": "conjunctionWith",
}

#: Confidence of a Hearst-pattern hyponym: the patterns' precision between gold SciERC train
#: entities (103 of 116 right; recall 0.35 there).
PATTERN_CONFIDENCE = 0.89

#: Upper bounds of the distance buckets (words between the two spans).
DISTANCE_BUCKETS: tuple[int, ...] = (0, 1, 2, 3, 5, 8, 15)

#: Most words between two spans for them to be a candidate pair: beyond every distance bucket, and
#: longer than SciERC's sentences, so it only bounds run-on text.
MAX_PAIR_GAP = 100

#: Candidate pairs scored at once (bounds the feature matrix to a few megabytes).
PAIR_BATCH = 2048

#: A candidate pair inside one sentence: head start, head end, tail start, tail end (word offsets,
#: end inclusive) and the two SciERC entity types.
Pair = tuple[int, int, int, int, str, str]


def n_features(hidden: int) -> int:
    """Length of a pair's feature vector for encoder states of width ``hidden``."""
    return 6 * hidden + 2 * len(SCIERC_LABELS) + len(DISTANCE_BUCKETS) + 1 + 2


def pair_features(start: np.ndarray, end: np.ndarray, pairs: Sequence[Pair]) -> np.ndarray:
    """Feature matrix ``(len(pairs), n_features)`` of candidate pairs of one sentence.

    ``start`` and ``end`` are the sentence's word-level encoder states ``(n_words, hidden)``.
    """
    hidden = start.shape[1]
    if not pairs:
        return np.zeros((0, n_features(hidden)), dtype=np.float32)
    idx = np.array([p[:4] for p in pairs], dtype=np.int64)
    hs, he, ts, te = idx.T
    head = start[hs] + end[he]
    tail = start[ts] + end[te]
    # the words strictly between the two spans, as a mean of both projections
    words = (start + end) / 2.0
    cumulative = np.concatenate([np.zeros((1, hidden), dtype=np.float32), np.cumsum(words, axis=0)])
    left = np.minimum(he, te) + 1
    right = np.maximum(hs, ts)
    gap = np.maximum(right - left, 0)
    between = (cumulative[np.maximum(right, left)] - cumulative[left]) / np.maximum(gap, 1)[:, None]
    types = np.zeros((len(pairs), 2 * len(SCIERC_LABELS)), dtype=np.float32)
    for row, p in enumerate(pairs):
        types[row, _TYPE_INDEX.get(p[4], _GENERIC)] = 1.0
        types[row, len(SCIERC_LABELS) + _TYPE_INDEX.get(p[5], _GENERIC)] = 1.0
    distance = np.zeros((len(pairs), len(DISTANCE_BUCKETS) + 1), dtype=np.float32)
    distance[np.arange(len(pairs)), np.searchsorted(DISTANCE_BUCKETS, gap)] = 1.0
    order = (hs < ts).astype(np.float32)[:, None]
    nested = ((hs <= te) & (ts <= he)).astype(np.float32)[:, None]
    return np.concatenate(
        [start[hs], end[he], start[ts], end[te], head * tail, between, types, distance, order, nested],
        axis=1,
        dtype=np.float32,
    )


_TYPE_INDEX = {label: i for i, label in enumerate(SCIERC_LABELS)}
_GENERIC = _TYPE_INDEX["Generic"]


@dataclass(frozen=True)
class RelationHead:
    """The pair classifier: standardised features -> ReLU layer -> softmax over NONE + labels."""

    mean: np.ndarray  # (n_features,)
    scale: np.ndarray  # (n_features,)
    w1: np.ndarray  # (n_features, hidden)
    b1: np.ndarray  # (hidden,)
    w2: np.ndarray  # (hidden, 1 + n_labels)
    b2: np.ndarray  # (1 + n_labels,)
    labels: tuple[str, ...]  # class 0 is NONE
    none_bias: float = 0.0  # subtracted from NONE's logit: higher finds more relations

    def probabilities(self, features: np.ndarray) -> np.ndarray:
        """Class probabilities ``(n, 1 + n_labels)``, NONE's logit lowered by ``none_bias``."""
        x = (features - self.mean) / self.scale
        hidden = np.maximum(x @ self.w1 + self.b1, 0.0) if self.w1.size else x
        logits = hidden @ self.w2 + self.b2
        logits[:, 0] -= self.none_bias
        logits -= logits.max(axis=1, keepdims=True)
        probs = np.exp(logits)
        return probs / probs.sum(axis=1, keepdims=True)

    def predict(self, features: np.ndarray) -> list[tuple[int, str, float]]:
        """``(row, label, probability)`` of the rows whose best class is a relation."""
        if not len(features):
            return []
        probs = self.probabilities(features)
        best = probs.argmax(axis=1)
        return [(int(i), self.labels[best[i] - 1], float(probs[i, best[i]])) for i in np.flatnonzero(best)]

    def save(self, path: Path, meta: dict) -> None:
        """Write ``head.npz`` and ``meta.json`` (labels, NONE bias and whatever ``meta`` adds)."""
        path.mkdir(parents=True, exist_ok=True)
        arrays = {k: getattr(self, k).astype(np.float32) for k in ("mean", "scale", "w1", "b1", "w2", "b2")}
        np.savez_compressed(path / "head.npz", **arrays)
        meta = {**meta, "labels": list(self.labels), "none_bias": self.none_bias}
        (path / "meta.json").write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")


def load_head(path: Path) -> RelationHead:
    """Read a relation model folder written by :meth:`RelationHead.save`."""
    if not (path / "head.npz").is_file():
        raise KgError(f"{path}: no relation model here (expected head.npz); run `make relations-model`")
    meta = json.loads((path / "meta.json").read_text(encoding="utf-8"))
    arrays = np.load(path / "head.npz")
    return RelationHead(
        **{k: arrays[k] for k in ("mean", "scale", "w1", "b1", "w2", "b2")},
        labels=tuple(meta["labels"]),
        none_bias=float(meta["none_bias"]),
    )


@lru_cache(maxsize=2)
def load(name_or_path: str = DEFAULT_RELATION_MODEL) -> RelationHead:
    """The relation head of a shipped model name or a model folder, loaded once per process."""
    path = Path(name_or_path)
    return load_head(path if path.is_dir() else model_path(name_or_path))


if not Doc.has_extension("kg_relations"):
    Doc.set_extension("kg_relations", default=[])


class RelationExtractor:
    """Writes ``doc._.kg_relations``: ``(head span, tail span, SciERC label, probability)``."""

    def __init__(self, spans_key: str, model: str) -> None:
        self.spans_key = spans_key
        self.head = load(model)

    def __call__(self, doc: Doc) -> Doc:
        doc._.kg_relations = self.find(doc, self.spans_key)
        return doc

    def find(self, doc: Doc, spans_key: str) -> list[tuple[Span, Span, str, float]]:
        """The relations between the spans of ``doc.spans[spans_key]``, sentence by sentence."""
        states = doc._.kg_word_states
        if not states or spans_key not in doc.spans:
            return []  # no encoder ran (rules only): no relations
        group = doc.spans[spans_key]
        labels = group.attrs.get(SCIERC_ATTR) or [KG_TO_SCIERC.get(s.label_, s.label_) for s in group]
        # token -> (sentence, model word)
        where: dict[int, tuple[int, int]] = {}
        for k, (bounds, _, _) in enumerate(states):
            for w, (first, last) in enumerate(bounds):
                for i in range(first, last):
                    where[i] = (k, w)
        by_sentence: dict[int, list[tuple[Span, int, int, str]]] = {}
        for span, label in zip(group, labels, strict=True):
            (k, s), (k_end, e) = where.get(span.start, (-1, 0)), where.get(span.end - 1, (-2, 0))
            if k == k_end:
                by_sentence.setdefault(k, []).append((span, s, e, label))
        found = []
        for k, spans in by_sentence.items():
            _, start, end = states[k]
            for pairs, args in _candidate_batches(spans):
                for row, label, p in self.head.predict(pair_features(start, end, pairs)):
                    found.append((*args[row], label, p))
        return _with_pattern_hyponyms(group, found)


def _candidate_batches(
    spans: Sequence[tuple[Span, int, int, str]],
) -> Iterator[tuple[list[Pair], list[tuple[Span, Span]]]]:
    """The ordered pairs of distinct spans of one sentence at most :data:`MAX_PAIR_GAP` words
    apart, in batches of :data:`PAIR_BATCH`: time and memory stay linear in a sentence's length
    (a run-on "sentence" of 15,000 words has millions of pairs, all of them far apart)."""
    pairs: list[Pair] = []
    args: list[tuple[Span, Span]] = []
    for h in spans:
        for t in spans:
            if (h[1], h[2]) != (t[1], t[2]) and max(h[1], t[1]) - min(h[2], t[2]) <= MAX_PAIR_GAP:
                pairs.append((h[1], h[2], t[1], t[2], h[3], t[3]))
                args.append((h[0], t[0]))
                if len(pairs) == PAIR_BATCH:
                    yield pairs, args
                    pairs, args = [], []
    if pairs:
        yield pairs, args


def _with_pattern_hyponyms(
    group: Sequence[Span], found: list[tuple[Span, Span, str, float]]
) -> list[tuple[Span, Span, str, float]]:
    """The classifier's relations, with HYPONYM-OF wherever a Hearst pattern states it: the
    pattern overrules what the classifier said about that pair (the classifier rarely finds
    hyponyms; its scores per relation: docs/quality.md)."""
    by_sentence: dict[int, list[Span]] = {}
    for span in group:
        by_sentence.setdefault(span.sent.start, []).append(span)
    stated = []
    for spans in by_sentence.values():
        sent = spans[0].sent
        offsets = [(s.start - sent.start, s.end - sent.start) for s in spans]
        stated += [(spans[a], spans[b]) for a, b in hyponym_pairs([t.text for t in sent], offsets)]
    pairs = {frozenset(((h.start, h.end), (t.start, t.end))) for h, t in stated}
    kept = [r for r in found if frozenset(((r[0].start, r[0].end), (r[1].start, r[1].end))) not in pairs]
    return kept + [(hypo, hyper, "HYPONYM-OF", PATTERN_CONFIDENCE) for hypo, hyper in stated]


@Language.factory(
    "kg_relations",
    requires=["doc.spans", "doc._.kg_word_states"],
    assigns=["doc._.kg_relations"],
    default_config={"spans_key": "kg_mentions", "model": DEFAULT_RELATION_MODEL},
)
def make_relation_extractor(nlp: Language, name: str, spans_key: str, model: str) -> RelationExtractor:
    return RelationExtractor(spans_key, model)
