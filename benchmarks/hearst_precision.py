"""Precision and recall of the Hearst hyponym patterns between gold SciERC entities.

Run by hand: ``.venv/bin/python benchmarks/hearst_precision.py train dev``. Every sentence's gold
entity spans go through :func:`kg.extract.hearst.hyponym_pairs`; a pair is right when SciERC
annotates it HYPONYM-OF in that direction. Figures go to benchmarks/RELATIONS.md.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from kg.extract.hearst import hyponym_pairs

SCIERC = Path(__file__).resolve().parent.parent.parent / "shared" / "data" / "scierc"


def score(path: Path) -> tuple[int, int, int]:
    """Right and wrong pattern pairs, and gold HYPONYM-OF pairs, over one DyGIE-format file."""
    right = wrong = gold_total = 0
    for line in path.read_text(encoding="utf-8").splitlines():
        doc = json.loads(line)
        offset = 0
        for words, entities, relations in zip(doc["sentences"], doc["ner"], doc["relations"], strict=True):
            spans = [(s - offset, e - offset + 1) for s, e, _ in entities]
            gold = {
                ((a0 - offset, a1 - offset + 1), (b0 - offset, b1 - offset + 1))
                for a0, a1, b0, b1, label in relations
                if label == "HYPONYM-OF"
            }
            gold_total += len(gold)
            for hypo, hyper in hyponym_pairs(words, spans):
                if (spans[hypo], spans[hyper]) in gold:
                    right += 1
                else:
                    wrong += 1
            offset += len(words)
    return right, wrong, gold_total


def main() -> None:
    for split in sys.argv[1:] or ["train", "dev"]:
        right, wrong, gold = score(SCIERC / f"{split}.json")
        precision = right / max(1, right + wrong)
        print(f"{split}: {right} right, {wrong} wrong, {gold} gold; P {precision:.3f} R {right / gold:.3f}")


if __name__ == "__main__":
    main()
