"""Tests of the self-contained HTML explorer (kg.export.html)."""

from __future__ import annotations

import base64
import datetime
import hashlib
import itertools
import json
import logging
import os
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import networkx as nx
import pytest

from kg.errors import KgError
from kg.export.html import OTHER_STYLE, TYPE_STYLES, render_explorer, write_explorer

KG = "https://w3id.org/kg/"
P_FAMO2O = f"{KG}paper/2310.17966"
P_IQL = f"{KG}paper/2110.06169"
P_RLHF = f"{KG}paper/2307.04964"
FAMO2O = f"{KG}method/famo2o"
IQL = f"{KG}method/iql"
PPO = f"{KG}method/ppo"
D4RL = f"{KG}dataset/d4rl"
O2O = f"{KG}task/offline-to-online-reinforcement-learning"
RLHF = f"{KG}task/reinforcement-learning-from-human-feedback"
NORMALIZED_SCORE = f"{KG}metric/normalized-score"
SHIFT = f"{KG}concept/distributional-shift"

FAMO2O_TITLE = (
    "Train Once, Get a Family: State-Adaptive Balances for Offline-to-Online Reinforcement Learning"
)
FAMO2O_ABSTRACT = (
    "Offline-to-online reinforcement learning (RL) is a training paradigm that combines "
    "pre-training on a pre-collected dataset with fine-tuning in an online environment. "
    "However, the incorporation of online fine-tuning can intensify the well-known "
    "distributional shift problem. To this end, we introduce Family Offline-to-Online RL "
    "(FamO2O), a simple yet effective framework that empowers existing algorithms to "
    "determine state-adaptive improvement-constraint balances. FamO2O achieves "
    "state-of-the-art performance on the D4RL benchmark."
)


def realistic_graph() -> nx.MultiDiGraph:
    """Three real papers and the entities they name, in the shape the graph stage builds."""
    G = nx.MultiDiGraph()
    G.add_node(
        P_FAMO2O,
        type="Paper",
        label=FAMO2O_TITLE,
        title=FAMO2O_TITLE,
        abstract=FAMO2O_ABSTRACT,
        date="2023-10-26",
        n_authors=7,
        aliases=[],
    )
    G.add_node(
        P_IQL,
        type="Paper",
        label="Offline Reinforcement Learning with Implicit Q-Learning",
        title="Offline Reinforcement Learning with Implicit Q-Learning",
        abstract=(
            "Offline reinforcement learning requires reconciling two conflicting aims: "
            "learning a policy that improves over the behavior policy that collected the "
            "dataset, while at the same time minimizing the deviation from the behavior "
            "policy so as to avoid errors due to distributional shift."
        ),
        date="2021-10-12",
        n_authors=3,
    )
    G.add_node(
        P_RLHF,
        type="Paper",
        label="Secrets of RLHF in Large Language Models Part I: PPO",
        title="Secrets of RLHF in Large Language Models Part I: PPO",
        abstract=(
            "Reinforcement learning with human feedback (RLHF) is the key technique for "
            "aligning large language models; we dissect the framework of RLHF and "
            "re-evaluate the inner workings of PPO."
        ),
        date=None,
        n_authors=None,
    )
    G.add_node(FAMO2O, type="Method", label="FamO2O", aliases=["Family Offline-to-Online RL"])
    G.add_node(IQL, type="Method", label="IQL", aliases=["Implicit Q-Learning"])
    G.add_node(PPO, type="Method", label="PPO", aliases=["Proximal Policy Optimization"])
    G.add_node(D4RL, type="Dataset", label="D4RL", aliases=[])
    G.add_node(O2O, type="Task", label="offline-to-online reinforcement learning")
    G.add_node(RLHF, type="Task", label="reinforcement learning from human feedback")
    G.add_node(NORMALIZED_SCORE, type="Metric", label="normalized score", aliases=[])
    G.add_node(SHIFT, type="Concept", label="distributional shift", aliases=[])

    def ev(*sentences: str) -> list[str]:
        return list(sentences)

    G.add_edge(
        P_FAMO2O,
        FAMO2O,
        relation="proposes",
        weight=1,
        evidence=ev("To this end, we introduce Family Offline-to-Online RL (FamO2O)."),
    )
    G.add_edge(
        P_FAMO2O,
        D4RL,
        relation="evaluatedOn",
        weight=1,
        evidence=ev("FamO2O achieves state-of-the-art performance on the D4RL benchmark."),
    )
    G.add_edge(P_FAMO2O, IQL, relation="uses", weight=1, evidence=[])
    G.add_edge(P_FAMO2O, O2O, relation="addresses", weight=1)
    G.add_edge(P_FAMO2O, SHIFT, relation="mentions", weight=1)
    G.add_edge(P_IQL, IQL, relation="proposes", weight=1, evidence=ev("We call it IQL."))
    G.add_edge(P_IQL, D4RL, relation="evaluatedOn", weight=1)
    G.add_edge(P_IQL, SHIFT, relation="mentions", weight=1)
    G.add_edge(P_IQL, NORMALIZED_SCORE, relation="mentions", weight=1)
    G.add_edge(P_RLHF, PPO, relation="uses", weight=1, evidence=ev("We dissect PPO."))
    G.add_edge(P_RLHF, RLHF, relation="addresses", weight=1)
    G.add_edge(FAMO2O, IQL, relation="extends", weight=1, evidence=ev("FamO2O builds on IQL."))
    G.add_edge(IQL, O2O, relation="appliedTo", weight=3, evidence=["a", "b", "c"])
    G.add_edge(IQL, SHIFT, relation="mitigates", weight=8)
    return G


# -- reading the written page ------------------------------------------------------------


class Page(HTMLParser):
    """The parts of a page the tests look at: tags with attributes, scripts, styles."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.scripts: list[tuple[dict[str, str | None], str]] = []
        self.styles: list[str] = []
        self.text: dict[str, str] = {}  # element id -> its text
        self._raw: tuple[str, dict[str, str | None]] | None = None
        self._ids: list[tuple[str, str]] = []  # open elements with an id: (tag, id)
        self._buffer: list[str] = []
        self.feed(html)
        self.close()

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        self.tags.append((tag, attributes))
        if tag in ("script", "style"):
            self._raw = (tag, attributes)
            self._buffer = []
        if attributes.get("id") and tag not in ("script", "style", "input", "meta"):
            self._ids.append((tag, attributes["id"]))
            self.text[attributes["id"]] = ""

    def handle_data(self, data):
        if self._raw is not None:
            self._buffer.append(data)
        for _tag, element_id in self._ids:
            self.text[element_id] += data

    def handle_endtag(self, tag):
        if self._raw is not None and tag == self._raw[0]:
            content = "".join(self._buffer)
            if tag == "script":
                self.scripts.append((self._raw[1], content))
            else:
                self.styles.append(content)
            self._raw = None
        if self._ids and self._ids[-1][0] == tag:
            self._ids.pop()

    def data(self) -> dict:
        (content,) = [text for attrs, text in self.scripts if attrs.get("id") == "kg-data"]
        return json.loads(content)

    def executable_scripts(self) -> list[str]:
        return [text for attrs, text in self.scripts if attrs.get("type") in (None, "")]


def write_page(G: nx.Graph, tmp_path: Path, **kwargs) -> tuple[str, Page]:
    out = write_explorer(G, tmp_path / "explorer.html", **kwargs)
    html = out.read_text(encoding="utf-8")
    return html, Page(html)


@pytest.fixture(scope="module")
def realistic(tmp_path_factory) -> tuple[nx.MultiDiGraph, str, Page]:
    G = realistic_graph()
    html, page = write_page(G, tmp_path_factory.mktemp("html"), title="RL papers")
    return G, html, page


def by_id(items: list[dict]) -> dict[str, dict]:
    return {item["id"]: item for item in items}


# -- self-contained ----------------------------------------------------------------------


def test_html_has_no_external_resources(realistic):
    _G, _html, page = realistic
    url = re.compile(r"^\s*([a-z][a-z0-9+.-]*:|//)", re.IGNORECASE)
    for tag, attrs in page.tags:
        assert not (tag == "script" and "src" in attrs), attrs
        if tag == "link":
            assert not url.match(attrs.get("href") or ""), attrs
        for name in ("src", "href", "srcset", "poster", "data", "action"):
            value = attrs.get(name) or ""
            assert not url.match(value) or value.startswith("data:"), (tag, attrs)
    assert page.styles
    for css in page.styles:
        assert not re.search(r"@import", css, re.IGNORECASE)
        assert not re.search(r"url\(\s*['\"]?\s*(https?:|//)", css, re.IGNORECASE)


def test_html_inlines_vis_network(realistic):
    _G, _html, page = realistic
    scripts = page.executable_scripts()
    assert any("@version 9.1.2" in s and "vis-network" in s and len(s) > 400_000 for s in scripts)
    assert any(".vis-network" in css or "vis-tooltip" in css for css in page.styles)


def test_html_csp_allows_only_the_inline_scripts(realistic):
    _G, _html, page = realistic
    (policy,) = [
        attrs["content"]
        for tag, attrs in page.tags
        if tag == "meta" and (attrs.get("http-equiv") or "").lower() == "content-security-policy"
    ]
    directives = dict(d.strip().split(" ", 1) for d in policy.split(";") if d.strip())
    assert directives["default-src"] == "'none'"
    allowed = set(directives["script-src"].split())
    for script in page.executable_scripts():
        digest = base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode()
        assert f"'sha256-{digest}'" in allowed
    assert "'unsafe-inline'" not in allowed and "'unsafe-eval'" not in allowed


def test_html_page_script_never_parses_data_as_html(realistic):
    _G, _html, page = realistic
    app = page.executable_scripts()[-1]
    assert "kg-data" in app and "JSON.parse" in app
    for sink in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval("):
        assert sink not in app
    assert "stabilizationIterationsDone" in app and "setOptions({ physics: { enabled: false } })" in app


# -- data --------------------------------------------------------------------------------


@pytest.mark.parametrize("graph_class", [nx.MultiDiGraph, nx.DiGraph])
def test_html_data_counts_match_graph(graph_class, tmp_path):
    G = graph_class(realistic_graph())
    _html, page = write_page(G, tmp_path)
    data = page.data()
    assert len(data["nodes"]) == G.number_of_nodes()
    assert len(data["edges"]) == G.number_of_edges()
    assert {n["id"] for n in data["nodes"]} == set(G.nodes)
    assert sorted((e["from"], e["to"]) for e in data["edges"]) == sorted(G.edges())
    assert data["meta"] == {
        "title": "kg explorer",
        "nodes_shown": G.number_of_nodes(),
        "nodes_total": G.number_of_nodes(),
        "edges_shown": G.number_of_edges(),
        "edges_total": G.number_of_edges(),
        "truncated": False,
        "focus": None,
        "served": False,
    }
    assert f"{G.number_of_nodes()} nodes" in page.text["kg-stats"]
    assert "kg-partial" not in page.text


def test_html_nodes_coloured_and_shaped_by_type(realistic):
    G, _html, page = realistic
    data = page.data()
    nodes, groups = by_id(data["nodes"]), data["options"]["groups"]
    for node_id, attrs in G.nodes(data=True):
        style = TYPE_STYLES[attrs["type"]]
        assert nodes[node_id]["group"] == attrs["type"] == nodes[node_id]["kg"]["type"]
        assert groups[attrs["type"]]["color"]["background"] == style["color"]
        assert groups[attrs["type"]]["shape"] == style["shape"]
    colours = [s["color"] for s in TYPE_STYLES.values()]
    assert len(set(colours)) == len(colours)
    assert groups["Paper"]["shape"] != groups["Method"]["shape"]


def test_html_legend_lists_every_type(realistic):
    _G, _html, page = realistic
    legend = page.text["kg-types"]
    for name in TYPE_STYLES:
        assert name in legend
    assert [item["type"] for item in page.data()["legend"]] == list(TYPE_STYLES)


def test_html_sizes_increase_with_degree(realistic):
    G, _html, page = realistic
    nodes = by_id(page.data()["nodes"])
    pairs = [(G.degree(n), nodes[n]["size"]) for n in G.nodes]
    for degree_a, size_a in pairs:
        for degree_b, size_b in pairs:
            if degree_a < degree_b:
                assert size_a < size_b
            elif degree_a == degree_b:
                assert size_a == size_b
    sizes = [size for _, size in pairs]
    assert min(sizes) >= 5 and max(sizes) <= 60


def test_html_edges_width_by_weight_and_relation_tooltip(realistic):
    G, _html, page = realistic
    edges = page.data()["edges"]
    for edge, (u, v, attrs) in zip(edges, G.edges(data=True), strict=True):
        assert (edge["from"], edge["to"]) == (u, v)
        assert edge["kg"]["relation"] == attrs["relation"]
        assert edge["kg"]["weight"] == attrs["weight"]
        assert edge["kg"]["evidence"] == attrs.get("evidence", [])
    widths = sorted((e["kg"]["weight"], e["width"]) for e in edges)
    assert all(w1 <= w2 for (_, w1), (_, w2) in itertools.pairwise(widths))
    assert widths[0][1] < widths[-1][1]


def test_html_node_details_carry_paper_fields(realistic):
    _G, _html, page = realistic
    nodes = by_id(page.data()["nodes"])
    paper = nodes[P_FAMO2O]["kg"]
    assert paper["title"] == FAMO2O_TITLE
    assert paper["abstract"] == FAMO2O_ABSTRACT
    assert (paper["date"], paper["n_authors"]) == ("2023-10-26", 7)
    assert (nodes[P_RLHF]["kg"]["date"], nodes[P_RLHF]["kg"]["n_authors"]) == (None, None)
    assert nodes[FAMO2O]["kg"]["aliases"] == ["Family Offline-to-Online RL"]
    assert nodes[O2O]["kg"]["aliases"] == []  # missing attribute


def test_html_physics_is_bounded(realistic):
    _G, _html, page = realistic
    physics = page.data()["options"]["physics"]
    assert physics["solver"] in ("forceAtlas2Based", "barnesHut")
    assert physics["stabilization"]["enabled"] is True
    assert 0 < physics["stabilization"]["iterations"] <= 1000


def test_html_parallel_edges_are_kept_and_bent_apart(tmp_path):
    G = nx.MultiDiGraph()
    G.add_node(P_FAMO2O, type="Paper", label="FamO2O paper")
    G.add_node(FAMO2O, type="Method", label="FamO2O")
    G.add_edge(P_FAMO2O, FAMO2O, relation="proposes", weight=1)
    G.add_edge(P_FAMO2O, FAMO2O, relation="mentions", weight=1)
    G.add_edge(FAMO2O, P_FAMO2O, relation="describedIn", weight=1)
    _html, page = write_page(G, tmp_path)
    edges = page.data()["edges"]
    assert [e["kg"]["relation"] for e in edges] == ["proposes", "mentions", "describedIn"]
    assert len({e["id"] for e in edges}) == 3
    assert "smooth" not in edges[0]

    def bend(edge: dict) -> tuple[int, float]:
        """Side and roundness of the curve, seen along one fixed direction of the pair."""
        side = 1 if edge["smooth"]["type"] == "curvedCW" else -1
        if (edge["from"], edge["to"]) != tuple(sorted((edge["from"], edge["to"]))):
            side = -side
        return side, edge["smooth"]["roundness"]

    # the 3rd edge runs the other way; it still gets a curve of its own
    assert bend(edges[1]) != bend(edges[2])
    assert all(roundness > 0 for _, roundness in map(bend, edges[1:]))


def test_html_tolerates_missing_and_unknown_attributes(tmp_path):
    G = nx.MultiDiGraph()
    G.add_node(f"{KG}entity/mystery")  # no attributes at all
    G.add_node(PPO, type="Algorithm", label="PPO", aliases="Proximal Policy Optimization")
    G.add_edge(f"{KG}entity/mystery", PPO)  # no relation, weight or evidence
    # what rdflib's Literal.toPython() gives for an xsd:date
    G.add_node(P_IQL, type="Paper", title="IQL", date=datetime.date(2021, 10, 12), n_authors=3)
    _html, page = write_page(G, tmp_path)
    data = page.data()
    nodes = by_id(data["nodes"])
    assert nodes[f"{KG}entity/mystery"]["label"] == "mystery"
    assert nodes[PPO]["group"] == "Other"
    assert data["options"]["groups"]["Other"]["color"]["background"] == OTHER_STYLE["color"]
    assert nodes[PPO]["kg"]["aliases"] == ["Proximal Policy Optimization"]
    assert data["edges"][0]["kg"] == {
        "relation": "related",
        "weight": 1,
        "evidence": [],
        "start": None,
        "end": None,
    }
    assert data["legend"][-1]["type"] == "Other"
    assert (nodes[P_IQL]["label"], nodes[P_IQL]["kg"]["date"]) == ("IQL", "2021-10-12")


def test_html_empty_graph(tmp_path):
    _html, page = write_page(nx.MultiDiGraph(), tmp_path)
    data = page.data()
    assert data["nodes"] == [] and data["edges"] == []
    assert "0 nodes" in page.text["kg-stats"]


# -- hostile text ------------------------------------------------------------------------

IMG = "<img src=x onerror=alert(1)>"
SCRIPT_TITLE = "Attention </script><script>alert(1)</script> Is All You Need"
HOSTILE_ABSTRACT = (
    "Quotes \" and ' and `back`, an &amp; entity, <!-- a comment, </SCRIPT >, "
    "line\u2028separator, paragraph\u2029separator, ünïcödé, 数学, emoji 🧪, NUL-free."
)


def hostile_graph() -> nx.MultiDiGraph:
    G = nx.MultiDiGraph()
    paper = f'{KG}paper/"><script>alert(1)</script>'
    entity = f"{KG}method/{IMG}"
    G.add_node(
        paper,
        type="Paper",
        label=SCRIPT_TITLE,
        title=SCRIPT_TITLE,
        abstract=HOSTILE_ABSTRACT,
        date="2017-06-12",
        n_authors=8,
    )
    G.add_node(entity, type="Method", label=IMG, aliases=["\"'><svg onload=alert(1)>", "\ud800"])
    G.add_edge(
        paper,
        entity,
        relation="<b>uses</b>",
        weight=1,
        evidence=["We use " + IMG + " </script><script>alert(1)</script>\u2028."],
    )
    return G


def test_html_hostile_text_is_escaped(tmp_path):
    G = hostile_graph()
    html, page = write_page(G, tmp_path, title="</title><script>alert(1)</script>")
    lowered = html.lower()
    assert "</script><script>alert(1)" not in lowered
    assert "<img src=x" not in lowered
    assert "<svg" not in lowered
    assert "<!--" not in html
    assert "\u2028" not in html and "\u2029" not in html
    # the only executable scripts are vis-network and the page's own
    assert len(page.executable_scripts()) == 2
    assert [t for t, _ in page.tags].count("script") == 3
    # every occurrence of the payload is inside the JSON data
    (data_text,) = [text for attrs, text in page.scripts if attrs.get("id") == "kg-data"]
    outside = html.replace(data_text, "")
    assert "onerror=alert" not in outside
    # ... except the page title, which appears escaped in <title> and <h1>
    assert outside.count("alert(1)") == outside.count("&lt;script&gt;alert(1)&lt;/script&gt;") == 2
    assert page.text["kg-title"] == "</title><script>alert(1)</script>"


def test_html_hostile_text_round_trips_exactly(tmp_path):
    G = hostile_graph()
    _html, page = write_page(G, tmp_path)
    data = page.data()
    nodes = by_id(data["nodes"])
    assert set(nodes) == set(G.nodes)
    for node_id, attrs in G.nodes(data=True):
        info = nodes[node_id]["kg"]
        assert info["label"] == attrs["label"]
        assert info["aliases"] == list(attrs.get("aliases", []))
        if attrs["type"] == "Paper":
            assert info["title"] == attrs["title"]
            assert info["abstract"] == attrs["abstract"]
    ((u, v, attrs),) = G.edges(data=True)
    (edge,) = data["edges"]
    assert (edge["from"], edge["to"]) == (u, v)
    assert edge["kg"]["relation"] == attrs["relation"]
    assert data["relations"] == [{"relation": "<b>uses</b>", "label": "<b>uses</b>", "count": 1}]
    assert edge["kg"]["evidence"] == attrs["evidence"]


# -- large graphs ------------------------------------------------------------------------


def truncation_graph() -> nx.MultiDiGraph:
    """P1 links 5 entities, P2 links E1 and E2, E1 relates to E2: 7 nodes."""
    G = nx.MultiDiGraph()
    for paper in ("P1", "P2"):
        G.add_node(f"{KG}paper/{paper}", type="Paper", label=paper, title=paper)
    for i in range(1, 6):
        G.add_node(f"{KG}method/E{i}", type="Method", label=f"E{i}")
        G.add_edge(f"{KG}paper/P1", f"{KG}method/E{i}", relation="uses", weight=1)
    G.add_edge(f"{KG}paper/P2", f"{KG}method/E1", relation="uses", weight=1)
    G.add_edge(f"{KG}paper/P2", f"{KG}method/E2", relation="proposes", weight=1)
    G.add_edge(f"{KG}method/E1", f"{KG}method/E2", relation="extends", weight=2)
    return G


def test_html_max_nodes_keeps_highest_degree(tmp_path, caplog):
    G = truncation_graph()
    with caplog.at_level(logging.WARNING, logger="kg.export.html"):
        _html, page = write_page(G, tmp_path, max_nodes=4)
    data = page.data()
    kept = {n["id"] for n in data["nodes"]}
    assert kept == {f"{KG}paper/P1", f"{KG}method/E1", f"{KG}method/E2", f"{KG}paper/P2"}
    assert all(e["from"] in kept and e["to"] in kept for e in data["edges"])
    assert len(data["edges"]) == G.subgraph(kept).number_of_edges() == 5
    assert data["meta"]["truncated"] is True
    assert (data["meta"]["nodes_shown"], data["meta"]["nodes_total"]) == (4, 7)
    assert "showing 4 of 7 nodes" in page.text["kg-stats"]
    assert "Partial view" in page.text["kg-stats"]
    assert any(r.levelno == logging.WARNING and "7 nodes" in r.getMessage() for r in caplog.records)


def test_html_max_nodes_at_graph_size_shows_everything(tmp_path, caplog):
    G = truncation_graph()
    with caplog.at_level(logging.WARNING, logger="kg.export.html"):
        html, page = write_page(G, tmp_path, max_nodes=G.number_of_nodes())
    assert len(page.data()["nodes"]) == 7
    assert "Partial view" not in html
    assert not caplog.records


@pytest.mark.parametrize("bad", [0, -3, 2.5, True, "10"])
def test_html_rejects_bad_max_nodes(bad, tmp_path):
    with pytest.raises(KgError, match="max_nodes"):
        write_explorer(truncation_graph(), tmp_path / "x.html", max_nodes=bad)
    assert not (tmp_path / "x.html").exists()


# -- output ------------------------------------------------------------------------------


def test_html_write_replaces_existing_file_atomically(tmp_path):
    target = tmp_path / "out" / "explorer.html"
    target.parent.mkdir()
    target.write_text("old page", encoding="utf-8")
    result = write_explorer(realistic_graph(), str(target))
    assert result == target
    assert target.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert os.listdir(target.parent) == ["explorer.html"]


def test_html_write_creates_parent_directories(tmp_path):
    target = tmp_path / "a" / "b" / "kg.html"
    write_explorer(realistic_graph(), target)
    assert target.is_file()
    assert os.listdir(target.parent) == ["kg.html"]


def test_html_render_is_deterministic():
    G = realistic_graph()
    assert render_explorer(G) == render_explorer(G)


# -- kg explore ---------------------------------------------------------------------------


def explore(*args: str | Path, cwd: Path) -> subprocess.CompletedProcess:
    command = [sys.executable, "-m", "kg.cli", "explore", *map(str, args)]
    return subprocess.run(command, capture_output=True, text=True, timeout=300, cwd=cwd)


def test_html_explore_unknown_focus_is_one_line_error(sample_outputs, tmp_path):
    done = explore("--graph", sample_outputs, "--focus", "no such method", "-o", "x.html", cwd=tmp_path)
    assert done.returncode == 2
    assert done.stderr.splitlines() == [
        "kg: error: no node is called 'no such method'; search for it with kg query"
    ]
    assert not (tmp_path / "x.html").exists()


def test_html_explore_max_nodes_warns_and_keeps_best_connected(sample_outputs, tmp_path):
    done = explore("--graph", sample_outputs, "--max-nodes", "50", "-o", "top.html", cwd=tmp_path)
    assert done.returncode == 0, done.stderr[-500:]
    warning, wrote = done.stderr.splitlines()
    assert warning.startswith("kg: warning: the graph has ") and "shows the 50 of highest degree" in warning
    assert wrote.startswith("kg: wrote top.html")
    page = Page((tmp_path / "top.html").read_text(encoding="utf-8"))
    data = page.data()
    assert len(data["nodes"]) == 50 and data["meta"]["truncated"] is True
    degrees = sorted((n["kg"]["degree"] for n in data["nodes"]), reverse=True)
    assert degrees[0] > degrees[-1]
    assert "Partial view" in page.text["kg-stats"]
