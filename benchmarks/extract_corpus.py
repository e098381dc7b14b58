"""Run extraction over a whole corpus and count the papers whose extraction fails, by kind.

    .venv/bin/python benchmarks/extract_corpus.py ../shared/corpus/conference-papers/papers.jsonl.gz \
        --jobs 2 --failures /tmp/failures.txt

Each job extracts every ``jobs``-th paper in its own process (one pipeline each). Prints papers,
words, mentions, failures by error type and words per second; ``--failures`` lists each failed
paper (id, title, error). ``--limit N`` takes the first N papers.
"""

from __future__ import annotations

import argparse
import multiprocessing
import time
from collections import Counter
from pathlib import Path

from kg.extract.pipeline import extract
from kg.sources import read_corpus
from kg.types import Paper


def run_share(papers: list[Paper]) -> tuple[int, int, int, list[str]]:
    """Extract one share of the papers: (papers, words, mentions, failures); prints progress."""
    failures: list[str] = []
    done = 0

    def failed(paper: Paper, error: Exception) -> None:
        message = " ".join(str(error).split())[:200]
        failures.append(f"{paper.id}\t{paper.title[:100]}\t{type(error).__name__}: {message}")
        print(f"failed: {failures[-1]}", flush=True)

    def tick(_paper: Paper) -> None:
        nonlocal done
        done += 1
        if done % 1000 == 0:
            print(
                f"{multiprocessing.current_process().name}: {done:,} papers, {len(failures)} failed",
                flush=True,
            )

    mentions = sum(len(ex.mentions) for ex in extract(papers, on_paper=tick, on_failure=failed))
    words = sum(len(p.text.split()) for p in papers)
    return len(papers), words, mentions, failures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="+", type=Path)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--limit", type=int, default=0)
    parser.add_argument("--failures", type=Path)
    args = parser.parse_args()
    started = time.perf_counter()
    corpus = read_corpus(args.paths)
    papers = list(corpus.papers[: args.limit or None])
    read_seconds = time.perf_counter() - started
    print(f"read {len(papers):,} papers in {read_seconds:.0f} s", flush=True)
    shares = [papers[job :: args.jobs] for job in range(args.jobs)]
    began = time.perf_counter()
    with multiprocessing.get_context("spawn").Pool(args.jobs) as pool:
        results = pool.map(run_share, shares)
    seconds = time.perf_counter() - began
    n_papers, words, mentions = (sum(r[i] for r in results) for i in range(3))
    failures = [line for r in results for line in r[3]]
    kinds = Counter(line.split("\t")[2].split(":")[0] for line in failures)
    print(
        f"{n_papers:,} papers, {words:,} words, {mentions:,} mentions in {seconds:.0f} s "
        f"({words / seconds:,.0f} words/s, {args.jobs} jobs); {len(failures)} failed: {dict(kinds)}"
    )
    if args.failures:
        args.failures.write_text("".join(f"{line}\n" for line in failures), encoding="utf-8")


if __name__ == "__main__":
    main()
