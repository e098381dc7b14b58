"""How fast the HTML explorer becomes interactive in headless Chromium: the sample graph and a
synthetic graph of 5,000 nodes and 20,000 edges. Prints the figures benchmarks/EXPLORER.md quotes.

Run by hand (not a test), on a built sample graph::

    OMP_NUM_THREADS=1 nice -n 5 .venv/bin/python benchmarks/explorer_speed.py --graph outputs --runs 5

For each page: the time to write it (wall and CPU), its size, and per browser run (each in a
fresh Chromium profile, so no code cache helps): the time from navigation until the page is
ready (data parsed, network drawn, handlers attached: ``body[data-kg-ready]``), the main-thread
busy time and CPU time Chromium reports for it (CDP ``Performance.getMetrics`` TaskDuration and
ThreadTime; the CPU time is the figure least changed by other load on the machine), and how
long the first interactions take until redrawn: leaving the overview for the whole graph, hiding
all Paper nodes, and searching a node and opening its details.
"""

from __future__ import annotations

import argparse
import itertools
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

import networkx as nx
from playwright.sync_api import sync_playwright

from kg.api import KnowledgeGraph
from kg.export.html import write_explorer
from kg.graph.nx import core_view

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # the browser tests' launch settings
from tests.export.test_explorer_browser import CHROMIUM, CHROMIUM_ARGS

#: Share of each node type among the synthetic nodes (about the sample graph's core view).
TYPE_SHARES = {"Paper": 0.25, "Method": 0.40, "Dataset": 0.05, "Task": 0.14, "Metric": 0.02, "Concept": 0.14}
PAPER_ROLES = ("proposes", "uses", "evaluatedOn", "addresses", "mentions")
ENTITY_RELATIONS = ("usedFor", "comparedWith", "evaluates", "partOf", "broader")
WORDS = (
    "offline reinforcement learning policy value reward model agent benchmark dataset language "
    "preference alignment diffusion transformer exploration planning robot control simulation "
    "representation contrastive imitation online fine-tuning safety uncertainty ensemble"
).split()


def synthetic_graph(n_nodes: int = 5000, n_edges: int = 20000, seed: int = 7) -> nx.MultiDiGraph:
    """A graph shaped like the knowledge graph: papers with title, abstract, date and authors;
    entities with labels and aliases; paper-role edges to entities picked by a Zipf-like
    popularity (a few hubs, a long tail) and entity-entity relations, each with an evidence
    sentence, a support weight and mention offsets."""
    rng = random.Random(seed)

    def phrase(n: int) -> str:
        return " ".join(rng.choice(WORDS) for _ in range(n))

    G = nx.MultiDiGraph()
    counts = {t: round(share * n_nodes) for t, share in TYPE_SHARES.items()}
    counts["Method"] += n_nodes - sum(counts.values())
    papers, entities = [], []
    for node_type, count in counts.items():
        for i in range(count):
            node = f"https://w3id.org/kg/id/{node_type.lower()}/{i}"
            if node_type == "Paper":
                title = phrase(rng.randint(6, 14)).capitalize()
                abstract = ". ".join(phrase(rng.randint(12, 25)).capitalize() for _ in range(7)) + "."
                G.add_node(
                    node,
                    type="Paper",
                    label=title,
                    title=title,
                    abstract=abstract,
                    aliases=[],
                    date=f"2024-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
                    n_authors=rng.randint(1, 12),
                )
                papers.append(node)
            else:
                label = phrase(rng.randint(1, 4))
                aliases = ["".join(w[0] for w in label.split()).upper()] if " " in label else []
                G.add_node(node, type=node_type, label=label, aliases=aliases)
                entities.append(node)
    popularity = list(itertools.accumulate(1.0 / (rank + 1) ** 0.9 for rank in range(len(entities))))
    seen: set[tuple[str, str, str]] = set()
    while len(seen) < n_edges:
        target = rng.choices(entities, cum_weights=popularity)[0]
        if rng.random() < 0.85:
            source, relation = rng.choice(papers), rng.choice(PAPER_ROLES)
        else:
            source, relation = rng.choice(entities), rng.choice(ENTITY_RELATIONS)
        if source == target or (source, target, relation) in seen:
            continue
        seen.add((source, target, relation))
        evidence = f"We {phrase(3)} {G.nodes[target]['label']} {phrase(8)}."
        attrs = {"relation": relation, "weight": 1 if rng.random() < 0.8 else rng.randint(2, 12)}
        attrs["evidence"] = [evidence]
        if G.nodes[source]["type"] == "Paper":
            start = rng.randrange(len(G.nodes[source]["title"]) + 2, len(G.nodes[source]["abstract"]))
            attrs.update(start=start, end=start + 1)
        G.add_edge(source, target, key=relation, **attrs)
    return G


def measure(path: Path, search: str, runs: int) -> list[dict[str, float]]:
    """Open ``path`` ``runs`` times, each in a fresh profile; the timings of each run."""
    results = []
    with sync_playwright() as playwright:
        for _ in range(runs):
            with tempfile.TemporaryDirectory() as profile:
                context = playwright.chromium.launch_persistent_context(
                    profile,
                    executable_path=CHROMIUM,
                    args=CHROMIUM_ARGS,
                    headless=True,
                    viewport={"width": 1400, "height": 900},
                )
                page = context.new_page()
                errors: list[str] = []
                page.on("pageerror", lambda e, errors=errors: errors.append(str(e)))
                cdp = context.new_cdp_session(page)
                cdp.send("Performance.enable")
                started = time.perf_counter()
                page.goto(path.resolve().as_uri())
                page.wait_for_selector("body[data-kg-ready=true]", timeout=120_000)
                wall = time.perf_counter() - started
                metrics = {m["name"]: m["value"] for m in cdp.send("Performance.getMetrics")["metrics"]}
                in_page = page.evaluate("kgExplorer.timings.ready") / 1000
                whole_graph = page.evaluate(
                    """async () => {
                        const button = document.querySelector("#kg-show-all");
                        if (button.hidden) return 0;  // a page that opens on the whole graph
                        const t = performance.now();
                        button.click();
                        await new Promise((done) => kgExplorer.network.once("afterDrawing", done));
                        return performance.now() - t;
                    }"""
                )
                hide_papers = page.evaluate(
                    """async () => {
                        const t = performance.now();
                        document.querySelector("#kg-types input[value=Paper]").click();
                        await new Promise((done) => kgExplorer.network.once("afterDrawing", done));
                        return performance.now() - t;
                    }"""
                )
                page.locator("#kg-types input[value=Paper]").check()
                started = time.perf_counter()
                page.locator("#kg-search-input").fill(search)
                page.keyboard.press("Enter")
                page.wait_for_selector("#kg-details h2")
                select = time.perf_counter() - started
                assert not errors, errors
                results.append(
                    {
                        "ready_wall": wall,
                        "ready_in_page": in_page,
                        "main_thread_busy": metrics["TaskDuration"],
                        "main_thread_cpu": metrics["ThreadTime"],
                        "whole_graph": whole_graph / 1000,
                        "hide_papers": hide_papers / 1000,
                        "search_select": select,
                    }
                )
                context.close()
    return results


def report(name: str, G: nx.MultiDiGraph, out: Path, search: str, runs: int) -> None:
    wall, cpu = time.perf_counter(), time.process_time()
    page = write_explorer(G, out)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    results = measure(page, search, runs)
    print(f"\n{name}: {G.number_of_nodes():,} nodes, {G.number_of_edges():,} edges")
    print(f"  write page       {wall:6.2f} s wall, {cpu:6.2f} s CPU; {page.stat().st_size / 1e6:.2f} MB")
    for key in results[0]:
        values = [r[key] for r in results]
        print(
            f"  {key:<16} median {statistics.median(values):6.2f} s"
            f"  (min {min(values):.2f}, max {max(values):.2f}, {len(values)} runs)"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--graph", default="outputs", help="a built graph (default: outputs)")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--nodes", type=int, default=5000)
    parser.add_argument("--edges", type=int, default=20000)
    args = parser.parse_args()
    print(f"load before: {os.getloadavg()[0]:.2f} (1-min average, {os.cpu_count()} CPUs)")
    with tempfile.TemporaryDirectory() as tmp:
        sample = core_view(KnowledgeGraph.load(args.graph).to_networkx())
        report(
            "sample graph (core view, as kg build writes it)",
            sample,
            Path(tmp) / "sample.html",
            "D4RL",
            args.runs,
        )
        synthetic = synthetic_graph(args.nodes, args.edges)
        first = next(n for n, t in synthetic.nodes(data="type") if t == "Dataset")
        label = synthetic.nodes[first]["label"]
        report("synthetic graph", synthetic, Path(tmp) / "synthetic.html", label, args.runs)
    print(f"\nload after: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
