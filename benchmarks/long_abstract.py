"""Write one paper whose abstract is a single run-on sentence of about N characters, for measuring
the memory ``kg build`` needs on it:

    PAPER=$(.venv/bin/python benchmarks/long_abstract.py 99000)
    /usr/bin/time -v .venv/bin/kg build "$PAPER" --out /tmp/long-out -q

Prints the path of the JSON-lines file it wrote (under the system's temporary folder).
"""

from __future__ import annotations

import json
import random
import sys
import tempfile
from pathlib import Path

WORDS = (
    "we propose a novel reinforcement learning method called DeepQ with transformer encoders and graph "
    "neural networks evaluated on ImageNet and CIFAR-10 using accuracy and F1 score for robust policy "
    "optimization"
).split()


def main() -> None:
    chars = int(sys.argv[1]) if len(sys.argv) > 1 else 99_000
    rng = random.Random(0)
    words: list[str] = []
    while sum(len(w) + 1 for w in words) < chars:
        words.append(rng.choice(WORDS))
    paper = {"id": "run-on", "title": "A Paper With One Long Sentence", "abstract": " ".join(words) + "."}
    path = Path(tempfile.gettempdir()) / f"long-abstract-{chars}.jsonl"
    path.write_text(json.dumps(paper) + "\n", encoding="utf-8")
    print(path)


if __name__ == "__main__":
    main()
