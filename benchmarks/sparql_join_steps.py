"""What one more join step costs per row in each engine: the cost model behind the speed-ups.

Run by hand, never as a test::

    .venv/bin/python benchmarks/sparql_join_steps.py --graph outputs/kg.nq

The basic graph pattern of ``queries/evidence.rq`` is run with one triple pattern, then two, ...,
then all nine, on the 1M graph of ``sparql_latency.py`` (the sample replicated with fresh IRIs) in
each engine: rdflib (a plain in-memory ``Graph``), Oxigraph on disk (the store ``kg build`` writes,
timed in a spawned process) and Oxigraph in memory. Each step adds one pattern joined on a bound
variable, so the time it adds, divided by the ~2,400 rows, is the cost of one index lookup per row:
for a query that returns every row of a long list, that cost times the number of patterns is the
query's time, and the ratio of two engines' per-step costs bounds the speed-up any rewrite can give.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

from sparql_latency import (
    load_sample,
    memory_store,
    replicate,
    time_disk,
    time_oxigraph,
    time_rdflib,
    to_rdflib,
)

from kg.store.disk import write_store

#: The patterns of queries/evidence.rq, in the order Oxigraph joins them (the first is selective).
STEPS = (
    "?statement rdf:predicate kg:proposes .",
    "?statement rdf:subject ?paper .",
    "?statement rdf:object ?entity .",
    "?statement kg:confidence ?confidence .",
    "?statement kg:evidence ?evidence .",
    "?statement prov:wasAttributedTo ?agent .",
    "?agent rdfs:label ?extractor .",
    "?paper dcterms:title ?title .",
    "?entity skos:prefLabel ?proposed .",
)


def step_queries() -> list[str]:
    """``SELECT *`` over the first 1, 2, ..., 9 patterns of :data:`STEPS`."""
    return ["SELECT * WHERE { " + " ".join(STEPS[:n]) + " }" for n in range(1, len(STEPS) + 1)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--graph", type=Path, default=Path("outputs/kg.nq"), help="the sample graph")
    parser.add_argument("--triples", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    quads, _ = replicate(load_sample(args.graph), args.triples)
    memory = memory_store(quads)
    rdf = to_rdflib(memory, "graph")
    queries = step_queries()
    with tempfile.TemporaryDirectory(prefix="kg-join-steps-") as work:
        store = write_store(memory, Path(work) / "store")
        files = []
        for n, query in enumerate(queries, 1):
            files.append(Path(work) / f"step{n}.rq")
            files[-1].write_text(query, encoding="utf-8")
        on_disk = time_disk(store, files, args.repeat)
    print(
        f"# Join steps, {time.strftime('%Y-%m-%d %H:%M')}, {len(memory):,} quads, load average "
        f"{os.getloadavg()[0]:.1f}; median of {args.repeat} runs, wall ms; per step: µs per row\n"
    )
    print(
        "| patterns | rows | rdflib ms | per step | Oxigraph disk ms | per step "
        "| Oxigraph memory ms | per step |"
    )
    print("|---:|---:|---:|---:|---:|---:|---:|---:|")
    previous: tuple[float, float, float] | None = None
    first: tuple[float, float, float] | None = None
    for n, (query, (disk, _, rows)) in enumerate(zip(queries, on_disk, strict=True), 1):
        mem, _, mem_rows = time_oxigraph(memory, query, args.repeat)
        rdflib_s, _, rdflib_rows = time_rdflib(rdf, query, args.repeat, 120.0)
        assert rows == mem_rows == rdflib_rows, (n, rows, mem_rows, rdflib_rows)
        now = (rdflib_s or float("nan"), disk, mem)
        steps = (
            [f"{(b - a) * 1e6 / rows:,.1f}" for a, b in zip(previous, now, strict=True)]
            if previous
            else ["", "", ""]
        )
        print(
            f"| {n} | {rows:,} | {now[0] * 1000:,.1f} | {steps[0]} | {disk * 1000:,.1f} | {steps[1]} "
            f"| {mem * 1000:,.1f} | {steps[2]} |",
            flush=True,
        )
        previous = now
        first = first or now
    if first and previous:
        slopes = [(b - a) * 1e6 / rows / (len(queries) - 1) for a, b in zip(first, previous, strict=True)]
        print(
            f"\nMean cost of one step, µs per row (first to last): rdflib {slopes[0]:.1f}, "
            f"Oxigraph on disk {slopes[1]:.1f}, in memory {slopes[2]:.1f}; "
            f"rdflib / Oxigraph: {slopes[0] / slopes[1]:.1f}× on disk, {slopes[0] / slopes[2]:.1f}× in memory"
        )


if __name__ == "__main__":
    sys.setrecursionlimit(10_000)
    main()
