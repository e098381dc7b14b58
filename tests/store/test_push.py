"""Moving the graph to a standalone SPARQL server: ``kg push`` (Graph Store Protocol) and
``kg export`` + ``oxigraph load``, against the Oxigraph server of the ``oxigraph`` package.

The server runs on a free loopback port in a temporary folder and is stopped when the module ends.
A small graph cut from the sample (ontology with its blank nodes, entities, ten papers) is pushed.
"""

from __future__ import annotations

import json
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
from typer.testing import CliRunner

from kg.cli import app
from kg.store.disk import write_store
from kg.store.push import PushError, push
from tests.helpers import graph_digests

KGID = "https://w3id.org/kg/id/"
PER_GRAPH = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"


def oxigraph_binary() -> str:
    found = shutil.which("oxigraph", path=str(Path(sys.executable).parent)) or shutil.which("oxigraph")
    if found is None:
        pytest.skip("the oxigraph server (PyPI package oxigraph, in the dev extra) is not installed")
    return found


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def oxigraph_server(tmp_path_factory) -> Iterator[str]:
    """``oxigraph serve`` on loopback; yields its base URL."""
    binary = oxigraph_binary()
    folder = tmp_path_factory.mktemp("oxigraph")
    port = free_port()
    log = open(folder / "server.log", "wb")  # noqa: SIM115 (closed below)
    proc = subprocess.Popen(
        [binary, "serve", "--location", str(folder / "db"), "--bind", f"127.0.0.1:{port}"],
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                urllib.request.urlopen(f"{url}/query?query=ASK%7B%7D", timeout=2).read()
                break
            except (urllib.error.URLError, ConnectionError):
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError((folder / "server.log").read_text(errors="replace")) from None
                time.sleep(0.1)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()


@pytest.fixture(scope="module")
def small(sample_kg) -> ox.Store:
    """The ontology, the entities and ten papers of the sample graph."""
    papers = sorted((g for g in sample_kg.store.named_graphs() if "/graph/paper/" in g.value), key=str)[:10]
    store = ox.Store()
    for graph in [ox.NamedNode(KGID + "graph/ontology"), ox.NamedNode(KGID + "graph/entities"), *papers]:
        store.extend(sample_kg.store.quads_for_pattern(None, None, None, graph))
    return store


def sizes_on(url: str) -> dict[str, int]:
    request = urllib.request.Request(
        f"{url}/query?" + urllib.parse.urlencode({"query": PER_GRAPH}),
        headers={"Accept": "application/sparql-results+json"},
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        rows = json.loads(response.read())["results"]["bindings"]
    return {row["g"]["value"]: int(row["n"]["value"]) for row in rows}


def sizes_of(store: ox.Store) -> dict[str, int]:
    return {str(g.value): n for g, (n, _) in graph_digests(store).items()}


def test_push_every_named_graph_to_oxigraph(oxigraph_server: str, small: ox.Store) -> None:
    report = push(small, f"{oxigraph_server}/store")
    assert report.graphs == 12 and report.triples == len(small)
    assert sizes_on(oxigraph_server) == sizes_of(small)
    again = push(small, f"{oxigraph_server}/store")  # PUT replaces: pushing twice changes nothing
    assert again.graphs == 12
    assert sizes_on(oxigraph_server) == sizes_of(small)


def test_push_command(oxigraph_server: str, small: ox.Store, tmp_path: Path) -> None:
    write_store(small, tmp_path / "store")
    run = CliRunner().invoke(
        app, ["push", "--endpoint", f"{oxigraph_server}/store", "--graph", str(tmp_path / "store")]
    )
    assert run.exit_code == 0, run.output
    assert "pushed 12 graphs" in run.stdout
    assert sizes_on(oxigraph_server) == sizes_of(small)


def test_push_refused_graph_is_a_clear_error(oxigraph_server: str, small: ox.Store) -> None:
    with pytest.raises(PushError, match=r"answered 4\d\d"):
        push(small, f"{oxigraph_server}/query")  # the query endpoint takes no PUT


@pytest.mark.parametrize(
    ("endpoint", "message"),
    [("ftp://127.0.0.1/store", "not an http"), ("http:///store", "not an http")],
)
def test_push_bad_endpoint(small: ox.Store, endpoint: str, message: str) -> None:
    with pytest.raises(PushError, match=message):
        push(small, endpoint)


def test_push_unreachable_server(small: ox.Store) -> None:
    with pytest.raises(PushError, match="cannot reach the server"):
        push(small, f"http://127.0.0.1:{free_port()}/store", timeout=5)


def test_push_export_then_oxigraph_load(small: ox.Store, tmp_path: Path) -> None:
    """The documented bulk path: ``kg export --format nquads`` then ``oxigraph load``."""
    write_store(small, tmp_path / "store")
    run = CliRunner().invoke(
        app,
        [
            "export",
            "--format",
            "nquads",
            "--graph",
            str(tmp_path / "store"),
            "--out",
            str(tmp_path / "kg.nq"),
        ],
    )
    assert run.exit_code == 0, run.output
    done = subprocess.run(
        [oxigraph_binary(), "load", "--location", str(tmp_path / "db"), "--file", str(tmp_path / "kg.nq")],
        capture_output=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    loaded = ox.Store.read_only(str(tmp_path / "db"))
    assert graph_digests(loaded) == graph_digests(small)
