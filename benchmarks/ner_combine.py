"""Dev scores of the trained model alone, the rules alone, and the two combined (the graph's mentions).

For each ``combine`` mode of ``kg_recognizer`` (and the model with nested spans switched off),
runs the full pipeline on the gold tokens of SciERC dev and prints P/R/F1 overall and per label,
F1 without Generic, and where the false positives come from (:func:`kg.evaluation.scierc.error_breakdown`).

    OMP_NUM_THREADS=1 python benchmarks/ner_combine.py [--data ../shared/data/scierc] [--model PATH]
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from kg.evaluation.scierc import error_breakdown, predict, score_entities
from kg.extract.model import DEFAULT_MODEL
from kg.extract.pipeline import build_pipeline
from kg.sources.scierc import read_scierc


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=Path("../shared/data/scierc"))
    parser.add_argument("--model", default=DEFAULT_MODEL)
    parser.add_argument("--json", type=Path, help="also write every figure to this file")
    args = parser.parse_args()
    docs = read_scierc(args.data / "dev.json")
    gold = [d.entities for d in docs]
    results = {}
    for name, combine, nested, key in (
        ("rules only", "rules", False, "kg_mentions"),
        ("model, nested spans", "model", True, "kg_scierc"),
        ("model (kg evaluate)", "model", False, "kg_scierc"),
        ("rule names + model", "union", False, "kg_mentions"),
    ):
        nlp = build_pipeline()
        config = {"combine": combine, "model": args.model, "nested": nested}
        if "kg_recognizer" in nlp.pipe_names:
            nlp.replace_pipe("kg_recognizer", "kg_recognizer", config=config)
        else:
            nlp.add_pipe("kg_recognizer", after="kg_entities", config=config)
        predicted, _ = predict(nlp, docs, spans_key=key)
        scores = score_entities(gold, predicted)
        scores["errors"] = error_breakdown(gold, predicted)
        results[name] = scores
        per = "  ".join(f"{k} {v['f1']:.3f}" for k, v in scores["per_label"].items())
        print(
            f"{name:<24} P {scores['precision']:.3f} R {scores['recall']:.3f} F1 {scores['f1']:.3f} "
            f"(w/o Generic {scores['f1_without_generic']:.3f})\n    {per}\n    {scores['errors']}",
            flush=True,
        )
    if args.json:
        args.json.write_text(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()
