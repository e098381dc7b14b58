"""Flat views for spreadsheets and graph tools: nodes/edges CSV and GraphML."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import networkx as nx

from kg.atomic import atomic_open, atomic_path

_NODE_COLUMNS = ("id", "type", "label", "aliases", "degree", "year", "venue", "authors", "links")
_EDGE_COLUMNS = ("source", "target", "relation", "weight", "evidence")
#: What XML 1.0 forbids in a document (C0 controls but tab, LF and CR; lone surrogates; U+FFFE/U+FFFF):
#: one such character in a title and no XML reader opens the GraphML file.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _text(value) -> str:
    """GraphML and CSV take strings only: lists are joined with `` | ``, None is empty."""
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        return " | ".join(str(v) for v in value)
    return str(value)


def write_tables(G: nx.MultiDiGraph, out_dir: Path) -> dict[str, Path]:
    """Write ``nodes.csv`` (id, type, label, aliases, degree; for papers also year, venue, authors
    in order and links) and ``edges.csv`` (source, target, relation, weight, evidence)."""
    nodes, edges = out_dir / "nodes.csv", out_dir / "edges.csv"
    with atomic_open(nodes) as handle:
        writer = csv.writer(handle)
        writer.writerow(_NODE_COLUMNS)
        for node, data in G.nodes(data=True):
            writer.writerow(
                [
                    node,
                    data.get("type"),
                    data.get("label"),
                    _text(data.get("aliases")),
                    G.degree(node),
                    _text(data.get("year")),
                    _text(data.get("venue")),
                    _text(data.get("authors")),
                    _text(data.get("links")),
                ]
            )
    with atomic_open(edges) as handle:
        writer = csv.writer(handle)
        writer.writerow(_EDGE_COLUMNS)
        for s, o, data in G.edges(data=True):
            writer.writerow([s, o, data.get("relation"), data.get("weight"), _text(data.get("evidence"))])
    return {"nodes.csv": nodes, "edges.csv": edges}


def _xml_text(value) -> str:
    """An attribute as GraphML text: a string (see :func:`_text`) without what XML 1.0 forbids."""
    return _NOT_XML.sub("", _text(value))


def write_graphml(G: nx.MultiDiGraph, path: Path) -> Path:
    """GraphML with every attribute as a string (NetworkX's writer rejects lists and None) that any
    XML reader takes."""
    flat = nx.MultiDiGraph()
    for node, data in G.nodes(data=True):
        flat.add_node(node, **{k: _xml_text(v) for k, v in data.items()})
    for s, o, key, data in G.edges(keys=True, data=True):
        flat.add_edge(s, o, key=key, **{k: (v if k == "weight" else _xml_text(v)) for k, v in data.items()})
    with atomic_path(path) as tmp:
        nx.write_graphml(flat, tmp)
    return path
