"""Flat views for spreadsheets and graph tools: nodes/edges CSV and GraphML, streamed from the store.

Both are written a row at a time from the records of :mod:`kg.graph.nx` (the same nodes, edges
and attributes as :func:`~kg.graph.nx.to_networkx`), so their memory does not grow with the graph
beyond one set of node IRIs and one count per node. GraphML is written by hand rather than with
``networkx.write_graphml``, which needs the whole graph in memory first.
"""

from __future__ import annotations

import csv
import re
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any, TextIO
from xml.sax.saxutils import escape, quoteattr

import pyoxigraph as ox

from kg.atomic import atomic_open
from kg.graph.nx import graph_edges, graph_nodes, node_iris

_NODE_COLUMNS = ("id", "type", "label", "aliases", "degree", "year", "venue", "authors", "links")
_EDGE_COLUMNS = ("source", "target", "relation", "weight", "evidence")
#: What XML 1.0 forbids in a document (C0 controls but tab, LF and CR; lone surrogates; U+FFFE/U+FFFF):
#: one such character in a title and no XML reader opens the GraphML file.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
#: GraphML attribute keys: (id, for, name, type), the attributes of the records of kg.graph.nx.
_NODE_ATTRIBUTES = ("type", "label", "aliases", "title", "abstract", "date", "year", "n_authors", "authors")
_GRAPHML_KEYS = [
    *((f"n{i}", "node", name, "string") for i, name in enumerate((*_NODE_ATTRIBUTES, "venue", "links"))),
    ("e0", "edge", "relation", "string"),
    ("e1", "edge", "weight", "long"),
    ("e2", "edge", "evidence", "string"),
    ("e3", "edge", "start", "string"),
    ("e4", "edge", "end", "string"),
]
_KEY_OF = {(kind, name): key for key, kind, name, _ in _GRAPHML_KEYS}


def _text(value: Any) -> str:
    """GraphML and CSV take strings only: lists are joined with `` | ``, None is empty."""
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        return " | ".join(str(v) for v in value)
    return str(value)


def write_tables(store: ox.Store, out_dir: Path) -> dict[str, Path]:
    """Write ``edges.csv`` (source, target, relation, weight, evidence) and ``nodes.csv`` (id,
    type, label, aliases, degree; for papers also year, venue, authors in order and links)."""
    nodes, edges = out_dir / "nodes.csv", out_dir / "edges.csv"
    degree: Counter[str] = Counter()
    with atomic_open(edges) as handle:
        writer = csv.writer(handle)
        writer.writerow(_EDGE_COLUMNS)
        for s, o, relation, data in graph_edges(store, node_iris(store)):
            degree[s] += 1
            degree[o] += 1
            writer.writerow([s, o, relation, data["weight"], _text(data["evidence"])])
    with atomic_open(nodes) as handle:
        writer = csv.writer(handle)
        writer.writerow(_NODE_COLUMNS)
        for node, data in graph_nodes(store):
            row = [node, data["type"], data["label"], _text(data["aliases"]), degree[node]]
            row += [_text(data.get(name)) for name in ("year", "venue", "authors", "links")]
            writer.writerow(row)
    return {"nodes.csv": nodes, "edges.csv": edges}


def _xml_text(value: Any) -> str:
    """An attribute as GraphML text: a string (see :func:`_text`) without what XML 1.0 forbids."""
    return _NOT_XML.sub("", _text(value))


def _data(kind: str, attributes: dict[str, Any]) -> Iterator[str]:
    for name, value in attributes.items():
        text = str(value) if name == "weight" else _xml_text(value)
        yield f'<data key="{_KEY_OF[kind, name]}">{escape(text)}</data>'


def write_graphml(store: ox.Store, path: Path) -> Path:
    """GraphML of the view of :mod:`kg.graph.nx` (a directed multigraph; edges keyed by relation),
    every attribute a string but ``weight``, readable by any XML reader (``networkx.read_graphml``,
    Gephi, Cytoscape)."""
    with atomic_open(path) as handle:
        _write_graphml(store, handle)
    return path


def _write_graphml(store: ox.Store, out: TextIO) -> None:
    out.write(
        "<?xml version='1.0' encoding='utf-8'?>\n"
        '<graphml xmlns="http://graphml.graphdrawing.org/xmlns" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
        'xsi:schemaLocation="http://graphml.graphdrawing.org/xmlns '
        'http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd">\n'
    )
    for key, kind, name, kind_of_value in _GRAPHML_KEYS:
        out.write(f'  <key id="{key}" for="{kind}" attr.name="{name}" attr.type="{kind_of_value}" />\n')
    out.write('  <graph edgedefault="directed">\n')
    for node, data in graph_nodes(store):
        out.write(f"    <node id={quoteattr(_xml_text(node))}>{''.join(_data('node', data))}</node>\n")
    for s, o, relation, data in graph_edges(store, node_iris(store)):
        ends = f"source={quoteattr(_xml_text(s))} target={quoteattr(_xml_text(o))}"
        out.write(f"    <edge id={quoteattr(relation)} {ends}>{''.join(_data('edge', data))}</edge>\n")
    out.write("  </graph>\n</graphml>\n")
