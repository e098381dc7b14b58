"""``kg serve``'s explorer (kg.server.explore): the overview, search and node pages over HTTP,
and in Chromium the search that opens a node's page."""

from __future__ import annotations

import html
import json
import re
import shutil
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from kg import KnowledgeGraph
from kg.server.app import SparqlServer
from tests.export.test_explorer_browser import chromium
from tests.server.test_app import start

D4RL = "https://w3id.org/kg/id/entity/d4rl"


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    yield from chromium(tmp_path_factory)


@pytest.fixture(scope="module")
def server(sample_outputs: Path) -> Iterator[SparqlServer]:
    yield from start(sample_outputs / "store", workers=1, timeout=60)


def get(server: SparqlServer, path: str) -> tuple[int, str, bytes]:
    try:
        with urllib.request.urlopen(server.url + path.lstrip("/"), timeout=60) as response:
            return response.status, response.headers.get("Content-Type", ""), response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers.get("Content-Type", ""), error.read()


def page_data(body: bytes) -> dict:
    text = body.decode()
    found = re.search(r'<script type="application/json" id="kg-data">(.*?)</script>', text, re.DOTALL)
    return json.loads(found.group(1))


def test_serve_explore_search_answers_json_from_the_whole_graph(server) -> None:
    status, media_type, body = get(
        server, "/explore/search?q=" + urllib.parse.quote("offline reinforcement learning")
    )
    assert status == 200 and media_type.startswith("application/json")
    found = json.loads(body)
    assert found[0]["label"] == "offline RL" and found[0]["alias"] is True
    status, _, body = get(server, "/explore/search?q=")
    assert (status, json.loads(body)) == (200, [])


def test_serve_explore_overview_page(server, sample_kg: KnowledgeGraph) -> None:
    status, media_type, body = get(server, "/explore")
    assert status == 200 and media_type.startswith("text/html")
    data = page_data(body)
    assert data["meta"]["served"] is True
    assert {n["id"] for n in data["nodes"]} == {n["id"] for n in data["overview"]["nodes"]}
    assert "connect-src 'self'" in html.unescape(body.decode())
    top = sample_kg.entities().iloc[0]["iri"]
    assert top in {n["id"] for n in data["nodes"]}


def test_serve_explore_node_page_is_the_neighbourhood(server, sample_kg: KnowledgeGraph) -> None:
    status, _, body = get(server, "/explore?node=" + urllib.parse.quote(D4RL))
    assert status == 200
    data = page_data(body)
    assert data["meta"]["focus"]["id"] == D4RL
    expected = {D4RL, *(row.iri for row in sample_kg.neighbors("D4RL").itertuples())}
    assert {n["id"] for n in data["nodes"]} == expected


@pytest.mark.parametrize("node", ["https://w3id.org/kg/id/entity/nothing", "x> } DROP ALL {", ""])
def test_serve_explore_unknown_node_is_404_or_the_overview(server, node: str) -> None:
    status, _, body = get(server, "/explore?node=" + urllib.parse.quote(node))
    if node:
        assert status == 404 and b"no paper or entity" in body
    else:
        assert status == 200


def test_serve_explore_is_read_only(server) -> None:
    request = urllib.request.Request(server.url + "explore", data=b"x", method="POST")
    with pytest.raises(urllib.error.HTTPError) as error:
        urllib.request.urlopen(request, timeout=30)
    assert error.value.code == 405


def test_serve_explore_without_a_catalog_says_so(sample_outputs: Path, tmp_path: Path) -> None:
    shutil.copytree(sample_outputs / "store", tmp_path / "store")
    for server in start(tmp_path / "store", workers=1):
        status, _, body = get(server, "/explore")
        assert status == 404 and b"catalog" in body


def test_serve_explore_in_the_browser_search_opens_a_node_page(server, browser, sample_kg) -> None:
    page = browser.new_page()
    requests, errors = [], []
    page.on("request", lambda r: requests.append(r.url))
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(server.url + "explore")
    page.wait_for_selector("body[data-kg-ready=true]")
    (famo2o,) = sample_kg.find("FamO2O")
    page.locator("#kg-search-input").fill("FamO2O")
    suggestion = page.locator(f"#kg-suggestions li[data-node='{famo2o}']")
    suggestion.wait_for()
    assert "opens its page" in suggestion.text_content()
    suggestion.dispatch_event("pointerdown")
    page.wait_for_url("**/explore?node=*")
    page.wait_for_selector("body[data-kg-ready=true]")
    assert page.locator("#kg-details h2").text_content() == "FamO2O"
    assert page.locator("#kg-overview").is_visible()
    origin = server.url.rstrip("/")
    assert all(url.startswith(origin) for url in requests), requests
    assert errors == []
    page.close()
