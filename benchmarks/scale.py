"""Build slices of a large corpus and report time by stage, speed, memory and sizes.

    .venv/bin/python benchmarks/scale.py ../shared/corpus/conference-papers/papers.jsonl.gz \
        --sizes 1000 5000 20000 70000 --work /tmp/scale

For each size, a random slice of the corpus (seed 2026; each slice contains the smaller ones)
is built from nothing with ``kg build`` into ``WORK/N``; printed per size: wall time, seconds by
stage, words per second of extraction, peak RSS of all kg processes together, triples, store
and output sizes. Then, on the largest size: an unchanged rebuild, a rebuild with 1,000 more
papers, and a build killed (SIGKILL) halfway through extraction and resumed, with how many
papers the resumed build extracted again. ``--cache FILE`` seeds every build's cache with a
copy of FILE, less the 1,000 papers added later (to measure the stages after extraction when
the corpus's extraction is already known, as ``benchmarks/extract_corpus.py`` leaves it).
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import random
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def read_rows(path: Path) -> list[str]:
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8") as handle:
        return [line for line in handle if line.strip()]


def tree_rss_mb(pid: int) -> float:
    """Resident memory of a process and all its descendants, MB."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as handle:
                fields = handle.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(entry))
        rss[int(entry)] = int(fields[21]) * os.sysconf("SC_PAGE_SIZE")
    total, todo = 0, [pid]
    while todo:
        current = todo.pop()
        total += rss.get(current, 0)
        todo += children.get(current, [])
    return total / 1e6


class Run:
    """``kg build`` as a child process, with its peak memory sampled twice a second."""

    def __init__(self, args: list[str]) -> None:
        self.started = time.perf_counter()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "kg.cli", "build", *args, "--quiet"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            cwd=ROOT,
        )
        self.peak = 0.0
        self._sampler = threading.Thread(target=self._sample, daemon=True)
        self._sampler.start()

    def _sample(self) -> None:
        while self.process.poll() is None:
            self.peak = max(self.peak, tree_rss_mb(self.process.pid))
            time.sleep(0.5)

    def wait(self) -> tuple[str, float]:
        out, err = self.process.communicate()
        seconds = time.perf_counter() - self.started
        if self.process.returncode != 0:
            print(f"  build failed ({self.process.returncode}): {err.strip()[-500:]}", flush=True)
        return out, seconds


def size_mb(path: Path) -> float:
    return (
        sum(f.stat().st_size for f in path.resolve().rglob("*") if f.is_file()) / 1e6
        if path.exists()
        else 0.0
    )


def build(slice_path: Path, out: Path, words: int, label: str) -> str:
    run = Run([str(slice_path), "--out", str(out)])
    text, seconds = run.wait()
    stages = re.search(r"seconds: (.*)", text)
    extracted = re.search(r"(\d+) extracted", text)
    triples = re.search(r"(\d+) triples", text)
    timing = dict(part.rsplit(" ", 1) for part in stages.group(1).split(", ")) if stages else {}
    extract_s = float(timing.get("extracting", 0) or 0)
    n_extracted = int(extracted.group(1)) if extracted else 0
    # words: mean words per paper of the slice
    rate = f"{words * n_extracted / extract_s:,.0f}" if extract_s > 1 and n_extracted else "-"
    print(
        f"{label}: wall {seconds:,.0f} s | {stages.group(1) if stages else text.strip()[:200]} | "
        f"extracted {n_extracted:,} ({rate} words/s) | peak RSS {run.peak / 1000:.2f} GB | "
        f"triples {int(triples.group(1)) if triples else 0:,} | store {size_mb(out / 'store'):,.0f} MB | "
        f"all outputs {size_mb(out / '.current'):,.0f} MB | "
        f"cache {size_mb(out / 'cache'):,.0f} MB",
        flush=True,
    )
    return text


def write_slice(rows: list[str], path: Path) -> int:
    path.write_text("".join(rows), encoding="utf-8")
    return sum(len(f"{r.get('title', '')} {r.get('abstract', '')}".split()) for r in map(json.loads, rows))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", type=Path)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 5000, 20000, 70000])
    parser.add_argument("--work", type=Path, default=Path("/tmp/kg-scale"))
    parser.add_argument("--cache", type=Path, help="seed each build's cache with a copy of this file")
    parser.add_argument("--skip-after", action="store_true", help="no rebuild, +1,000 and resume runs")
    parser.add_argument(
        "--resume-only", type=int, metavar="N", help="only the kill-and-resume run, on N papers"
    )
    args = parser.parse_args()
    rows = read_rows(args.corpus)
    random.Random(2026).shuffle(rows)
    args.work.mkdir(parents=True, exist_ok=True)
    if args.resume_only:
        args.work.mkdir(parents=True, exist_ok=True)
        resume(rows, args.work, 0, args.resume_only)
        return
    largest = max(args.sizes)
    extra = rows[largest : largest + 1000] if len(rows) > largest else rows[-1000:]
    base = rows[: min(largest, len(rows) - (1000 if len(rows) <= largest else 0))]
    for size in sorted(args.sizes):
        chosen = base[:size]
        slice_path = args.work / f"slice-{size}.jsonl"
        words = write_slice(chosen, slice_path) // max(1, len(chosen))
        out = args.work / str(size)
        shutil.rmtree(out, ignore_errors=True)
        if args.cache:
            (out / "cache").mkdir(parents=True)
            shutil.copy(args.cache, out / "cache" / "extractions.sqlite")
            forget(extra, out / "cache" / "extractions.sqlite", args.work)  # "+1,000" must extract them
        build(slice_path, out, words, f"{len(chosen):,} papers")
    if args.skip_after:
        return
    out = args.work / str(largest)
    slice_path = args.work / f"slice-{largest}.jsonl"
    build(slice_path, out, words, "unchanged rebuild")
    more = args.work / f"slice-{largest}-more.jsonl"
    write_slice(base[:largest] + extra, more)
    build(more, out, words, "+1,000 papers")
    resume(base[:largest], args.work, words)


def forget(rows: list[str], cache: Path, work: Path) -> None:
    """Delete the extractions of ``rows`` from a copied cache."""
    from kg.cache import cache_key
    from kg.extract.fingerprint import extractor_fingerprint
    from kg.sources import read_corpus

    path = work / "forget.jsonl"
    write_slice(rows, path)
    keys = [(cache_key(extractor_fingerprint(), p),) for p in read_corpus([path]).papers]
    with sqlite3.connect(cache) as db:
        db.executemany("DELETE FROM extractions WHERE key = ?", keys)


def resume(rows: list[str], work: Path, words: int, size: int = 2000) -> None:
    """Kill a build (SIGKILL) once half its papers are in the cache, then build again."""
    rows = rows[: min(len(rows), size)]
    slice_path = work / "slice-resume.jsonl"
    write_slice(rows, slice_path)
    out = work / "resume"
    shutil.rmtree(out, ignore_errors=True)
    run = Run([str(slice_path), "--out", str(out)])
    cache = out / "cache" / "extractions.sqlite"
    while run.process.poll() is None:
        time.sleep(1)
        try:
            with sqlite3.connect(cache) as db:
                done = db.execute("SELECT COUNT(*) FROM extractions").fetchone()[0]
        except sqlite3.Error:
            continue
        if done >= len(rows) // 2:
            run.process.send_signal(signal.SIGKILL)
            break
    run.process.wait()
    print(f"killed after {done:,} of {len(rows):,} papers were extracted", flush=True)
    build(slice_path, out, words, "resumed build")


if __name__ == "__main__":
    main()
