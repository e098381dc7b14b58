"""Latency of every query in queries/: Oxigraph (on-disk store and in-memory) vs in-memory rdflib.

Run by hand (minutes: rdflib is slow), never as a test::

    .venv/bin/python benchmarks/sparql_latency.py                    # sample graph and the 1M graph
    .venv/bin/python benchmarks/sparql_latency.py --sizes sample     # sample graph only

Graphs: the sample graph (``outputs/kg.nq``, from ``make run``) and a synthetic graph of at least
one million triples with the same shape: the sample replicated with fresh IRIs (every
``https://w3id.org/kg/id/`` IRI of copy k gets the prefix ``.../id/rK/``; the ontology graph is
kept once, and the statistics graph, which describes the whole graph, is computed anew for it as
``kg build`` would). Engines, side by side in one run on the same triples:

* **oxigraph-disk**: the on-disk store written by :func:`kg.store.disk.write_store` and opened
  read-only, which is what ``kg query`` and ``KnowledgeGraph.load("outputs")`` query; timed in a
  fresh (spawned) process holding nothing but the store, as ``kg query`` does: in this process,
  beside the graph in memory and rdflib's copy, its queries ran 1.2-6x slower;
* **oxigraph-mem**: an in-memory ``pyoxigraph.Store`` holding the same quads (what each
  ``kg serve`` worker queries by default);
* **rdflib**: the same quads in an in-memory ``rdflib.Dataset`` whose default graph is the union of
  its named graphs, as in the store (``--rdflib-as graph``: a plain ``rdflib.Graph`` of the union
  instead, which is a little faster for rdflib's pure-Python engine). Each rdflib query runs in a
  forked child that is killed after ``--rdflib-cap`` seconds, and is then reported as ``>cap``.

Every query is sent as written in queries/, with the project's prefixes, to every engine. Every
number is the median of ``--repeat`` runs that fetch every result row (the first, cold run is left
out for Oxigraph; a query whose runs add up to 30 s stops there): wall time, and for Oxigraph also
the CPU time of this process (``time.process_time``), which the load of a shared machine inflates
far less. Figures go to benchmarks/SPARQL.md and the README.
"""

from __future__ import annotations

import argparse
import math
import multiprocessing
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

import pyoxigraph as ox
from rdflib import Dataset, Graph

from kg.graph.iri import STATISTICS_GRAPH
from kg.graph.shacl import rdflib_term
from kg.graph.stats import add_statistics
from kg.store.disk import write_store
from kg.vocab import PREFIX_IRIS, PREFIXES

ROOT = Path(__file__).resolve().parent.parent
KGID = "https://w3id.org/kg/id/"
ONTOLOGY_GRAPH = ox.NamedNode(KGID + "graph/ontology")
STATISTICS = ox.NamedNode(str(STATISTICS_GRAPH))


def replicate(sample: ox.Store, target_triples: int) -> tuple[list[ox.Quad], int]:
    """The sample's quads copied with fresh IRIs until there are at least ``target_triples``
    (without the statistics graph: :func:`run_size` computes it for the graph it queries)."""
    ontology = list(sample.quads_for_pattern(None, None, None, ONTOLOGY_GRAPH))
    instance = [q for q in sample if q.graph_name not in (ONTOLOGY_GRAPH, STATISTICS)]
    copies = max(1, math.ceil((target_triples - len(ontology)) / len(instance)))

    def fresh(term, k: int):
        if isinstance(term, ox.NamedNode) and term.value.startswith(KGID):
            return ox.NamedNode(f"{KGID}r{k}/{term.value[len(KGID) :]}")
        if isinstance(term, ox.BlankNode):
            return ox.BlankNode(f"{term.value}r{k}")
        return term

    quads = list(ontology)
    for k in range(copies):
        if k == 0:
            quads.extend(instance)
            continue
        quads.extend(
            ox.Quad(fresh(q.subject, k), q.predicate, fresh(q.object, k), fresh(q.graph_name, k))
            for q in instance
        )
    return quads, copies


def to_rdflib(store: ox.Store, kind: str) -> Graph:
    """The quads of ``store`` in memory in rdflib: a Dataset of the same named graphs whose default
    graph is their union (``kind="dataset"``), or a plain Graph of that union (``kind="graph"``)."""

    graph = Dataset(default_union=True) if kind == "dataset" else Graph()
    for name, ns in PREFIXES.items():
        graph.bind(name, ns)
    if kind == "dataset":
        graph.addN(
            (
                rdflib_term(q.subject),
                rdflib_term(q.predicate),
                rdflib_term(q.object),
                graph.graph(rdflib_term(q.graph_name)),
            )
            for q in store
        )
    else:
        for quad in store:
            graph.add((rdflib_term(quad.subject), rdflib_term(quad.predicate), rdflib_term(quad.object)))
    return graph


def time_oxigraph(store: ox.Store, query: str, repeat: int) -> tuple[float, float, int]:
    """Median wall and CPU seconds of ``repeat`` warm runs fetching every row, and the row count."""
    times, cpu_times, rows = [], [], 0
    for run in range(repeat + 1):
        started, cpu_started = time.perf_counter(), time.process_time()
        rows = len(
            [tuple(s) for s in store.query(query, prefixes=PREFIX_IRIS, use_default_graph_as_union=True)]
        )
        if run:  # the first run warms caches
            times.append(time.perf_counter() - started)
            cpu_times.append(time.process_time() - cpu_started)
        if sum(times) > 30:  # slow queries: fewer runs
            break
    return statistics.median(times), statistics.median(cpu_times), rows


def _time_store_queries(path: str, queries: list[str], repeat: int) -> list[tuple[float, float, int]]:
    """In a fresh process: open the store at ``path`` read-only and time every query."""
    store = ox.Store.read_only(path)
    return [time_oxigraph(store, query, repeat) for query in queries]


def time_disk(path: Path, queries: list[Path], repeat: int) -> list[tuple[float, float, int]]:
    """:func:`time_oxigraph` for every query on the store at ``path``, in a spawned process."""
    texts = [q.read_text(encoding="utf-8") for q in queries]
    with multiprocessing.get_context("spawn").Pool(1) as pool:
        return pool.apply(_time_store_queries, (str(path), texts, repeat))


def _rdflib_child(graph: Graph, query: str, repeat: int, cap: float, conn) -> None:
    times, cpu_times, rows = [], [], 0
    for _ in range(repeat):
        started, cpu_started = time.perf_counter(), time.process_time()
        rows = len(list(graph.query(query, initNs=PREFIXES)))
        times.append(time.perf_counter() - started)
        cpu_times.append(time.process_time() - cpu_started)
        conn.send(("partial", statistics.median(times), statistics.median(cpu_times), rows))
        if sum(times) > cap / 2:
            break
    conn.send(("done", statistics.median(times), statistics.median(cpu_times), rows))


def time_rdflib(
    graph: Graph, query: str, repeat: int, cap: float
) -> tuple[float | None, float | None, int | None]:
    """Median wall and CPU seconds and rows, or Nones if the first run did not finish within ``cap``."""
    parent, child = multiprocessing.get_context("fork").Pipe()
    proc = multiprocessing.get_context("fork").Process(
        target=_rdflib_child, args=(graph, query, repeat, cap, child)
    )
    proc.start()
    deadline = time.monotonic() + cap
    best: tuple[float | None, float | None, int | None] = (None, None, None)
    while time.monotonic() < deadline:
        if parent.poll(max(0.0, min(1.0, deadline - time.monotonic()))):
            kind, seconds, cpu_seconds, rows = parent.recv()
            best = (seconds, cpu_seconds, rows)
            if kind == "done":
                break
    proc.kill()
    proc.join()
    return best


def fmt_ms(seconds: float | None, cap: float) -> str:
    if seconds is None:
        return f">{cap:.0f} s"
    ms = seconds * 1000
    return f"{ms:,.1f}" if ms < 100 else f"{ms:,.0f}"


def speedup(slow: float | None, fast: float, cap: float) -> str:
    """rdflib time / Oxigraph time (a lower bound when rdflib was cut at ``cap``), 3 significant digits."""
    ratio = (cap if slow is None else slow) / fast
    return (">" if slow is None else "") + (f"{ratio:,.1f}×" if ratio < 100 else f"{ratio:,.0f}×")


def load_sample(path: Path) -> ox.Store:
    """The sample graph (N-Quads, as ``kg build`` writes it) in an in-memory store."""
    sample = ox.Store()
    sample.bulk_load(path=str(path), format=ox.RdfFormat.N_QUADS)
    return sample


def memory_store(quads) -> ox.Store:
    """An in-memory store of ``quads`` with the statistics graph ``kg build`` would write for them."""
    store = ox.Store()
    store.bulk_extend(quads)
    add_statistics(store)
    return store


def run_size(label: str, quads, queries: list[Path], args, work: Path) -> None:
    source = memory_store(quads)
    n_quads = len(source)
    started = time.perf_counter()
    stored = write_store(source, work / f"store-{label}")
    write_seconds = time.perf_counter() - started
    size_mb = sum(f.stat().st_size for f in (work / f"store-{label}").rglob("*") if f.is_file()) / 1e6
    rdf = None
    rdflib_load = None
    if args.rdflib:
        started = time.perf_counter()
        rdf = to_rdflib(source, args.rdflib_as)
        rdflib_load = time.perf_counter() - started
    print(f"\n### {label}: {n_quads:,} quads in {sum(1 for _ in source.named_graphs()):,} named graphs\n")
    print(f"load average at the start: {os.getloadavg()[0]:.1f}")
    print(
        f"store written in {write_seconds:.1f} s, {size_mb:.0f} MB on disk"
        + (f"; rdflib {args.rdflib_as} built in {rdflib_load:.0f} s" if rdf is not None else "")
        + "\n",
        flush=True,
    )
    print(
        "| query | rows | rdflib ms (CPU ms) | Oxigraph on disk ms (CPU ms) | Oxigraph in memory ms (CPU ms) "
        "| disk speed-up | memory speed-up | memory speed-up, CPU |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|", flush=True)
    on_disk = time_disk(stored, queries, args.repeat)
    ratios: dict[str, list[float]] = {"disk": [], "memory": []}
    under_100_ms = {"disk": 0, "memory": 0}
    capped = False
    for path, (t_disk, cpu_disk, rows) in zip(queries, on_disk, strict=True):
        query = path.read_text(encoding="utf-8")
        t_mem, cpu_mem, rows_mem = time_oxigraph(source, query, args.repeat)
        assert rows == rows_mem, (path.name, rows, rows_mem)
        t_rdf, cpu_rdf, rows_rdf = (None, None, None)
        if rdf is not None:
            t_rdf, cpu_rdf, rows_rdf = time_rdflib(rdf, query, args.repeat, args.rdflib_cap)
        rdf_ms = "-" if rdf is None else fmt_ms(t_rdf, args.rdflib_cap)
        if cpu_rdf is not None:
            rdf_ms += f" ({fmt_ms(cpu_rdf, 0)})"
        note = "" if rows_rdf in (None, rows) else f" (rdflib {rows_rdf})"
        under_100_ms["disk"] += t_disk < 0.1
        under_100_ms["memory"] += t_mem < 0.1
        if rdf is not None:
            capped |= t_rdf is None
            ratios["disk"].append((t_rdf or args.rdflib_cap) / t_disk)
            ratios["memory"].append((t_rdf or args.rdflib_cap) / t_mem)
        print(
            f"| {path.stem} | {rows:,}{note} | {rdf_ms} "
            f"| {fmt_ms(t_disk, 0)} ({fmt_ms(cpu_disk, 0)}) | {fmt_ms(t_mem, 0)} ({fmt_ms(cpu_mem, 0)}) "
            f"| {speedup(t_rdf, t_disk, args.rdflib_cap) if rdf is not None else '-'} "
            f"| {speedup(t_rdf, t_mem, args.rdflib_cap) if rdf is not None else '-'} "
            f"| {speedup(cpu_rdf, cpu_mem, 0) if cpu_rdf is not None else '-'} |",
            flush=True,
        )
    if ratios["disk"]:
        bound = ">" if capped else ""
        print(
            "\nspeed-up over all queries (geometric mean"
            + (", a lower bound: rdflib was cut" if capped else "")
            + f"): on disk {bound}{statistics.geometric_mean(ratios['disk']):,.1f}×, "
            f"in memory {bound}{statistics.geometric_mean(ratios['memory']):,.1f}×; "
            f"queries ≥ 20×: {sum(r >= 20 for r in ratios['disk'])} on disk, "
            f"{sum(r >= 20 for r in ratios['memory'])} in memory, of {len(ratios['disk'])}"
        )
    print(
        f"queries under 100 ms: {under_100_ms['disk']} on disk, {under_100_ms['memory']} in memory, "
        f"of {len(queries)}"
    )
    print(f"\nload average at the end: {os.getloadavg()[0]:.1f}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--graph", type=Path, default=ROOT / "outputs" / "kg.nq", help="the sample graph (N-Quads)"
    )
    parser.add_argument("--queries", type=Path, default=ROOT / "queries")
    parser.add_argument("--sizes", default="sample,1m", help="comma-separated: sample, 1m")
    parser.add_argument("--triples", type=int, default=1_000_000, help="size of the synthetic graph")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument(
        "--rdflib-cap", type=float, default=120.0, help="seconds before an rdflib query is cut"
    )
    parser.add_argument("--no-rdflib", dest="rdflib", action="store_false")
    parser.add_argument(
        "--rdflib-as", choices=["dataset", "graph"], default="dataset", help="the rdflib set-up (see above)"
    )
    parser.add_argument(
        "--work", type=Path, default=None, help="where to write the stores (default: a temp dir)"
    )
    args = parser.parse_args()

    queries = sorted(args.queries.glob("*.rq"))
    sample = load_sample(args.graph)
    load_avg = os.getloadavg()
    print(
        f"# SPARQL latency, {time.strftime('%Y-%m-%d %H:%M')}, {os.cpu_count()} cores, "
        f"load average {load_avg[0]:.1f}; median of {args.repeat} runs; pyoxigraph {ox.__version__}",
        flush=True,
    )
    work = args.work or Path(tempfile.mkdtemp(prefix="kg-sparql-bench-"))
    try:
        for size in args.sizes.split(","):
            if size == "sample":
                run_size("sample", list(sample), queries, args, work)
            else:
                quads, copies = replicate(sample, args.triples)
                print(
                    f"\n(synthetic graph: the sample replicated {copies} times with fresh IRIs)", flush=True
                )
                run_size(size, quads, queries, args, work)
    finally:
        if args.work is None:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.setrecursionlimit(10_000)
    main()
