"""The explorer's paper panel in a real browser: author names in order, venue and year, and links
out to the paper, of which only http(s) ones are ever clickable."""

from __future__ import annotations

import networkx as nx
import pytest

from kg.export.html import write_explorer
from tests.export.test_explorer_browser import CHROMIUM, browser, open_explorer  # noqa: F401  (fixture)

pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason=f"no {CHROMIUM}")

PAPER = "https://w3id.org/kg/id/paper/sparse"
DATASET = "https://w3id.org/kg/id/entity/imagenet"


@pytest.fixture(scope="module")
def page_path(tmp_path_factory):
    G = nx.MultiDiGraph()
    G.add_node(
        PAPER,
        type="Paper",
        label="Sparse Attention at Scale",
        title="Sparse Attention at Scale",
        abstract="We evaluate on ImageNet.",
        date="2023",
        year=2023,
        n_authors=2,
        authors=["Ada Lovelace", "Alan Turing"],
        venue="NeurIPS",
        links=["https://openreview.net/forum?id=abc", "javascript:alert(1)", "https://doi.org/10.5555/x"],
    )
    G.add_node(DATASET, type="Dataset", label="ImageNet", aliases=[])
    G.add_edge(
        PAPER,
        DATASET,
        key="evaluatedOn",
        relation="evaluatedOn",
        weight=1,
        evidence="We evaluate on ImageNet.",
    )
    return write_explorer(G, tmp_path_factory.mktemp("panel") / "explorer.html")


def test_explorer_paper_panel_shows_metadata_and_only_web_links(browser, page_path):  # noqa: F811
    explorer = open_explorer(browser, page_path)
    try:
        explorer.search("Sparse Attention")
        explorer.page.keyboard.press("Enter")
        facts = explorer.page.locator("#kg-details .kg-facts").inner_text()
        assert "Authors: Ada Lovelace, Alan Turing" in facts
        assert "Venue: NeurIPS 2023" in facts
        links = explorer.page.locator("#kg-details .kg-links a")
        hrefs = links.evaluate_all("as => as.map(a => a.getAttribute('href'))")
        assert hrefs == ["https://openreview.net/forum?id=abc", "https://doi.org/10.5555/x"]
        assert links.first.get_attribute("rel") == "noopener noreferrer"
        assert explorer.js("document.querySelectorAll('a[href^=\"javascript:\" i]').length") == 0
        assert "javascript:alert(1)" not in page_path.read_text(encoding="utf-8")  # dropped when written
        assert explorer.errors == [] and explorer.dialogs == []
    finally:
        explorer.page.close()
