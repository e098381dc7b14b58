"""Time each stage of a build of the sample corpus and print the figures the README quotes.

Run by hand: ``.venv/bin/python benchmarks/build_sample.py [PATHS...]``. Not a test.
"""

from __future__ import annotations

import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import pyoxigraph as ox

from kg.api import KnowledgeGraph
from kg.extract.pipeline import default_pipeline, extract
from kg.graph.rdf import build_store
from kg.link.merge import link
from kg.sources import read_corpus


def _size(path: Path) -> int:
    """Bytes of a file, or of every file under a directory (the store)."""
    return (
        sum(f.stat().st_size for f in path.rglob("*") if f.is_file())
        if path.is_dir()
        else path.stat().st_size
    )


def main(paths: list[str]) -> None:
    clock = time.perf_counter
    t0 = clock()
    corpus = read_corpus(paths)
    t1 = clock()
    default_pipeline()
    t2 = clock()
    extractions = list(extract(corpus.papers))
    t3 = clock()
    linked = link(extractions)
    store = ox.Store()
    build_store(corpus.papers, linked, store)
    t4 = clock()
    kg = KnowledgeGraph(store)
    with tempfile.TemporaryDirectory() as out:
        written = kg.save(out)
        t5 = clock()
        sizes = {name: _size(Path(path)) for name, path in written.items()}
    words = sum(len(p.text.split()) for p in corpus.papers)
    stats = kg.stats()
    print(f"papers            {len(corpus.papers)} unique of {corpus.n_read} records")
    print(f"words             {words}")
    print(f"mentions          {sum(len(e.mentions) for e in extractions)}")
    print(f"entities          {sum(stats['entities'].values())}  {dict(stats['entities'])}")
    print(f"edges             {dict(sorted(stats['edges'].items()))}")
    print(f"triples           {stats['triples']} (quads {stats['quads']}, named graphs {stats['graphs']})")
    print(f"read corpus       {t1 - t0:6.2f} s")
    print(f"load pipeline     {t2 - t1:6.2f} s")
    print(f"extract           {t3 - t2:6.2f} s  ({words / (t3 - t2):.0f} words/s)")
    print(f"link + RDF        {t4 - t3:6.2f} s")
    print(f"write outputs     {t5 - t4:6.2f} s")
    print(f"total             {t5 - t0:6.2f} s")
    merged = Counter(m.label for e in extractions for m in e.mentions)
    print(f"mentions by label {dict(merged)}")
    for name, size in sorted(sizes.items()):
        print(f"  {name:<14} {size / 1e6:7.2f} MB")


if __name__ == "__main__":
    main(sys.argv[1:] or ["data/hf-daily-papers"])
