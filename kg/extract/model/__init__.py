"""The trained span recognizer that ships with ``kg``: a MiniLM encoder in ONNX and a small span head.

The encoder (int8 ONNX, run by onnxruntime) turns each sentence's word pieces into two vectors per
piece, a *start* and an *end* projection. A span of words ``[s, e]`` (at most ``max_width`` words)
is scored in NumPy: ``relu(start[first piece of s] + end[last piece of e] + width[e - s]) @ out``
gives a distribution over ``none`` and the six SciERC labels. No torch at run time.

A model folder holds ``encoder.onnx``, ``head.npz``, ``tokenizer.json`` and ``meta.json``; it is
written by :mod:`kg.training.recognizer` and read here.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import lru_cache
from importlib.resources import files
from pathlib import Path

import numpy as np

from kg.errors import KgError

#: The folder of the model that ships inside the package.
DEFAULT_MODEL = "scierc-minilm"

#: Brackets as SciERC (and so the model's training data) writes them: Penn Treebank escapes.
TO_PTB = {"(": "-LRB-", ")": "-RRB-", "[": "-LSB-", "]": "-RSB-", "{": "-LCB-", "}": "-RCB-"}

#: A predicted span: sentence-relative word offsets (end inclusive), SciERC label, probability.
SpanPrediction = tuple[int, int, str, float]
#: A sentence's word-level encoder states: the start and the end projection, each ``(n_words, hidden)``.
WordStates = tuple[np.ndarray, np.ndarray]


def model_path(name: str = DEFAULT_MODEL) -> Path:
    """Where a model shipped with the package lives."""
    return Path(str(files("kg.extract.model").joinpath(name)))


@dataclass(frozen=True)
class SpanHead:
    """The span classifier on top of the encoder's start and end projections."""

    width: np.ndarray  # (max_width, hidden): width embedding plus the hidden bias
    out_w: np.ndarray  # (hidden, 1 + n_labels)
    out_b: np.ndarray  # (1 + n_labels,)
    labels: tuple[str, ...]  # the labels of classes 1.., class 0 is "no entity"

    @property
    def max_width(self) -> int:
        return self.width.shape[0]

    def score(self, start: np.ndarray, end: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """All spans of one sentence: ``(spans (k, 2), probabilities (k, 1 + n_labels))``.

        ``start`` and ``end`` are the word-level projections, each ``(n_words, hidden)``.
        """
        starts, ends = candidate_spans(start.shape[0], self.max_width)
        hidden = np.maximum(start[starts] + end[ends] + self.width[ends - starts], 0.0)
        logits = hidden @ self.out_w + self.out_b
        logits -= logits.max(axis=1, keepdims=True)
        probs = np.exp(logits)
        probs /= probs.sum(axis=1, keepdims=True)
        return np.stack([starts, ends], axis=1), probs


def candidate_spans(n_words: int, max_width: int) -> tuple[np.ndarray, np.ndarray]:
    """Start and end word (inclusive) of every span of at most ``max_width`` words, by start."""
    starts, widths = np.meshgrid(np.arange(n_words), np.arange(max_width), indexing="ij")
    starts, ends = starts.ravel(), (starts + widths).ravel()
    keep = ends < n_words
    return starts[keep], ends[keep]


def decode(
    spans: np.ndarray, probs: np.ndarray, labels: Sequence[str], *, nested: bool = True
) -> list[SpanPrediction]:
    """Spans whose best class is an entity; crossing spans are resolved by probability.

    With ``nested`` a span may sit inside another (SciERC has such pairs); spans that only
    partly overlap a more probable span are dropped either way.
    """
    best = probs.argmax(axis=1)
    found = [
        (int(spans[i, 0]), int(spans[i, 1]), labels[best[i] - 1], float(probs[i, best[i]]))
        for i in np.flatnonzero(best > 0)
    ]
    chosen: list[SpanPrediction] = []
    for cand in sorted(found, key=lambda c: -c[3]):
        s, e = cand[0], cand[1]
        ok = True
        for t in chosen:
            disjoint = e < t[0] or t[1] < s
            inside = (t[0] <= s and e <= t[1]) or (s <= t[0] and t[1] <= e)
            if not (disjoint or (nested and inside)):
                ok = False
                break
        if ok:
            chosen.append(cand)
    return sorted(chosen, key=lambda c: (c[0], -c[1]))


def word_pieces(tokenizer, words: Sequence[str]) -> tuple[list[int], list[int], list[int]]:
    """Piece ids of a sentence (with [CLS]/[SEP]) and each word's first and last piece position.

    Brackets are written as in the training data (``-LRB-``), whatever the input.
    """
    enc = tokenizer.encode([TO_PTB.get(w, w) for w in words], is_pretokenized=True)
    first = [-1] * len(words)
    last = [-1] * len(words)
    for pos, w in enumerate(enc.word_ids):
        if w is None:
            continue
        if first[w] < 0:
            first[w] = pos
        last[w] = pos
    # A word without pieces (a stray control character) borrows its neighbour's position.
    for i in range(len(words)):
        if first[i] < 0:
            first[i] = last[i] = last[i - 1] if i else 0
    return list(enc.ids), first, last


class SpanRecognizer:
    """Loads a model folder and predicts SciERC spans for tokenized sentences."""

    #: Sentences longer than this many words are cut into windows of this size.
    max_words = 100

    def __init__(self, path: str | Path, *, threads: int = 1) -> None:
        import onnxruntime
        from tokenizers import Tokenizer

        self.path = path = Path(path)
        if not (path / "encoder.onnx").is_file():
            raise KgError(f"{path}: no trained model here (expected encoder.onnx); run `make model`")
        self.meta = json.loads((path / "meta.json").read_text(encoding="utf-8"))
        self.tokenizer = Tokenizer.from_file(str(path / "tokenizer.json"))
        self.tokenizer.no_padding()
        self.tokenizer.no_truncation()
        head = np.load(path / "head.npz")
        self.head = SpanHead(
            width=head["width"].astype(np.float32),
            out_w=head["out_w"].astype(np.float32),
            out_b=head["out_b"].astype(np.float32),
            labels=tuple(self.meta["labels"]),
        )
        options = onnxruntime.SessionOptions()
        # One sentence per call is too small to split across threads; ``threads`` sentences are
        # encoded at once instead, each by its own single-threaded call (onnxruntime releases the GIL).
        options.intra_op_num_threads = 1
        options.inter_op_num_threads = 1
        self.pool = ThreadPoolExecutor(threads, thread_name_prefix="kg-encoder") if threads > 1 else None
        options.graph_optimization_level = onnxruntime.GraphOptimizationLevel.ORT_ENABLE_ALL
        self.session = onnxruntime.InferenceSession(
            str(path / "encoder.onnx"), options, providers=["CPUExecutionProvider"]
        )

    def project(self, sentences: Sequence[Sequence[str]]) -> list[WordStates]:
        """Word-level start and end projections of every sentence, in order.

        Each sentence is encoded alone: the int8 encoder quantizes its activations with one range
        per call, so in a batch a sentence's states (and spans) would depend on its neighbours.
        """
        if self.pool is None:
            return [self._project_one(words) for words in sentences]
        return list(self.pool.map(self._project_one, sentences))

    def _project_one(self, words: Sequence[str]) -> WordStates:
        ids, first, last = word_pieces(self.tokenizer, words)
        ids = np.asarray([ids], dtype=np.int64)
        start, end = self.session.run(None, {"input_ids": ids, "attention_mask": np.ones_like(ids)})
        return start[0, first], end[0, last]

    def encode(self, sentences: Sequence[Sequence[str]]) -> list[WordStates]:
        """Word-level start and end projections of each sentence; long ones are encoded in windows.

        The states are what the span head scores, and what the relation classifier reads.
        """
        windows: list[int] = []  # the sentence of each window
        chunks: list[Sequence[str]] = []
        for i, words in enumerate(sentences):
            for off in range(0, len(words), self.max_words):
                windows.append(i)
                chunks.append(words[off : off + self.max_words])
        parts: list[list[WordStates]] = [[] for _ in sentences]
        for i, states in zip(windows, self.project(chunks), strict=True):
            parts[i].append(states)
        empty = np.zeros((0, self.head.width.shape[1]), dtype=np.float32)
        return [
            (np.concatenate([s for s, _ in p]), np.concatenate([e for _, e in p])) if p else (empty, empty)
            for p in parts
        ]

    def predict_states(
        self, states: Sequence[WordStates], *, nested: bool = True
    ) -> list[list[SpanPrediction]]:
        """SciERC spans of each encoded sentence (word offsets into that sentence, end inclusive)."""
        return [
            decode(*self.head.score(start, end), self.head.labels, nested=nested) if len(start) else []
            for start, end in states
        ]

    def predict(
        self, sentences: Sequence[Sequence[str]], *, nested: bool = True
    ) -> list[list[SpanPrediction]]:
        """SciERC spans of each sentence (word offsets into that sentence, end inclusive)."""
        return self.predict_states(self.encode(sentences), nested=nested)


@lru_cache(maxsize=2)
def load(name_or_path: str = DEFAULT_MODEL, threads: int = 1) -> SpanRecognizer:
    """The span recognizer of a shipped model name or a model folder, loaded once per process."""
    path = Path(name_or_path)
    if not path.is_dir():
        path = model_path(name_or_path)
    return SpanRecognizer(path, threads=threads)
