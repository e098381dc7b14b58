"""Train the relation classifier of :mod:`kg.extract.relations` on SciERC (NumPy only, no torch).

The shipped entity recognizer encodes every sentence once; candidate pairs are the ordered pairs of
spans in a sentence. On ``train.json`` the spans are the gold entities plus the recognizer's own
predictions (so the classifier sees wrong spans too); on ``dev.json`` only the predictions, so the
dev score is end to end. An MLP is trained with Adam on the cross-entropy; the epoch and the NONE
bias with the best dev F1 are kept. Seeded, single-threaded by default.

    kg train-relations --data ../shared/data/scierc --out kg/extract/model/scierc-relations
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

from kg.extract.labels import RELATION_LABELS
from kg.extract.model import SpanRecognizer, WordStates, load
from kg.extract.relations import Pair, RelationHead, pair_features
from kg.sources.scierc import GoldDocument, read_scierc
from kg.training.optim import Adam


@dataclass
class RelationConfig:
    """What a training run does; saved in the model's meta.json."""

    epochs: int = 12
    batch_size: int = 128
    lr: float = 3e-4
    hidden: int = 512  # 0 trains a softmax regression (no hidden layer)
    dropout: float = 0.5
    weight_decay: float = 1e-3
    none_biases: tuple[float, ...] = (-1.0, -0.5, 0.0, 0.5, 1.0, 1.5, 2.0, 2.5, 3.0)
    seed: int = 0
    threads: int = 1
    max_docs: int = 0  # 0 = every document (the smoke test trains on a few)


@dataclass
class PairSet:
    """The candidate pairs of a set of documents, their features and gold classes."""

    features: np.ndarray  # (n, n_features)
    classes: np.ndarray  # (n,) 0 = NONE, i = RELATION_LABELS[i - 1]
    keys: list[tuple[int, int, int, int, int]]  # (document, head start, head end, tail start, tail end)
    n_gold: int  # gold relations of the documents, found as a candidate or not


def encode_documents(
    recognizer: SpanRecognizer, docs: Sequence[GoldDocument]
) -> list[tuple[int, int, WordStates]]:
    """``(document, sentence offset, states)`` of every sentence, encoded by the recognizer."""
    where = [
        (d, sum(len(s) for s in doc.sentences[:k]))
        for d, doc in enumerate(docs)
        for k in range(len(doc.sentences))
    ]
    states = recognizer.encode([s for doc in docs for s in doc.sentences])
    return [(d, off, st) for (d, off), st in zip(where, states, strict=True)]


def candidate_pairs(
    recognizer: SpanRecognizer,
    docs: Sequence[GoldDocument],
    sentences: list[tuple[int, int, WordStates]],
    *,
    with_gold: bool,
) -> PairSet:
    """Ordered span pairs per sentence: predicted spans, plus the gold ones when ``with_gold``."""
    predictions = recognizer.predict_states([st for *_, st in sentences], nested=False)
    label_of = {d: {(s, e): label for s, e, label in doc.entities} for d, doc in enumerate(docs)}
    relation_of = {d: {r[:4]: r[4] for r in doc.relations} for d, doc in enumerate(docs)}
    feats, classes, keys = [], [], []
    for (d, off, (start, end)), predicted in zip(sentences, predictions, strict=True):
        n = start.shape[0]
        spans = {(s + off, e + off): label for s, e, label, _ in predicted}
        if with_gold:
            spans.update({(s, e): lab for (s, e), lab in label_of[d].items() if off <= s and e < off + n})
        pairs: list[Pair] = []
        for (hs, he), h_label in spans.items():
            for (ts, te), t_label in spans.items():
                if (hs, he) != (ts, te):
                    pairs.append((hs - off, he - off, ts - off, te - off, h_label, t_label))
                    key = (hs, he, ts, te)
                    label = relation_of[d].get(key)
                    classes.append(RELATION_LABELS.index(label) + 1 if label in RELATION_LABELS else 0)
                    keys.append((d, *key))
        feats.append(pair_features(start, end, pairs))
    return PairSet(
        features=np.concatenate(feats) if feats else np.zeros((0, 1), dtype=np.float32),
        classes=np.array(classes, dtype=np.int64),
        keys=keys,
        n_gold=sum(len(doc.relations) for doc in docs),
    )


def micro_f1(head: RelationHead, dev: PairSet) -> dict[str, float]:
    """End-to-end precision, recall and F1 of the head on dev pairs (boundaries and label)."""
    found = head.predict(dev.features)
    tp = sum(
        1 for row, label, _ in found if dev.classes[row] and RELATION_LABELS[dev.classes[row] - 1] == label
    )
    precision = tp / len(found) if found else 0.0
    recall = tp / dev.n_gold if dev.n_gold else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": precision, "recall": recall, "f1": f1}


def train(
    train_set: PairSet, dev_set: PairSet, config: RelationConfig, log=print
) -> tuple[RelationHead, dict]:
    """Fit the MLP; returns the head of the best (epoch, NONE bias) on dev and its dev figures."""
    rng = np.random.default_rng(config.seed)
    dim, n_classes = train_set.features.shape[1], 1 + len(RELATION_LABELS)
    mean = train_set.features.mean(axis=0)
    scale = train_set.features.std(axis=0) + 1e-3
    x_all = (train_set.features - mean) / scale
    width = config.hidden or dim
    params = {
        "w1": (rng.standard_normal((dim, config.hidden)) * np.sqrt(2.0 / dim)).astype(np.float32),
        "b1": np.zeros(config.hidden, dtype=np.float32),
        "w2": (rng.standard_normal((width, n_classes)) * np.sqrt(1.0 / width)).astype(np.float32),
        "b2": np.zeros(n_classes, dtype=np.float32),
    }
    if not config.hidden:
        params["w1"] = np.zeros((0, 0), dtype=np.float32)
    optimizer = Adam(params, config.lr, config.weight_decay, decayed=lambda name: name.startswith("w"))
    best: tuple[float, RelationHead | None, dict] = (-1.0, None, {})
    for epoch in range(1, config.epochs + 1):
        order = rng.permutation(len(x_all))
        loss_sum = 0.0
        for b in range(0, len(order), config.batch_size):
            rows = order[b : b + config.batch_size]
            x, y = x_all[rows], train_set.classes[rows]
            if config.hidden:
                pre = x @ params["w1"] + params["b1"]
                hidden = np.maximum(pre, 0.0)
                keep = (rng.random(hidden.shape) >= config.dropout) / (1.0 - config.dropout)
                hidden = hidden * keep
            else:
                hidden = x
            logits = hidden @ params["w2"] + params["b2"]
            logits -= logits.max(axis=1, keepdims=True)
            probs = np.exp(logits)
            probs /= probs.sum(axis=1, keepdims=True)
            loss_sum += float(-np.log(probs[np.arange(len(y)), y] + 1e-12).sum())
            d_logits = probs
            d_logits[np.arange(len(y)), y] -= 1.0
            d_logits /= len(y)
            grads = {"w2": hidden.T @ d_logits, "b2": d_logits.sum(axis=0)}
            if config.hidden:
                d_hidden = (d_logits @ params["w2"].T) * keep * (pre > 0)
                grads["w1"] = x.T @ d_hidden
                grads["b1"] = d_hidden.sum(axis=0)
            optimizer.step(grads)
        for bias in config.none_biases:
            head = RelationHead(
                mean,
                scale,
                *(params[k].copy() for k in ("w1", "b1", "w2", "b2")),
                labels=RELATION_LABELS,
                none_bias=bias,
            )
            figures = micro_f1(head, dev_set)
            if figures["f1"] > best[0]:
                best = (figures["f1"], head, {**figures, "epoch": epoch, "none_bias": bias})
        log(f"epoch {epoch}: loss {loss_sum / len(x_all):.4f}; best dev so far {best[2]}")
    assert best[1] is not None
    return best[1], best[2]


def run(data: Path, out: Path, config: RelationConfig, *, log: Callable[[str], None] = print) -> dict:
    """Train on the shipped recognizer's states of ``data/train.json``, pick the ``NONE`` bias on
    ``data/dev.json``, write the model to ``out``; returns its meta.json."""
    np.random.seed(config.seed)
    began = time.perf_counter(), time.process_time()
    recognizer = load(threads=config.threads)
    sets = {}
    for split, with_gold in (("train", True), ("dev", False)):
        docs = read_scierc(data / f"{split}.json")
        if config.max_docs:
            docs = docs[: config.max_docs]
        sets[split] = candidate_pairs(
            recognizer, docs, encode_documents(recognizer, docs), with_gold=with_gold
        )
        pairs = sets[split]
        log(f"{split}: {len(docs)} documents, {len(pairs.keys)} pairs, {pairs.n_gold} gold relations")
    head, dev = train(sets["train"], sets["dev"], config)
    minutes = (time.perf_counter() - began[0]) / 60
    meta = {
        "name": out.name,
        "encoder": "scierc-minilm",
        "features": int(head.mean.shape[0]),
        "config": asdict(config),
        "dev_end_to_end_recognizer_spans": dev,
        "train_pairs": len(sets["train"].keys),
        "minutes": round(minutes, 2),
        "cpu_minutes": round((time.process_time() - began[1]) / 60, 2),
    }
    head.save(out, meta)
    return meta
