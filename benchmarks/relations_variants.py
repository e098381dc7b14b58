"""Compare relation-classifier variants on SciERC dev (end to end from the recognizer's spans).

Encodes train and dev once, then trains each variant with :func:`kg.training.relations.train` and
prints the best dev precision, recall and F1 (with its epoch and NONE bias) and the CPU seconds.

    OMP_NUM_THREADS=1 .venv/bin/python benchmarks/relations_variants.py ../shared/data/scierc
"""

from __future__ import annotations

import sys
import time
from dataclasses import replace
from pathlib import Path

from kg.extract.model import load
from kg.sources.scierc import read_scierc
from kg.training.relations import RelationConfig, candidate_pairs, encode_documents, train

VARIANTS = {
    "softmax regression": RelationConfig(hidden=0, epochs=8),
    "MLP 256, dropout 0.3, lr 1e-3, wd 1e-4": RelationConfig(
        epochs=6, hidden=256, dropout=0.3, lr=1e-3, weight_decay=1e-4
    ),
    "MLP 256, dropout 0.5, lr 1e-3": RelationConfig(epochs=6, hidden=256, lr=1e-3),
    "MLP 128, dropout 0.5, lr 3e-4": RelationConfig(epochs=8, hidden=128),
    "MLP 512, dropout 0.5, lr 3e-4 (shipped, 12 epochs)": RelationConfig(),
}


def main(data: Path) -> None:
    recognizer = load()
    sets = {}
    for split, with_gold in (("train", True), ("dev", False)):
        docs = read_scierc(data / f"{split}.json")
        sets[split] = candidate_pairs(
            recognizer, docs, encode_documents(recognizer, docs), with_gold=with_gold
        )
    sets["train (predicted spans only)"] = candidate_pairs(
        recognizer,
        docs := read_scierc(data / "train.json"),
        encode_documents(recognizer, docs),
        with_gold=False,
    )
    runs = [(name, config, sets["train"]) for name, config in VARIANTS.items()]
    runs.append(
        (
            "MLP 256, dropout 0.5, lr 1e-3, no gold spans in training",
            replace(VARIANTS["MLP 256, dropout 0.5, lr 1e-3"]),
            sets["train (predicted spans only)"],
        )
    )
    for name, config, train_set in runs:
        began = time.process_time()
        _, dev = train(train_set, sets["dev"], config, log=lambda _: None)
        seconds = time.process_time() - began
        print(
            f"{name:50s} P {dev['precision']:.3f} R {dev['recall']:.3f} F1 {dev['f1']:.3f} "
            f"(epoch {dev['epoch']}, NONE bias {dev['none_bias']}) {seconds:.0f} s CPU",
            flush=True,
        )


if __name__ == "__main__":
    main(Path(sys.argv[1]))
