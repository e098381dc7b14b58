"""Speed of the extraction pipeline on the sample corpus: words per second and model load time.

Runs ``nlp.pipe`` over every paper of ``data/hf-daily-papers`` (batched), five times, and prints
the median words/s (words = non-space tokens) for the full pipeline (rules + trained recognizer +
relation classifier) and for the CNN-only pipeline (the en_core_web_sm CNN and the rules, no
transformer): wall-clock words/s and words per CPU-second of the process (``time.process_time``;
less sensitive to other jobs on a shared machine). The load average is printed with the figures.
Then the CPU seconds of each pipeline component (one pass, component by component) and the time
to load the shipped model and to build the full pipeline, each in a fresh process.

    OMP_NUM_THREADS=1 python benchmarks/ner_speed.py [--runs 5] [--threads 1,2] [--batch-size 32]

The full pipeline is timed with each onnxruntime thread count of ``--threads`` (the shipped
default is 2); words per CPU-second with 1 thread is the figure least sensitive to machine load.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

from kg.extract.pipeline import build_pipeline
from kg.sources import read_corpus

ROOT = Path(__file__).resolve().parent.parent
MODEL_COMPONENTS = ("kg_recognizer", "kg_relations")


def n_words(docs) -> int:
    return sum(1 for doc in docs for t in doc if not t.is_space)


def rates(nlp, texts: list[str], runs: int, batch_size: int) -> tuple[list[float], list[float]]:
    """Words per wall-clock second and per CPU second of each run."""
    n_words(nlp.pipe(texts[:8]))  # warm-up
    wall, cpu = [], []
    for _ in range(runs):
        w, c = time.perf_counter(), time.process_time()
        n = n_words(nlp.pipe(texts, batch_size=batch_size))
        wall.append(n / (time.perf_counter() - w))
        cpu.append(n / (time.process_time() - c))
    return wall, cpu


def component_seconds(nlp, texts: list[str], batch_size: int) -> dict[str, float]:
    """CPU seconds of the tokenizer and of each component over the corpus, one stage at a time."""
    c = time.process_time()
    docs = [nlp.make_doc(text) for text in texts]
    seconds = {"tokenizer": time.process_time() - c}
    for name, proc in nlp.pipeline:
        c = time.process_time()
        docs = list(proc.pipe(docs, batch_size=batch_size) if hasattr(proc, "pipe") else map(proc, docs))
        seconds[name] = time.process_time() - c
    return seconds


def fresh_process_seconds(setup: str, code: str) -> float:
    """Seconds ``code`` takes in a new process, after ``setup`` (the imports) has run."""
    program = f"import time; {setup}; t = time.perf_counter(); {code}; print(time.perf_counter() - t)"
    result = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, check=False)
    if result.returncode:
        raise SystemExit(f"{code!r} failed in a fresh process: {result.stderr.strip().splitlines()[-1]}")
    return float(result.stdout.strip().splitlines()[-1])


def load_average() -> str:
    return "load average " + " ".join(f"{x:.2f}" for x in os.getloadavg()) + f" on {os.cpu_count()} CPUs"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--batch-size", type=int, default=32, help="documents per nlp.pipe batch")
    parser.add_argument("--threads", default="1,2", help="onnxruntime thread counts to time, e.g. 1,2")
    parser.add_argument("--skip-cnn", action="store_true", help="time only the full pipeline")
    args = parser.parse_args()
    texts = [p.text for p in read_corpus([ROOT / "data" / "hf-daily-papers"]).papers]
    print(
        f"{len(texts)} papers; median of {args.runs} runs, batch size {args.batch_size}, "
        f"OMP_NUM_THREADS={os.environ.get('OMP_NUM_THREADS', 'unset')}"
    )

    pipelines = []
    for threads in (int(t) for t in args.threads.split(",")):
        full = build_pipeline()
        full.replace_pipe("kg_recognizer", "kg_recognizer", config={"threads": threads})
        pipelines.append((f"full pipeline, onnxruntime threads {threads}", full))
    cnn = build_pipeline()
    for name in MODEL_COMPONENTS:
        cnn.remove_pipe(name)
    if not args.skip_cnn:
        pipelines.append(("CNN-only pipeline (sm + rules)", cnn))
    print(f"{'pipeline':48s} {'words/s':>8s} {'words/CPU-s':>12s}   runs (words/s)")
    for name, nlp in pipelines:
        before = load_average()
        wall, cpu = rates(nlp, texts, args.runs, args.batch_size)
        print(
            f"{name:48s} {statistics.median(wall):8,.0f} {statistics.median(cpu):12,.0f}   "
            f"{', '.join(f'{r:,.0f}' for r in wall)}   ({before}; after: {load_average()})"
        )
    seconds = component_seconds(pipelines[0][1], texts, args.batch_size)
    print(
        f"CPU seconds per component ({pipelines[0][0]}):",
        ", ".join(f"{k} {v:.1f}" for k, v in seconds.items()),
    )

    imports = fresh_process_seconds("pass", "import kg.extract.pipeline")
    load = fresh_process_seconds("import kg.extract.model as m", "m.load()")
    build = fresh_process_seconds("import kg.extract.pipeline as p", "p.build_pipeline()")
    size = sum(f.stat().st_size for f in (ROOT / "kg" / "extract" / "model").rglob("*") if f.is_file())
    print(
        f"import kg: {imports:.2f} s; model load: {load:.2f} s; full pipeline build (spaCy + models): "
        f"{build:.2f} s; model files: {size / 1e6:.1f} MB ({load_average()})"
    )


if __name__ == "__main__":
    main()
