"""The slices of the conference corpus for judging graph quality, the unseen one set aside.

Run by hand::

    .venv/bin/python benchmarks/quality_slices.py ../shared/corpus/conference-papers/papers.jsonl.gz \
        --dev 5000 --out-dev /tmp/quality-dev.jsonl
    .venv/bin/python benchmarks/quality_slices.py ../shared/corpus/conference-papers/papers.jsonl.gz \
        --unseen --out-unseen /tmp/quality-unseen.jsonl      # only for the one final scoring

A paper belongs to the unseen slice when the SHA-256 of ``kg-quality-unseen:`` + its id, read as a
number, is 0 modulo 14: about 5,000 of the 70,000 papers, fixed by the ids alone, whatever the
order or the version of the file. Development slices (``--dev N``) are drawn at random (seed
2026) from the other papers only, so nothing tuned on them has seen the unseen slice; that one
is built and judged once, at the end. The slices are written outside the project: the corpus
and its slices are never committed.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import random
from pathlib import Path

SALT = "kg-quality-unseen:"
MODULUS = 14


def is_unseen(paper_id: str) -> bool:
    """Whether the paper of this corpus id is in the slice set aside for the final judging."""
    return int(hashlib.sha256((SALT + paper_id).encode()).hexdigest(), 16) % MODULUS == 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("corpus", type=Path)
    parser.add_argument("--dev", type=int, default=0, help="papers in the development slice")
    parser.add_argument("--out-dev", type=Path)
    parser.add_argument("--unseen", action="store_true", help="write the unseen slice")
    parser.add_argument("--out-unseen", type=Path)
    args = parser.parse_args()
    with gzip.open(args.corpus, "rt", encoding="utf-8") as handle:
        lines = [line for line in handle if line.strip()]
    unseen, rest = [], []
    for line in lines:
        (unseen if is_unseen(json.loads(line)["id"]) else rest).append(line)
    print(f"{len(lines)} papers: {len(unseen)} set aside as unseen, {len(rest)} for development")
    if args.dev:
        random.Random(2026).shuffle(rest)
        args.out_dev.write_text("".join(rest[: args.dev]), encoding="utf-8")
        print(f"wrote {min(args.dev, len(rest))} development papers to {args.out_dev}")
    if args.unseen:
        args.out_unseen.write_text("".join(unseen), encoding="utf-8")
        print(f"wrote {len(unseen)} unseen papers to {args.out_unseen}")


if __name__ == "__main__":
    main()
