"""Speed of the extraction pipeline on the sample corpus: words per second and model load time.

Runs ``nlp.pipe`` over every paper of ``data/hf-daily-papers`` (batched), five times, and prints
the median words/s (words = non-space tokens) for the full pipeline (rules + trained model) and
for the CNN-only pipeline (the en_core_web_sm CNN, rules, no transformer); then the time to load
the shipped model and to build the full pipeline, each in a fresh process.

    OMP_NUM_THREADS=1 python benchmarks/ner_speed.py [--runs 5] [--threads 1]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

from kg.extract.pipeline import build_pipeline
from kg.sources import read_corpus

ROOT = Path(__file__).resolve().parent.parent


def words_per_second(nlp, texts: list[str], runs: int, batch_size: int) -> tuple[float, list[float]]:
    n_words = sum(1 for doc in nlp.pipe(texts[:8]) for t in doc if not t.is_space)  # warm-up
    n_words = 0
    rates = []
    for _ in range(runs):
        start = time.perf_counter()
        n_words = sum(1 for doc in nlp.pipe(texts, batch_size=batch_size) for t in doc if not t.is_space)
        rates.append(n_words / (time.perf_counter() - start))
    return statistics.median(rates), rates


def fresh_process_seconds(setup: str, code: str) -> float:
    """Seconds ``code`` takes in a new process, after ``setup`` (the imports) has run."""
    program = f"import time; {setup}; t = time.perf_counter(); {code}; print(time.perf_counter() - t)"
    result = subprocess.run(
        [sys.executable, "-c", program],
        capture_output=True,
        text=True,
        check=True,
    )
    return float(result.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--threads", type=int, default=1, help="onnxruntime threads of the model")
    parser.add_argument("--skip-cnn", action="store_true", help="time only the full pipeline")
    args = parser.parse_args()
    texts = [p.text for p in read_corpus([ROOT / "data" / "hf-daily-papers"]).papers]
    print(f"{len(texts)} papers; median of {args.runs} runs, batch size {args.batch_size}")

    full = build_pipeline()
    if "kg_recognizer" in full.pipe_names:
        full.replace_pipe("kg_recognizer", "kg_recognizer", config={"threads": args.threads})
    cnn = build_pipeline()
    if "kg_recognizer" in cnn.pipe_names:
        cnn.remove_pipe("kg_recognizer")
    pipelines = [("full pipeline (rules + model)", full), ("CNN-only pipeline (rules)", cnn)]
    for name, nlp in pipelines[: 1 if args.skip_cnn else 2]:
        median, rates = words_per_second(nlp, texts, args.runs, args.batch_size)
        print(f"{name}: {median:,.0f} words/s  (runs: {', '.join(f'{r:,.0f}' for r in rates)})")

    imports = fresh_process_seconds("pass", "import kg.extract.pipeline")
    load = fresh_process_seconds("import kg.extract.model as m", "m.load()")
    build = fresh_process_seconds("import kg.extract.pipeline as p", "p.build_pipeline()")
    size = sum(f.stat().st_size for f in (ROOT / "kg" / "extract" / "model").rglob("*") if f.is_file())
    print(
        f"import kg: {imports:.2f} s; model load: {load:.2f} s; full pipeline build (spaCy + model): "
        f"{build:.2f} s; model files: {size / 1e6:.1f} MB"
    )


if __name__ == "__main__":
    main()
