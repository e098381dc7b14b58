"""The explorer's catalog of a graph: every name for search, and the overview, in one SQLite file.

The build writes it beside the store (``catalog.sqlite``, one generation with it), so that ``kg
serve`` finds any paper or entity and opens the overview at once, at any size, without reading
the graph. Search looks names up where one of their words starts with what was typed: each name
is kept once per word start (``"offline RL"`` under ``offline rl`` and ``rl``), lowercased, in an
indexed column, so a lookup is a range scan of that index.
"""

from __future__ import annotations

import json
import os
import re
import sqlite3
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from kg.atomic import atomic_path
from kg.graph.analytics import leiden
from kg.store.query import select_rows
from kg.types import ENTITY_TYPES
from kg.vocab import ENTITY_CLASSES

CATALOG_FILE = "catalog.sqlite"
#: Entities of each type in the overview.
OVERVIEW_PER_TYPE = 10
_KEY_CHARS = 64
_WORD_START = re.compile(r"(?<![^\W_])\w", re.UNICODE)
_TYPE_OF_CLASS = {str(cls): name for name, cls in ENTITY_CLASSES.items()}


def word_keys(name: str) -> Iterator[tuple[str, bool]]:
    """The lowercased rest of ``name`` from each word start, and whether it is the name's start.

    >>> list(word_keys("Offline RL"))
    [('offline rl', True), ('rl', False)]
    """
    lower = name.lower()
    for match in _WORD_START.finditer(lower):
        yield lower[match.start() : match.start() + _KEY_CHARS], match.start() == 0


def write_catalog(store: ox.Store, path: str | os.PathLike[str], per_type: int = OVERVIEW_PER_TYPE) -> Path:
    """Write the catalog of the graph in ``store`` to ``path`` (atomically): names and overview."""
    path = Path(path)
    with atomic_path(path) as tmp:
        db = sqlite3.connect(tmp)
        try:
            db.executescript(
                """CREATE TABLE node (id TEXT PRIMARY KEY, type TEXT, label TEXT, papers INTEGER);
                   CREATE TABLE name (key TEXT, start INTEGER, name TEXT, id TEXT, alias INTEGER,
                                      type TEXT, papers INTEGER);
                   CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT);"""
            )
            entities = _entities(store)
            db.executemany("INSERT INTO node VALUES (?, ?, ?, ?)", entities)
            papers = list(
                select_rows(store, "SELECT ?p ?title WHERE { ?p a kg:Paper ; dcterms:title ?title }")
            )
            db.executemany("INSERT INTO node VALUES (?, 'Paper', ?, 0)", papers)
            aliases = list(select_rows(store, "SELECT ?e ?alias WHERE { ?e skos:altLabel ?alias }"))

            def names() -> Iterator[tuple[str, int, str, str, int, str, int]]:
                of = {node: (kind, n) for node, kind, _, n in entities}
                for node, kind, label, n in entities:
                    yield from ((key, start, label, node, 0, kind, n) for key, start in word_keys(label))
                for node, title in papers:
                    yield from ((key, start, title, node, 0, "Paper", 0) for key, start in word_keys(title))
                for node, alias in aliases:
                    kind, n = of.get(node, ("Concept", 0))
                    yield from ((key, start, alias, node, 1, kind, n) for key, start in word_keys(alias))

            db.executemany("INSERT INTO name VALUES (?, ?, ?, ?, ?, ?, ?)", names())
            db.execute("CREATE INDEX name_key ON name (key)")
            overview = _overview(store, entities, per_type)
            db.execute("INSERT INTO meta VALUES ('overview', ?)", (json.dumps(overview),))
            db.commit()
        finally:
            db.close()
    return path


def _entities(store: ox.Store) -> list[tuple[str, str, str, int]]:
    """(IRI, type, label, papers) of every entity, most papers first."""
    classes = " ".join(f"<{c}>" for c in _TYPE_OF_CLASS)
    rows = select_rows(
        store,
        f"SELECT ?e ?class ?label ?papers WHERE {{ VALUES ?class {{ {classes} }} "
        "?e a ?class ; skos:prefLabel ?label ; kg:support ?papers }",
    )
    found = [(node, _TYPE_OF_CLASS[cls], label, int(papers)) for node, cls, label, papers in rows]
    return sorted(found, key=lambda row: (-row[3], row[2], row[0]))


def _overview(store: ox.Store, entities: list[tuple[str, str, str, int]], per_type: int) -> dict[str, Any]:
    """The ``per_type`` entities of each type with the most papers, grouped by Leiden communities
    of the papers they share (the papers of each are read from the store, one entity at a time)."""
    chosen: list[tuple[str, str, str, int]] = []
    for kind in ENTITY_TYPES:
        chosen.extend([row for row in entities if row[1] == kind][:per_type])
    papers_of = {
        node: {
            p
            for (p,) in select_rows(
                store, f"SELECT DISTINCT ?p WHERE {{ ?p ?role <{node}> . ?p a kg:Paper }}"
            )
        }
        for node, _, _, _ in chosen
    }
    shared: dict[tuple[str, str], int] = defaultdict(int)
    ids = [row[0] for row in chosen]
    for i, a in enumerate(ids):
        for b in ids[i + 1 :]:
            if n := len(papers_of[a] & papers_of[b]):
                shared[a, b] = n
    group_of = leiden(ids, shared)
    return {
        "per_type": per_type,
        "entities": [
            {"id": node, "type": kind, "label": label, "papers": papers, "group": group_of[node]}
            for node, kind, label, papers in chosen
        ],
    }


def search(catalog: sqlite3.Connection, query: str, limit: int = 12) -> list[dict[str, Any]]:
    """The nodes with a name that has a word starting with ``query`` (case-insensitive): the whole
    name first, then a whole word at the start, a whole word later, the start of the first word,
    the start of a later word; then the most papers. Each as ``id``, ``name`` (the name that
    matched), ``type``, ``label``, ``papers`` and ``alias`` (whether the name is an alias)."""
    q = " ".join(query.lower().split())[:_KEY_CHARS]
    if not q:
        return []
    span = (q, q + "\U0010ffff")
    columns = "SELECT key, start, name, id, alias, type, papers FROM name WHERE key >= ? AND key < ?"
    # entities with the most papers first; titles in key order (a title has no paper count)
    rows = catalog.execute(f"{columns} AND type != 'Paper' ORDER BY papers DESC LIMIT 2000", span).fetchall()
    rows += catalog.execute(f"{columns} AND type = 'Paper' LIMIT 500", span).fetchall()
    labels = (
        dict(
            catalog.execute(
                f"SELECT id, label FROM node WHERE id IN ({','.join('?' * len({r[3] for r in rows}))})",
                list({r[3] for r in rows}),
            ).fetchall()
        )
        if rows
        else {}
    )
    best: dict[str, tuple[tuple[int, int, int], dict[str, Any]]] = {}
    for key, start, name, node, alias, kind, papers in rows:
        after = key[len(q) : len(q) + 1]
        whole = not after or not (after.isalnum() or after == "_")
        score = 0 if whole and start and len(name) == len(q) else (1 if whole else 3) + (0 if start else 1)
        rank = (score, -papers, len(name))
        if node not in best or rank < best[node][0]:
            item = {"id": node, "name": name, "type": kind, "label": labels.get(node, name), "papers": papers}
            best[node] = (rank, {**item, "alias": bool(alias)})
    return [item for _, item in sorted(best.values(), key=lambda pair: (pair[0], pair[1]["id"]))[:limit]]


def read_overview(catalog: sqlite3.Connection) -> dict[str, Any]:
    """The overview :func:`write_catalog` stored."""
    (value,) = catalog.execute("SELECT value FROM meta WHERE key = 'overview'").fetchone()
    return json.loads(value)


def open_catalog(path: str | os.PathLike[str]) -> sqlite3.Connection:
    """The catalog at ``path``, read-only (any number of readers, from any thread)."""
    return sqlite3.connect(f"{Path(path).resolve().as_uri()}?mode=ro", uri=True, check_same_thread=False)
