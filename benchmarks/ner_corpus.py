"""Entities of the sample corpus before (rules only) and after (rules + trained model).

Prints mention and entity counts per type for both pipelines, then 20 entities (seeded random
sample) that only the combined pipeline finds, each with a sentence it came from, to be checked
by eye.

    python benchmarks/ner_corpus.py [--sample 20] [--seed 0]
"""

from __future__ import annotations

import argparse
import random
from collections import Counter
from pathlib import Path

from kg.extract.pipeline import build_pipeline, extract
from kg.link.merge import link
from kg.sources import read_corpus
from kg.types import ENTITY_TYPES

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sample", type=int, default=20)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    papers = read_corpus([ROOT / "data" / "hf-daily-papers"]).papers
    rules = build_pipeline()
    if "kg_recognizer" in rules.pipe_names:
        rules.remove_pipe("kg_recognizer")
    runs = {}
    for name, nlp in (("before (rules)", rules), ("after (rules + model)", build_pipeline())):
        extractions = list(extract(papers, nlp=nlp))
        linked = link(extractions)
        mentions = Counter(m.label for ex in extractions for m in ex.mentions)
        entities = Counter(e.type for e in linked.entities)
        runs[name] = (extractions, linked)
        print(f"{name}: {len(papers)} papers")
        print("  mentions: " + ", ".join(f"{t} {mentions[t]}" for t in (*ENTITY_TYPES, "Generic")))
        print("  entities: " + ", ".join(f"{t} {entities[t]}" for t in ENTITY_TYPES))
        print(f"  entities total {sum(entities.values())}")
    (_, before), (after_ex, after) = runs.values()
    old = {e.key for e in before.entities}
    new = [e for e in after.entities if e.key not in old]
    print(f"{len(new)} entities only after; a random {args.sample}:")
    sentences = {}
    for ex in after_ex:
        for m in ex.mentions:
            sentences.setdefault((ex.paper.id, m.text), m.sentence)
    for entity in random.Random(args.seed).sample(sorted(new, key=lambda e: e.key), args.sample):
        paper = entity.papers[0]
        sentence = next(
            (
                s
                for (pid, text), s in sentences.items()
                if pid == paper and text in {entity.label, *entity.aliases}
            ),
            "",
        )
        print(f"- [{entity.type}] {entity.label!r}  <- {sentence[:160]!r}")


if __name__ == "__main__":
    main()
