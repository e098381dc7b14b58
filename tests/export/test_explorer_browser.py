"""The HTML explorer in a real browser: Playwright driving Debian's Chromium on the sample graph.

`make test` installs the ``chromium`` Debian package when /usr/bin/chromium is missing; the
tests skip (saying why) only where that browser truly is absent. Nothing is downloaded.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import networkx as nx
import pytest
from playwright.sync_api import BrowserContext, Page, sync_playwright

from kg import KnowledgeGraph
from kg.export.html import OVERVIEW_PER_TYPE, ego_graph, overview_of, write_explorer
from kg.graph.nx import core_view, find_nodes
from tests.helpers import ROOT

CHROMIUM = Path("/usr/bin/chromium")
#: Headless, offline and quiet: no GPU, no QUIC, no first-run, sync or component updates.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOT = ROOT / "outputs" / "explorer.png"
FAMO2O_TITLE = "Train Once, Get a Family"
SAFE_RL_TITLE = "Safe Reinforcement Learning with Minimal"
TOPONAV_TITLE = "TopoNav: Topological Navigation"
IMG_TITLE = "<img src=x onerror=alert(1)>"
SCRIPT_TITLE = "Safe RL </script><script>alert(1)</script> with Minimal Supervision"

pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists(),
    reason=f"no {CHROMIUM}: install Debian's chromium package (`make test` does) to run the browser tests",
)


@dataclass
class Explorer:
    """An explorer page open in Chromium, with what it logged, requested and tried to pop up."""

    page: Page
    errors: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)

    def js(self, expression: str, arg=None):
        return self.page.evaluate(expression, arg)

    def drawn_nodes(self) -> set[str]:
        """Ids of the nodes vis-network draws now (after filters and ego network)."""
        return set(self.js("kgExplorer.network.body.nodeIndices"))

    def drawn_edges(self) -> set[str]:
        return set(self.js("kgExplorer.network.body.edgeIndices"))

    def search(self, text: str) -> list[str]:
        """Type ``text`` in the search box; the node ids of the suggestions, in order."""
        box = self.page.locator("#kg-search-input")
        box.fill("")
        box.type(text)
        self.page.wait_for_selector("#kg-suggestions li")
        return self.page.locator("#kg-suggestions li").evaluate_all("lis => lis.map(li => li.dataset.node)")

    def clickable_point(self, node: str) -> dict | None:
        """The page point nearest ``node``'s centre where a click selects it, or None.

        Read in one go once a frame of the current view is drawn: vis-network's own position and
        bounding box of the node, mapped through the view, and its own hit test (which picks the
        node drawn on top) on a 2-pixel grid over that box, since a neighbour may cover the centre;
        the point is 3 pixels clear of any other node.
        """
        return self.js(
            """async (id) => {
                const net = kgExplorer.network;
                await new Promise((resolve) => { net.once("afterDrawing", resolve); net.redraw(); });
                const centre = net.canvasToDOM(net.getPosition(id));
                const b = net.getBoundingBox(id);
                const from = net.canvasToDOM({ x: b.left, y: b.top });
                const to = net.canvasToDOM({ x: b.right, y: b.bottom });
                const margin = [[0, 0], [3, 0], [-3, 0], [0, 3], [0, -3]]; // not on the edge of a neighbour
                let best = null;
                for (let x = Math.ceil(from.x); x <= to.x; x += 2) {
                    for (let y = Math.ceil(from.y); y <= to.y; y += 2) {
                        const d = Math.hypot(x - centre.x, y - centre.y);
                        if (best !== null && d >= best.d) continue;
                        if (margin.every(([dx, dy]) => net.getNodeAt({ x: x + dx, y: y + dy }) === id)) {
                            best = { x: x, y: y, d: d };
                        }
                    }
                }
                const box = document.querySelector("#kg-network canvas").getBoundingClientRect();
                return best && { x: box.left + best.x, y: box.top + best.y };
            }""",
            node,
        )

    def wait_for_layout(self) -> None:
        """Wait until the ego network is laid out and physics is off again (a locator, not
        wait_for_function: the page's Content-Security-Policy forbids eval)."""
        self.page.locator("#kg-status", has_text="physics off").wait_for()


def chromium(tmp_path_factory) -> Iterator[BrowserContext]:
    """Debian's Chromium with a fresh profile (for a module-scoped fixture)."""
    with sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            tmp_path_factory.mktemp("chromium-profile"),
            executable_path=CHROMIUM,
            args=CHROMIUM_ARGS,
            headless=True,
            viewport={"width": 1400, "height": 900},
        )
        yield context
        context.close()


@pytest.fixture(scope="module")
def browser(tmp_path_factory) -> Iterator[BrowserContext]:
    yield from chromium(tmp_path_factory)


def open_explorer(browser: BrowserContext, path: Path) -> Explorer:
    page = browser.new_page()
    explorer = Explorer(page)
    page.on("console", lambda m: m.type == "error" and explorer.errors.append(m.text))
    page.on("pageerror", lambda e: explorer.errors.append(str(e)))
    page.on("request", lambda r: explorer.requests.append(r.url))
    page.on("dialog", lambda d: (explorer.dialogs.append(d.message), d.dismiss()))
    page.goto(path.resolve().as_uri())
    page.wait_for_selector("body[data-kg-ready=true]", timeout=60_000)
    return explorer


@pytest.fixture(scope="module")
def core(sample_kg) -> nx.MultiDiGraph:
    """The graph the sample explorer draws."""
    return core_view(sample_kg.to_networkx())


@pytest.fixture
def explorer(browser, sample_outputs):
    """The explorer `kg build` wrote for the sample corpus, freshly opened."""
    opened = open_explorer(browser, sample_outputs / "explorer.html")
    yield opened
    opened.page.close()


@pytest.fixture
def whole(explorer):
    """The sample explorer switched from the overview it opens on to the whole graph."""
    explorer.page.locator("#kg-show-all").click()
    return explorer


def papers(G: nx.MultiDiGraph) -> set[str]:
    return {n for n, t in G.nodes(data="type") if t == "Paper"}


def test_explorer_browser_loads_offline_without_errors(explorer):
    assert explorer.errors == []
    assert explorer.requests and all(url.startswith("file://") for url in explorer.requests), (
        explorer.requests
    )
    assert explorer.dialogs == []
    assert explorer.js("kgExplorer.timings.ready") > 0


def test_explorer_browser_draws_every_node_and_edge(whole, core):
    assert whole.js("kgExplorer.nodes.length") == core.number_of_nodes()
    assert whole.js("kgExplorer.edges.length") == core.number_of_edges()
    assert whole.drawn_nodes() == set(core)
    assert len(whole.drawn_edges()) == core.number_of_edges()
    assert whole.page.locator("#kg-counts").text_content() == (
        f"{core.number_of_nodes():,} nodes · {core.number_of_edges():,} edges"
    )
    # physics never runs on the full view: the page opens with the layout done
    assert whole.js("kgExplorer.network.physics.options.enabled") is False


def test_explorer_browser_search_d4rl_lists_papers_evaluated_on_it(explorer, core):
    (d4rl,) = find_nodes(core, "D4RL")
    assert explorer.search("D4RL")[0] == d4rl
    explorer.page.keyboard.press("Enter")
    assert explorer.js("kgExplorer.network.getSelectedNodes()") == [d4rl]
    details = explorer.page.locator("#kg-details")
    assert details.locator("h2").text_content() == "D4RL"
    expected = {
        core.nodes[paper]["title"]: data["evidence"]
        for paper, _, data in core.in_edges(d4rl, data=True)
        if data["relation"] == "evaluatedOn"
    }
    assert len(expected) >= 3
    items = details.locator("ul[data-relation=evaluatedOn] > li")
    shown = {
        item.locator(".kg-link").text_content(): item.locator(".kg-evidence li").all_text_contents()
        for item in items.all()
    }
    assert shown == expected
    assert details.locator("ul[data-relation=evaluatedOn] mark").first.text_content() == "D4RL"


@pytest.mark.parametrize("query", ["RLHF", "reinforcement learning from human feedback"])
def test_explorer_browser_search_finds_labels_and_aliases(explorer, core, query):
    (node,) = [
        n
        for n in find_nodes(core, "reinforcement learning from human feedback")
        if core.nodes[n]["label"] == "RLHF"
    ]
    assert explorer.search(query)[0] == node
    explorer.page.locator("#kg-suggestions li").first.dispatch_event("pointerdown")
    assert explorer.js("kgExplorer.network.getSelectedNodes()") == [node]
    assert explorer.page.locator("#kg-details h2").text_content() == "RLHF"
    assert "Reinforcement Learning from Human Feedback" in explorer.page.locator("#kg-details").text_content()


def test_explorer_browser_search_matches_word_starts_not_inside_words(explorer, core):
    names = {n: [d.get("label"), d.get("title"), *d.get("aliases", [])] for n, d in core.nodes(data=True)}
    assert any(
        "support" in (name or "").lower() for ns in names.values() for name in ns
    )  # "ppo" inside a word
    suggested = explorer.search("PPO")
    assert suggested[0] in find_nodes(core, "PPO")
    for node in suggested:
        assert any(re.search(r"(^|[^a-z0-9])ppo", (name or "").lower()) for name in names[node]), names[node]


def test_explorer_browser_search_ranks_whole_words_then_word_starts(browser, tmp_path):
    G = nx.MultiDiGraph()
    G.add_node("ppo", type="Method", label="Proximal Policy Optimization", aliases=["PPO"])
    G.add_node("robust", type="Method", label="Robust PPO", aliases=[])
    G.add_node("coder", type="Method", label="PPOCoder", aliases=[])
    G.add_node(
        "svm", type="Paper", label="Support vector machines", title="Support vector machines", aliases=[]
    )
    for paper in range(4):  # the prefix match is the best connected: rank still puts whole words first
        G.add_node(f"p{paper}", type="Paper", label=f"Paper {paper}", title=f"Paper {paper}", aliases=[])
        G.add_edge(f"p{paper}", "coder", key="uses", relation="uses", weight=1)
    G.add_edge("svm", "ppo", key="uses", relation="uses", weight=1)
    explorer = open_explorer(browser, write_explorer(G, tmp_path / "explorer.html"))
    assert explorer.search("ppo") == ["ppo", "robust", "coder"]  # not "Support vector machines"
    explorer.page.close()


def test_explorer_browser_opens_on_an_overview_grouped_by_community(explorer, core):
    overview = overview_of(core, {str(n) for n in core})
    members = {spot["id"] for spot in overview["nodes"]}
    assert explorer.js("kgExplorer.inOverview()") is True
    assert explorer.drawn_nodes() == members
    kinds = Counter(core.nodes[n]["type"] for n in members)
    assert set(kinds) == {t for _, t in core.nodes(data="type")} - {"Paper"}
    assert max(kinds.values()) <= OVERVIEW_PER_TYPE
    labels = explorer.js(
        "(ids) => kgExplorer.nodes.get(ids).map((n) => n.label)", [s["id"] for s in overview["nodes"]]
    )
    assert [label.rsplit(" · ", 1)[1] for label in labels] == [str(s["papers"]) for s in overview["nodes"]]
    assert explorer.js("kgExplorer.unlabelled()") == []  # every label of the overview is drawn
    groups = explorer.page.locator("#kg-details ul.kg-overview-group")
    assert groups.count() == len(overview["groups"]) >= 2
    assert explorer.page.locator("#kg-details h2").text_content() == "Overview"
    assert explorer.page.locator("#kg-show-all").is_visible()
    assert not explorer.page.locator("#kg-overview").is_visible()


def test_explorer_browser_overview_click_drills_into_an_ego_network(explorer, core):
    (rl,) = [n for n in find_nodes(core, "RL") if core.nodes[n]["type"] != "Paper"]
    at = explorer.clickable_point(rl)
    explorer.page.mouse.click(at["x"], at["y"])
    explorer.wait_for_layout()
    assert explorer.js("kgExplorer.inOverview()") is False
    assert explorer.drawn_nodes() == {str(n) for n in ego_graph(core, rl, 1)}
    explorer.page.locator("#kg-overview").click()
    assert explorer.js("kgExplorer.inOverview()") is True
    assert len(explorer.drawn_nodes()) == len(overview_of(core, {str(n) for n in core})["nodes"])
    assert explorer.errors == []


def test_explorer_browser_search_leaves_the_overview_for_other_nodes(explorer, core):
    title = "Train Once, Get a Family: State-Adaptive Balances for Offline-to-Online Reinforcement Learning"
    (paper,) = find_nodes(core, title)
    explorer.js("(id) => kgExplorer.select(id)", paper)
    assert explorer.js("kgExplorer.inOverview()") is False
    assert paper in explorer.drawn_nodes()
    assert "left the overview" in explorer.page.locator("#kg-status").text_content()


def test_explorer_browser_labels_never_hide_the_selection_and_its_neighbours(whole, core):
    (d4rl,) = find_nodes(core, "D4RL")
    whole.js("kgExplorer.network.fit({ animation: false })")
    whole.page.wait_for_function("kgExplorer.unlabelled().length > 0")  # the whole graph is too dense for all
    whole.js("(id) => kgExplorer.select(id)", d4rl)
    whole.js("kgExplorer.network.moveTo({ scale: 0.6, animation: false })")
    whole.page.wait_for_timeout(300)
    hidden = set(whole.js("kgExplorer.unlabelled()"))
    assert hidden
    assert not hidden & ({d4rl} | set(nx.all_neighbors(core, d4rl)))


def test_explorer_browser_type_filter_hides_and_restores_papers(whole, core):
    paper_box = whole.page.locator("#kg-types input[value=Paper]")
    paper_box.uncheck()
    drawn = whole.drawn_nodes()
    assert drawn == set(core) - papers(core)
    assert len(whole.drawn_edges()) == core.subgraph(drawn).number_of_edges()
    paper_box.check()
    assert whole.drawn_nodes() == set(core)
    assert len(whole.drawn_edges()) == core.number_of_edges()


def test_explorer_browser_relation_and_degree_filters(whole, core):
    whole.page.locator("#kg-relations input[value=mentions]").uncheck()
    kept = [(u, v) for u, v, r in core.edges(data="relation") if r != "mentions"]
    assert len(whole.drawn_edges()) == len(kept)
    assert whole.drawn_nodes() == set(core)  # edges go, nodes stay
    slider = whole.page.locator("#kg-min-degree")
    slider.fill("3")
    threshold = int(whole.page.locator("#kg-min-degree-value").text_content().lstrip("≥ "))
    assert threshold >= 2
    assert whole.drawn_nodes() == {n for n in core if core.degree(n) >= threshold}


def test_explorer_browser_paper_panel_highlights_mentions(explorer, core):
    (paper,) = [n for n in papers(core) if core.nodes[n]["title"].startswith(TOPONAV_TITLE)]
    attrs = core.nodes[paper]
    explorer.js("(id) => kgExplorer.select(id)", paper)
    details = explorer.page.locator("#kg-details")
    assert details.locator("h2").text_content() == attrs["title"]
    facts = details.locator(".kg-facts").text_content()
    assert f"Date: {attrs['date']}" in facts and f"Authors: {attrs['n_authors']}" in facts
    assert details.locator(".kg-abstract").text_content() == attrs["abstract"]
    text = attrs["title"] + "\n\n" + attrs["abstract"]
    (proposed,) = [(v, d) for _, v, d in core.out_edges(paper, data=True) if d["relation"] == "proposes"]
    mark = details.locator("mark.kg-mention[data-relation=proposes]").first
    assert mark.text_content() == text[proposed[1]["start"] : proposed[1]["end"]]
    assert details.locator("ul[data-relation=proposes] .kg-link").all_text_contents() == [
        core.nodes[proposed[0]]["label"]
    ]
    mark.click()  # a mention leads to its entity
    assert explorer.js("kgExplorer.network.getSelectedNodes()") == [proposed[0]]


def test_explorer_browser_ego_network_by_double_click_and_button(whole, core):
    (d4rl,) = find_nodes(core, "D4RL")
    whole.js("(id) => kgExplorer.select(id)", d4rl)
    # zoomed in on it without animation (which also ends any the selection started), the layout at rest
    whole.js(
        "(id) => kgExplorer.network.moveTo({ position: kgExplorer.network.getPosition(id), scale: 4 })", d4rl
    )
    assert whole.js("kgExplorer.network.physics.options.enabled") is False
    at = whole.clickable_point(d4rl)
    assert at is not None
    whole.page.mouse.dblclick(at["x"], at["y"])
    whole.wait_for_layout()
    assert whole.drawn_nodes() == {str(n) for n in ego_graph(core, d4rl, 1)}
    assert whole.js("kgExplorer.network.physics.options.enabled") is False
    whole.page.locator("#kg-details button", has_text="depth 2").click()
    whole.wait_for_layout()
    assert whole.drawn_nodes() == set(ego_graph(core, d4rl, 2))
    assert whole.js("kgExplorer.network.physics.options.enabled") is False
    whole.page.locator("#kg-show-all").click()
    assert whole.drawn_nodes() == set(core)
    assert whole.errors == []


def test_explorer_browser_focus_file_from_cli(browser, sample_outputs, core, tmp_path):
    out = tmp_path / "d4rl.html"
    command = [sys.executable, "-m", "kg.cli", "explore", "--graph", str(sample_outputs)]
    command += ["--focus", "D4RL", "--depth", "2", "-o", str(out)]
    done = subprocess.run(command, capture_output=True, text=True, timeout=300, cwd=tmp_path)
    assert done.returncode == 0, done.stderr[-800:]
    (d4rl,) = find_nodes(core, "D4RL")
    explorer = open_explorer(browser, out)
    explorer.wait_for_layout()
    assert explorer.drawn_nodes() == set(ego_graph(core, d4rl, 2))
    assert explorer.js("kgExplorer.network.getSelectedNodes()") == [d4rl]
    assert explorer.page.locator("#kg-details h2").text_content() == "D4RL"
    assert explorer.errors == [] and explorer.dialogs == []
    explorer.page.close()


@pytest.fixture(scope="module")
def hostile_page(sample_paper, tmp_path_factory) -> Path:
    """Two real sample papers built through the whole pipeline, then retitled with HTML and a
    closing script tag: the readers clean markup out of titles, but the explorer must be safe
    with whatever a graph holds (one loaded from someone else's N-Quads, say)."""
    tmp = tmp_path_factory.mktemp("hostile")
    rows = [
        {"id": "img", "title": "Image Paper", "abstract": sample_paper(FAMO2O_TITLE).abstract},
        {"id": "script", "title": "Script Paper", "abstract": sample_paper(SAFE_RL_TITLE).abstract},
    ]
    source = tmp / "hostile.jsonl"
    source.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")
    G = KnowledgeGraph.build([source]).to_networkx()
    for node, title in (("img", IMG_TITLE), ("script", SCRIPT_TITLE)):
        G.nodes[f"https://w3id.org/kg/id/paper/{node}"].update(title=title, label=title)
    return write_explorer(G, tmp / "explorer.html", title=SCRIPT_TITLE)


@pytest.mark.parametrize("title", [IMG_TITLE, SCRIPT_TITLE])
def test_explorer_browser_hostile_titles_render_literally(browser, hostile_page, title):
    explorer = open_explorer(browser, hostile_page)
    page = explorer.page
    assert page.title() == SCRIPT_TITLE
    assert page.locator("#kg-title").text_content() == SCRIPT_TITLE
    suggestions = explorer.search(title[:12])
    names = page.locator("#kg-suggestions .kg-suggestion-name").all_text_contents()
    assert title in names
    page.locator("#kg-suggestions li").nth(names.index(title)).dispatch_event("pointerdown")
    paper = suggestions[names.index(title)]
    assert page.locator("#kg-details h2").text_content() == title
    # the tooltip vis-network shows on hover is text too
    page.wait_for_timeout(600)
    box = page.locator("#kg-network canvas").bounding_box()
    at = explorer.js("(id) => kgExplorer.network.canvasToDOM(kgExplorer.network.getPosition(id))", paper)
    page.mouse.move(box["x"] + at["x"], box["y"] + at["y"])
    page.wait_for_selector("div.vis-tooltip", state="visible")
    assert page.locator("div.vis-tooltip").inner_text().startswith(title)
    assert explorer.js("document.querySelectorAll('img, svg, [onerror], [onload]').length") == 0
    assert explorer.js("document.querySelectorAll('script').length") == 3
    assert explorer.dialogs == [] and explorer.errors == []
    assert all(url.startswith("file://") for url in explorer.requests)
    page.close()


def test_explorer_browser_screenshot(explorer):
    """D4RL found by search, shown with the papers evaluated on it and their neighbours."""
    explorer.search("D4RL")
    explorer.page.keyboard.press("Enter")
    explorer.page.locator("#kg-details button", has_text="depth 2").click()
    explorer.wait_for_layout()
    SCREENSHOT.parent.mkdir(exist_ok=True)
    explorer.page.screenshot(path=SCREENSHOT)
    png = SCREENSHOT.read_bytes()
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    width, height = int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")
    assert (width, height) == (1400, 900)
    assert len(png) > 50_000  # a drawn graph, not a blank page


def test_explorer_browser_selection_fades_all_but_the_neighbourhood(whole, core):
    """Selecting a node in the whole graph keeps it and its neighbours drawn and fades the rest;
    a click on empty canvas brings every node back."""
    (d4rl,) = find_nodes(core, "D4RL")
    whole.js("(id) => kgExplorer.select(id)", d4rl)
    opacity = whole.js("Object.fromEntries(kgExplorer.nodes.get().map((n) => [n.id, n.opacity ?? 1]))")
    near = set(ego_graph(core, d4rl, 1))
    assert {n for n, o in opacity.items() if o == 1} == near
    assert all(o < 0.5 for n, o in opacity.items() if n not in near)
    whole.js("kgExplorer.network.fit({ animation: false })")
    empty = whole.js(
        """() => {
            const canvas = document.querySelector("#kg-network canvas").getBoundingClientRect();
            for (let x = 5; x < canvas.width; x += 15) for (let y = 5; y < canvas.height; y += 15) {
                const p = { x: x, y: y }, net = kgExplorer.network;
                if (net.getNodeAt(p) === undefined && net.getEdgeAt(p) === undefined) return p;
            }
            return null;
        }"""
    )
    assert empty is not None
    box = whole.page.locator("#kg-network canvas").bounding_box()
    whole.page.mouse.click(box["x"] + empty["x"], box["y"] + empty["y"])
    whole.page.wait_for_function("kgExplorer.nodes.get().every((n) => (n.opacity ?? 1) === 1)")
    assert whole.errors == []


# -- papers with years and venues: the paper filter, the sparkline and the sortable table ------


@pytest.fixture(scope="module")
def dated_page(tmp_path_factory) -> Path:
    """Four papers of three years and two venues (one hostile) and one undated paper, all
    evaluated on one dataset."""
    G = nx.MultiDiGraph()
    G.add_node("d4rl", type="Dataset", label="D4RL", aliases=[])
    papers = [
        ("a", "Alpha", 2021, "ICLR"),
        ("b", "Beta", 2023, IMG_TITLE),
        ("c", "Gamma", 2023, "ICLR"),
        ("d", "Delta", 2024, "ICLR"),
        ("e", "Epsilon", None, None),
    ]
    for node, title, year, venue in papers:
        G.add_node(
            node, type="Paper", label=title, title=title, abstract="", year=year, venue=venue, aliases=[]
        )
        G.add_edge(
            node,
            "d4rl",
            key="evaluatedOn",
            relation="evaluatedOn",
            weight=1,
            evidence=[f"{title} uses D4RL."],
        )
    return write_explorer(G, tmp_path_factory.mktemp("dated") / "explorer.html")


@pytest.fixture
def dated(browser, dated_page):
    opened = open_explorer(browser, dated_page)
    opened.js("kgExplorer.select('d4rl')")
    opened.page.locator(".kg-papers-list summary").click()
    yield opened
    opened.page.close()


def table_column(page: Page, n: int) -> list[str]:
    return page.locator(f".kg-papers tbody td:nth-child({n})").all_text_contents()


def test_explorer_browser_entity_papers_table_sorts_by_year_then_title(dated):
    page = dated.page
    assert page.locator(".kg-papers-list summary").text_content() == "Papers by year (5)"
    assert table_column(page, 2) == ["2024", "2023", "2023", "2021", ""]  # newest first, undated last
    page.locator(".kg-papers th[data-column=title] button").click()
    assert table_column(page, 1) == ["Alpha", "Beta", "Delta", "Epsilon", "Gamma"]
    page.locator(".kg-papers th[data-column=title] button").click()
    assert table_column(page, 1) == ["Gamma", "Epsilon", "Delta", "Beta", "Alpha"]
    assert page.locator(".kg-papers th[data-column=title]").get_attribute("aria-sort") == "descending"


def test_explorer_browser_sparkline_counts_papers_per_year(dated):
    label = dated.page.locator(".kg-sparkline").get_attribute("aria-label")
    assert label == "Papers per year, 2021: 1, 2022: 0, 2023: 2, 2024: 1"
    bars = dated.page.locator(".kg-sparkline rect")
    assert [bars.nth(i).get_attribute("data-papers") for i in range(bars.count())] == ["1", "0", "2", "1"]


def test_explorer_browser_year_and_venue_filter_the_view_and_the_lists(dated):
    page = dated.page
    page.select_option("#kg-year-from", "2023")
    assert dated.drawn_nodes() == {"d4rl", "b", "c", "d"}  # the undated paper goes too
    assert page.locator(".kg-papers-list summary").text_content() == "Papers by year (3 of 5, filtered)"
    assert page.locator("ul[data-relation=evaluatedOn] > li").count() == 3
    page.select_option("#kg-venue", "ICLR")
    assert dated.drawn_nodes() == {"d4rl", "c", "d"}
    assert sorted(table_column(page, 1)) == ["Delta", "Gamma"]
    # asking for a paper the filter hides clears the filter
    dated.js("kgExplorer.select('a')")
    assert "a" in dated.drawn_nodes()
    assert page.locator("#kg-venue").input_value() == ""
    assert "cleared the paper filter" in page.locator("#kg-status").text_content()


def test_explorer_browser_hostile_venue_is_text(dated):
    options = dated.page.locator("#kg-venue option").all_text_contents()
    assert f"{IMG_TITLE} (1)" in options
    assert dated.dialogs == [] and dated.errors == []


def test_explorer_browser_search_finds_nodes_a_partial_page_leaves_out(browser, core, tmp_path):
    page_path = write_explorer(core, tmp_path / "partial.html", max_nodes=300)
    drawn = set(open_explorer(browser, page_path).drawn_nodes())
    left_out = [
        n for n in core if n not in drawn and core.nodes[n]["type"] == "Method" and core.nodes[n]["aliases"]
    ]
    node = left_out[0]
    alias = core.nodes[node]["aliases"][0]
    explorer = open_explorer(browser, page_path)
    explorer.js("kgExplorer.showAll()")
    assert node not in explorer.drawn_nodes()
    assert node in explorer.search(alias)
    explorer.page.locator(f"#kg-suggestions li[data-node='{node}']").dispatch_event("pointerdown")
    details = explorer.page.locator("#kg-details")
    assert details.locator("h2").text_content() == core.nodes[node]["label"]
    command = details.locator("pre.kg-command").text_content()
    assert command == f"kg explore --focus {json.dumps(core.nodes[node]['label'])} -o neighbourhood.html"
    assert node not in explorer.drawn_nodes() and explorer.errors == []
    explorer.page.close()


def test_explorer_browser_search_finds_entities_outside_the_core_view(browser, sample_kg, tmp_path):
    G = sample_kg.to_networkx()
    core = core_view(G)
    outside = next(n for n, t in G.nodes(data="type") if t != "Paper" and n not in core)
    label = G.nodes[outside]["label"]
    explorer = open_explorer(browser, write_explorer(core, tmp_path / "core.html", searchable=G))
    assert outside in explorer.search(label)
    explorer.page.locator(f"#kg-suggestions li[data-node='{outside}']").dispatch_event("pointerdown")
    command = explorer.page.locator("#kg-details pre.kg-command").text_content()
    assert command == f"kg explore --full --focus {json.dumps(label)} -o neighbourhood.html"
    assert explorer.errors == []
    explorer.page.close()
