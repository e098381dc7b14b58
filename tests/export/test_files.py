"""The files ``KnowledgeGraph.save`` writes (kg.export, kg.atomic): complete, consistent, atomic.

The sample outputs come from the ``sample_outputs`` session fixture; what ``save`` returns is
checked on a small graph of two real sample papers, built in-process in a second or two.
"""

from __future__ import annotations

import csv
import json
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path

import networkx as nx
import pytest

from kg import KnowledgeGraph
from kg.atomic import atomic_open, atomic_path, write_text
from kg.export.tables import _xml_text
from kg.graph.nx import core_view

FAMO2O_TITLE = "Train Once, Get a Family"
SAFE_RL_TITLE = "Safe Reinforcement Learning with Minimal Supervision"
REQUIRED = {"kg.ttl", "kg.nt", "kg.jsonld", "kg.nq", "kg.trig", "kg.graphml", "nodes.csv", "edges.csv"}
REQUIRED |= {"explorer.html"}
URL_ATTRIBUTES = {"src", "href", "srcset", "data", "action", "formaction", "poster", "background"}


@pytest.fixture(scope="module")
def small_kg(sample_paper, tmp_path_factory) -> KnowledgeGraph:
    source = tmp_path_factory.mktemp("small") / "papers.jsonl"
    rows = [sample_paper(FAMO2O_TITLE), sample_paper(SAFE_RL_TITLE)]
    source.write_text(
        "".join(json.dumps({"title": p.title, "abstract": p.abstract}) + "\n" for p in rows), encoding="utf-8"
    )
    return KnowledgeGraph.build([source])


@pytest.fixture(scope="module")
def small_saved(small_kg: KnowledgeGraph, tmp_path_factory) -> tuple[Path, dict[str, Path]]:
    out = tmp_path_factory.mktemp("small-out") / "nested" / "out"
    return out, small_kg.save(out)


@pytest.fixture(scope="module")
def G(sample_kg: KnowledgeGraph) -> nx.MultiDiGraph:
    return sample_kg.to_networkx()


def _leftovers(folder: Path) -> list[str]:
    """What an interrupted or sloppy atomic write leaves: ``*.tmp`` (and ``*.old``) files or folders."""
    return sorted(p.name for p in folder.rglob("*") if p.name.endswith((".tmp", ".old")))


def _visible(folder: Path) -> set[str]:
    """The names in ``folder``, hidden ones (such as a writer's lock file) left out."""
    return {p.name for p in folder.iterdir() if not p.name.startswith(".")}


def _non_empty(path: Path) -> bool:
    if path.is_dir():
        return any(path.iterdir())
    return path.is_file() and path.stat().st_size > 0


# --- the set of files -----------------------------------------------------------------------------


def test_export_files_save_returns_every_written_file(small_saved) -> None:
    out, written = small_saved
    assert set(written) >= REQUIRED
    for name, path in written.items():
        assert path == out / name
        assert _non_empty(path), name
        assert path.is_file() or name == "store", name
    assert _visible(out) == set(written)


def test_export_files_sample_outputs_are_complete(sample_outputs: Path, small_saved) -> None:
    _, written = small_saved
    names = _visible(sample_outputs)
    assert names == set(written)
    for name in names:
        assert _non_empty(sample_outputs / name), name


def test_export_files_no_temporary_files_left(sample_outputs: Path, small_saved) -> None:
    out, _ = small_saved
    assert _leftovers(sample_outputs) == []
    assert _leftovers(out) == []


def test_export_files_save_again_replaces_files(small_kg: KnowledgeGraph, tmp_path: Path) -> None:
    first = small_kg.save(tmp_path)
    before = {name: path.read_bytes() for name, path in first.items() if path.is_file()}
    (tmp_path / "kg.ttl").write_text("stale", encoding="utf-8")
    second = small_kg.save(tmp_path)
    assert set(second) == set(first)
    assert (tmp_path / "kg.ttl").read_bytes() == before["kg.ttl"]
    for name in ("kg.nt", "kg.nq", "nodes.csv", "edges.csv"):
        assert second[name].read_bytes() == before[name], f"{name} differs between two saves"
    assert _leftovers(tmp_path) == []


def test_export_files_are_readable_by_others(small_saved) -> None:
    _, written = small_saved
    for name, path in written.items():
        if path.is_file():
            assert path.stat().st_mode & 0o044 == 0o044, name


def test_export_files_store_folder_is_readable_by_others(small_saved) -> None:
    _, written = small_saved
    folders = [path for path in written.values() if path.is_dir()]
    assert folders
    for path in folders:
        assert path.stat().st_mode & 0o055 == 0o055, f"{path.name}: {path.stat().st_mode & 0o777:o}"


# --- atomic writes ----------------------------------------------------------------------------------


def test_export_files_failed_write_keeps_the_old_file(tmp_path: Path) -> None:
    target = tmp_path / "kg.ttl"
    target.write_text("old", encoding="utf-8")
    with pytest.raises(RuntimeError), atomic_open(target) as handle:
        handle.write("half a new fi")
        raise RuntimeError("disk full")
    assert target.read_text(encoding="utf-8") == "old"
    assert _leftovers(tmp_path) == []


def test_export_files_failed_first_write_leaves_nothing(tmp_path: Path) -> None:
    target = tmp_path / "sub" / "edges.csv"
    with pytest.raises(RuntimeError), atomic_path(target) as tmp:
        tmp.write_text("partial", encoding="utf-8")
        raise RuntimeError("interrupted")
    assert not target.exists()
    assert _leftovers(tmp_path) == []


def test_export_files_write_text_is_exact(tmp_path: Path) -> None:
    text = "line one\r\nline two\n\u2028 caf\u00e9\n"
    path = write_text(tmp_path / "a" / "b.txt", text)
    assert path.read_bytes() == text.encode("utf-8")


# --- GraphML and CSV tables ---------------------------------------------------------------------


def test_export_files_graphml_reads_back(sample_outputs: Path, G: nx.MultiDiGraph) -> None:
    back = nx.read_graphml(sample_outputs / "kg.graphml")
    assert back.is_directed() and back.is_multigraph()
    assert back.number_of_nodes() == G.number_of_nodes()
    assert back.number_of_edges() == G.number_of_edges()
    assert set(back) == set(G)
    for node in (
        "https://w3id.org/kg/id/entity/d4rl",
        "https://w3id.org/kg/id/entity/familyofflinetoonlinerl",
    ):
        assert back.nodes[node]["type"] == G.nodes[node]["type"]
        assert back.nodes[node]["label"] == G.nodes[node]["label"]
    assert Counter(d["relation"] for *_, d in back.edges(data=True)) == Counter(
        d["relation"] for *_, d in G.edges(data=True)
    )


def test_export_files_graphml_holds_every_attribute_of_the_view(
    sample_outputs: Path, G: nx.MultiDiGraph
) -> None:
    """The streamed GraphML is the NetworkX view: every node and edge attribute, as text (but weight)."""
    back = nx.read_graphml(sample_outputs / "kg.graphml")
    for node, data in G.nodes(data=True):
        assert back.nodes[node] == {name: _xml_text(value) for name, value in data.items()}, node
    for s, o, key, data in G.edges(keys=True, data=True):
        expected = {name: value if name == "weight" else _xml_text(value) for name, value in data.items()}
        assert back.edges[s, o, key] == expected, (s, o, key)


def test_export_files_nodes_csv_is_the_networkx_view(sample_outputs: Path, G: nx.MultiDiGraph) -> None:
    with (sample_outputs / "nodes.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == G.number_of_nodes()
    assert {r["id"] for r in rows} == set(G)
    for row in rows:
        node = G.nodes[row["id"]]
        assert row["type"] == node["type"]
        assert row["label"] == node["label"]
        assert int(row["degree"]) == G.degree(row["id"])
        assert row["aliases"] == " | ".join(node["aliases"])
        assert row["authors"] == " | ".join(node.get("authors", []))
        assert row["year"] == ("" if node.get("year") is None else str(node["year"]))


def test_export_files_edges_csv_is_the_networkx_view(sample_outputs: Path, G: nx.MultiDiGraph) -> None:
    with (sample_outputs / "edges.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == G.number_of_edges()
    written = Counter((r["source"], r["target"], r["relation"]) for r in rows)
    assert written == Counter(list(G.edges(keys=True)))
    assert all(int(r["weight"]) >= 1 for r in rows)


# --- the HTML explorer -------------------------------------------------------------------------------


class _Resources(HTMLParser):
    """Every URL-valued attribute of the page, and every <script src> and <link href>."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.urls: list[tuple[str, str, str]] = []
        self.scripts: list[dict] = []
        self.links: list[dict] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "script":
            self.scripts.append(values)
        if tag == "link":
            self.links.append(values)
        for name, value in attrs:
            if name in URL_ATTRIBUTES and value:
                self.urls.append((tag, name, value))

    handle_startendtag = handle_starttag


@pytest.fixture(scope="module")
def explorer(sample_outputs: Path) -> tuple[str, _Resources]:
    page = (sample_outputs / "explorer.html").read_text(encoding="utf-8")
    parser = _Resources()
    parser.feed(page)
    parser.close()
    return page, parser


def test_export_files_explorer_loads_nothing_from_the_network(explorer) -> None:
    _, found = explorer
    assert found.scripts, "the explorer has no script at all"
    assert [s for s in found.scripts if "src" in s] == []
    assert [link for link in found.links if link.get("href")] == []
    remote = [u for u in found.urls if u[2].strip().lower().startswith(("http:", "https:", "//", "ftp:"))]
    assert remote == []


def test_export_files_explorer_css_fetches_nothing(explorer) -> None:
    page, _ = explorer
    lowered = page.lower()
    for remote in ("@import 'http", '@import "http', "url(http", "url('http", 'url("http'):
        assert remote not in lowered, remote


def test_export_files_explorer_shows_the_core_view(explorer, G: nx.MultiDiGraph) -> None:
    page, _ = explorer
    start = page.index('id="kg-data"')
    body = page[page.index(">", start) + 1 : page.index("</script>", start)]
    data = json.loads(body)
    core = core_view(G)
    assert data["meta"]["nodes_total"] == core.number_of_nodes()
    assert data["meta"]["edges_total"] == core.number_of_edges()
    shown = {n["id"] for n in data["nodes"]}
    assert shown <= set(core)
    assert "https://w3id.org/kg/id/entity/familyofflinetoonlinerl" in shown
