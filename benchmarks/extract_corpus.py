"""Extract a whole corpus into an extraction cache and report speed and failures.

    OMP_NUM_THREADS=1 .venv/bin/python benchmarks/extract_corpus.py \
        ../shared/corpus/conference-papers/papers.jsonl.gz --cache OUT/cache/extractions.sqlite \
        --jobs 2 --failures failures.txt

The cache is the one ``kg build --out OUT`` reads, so a later build of the same papers extracts
nothing. Prints progress every 1,000 papers, then papers, words, words per second and the
failures by error type; ``--failures`` lists each failed paper (id, title, error). Papers
already in the cache are not extracted again (run it twice: the second run extracts 0).
"""

from __future__ import annotations

import argparse
import time
from collections import Counter
from pathlib import Path

from kg.cache import ExtractionCache
from kg.execute import extract_missing
from kg.extract.fingerprint import extractor_fingerprint
from kg.sources import read_corpus


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="+", type=Path)
    parser.add_argument("--cache", type=Path, required=True)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--limit", type=int, default=0)
    parser.add_argument("--failures", type=Path)
    args = parser.parse_args()
    started = time.perf_counter()
    papers = list(read_corpus(args.paths).papers[: args.limit or None])
    print(f"read {len(papers):,} papers in {time.perf_counter() - started:.0f} s", flush=True)
    cache = ExtractionCache(args.cache, extractor_fingerprint())
    todo = cache.missing(papers)
    words = sum(len(p.text.split()) for p in todo)
    done = 0
    began = time.perf_counter()

    def progress(n: int) -> None:
        nonlocal done
        before, done = done, done + n
        if done // 1000 > before // 1000:
            rate = done / (time.perf_counter() - began)
            print(f"{done:,} of {len(todo):,} papers ({rate:.1f} papers/s)", flush=True)

    extracted, lost = extract_missing(cache, todo, jobs=args.jobs, on_batch=progress)
    seconds = time.perf_counter() - began
    failures = []
    for paper in papers:
        result = cache.get(paper)
        if not (result is None or hasattr(result, "mentions")):
            failures.append(f"{paper.id}\t{paper.title[:100]}\t{result}")
    failures += [f"{r.key}\t\t{r.error}" for r in lost]
    kinds = Counter(line.split("\t")[2].split(":")[0] for line in failures)
    rate = f"{words / seconds:,.0f} words/s" if extracted else "nothing to extract"
    print(
        f"{extracted:,} papers extracted ({words:,} words) in {seconds:.0f} s ({rate}, {args.jobs} jobs); "
        f"{len(papers):,} papers in the cache's corpus, {len(failures)} failed: {dict(kinds)}"
    )
    if args.failures:
        args.failures.write_text("".join(f"{line}\n" for line in failures), encoding="utf-8")


if __name__ == "__main__":
    main()
