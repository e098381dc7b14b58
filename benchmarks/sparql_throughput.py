"""``kg serve``: time to start, memory, latency of each example query, and throughput.

Run by hand, never as a test. It starts ``kg serve`` on a free loopback port and reports: the
seconds until it answers, the resident memory of its processes together, the latency of every
query of ``queries/`` (median of ``--repeat``, all rows fetched), then requests per second and
latency percentiles of a simple SELECT sent for ``--seconds`` from ``--clients`` concurrent
clients over keep-alive connections; then it stops the server::

    .venv/bin/python benchmarks/sparql_throughput.py                      # outputs/store, 8 clients
    .venv/bin/python benchmarks/sparql_throughput.py --store OUT/store --mode on-disk --seconds 20

The clients are threads of this process, so they share the machine's cores with the server.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import os
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
QUERY = "SELECT ?paper ?title WHERE { ?paper a kg:Paper ; dcterms:title ?title } LIMIT 10"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_ready(port: int, proc: subprocess.Popen, limit: float = 600) -> None:
    deadline = time.monotonic() + limit
    path = "/sparql?" + urllib.parse.urlencode({"query": "ASK {}"})
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"kg serve exited with {proc.returncode}")
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            connection.request("GET", path)
            if connection.getresponse().status == 200:
                return
        except OSError:
            time.sleep(0.2)
    raise SystemExit("kg serve did not start in time")


def client(port: int, deadline: float, latencies: list[float], errors: list[int]) -> None:
    path = "/sparql?" + urllib.parse.urlencode({"query": QUERY})
    headers = {"Accept": "application/sparql-results+json"}
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    while time.monotonic() < deadline:
        started = time.perf_counter()
        connection.request("GET", path, headers=headers)
        response = connection.getresponse()
        response.read()
        latencies.append(time.perf_counter() - started)
        if response.status != 200:
            errors.append(response.status)
    connection.close()


def tree_rss(pid: int) -> int:
    """Bytes resident in the process ``pid`` and all its descendants."""
    import psutil

    root = psutil.Process(pid)
    total = 0
    for proc in [root, *root.children(recursive=True)]:
        with contextlib.suppress(psutil.NoSuchProcess):
            total += proc.memory_info().rss
    return total


def example_latencies(port: int, repeat: int) -> list[tuple[str, str, float]]:
    """Each query of queries/: its name, its rows and the median seconds of ``repeat`` runs."""
    import json

    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
    headers = {"Accept": "application/sparql-results+json", "Content-Type": "application/sparql-query"}
    results = []
    for path in sorted((ROOT / "queries").glob("*.rq")):
        times, rows = [], "0"
        for _ in range(repeat):
            started = time.perf_counter()
            connection.request("POST", "/sparql", body=path.read_bytes(), headers=headers)
            response = connection.getresponse()
            body = response.read()
            times.append(time.perf_counter() - started)
            if response.status != 200:  # the endpoint's time limit, say: reported, not retried
                rows = f"HTTP {response.status}"
                break
            rows = str(len(json.loads(body)["results"]["bindings"]))
        results.append((path.stem, rows, statistics.median(times)))
    connection.close()
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--store", type=Path, default=ROOT / "outputs" / "store")
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=15.0)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument(
        "--mode", choices=["auto", "in-memory", "on-disk"], default="auto", help="kg serve's store mode"
    )
    parser.add_argument("--repeat", type=int, default=3, help="runs of each example query")
    args = parser.parse_args()

    port = free_port()
    command = [sys.executable, "-m", "kg.cli", "serve", "--store", str(args.store), "--port", str(port)]
    command += ["--workers", str(args.workers)] + ([] if args.mode == "auto" else [f"--{args.mode}"])
    started = time.monotonic()
    server = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=ROOT)
    try:
        wait_ready(port, server)
        ready = time.monotonic() - started
        rss_ready = tree_rss(server.pid)
        examples = example_latencies(port, args.repeat)
        warm: list[float] = []
        client(port, time.monotonic() + 1.0, warm, [])
        latencies: list[list[float]] = [[] for _ in range(args.clients)]
        errors: list[int] = []
        deadline = time.monotonic() + args.seconds
        threads = [
            threading.Thread(target=client, args=(port, deadline, latencies[i], errors))
            for i in range(args.clients)
        ]
        began = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.perf_counter() - began
        rss_end = tree_rss(server.pid)
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
    every = sorted(x for per_client in latencies for x in per_client)
    q = statistics.quantiles(every, n=100)
    load = os.getloadavg()[0]
    print(
        f"kg serve ({args.workers} workers, {args.mode}) on {args.store}: ready in {ready:.1f} s, "
        f"{rss_ready / 1e9:.2f} GB resident in all its processes ({rss_end / 1e9:.2f} GB at the end)"
    )
    print(f"example queries, median of {args.repeat} (ms): rows")
    for name, rows, seconds in examples:
        print(f"  {name:<28} {seconds * 1000:>9.1f}  {rows}")
    print(f"{args.clients} keep-alive loopback clients for {elapsed:.1f} s; load average {load:.1f}")
    print(f"query: {QUERY}")
    print(
        f"{len(every):,} requests, {len(errors)} errors: {len(every) / elapsed:,.0f} requests/s; "
        f"latency p50 {q[49] * 1000:.1f} ms, p90 {q[89] * 1000:.1f} ms, p99 {q[98] * 1000:.1f} ms, "
        f"max {every[-1] * 1000:.1f} ms"
    )


if __name__ == "__main__":
    main()
