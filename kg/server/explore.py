"""The explorer served by ``kg serve`` for a graph of any size: pages made on demand.

``/explore`` is the overview (from the catalog the build wrote beside the store), ``/explore?node=IRI``
one node's neighbourhood (read from the store for that node only), ``/explore/search?q=TEXT``
the names that match, as JSON (from the catalog). The pages are the offline explorer's, told
that a server is behind them: their search asks it, and opening a node loads its page.
"""

from __future__ import annotations

import json
import threading
from pathlib import Path

import networkx as nx
import pyoxigraph as ox

from kg.export.html import overview_layout, render_explorer
from kg.graph.catalog import CATALOG_FILE, open_catalog, read_overview, search
from kg.graph.nx import neighbourhood

#: Neighbours drawn around a node; a hub keeps those with the most supporting papers.
NEIGHBOURS = 300


class ExplorerSite:
    """The explorer's pages and search over the store at ``store`` and the catalog beside it."""

    def __init__(self, store: Path) -> None:
        self.path = store
        self._lock = threading.Lock()  # one catalog connection, used by one thread at a time
        self._opened: Path | None = None
        self._reopen()

    def _reopen(self) -> None:
        """Open the store and catalog of the output generation ``path`` points to now (a new build
        switches generations; the old one's files go)."""
        generation = self.path.resolve()
        if generation == self._opened:
            return
        catalog = generation.parent / CATALOG_FILE
        self.store = ox.Store.read_only(str(generation))
        self.catalog = open_catalog(catalog) if catalog.is_file() else None
        self._overview_page: bytes | None = None
        self._opened = generation

    @property
    def available(self) -> bool:
        """Whether the build wrote a catalog (a store from another tool has none)."""
        with self._lock:
            self._reopen()
            return self.catalog is not None

    def overview_page(self) -> bytes:
        """The overview: the entities with the most papers of each type, grouped by community."""
        with self._lock:
            self._reopen()
            if self._overview_page is None:
                overview = read_overview(self.catalog)
                G = nx.MultiDiGraph()
                for entity in overview["entities"]:
                    G.add_node(entity["id"], type=entity["type"], label=entity["label"], aliases=[])
                layout = overview_layout(overview["entities"], overview["per_type"])
                self._overview_page = render_explorer(
                    G, title="kg explorer", overview=layout, served=True
                ).encode()
            return self._overview_page

    def node_page(self, iri: str) -> bytes | None:
        """The neighbourhood of the node ``iri``; None if the graph has no such node."""
        with self._lock:
            self._reopen()
            known = self.catalog.execute("SELECT 1 FROM node WHERE id = ?", (iri,)).fetchone()
            store = self.store
        if known is None:
            return None
        G = neighbourhood(store, iri, limit=NEIGHBOURS)
        return render_explorer(G, title="kg explorer", focus=iri, served=True).encode()

    def search(self, text: str) -> bytes:
        """The matching names as a JSON list (see :func:`kg.graph.catalog.search`)."""
        with self._lock:
            self._reopen()
            found = search(self.catalog, text)
        return json.dumps(found, ensure_ascii=False).encode()
