"""Analytics of a built graph: the time of the view they work on, and of each call.

Run by hand, never as a test. It loads the graph, makes the NetworkX view without text that
analytics use (once per :class:`~kg.api.KnowledgeGraph`), then times each analytics call of the
API, as a researcher would run them in one session, and prints the peak resident memory::

    .venv/bin/python benchmarks/analytics.py                  # the sample graph in outputs/
    .venv/bin/python benchmarks/analytics.py --graph OUT --compare PPO SAC TD3
"""

from __future__ import annotations

import argparse
import resource
import time
from collections.abc import Callable

from kg.api import KnowledgeGraph


def timed(name: str, call: Callable[[], object]) -> object:
    started = time.perf_counter()
    result = call()
    print(f"{name:<34} {time.perf_counter() - started:7.2f} s", flush=True)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--graph", default="outputs", help="A built graph (output folder or store).")
    parser.add_argument("--compare", nargs="+", default=["PPO", "SAC", "DQN"], help="Entities to compare.")
    args = parser.parse_args()
    kg = timed("load", lambda: KnowledgeGraph.load(args.graph))
    G = timed("view without text (once)", kg._view)
    papers = sorted(n for n, kind in G.nodes(data="type") if kind == "Paper")
    timed("trends --type Method --top 20", lambda: kg.trends("Method", top=20))
    timed("co-usage Method x Dataset", lambda: kg.co_usage("Method", "Dataset"))
    timed("co-usage Method x Task", lambda: kg.co_usage("Method", "Task"))
    known = [name for name in args.compare if kg.find(name)]
    timed(f"compare {' '.join(known)}", lambda: kg.compare(*known))
    timed("similar (the middle paper)", lambda: kg.similar(papers[len(papers) // 2]))
    timed("communities --top 300", lambda: kg.communities(top=300))
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e6
    print(f"{'peak resident memory':<34} {peak:7.2f} GB")


if __name__ == "__main__":
    main()
