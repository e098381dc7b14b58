"""Interactive HTML explorer: one self-contained page that works from ``file://`` offline.

The page draws the graph with vis-network (read from the installed pyvis package and
inlined); pyvis also builds the vis-network options. The node and edge items are plain
dicts built here (pyvis's ``add_node``/``add_edge`` check membership in lists, which is
quadratic on a graph of thousands of nodes). Positions are computed here too, by a
ForceAtlas2-style layout (:func:`force_layout`), so the page opens with a finished layout
and physics off; the page runs vis-network's physics only to lay out an ego network
(double-click or ``focus``), stops it when it has stabilised and switches it off.

Safety model
------------
* All graph data travels as JSON inside ``<script type="application/json" id="kg-data">``
  with ``<``, ``>``, ``&``, U+2028 and U+2029 written as ``\\u003c`` ... escapes, and is read
  back with ``JSON.parse``; the page script renders every string with ``textContent``.
* Tooltips (vis-network ``title``) are plain strings: vis-network 9 shows a string
  ``title`` with ``innerText``, so it is never parsed as HTML.
* The page ``<title>`` and heading are escaped by Jinja2 autoescaping.
* A Content-Security-Policy ``<meta>`` allows only the page's own inline scripts (by
  SHA-256 hash) and blocks every network request (``default-src 'none'``).
"""

from __future__ import annotations

import base64
import hashlib
import json
import logging
import math
import os
import re
from collections import Counter
from collections.abc import Hashable, Sequence
from functools import cache
from importlib import metadata, resources
from pathlib import Path
from typing import Any

import jinja2
import networkx as nx
import numpy as np
from markupsafe import Markup
from pyvis.network import Network

from kg.atomic import write_text
from kg.errors import KgError
from kg.graph.catalog import OVERVIEW_PER_TYPE

__all__ = [
    "DEFAULT_MAX_NODES",
    "OTHER_STYLE",
    "TYPE_STYLES",
    "ego_graph",
    "force_layout",
    "overview_layout",
    "overview_of",
    "relation_label",
    "render_explorer",
    "script_json",
    "write_explorer",
]

logger = logging.getLogger(__name__)

#: Colour (Okabe–Ito, colour-blind safe) and vis-network shape of each node type.
#: Shapes differ too, so the types stay distinguishable without colour.
TYPE_STYLES: dict[str, dict[str, str]] = {
    "Paper": {"color": "#0072B2", "shape": "square"},
    "Method": {"color": "#E69F00", "shape": "dot"},
    "Dataset": {"color": "#009E73", "shape": "diamond"},
    "Task": {"color": "#CC79A7", "shape": "triangle"},
    "Metric": {"color": "#D55E00", "shape": "triangleDown"},
    "Concept": {"color": "#56B4E9", "shape": "hexagon"},
}
#: Style of a node whose ``type`` is missing or not one of :data:`TYPE_STYLES`.
OTHER_STYLE: dict[str, str] = {"color": "#999999", "shape": "dot"}
#: Relations in the order the page lists them; others follow alphabetically.
RELATION_ORDER = ("proposes", "uses", "evaluatedOn", "addresses", "mentions")

#: Graphs with more nodes are cut to this many (highest degree first) unless told otherwise.
DEFAULT_MAX_NODES = 5000
#: A page of more nodes than this opens on an overview: the entities with the most papers of
#: each type, grouped by community; smaller graphs open whole.
OVERVIEW_MIN_NODES = 150
#: The overview's layout: one column per community (split above ROWS), as wide as its longest
#: label, with room for a label under each node.
OVERVIEW_ROWS = 12
OVERVIEW_COLUMN = 200.0
OVERVIEW_CHAR = 12.0  # canvas units per character of a label at the overview's font size
OVERVIEW_GROUP_GAP = 120.0
OVERVIEW_ROW = 70.0

MIN_NODE_SIZE = 8.0
MAX_NODE_SIZE = 36.0
MAX_EDGE_WIDTH = 8.0
MAX_LABEL_CHARS = 40
#: Above these sizes the page draws plain straight edges without arrows or hover effects
#: and hides edges while the view moves, so that panning and zooming stay fluid.
BIG_NODES = 1000
BIG_EDGES = 3000
#: Above this many nodes they are drawn without borders: stroking them was a third of a redraw.
BORDERLESS_NODES = 2500

_VIS_DIR = ("templates", "lib", "vis-9.1.2")
_TEMPLATE = "explorer.html.j2"


def write_explorer(
    G: nx.Graph,
    path: str | os.PathLike[str],
    *,
    title: str = "kg explorer",
    max_nodes: int = DEFAULT_MAX_NODES,
    focus: Hashable | None = None,
    depth: int = 1,
    searchable: nx.Graph | None = None,
) -> Path:
    """Write an interactive, self-contained HTML explorer of ``G`` to ``path``.

    Parameters
    ----------
    G : networkx.MultiDiGraph
        Nodes are IRIs with ``type``, ``label``, ``aliases`` (papers also ``title``,
        ``abstract``, ``date``, ``n_authors``); edges carry ``relation``, ``weight``,
        ``evidence`` and, when known, ``start``/``end`` (the mention's character offsets in
        the paper's title + blank line + abstract). Missing attributes are tolerated.
    path : str or Path
        Output file; written atomically (a reader never sees a half-written page).
    title : str
        Page title and heading (escaped).
    max_nodes : int
        If the graph has more nodes, only the ``max_nodes`` of highest degree are kept, a
        warning is logged and the page says it is a partial view.
    focus : node, optional
        Write only the ego network of this node (the nodes at most ``depth`` links away,
        in either direction); the page opens with it selected and laid out around it.
    depth : int
        Radius of the ego network: 1 or 2.
    searchable : networkx.MultiDiGraph, optional
        A larger graph that ``G`` is a view of (the whole graph behind the core view): search in
        a page of the whole of ``G`` also finds the nodes only it has, and tells how to draw them,
        as it does for the nodes ``max_nodes`` leaves out.

    Returns
    -------
    Path
        The written file.

    Examples
    --------
    >>> import networkx as nx, tempfile, pathlib
    >>> G = nx.MultiDiGraph()
    >>> G.add_node("p1", type="Paper", label="FamO2O paper", title="Train Once, Get a Family")
    >>> G.add_node("m1", type="Method", label="FamO2O", aliases=["Family Offline-to-Online RL"])
    >>> _ = G.add_edge("p1", "m1", relation="proposes", weight=1, evidence=[])
    >>> out = write_explorer(G, pathlib.Path(tempfile.mkdtemp()) / "kg.html")
    >>> out.read_text(encoding="utf-8").count('id="kg-data"')
    1
    """
    page = render_explorer(
        G, title=title, max_nodes=max_nodes, focus=focus, depth=depth, searchable=searchable
    )
    return write_text(path, page)


def render_explorer(
    G: nx.Graph,
    *,
    title: str = "kg explorer",
    max_nodes: int = DEFAULT_MAX_NODES,
    focus: Hashable | None = None,
    depth: int = 1,
    searchable: nx.Graph | None = None,
    overview: dict[str, Any] | None = None,
    served: bool = False,
) -> str:
    """Return the explorer page for ``G`` as a string (see :func:`write_explorer`).

    ``overview`` is the page's overview if it is made elsewhere (:func:`overview_layout`), and
    ``served`` makes the page one of ``kg serve``'s: it searches the whole graph and opens other
    nodes through the server (``/explore``), the only requests its Content-Security-Policy allows.
    """
    if isinstance(max_nodes, bool) or not isinstance(max_nodes, int) or max_nodes < 1:
        raise KgError(f"max_nodes must be a positive integer, got {max_nodes!r}")
    if focus is not None:
        G = ego_graph(G, focus, depth)

    degrees = {str(n): d for n, d in G.degree()}
    total_nodes, total_edges = G.number_of_nodes(), G.number_of_edges()
    keep = _top_by_degree(degrees, max_nodes, always=None if focus is None else str(focus))
    truncated = len(keep) < total_nodes
    if truncated:
        logger.warning(
            "the graph has %d nodes; the HTML explorer shows the %d of highest degree "
            "(raise max_nodes, or kg explore --max-nodes, to show more)",
            total_nodes,
            len(keep),
        )

    # a served node page is laid out by the page around its node (no whole view to return to)
    nodes, edges = _items(G, keep, layout=not (served and focus is not None))
    options = _options(len(nodes), len(edges))
    if overview is None and focus is None and len(nodes) > OVERVIEW_MIN_NODES:
        overview = overview_of(G, keep)
    legend = _legend(nodes)
    meta = {
        "title": title,
        "nodes_shown": len(nodes),
        "nodes_total": total_nodes,
        "edges_shown": len(edges),
        "edges_total": total_edges,
        "truncated": truncated,
        "focus": None if focus is None else {"id": str(focus), "depth": depth},
        "served": served,
    }
    relations = Counter(edge["kg"]["relation"] for edge in edges)
    data = {
        "meta": meta,
        "legend": legend,
        "relations": [
            {"relation": name, "label": relation_label(name), "count": relations[name]}
            for name in _relation_order(relations)
        ],
        "nodes": nodes,
        "edges": edges,
        "options": options,
        "overview": overview,
        "elsewhere": _left_out(G if searchable is None else searchable, keep, G) if focus is None else [],
    }

    vis_js = _inline_text(_vis_asset("vis-network.min.js"), "script")
    app_js = _inline_text(_own_asset("explorer.js"), "script")
    app_css = _inline_text(_own_asset("explorer.css"), "style")
    csp = (
        "default-src 'none'; "
        f"script-src {_csp_hash(vis_js)} {_csp_hash(app_js)}; "
        "style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'"
        + ("; connect-src 'self'" if served else "")
    )
    template = _environment().get_template(_TEMPLATE)
    return template.render(
        title=_html_text(title),
        meta=meta,
        legend=legend,
        csp=csp,
        generator=f"kg explorer (pyvis {_version('pyvis')}, vis-network 9.1.2)",
        vis_js=Markup(vis_js),
        app_js=Markup(app_js),
        app_css=Markup(app_css),
        data_json=Markup(script_json(data)),
    )


def script_json(obj: Any) -> str:
    """Serialise ``obj`` as JSON that is safe inside a ``<script type="application/json">``.

    ``<``, ``>`` and ``&`` become ``\\u003c``, ``\\u003e``, ``\\u0026`` (so neither
    ``</script>`` nor ``<!--`` can appear), and every non-ASCII character, including U+2028
    and U+2029 and lone surrogates, is a ``\\uXXXX`` escape; ``JSON.parse`` restores them.

    >>> script_json({"label": "</script><b>&"})
    '{"label":"\\\\u003c/script\\\\u003e\\\\u003cb\\\\u003e\\\\u0026"}'
    """
    text = json.dumps(obj, ensure_ascii=True, allow_nan=False, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


# -- choosing what to show -----------------------------------------------------------------


def ego_graph(G: nx.Graph, center: Hashable, depth: int = 1) -> nx.Graph:
    """The subgraph of the nodes at most ``depth`` links from ``center``, in either direction.

    >>> G = nx.MultiDiGraph([("p1", "d4rl"), ("p1", "iql"), ("p2", "iql"), ("p3", "x")])
    >>> sorted(ego_graph(G, "d4rl", 2))
    ['d4rl', 'iql', 'p1']
    """
    if isinstance(depth, bool) or depth not in (1, 2):
        raise KgError(f"depth must be 1 or 2, got {depth!r}")
    if center not in G:
        raise KgError(f"{center!r} is not a node of the graph")
    undirected = G.to_undirected(as_view=True) if G.is_directed() else G
    reached = nx.single_source_shortest_path_length(undirected, center, cutoff=depth)
    return G.subgraph(reached).copy()


def _top_by_degree(degrees: dict[str, int], max_nodes: int, always: str | None = None) -> set[str]:
    """The ``max_nodes`` ids of highest degree (ties broken by id, so the cut is stable);
    ``always`` is kept whatever its degree."""
    if len(degrees) <= max_nodes:
        return set(degrees)
    ranked = sorted(degrees, key=lambda n: (n != always, -degrees[n], n))
    return set(ranked[:max_nodes])


def _left_out(G: nx.Graph, keep: set[str], view: nx.Graph) -> list[list[Any]]:
    """The nodes of ``G`` a page leaves out, for search: ``[id, type, label, aliases, degree,
    in_view]`` each (a paper's label is its title; ``in_view``: the page's graph ``view`` has it,
    and only the page's size left it out), so that the page can find them and say how to draw them."""
    rows = []
    for node, attrs in G.nodes(data=True):
        node_id = str(node)
        if node_id in keep:
            continue
        kind = _text(attrs.get("type")) or "Other"
        label = (
            (_text(attrs.get("title")) if kind == "Paper" else "")
            or _text(attrs.get("label"))
            or _iri_tail(node_id)
        )
        rows.append([node_id, kind, label, _texts(attrs.get("aliases")), G.degree(node), node in view])
    return rows


# -- the overview ---------------------------------------------------------------------------


def overview_of(G: nx.Graph, keep: set[str], per_type: int = OVERVIEW_PER_TYPE) -> dict[str, Any] | None:
    """What the page opens on: the ``per_type`` entities of each type (of those in ``keep``)
    that most papers have, grouped by the Leiden communities of the entities papers share
    (:func:`kg.graph.analytics.communities`), each group a column (or more) set apart from the
    next, biggest first, its entities by papers; a label fits under each node. None for a graph
    without papers.

    >>> G = nx.MultiDiGraph()
    >>> for p in ("p1", "p2"): G.add_node(p, type="Paper")
    >>> G.add_node("m", type="Method", label="PPO"); G.add_node("d", type="Dataset", label="MuJoCo")
    >>> for p in ("p1", "p2"): _ = G.add_edge(p, "m", key="uses"); _ = G.add_edge(p, "d", key="evaluatedOn")
    >>> [(n["id"], n["papers"], n["group"]) for n in overview_of(G, {"p1", "p2", "m", "d"})["nodes"]]
    [('d', 2, 0), ('m', 2, 0)]
    """
    from kg.graph.analytics import communities
    from kg.types import ENTITY_TYPES

    papers = {
        node: n
        for node, kind in G.nodes(data="type")
        if kind in ENTITY_TYPES and str(node) in keep
        if (n := sum(1 for p in G.predecessors(node) if G.nodes[p].get("type") == "Paper"))
    }
    if not papers:
        return None
    chosen: list[Hashable] = []
    for kind in ENTITY_TYPES:
        of_kind = [n for n in papers if G.nodes[n].get("type") == kind]
        of_kind.sort(key=lambda n: (-papers[n], str(G.nodes[n].get("label", n)), str(n)))
        chosen.extend(of_kind[:per_type])
    paper_nodes = [n for n, kind in G.nodes(data="type") if kind == "Paper"]
    grouping = communities(G.subgraph([*chosen, *paper_nodes]), top=len(chosen), min_papers=1)
    group_of = {row.iri: int(row.community) for row in grouping.itertuples()}
    others = max(group_of.values(), default=-1) + 1  # entities that share no paper with the rest
    entities = [
        {
            "id": str(node),
            "type": G.nodes[node].get("type"),
            "label": _text(G.nodes[node].get("label")) or str(node),
            "papers": papers[node],
            "group": group_of.get(node, others),
        }
        for node in chosen
    ]
    return overview_layout(entities, per_type)


def overview_layout(entities: list[dict[str, Any]], per_type: int = OVERVIEW_PER_TYPE) -> dict[str, Any]:
    """The overview of ``entities`` (``id``, ``label``, ``papers``, ``group`` each): one column per
    group (or more, above :data:`OVERVIEW_ROWS`), biggest group first, as wide as its longest
    label and set apart from the next group; in a column, the entities by papers.

    >>> layout = overview_layout([{"id": "a", "label": "A", "papers": 3, "group": 7}])
    >>> layout["nodes"]
    [{'id': 'a', 'papers': 3, 'group': 0, 'x': 100.0, 'y': 0.0}]
    >>> layout["groups"]
    [{'group': 0, 'members': ['a'], 'papers': 3}]
    """
    groups: dict[int, list[dict[str, Any]]] = {}
    for entity in entities:
        groups.setdefault(entity["group"], []).append(entity)
    ordered = sorted(
        groups.values(),
        key=lambda members: (
            -len(members),
            -sum(e["papers"] for e in members),
            min(e["id"] for e in members),
        ),
    )
    nodes, summary, right = [], [], None
    for number, members in enumerate(ordered):
        members.sort(key=lambda e: (-e["papers"], e["label"], e["id"]))
        for start in range(0, len(members), OVERVIEW_ROWS):
            column = members[start : start + OVERVIEW_ROWS]
            width = max(
                OVERVIEW_COLUMN,
                OVERVIEW_CHAR * max(len(f"{_short(e['label'])} · {e['papers']}") for e in column),
            )
            gap = OVERVIEW_GROUP_GAP if start == 0 and right is not None else 0.0
            x = width / 2 if right is None else right + gap + width / 2
            right = x + width / 2
            for row, entity in enumerate(column):
                nodes.append(
                    {
                        "id": entity["id"],
                        "papers": entity["papers"],
                        "group": number,
                        "x": round(x, 1),
                        "y": row * OVERVIEW_ROW,
                    }
                )
        summary.append(
            {
                "group": number,
                "members": [e["id"] for e in members],
                "papers": sum(e["papers"] for e in members),
            }
        )
    return {"per_type": per_type, "nodes": nodes, "groups": summary}


# -- graph -> vis-network items -------------------------------------------------------------


def _items(
    G: nx.Graph, keep: set[str], *, layout: bool = True
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Node and edge items for vis-network; what the details panel needs goes under ``kg``. Without
    ``layout`` every node starts at the origin."""
    order = [str(n) for n in G.nodes if str(n) in keep]
    index = {node: i for i, node in enumerate(order)}
    attrs_of = {str(n): attrs for n, attrs in G.nodes(data=True)}
    links = []
    for u, v, attrs in G.edges(data=True):
        su, sv = str(u), str(v)
        if su in index and sv in index:
            links.append((su, sv, attrs))
    degree = Counter()
    for su, sv, _ in links:
        degree[su] += 1
        degree[sv] += 1

    if layout:
        positions = force_layout(len(order), [(index[su], index[sv]) for su, sv, _ in links])
    else:
        positions = np.zeros((len(order), 2))
    max_degree = max(degree.values(), default=0)
    nodes = []
    for node_id, (x, y) in zip(order, positions.tolist(), strict=True):
        info = _node_info(node_id, attrs_of[node_id], degree[node_id])
        group = info["type"] if info["type"] in TYPE_STYLES else "Other"
        nodes.append(
            {
                "id": node_id,
                "group": group,
                "label": _short(info["label"]),
                "size": _node_size(degree[node_id], max_degree),
                "x": round(x, 1),
                "y": round(y, 1),
                "kg": info,
            }
        )

    edges = []
    pair_counts: Counter[tuple[str, str]] = Counter()
    for number, (su, sv, attrs) in enumerate(links):
        relation = _text(attrs.get("relation")) or "related"
        weight = _weight(attrs.get("weight"))
        edge: dict[str, Any] = {
            "id": f"e{number}",
            "from": su,
            "to": sv,
            "width": _edge_width(weight),
            "kg": {
                "relation": relation,
                "weight": weight,
                "evidence": _texts(attrs.get("evidence")),
                "start": _count(attrs.get("start")),
                "end": _count(attrs.get("end")),
            },
        }
        smooth = _parallel_smooth(su, sv, pair_counts)
        if smooth is not None:
            edge["smooth"] = smooth
        edges.append(edge)
    return nodes, edges


def _node_info(node_id: str, attrs: dict[str, Any], degree: int) -> dict[str, Any]:
    node_type = _text(attrs.get("type")) or "Other"
    label = _text(attrs.get("label")) or _text(attrs.get("title")) or _iri_tail(node_id)
    info: dict[str, Any] = {
        "type": node_type,
        "label": label,
        "aliases": _texts(attrs.get("aliases")),
        "degree": degree,
    }
    if node_type == "Paper":
        info["title"] = _text(attrs.get("title")) or label
        info["abstract"] = _text(attrs.get("abstract"))
        info["date"] = _text(attrs.get("date")) or None
        info["year"] = _count(attrs.get("year"))
        info["n_authors"] = _count(attrs.get("n_authors"))
        info["authors"] = _texts(attrs.get("authors"))
        info["venue"] = _text(attrs.get("venue")) or None
        info["links"] = [link for link in _texts(attrs.get("links")) if _WEB_LINK.match(link)]
    return info


#: The only links the explorer makes clickable: http(s), never ``javascript:`` or ``data:``.
_WEB_LINK = re.compile(r"^https?://[^\s]+$", re.IGNORECASE)


def _legend(nodes: list[dict[str, Any]]) -> list[dict[str, Any]]:
    counts = Counter(node["group"] for node in nodes)
    legend = [{"type": name, **style, "count": counts.get(name, 0)} for name, style in TYPE_STYLES.items()]
    if counts.get("Other"):
        legend.append({"type": "Other", **OTHER_STYLE, "count": counts["Other"]})
    return legend


def relation_label(relation: str) -> str:
    """A relation name as words for people: without its prefix or namespace, camelCase split and
    lower-cased, acronyms kept (``evaluatedOn`` -> ``evaluated on``, ``skos:broader`` -> ``broader``).

    >>> relation_label("kg:comparedWith"), relation_label("usedFor"), relation_label("partOf")
    ('compared with', 'used for', 'part of')
    """
    name = re.sub(r"^(?:https?://\S*[/#]|[A-Za-z][\w.-]*:)(?=\w)", "", relation.strip())
    words = re.sub(r"(?<=[a-z0-9])(?=[A-Z])|[_-]+", " ", name).split()
    return " ".join(w if w.isupper() and len(w) > 1 else w.lower() for w in words) or relation


def _relation_order(relations: Counter[str]) -> list[str]:
    known = [r for r in RELATION_ORDER if r in relations]
    return known + sorted(r for r in relations if r not in RELATION_ORDER)


def _node_size(degree: int, max_degree: int) -> float:
    """Log-scaled and bounded: 0 links -> MIN_NODE_SIZE, the best-connected -> MAX_NODE_SIZE."""
    if max_degree <= 0:
        return MIN_NODE_SIZE
    scale = math.log1p(degree) / math.log1p(max_degree)
    return round(MIN_NODE_SIZE + (MAX_NODE_SIZE - MIN_NODE_SIZE) * scale, 2)


def _edge_width(weight: int) -> float:
    return round(min(MAX_EDGE_WIDTH, 1.0 + 1.5 * math.log2(weight)), 2)


def _parallel_smooth(u: str, v: str, seen: Counter[tuple[str, str]]) -> dict[str, Any] | None:
    """Bend the 2nd, 3rd... edge between the same two nodes (either direction) apart."""
    pair = (u, v) if u <= v else (v, u)
    k = seen[pair]
    seen[pair] += 1
    if k == 0 or u == v:
        return None
    side = 1 if k % 2 else -1
    if (u, v) != pair:  # "clockwise" is relative to the edge's own direction
        side = -side
    return {
        "enabled": True,
        "type": "curvedCW" if side > 0 else "curvedCCW",
        "roundness": round(0.2 * ((k + 1) // 2), 2),
    }


def _options(n_nodes: int, n_edges: int) -> dict[str, Any]:
    """vis-network options: pyvis's physics settings (used only to lay out an ego network in
    the page) plus what pyvis's API does not cover."""
    net = Network(height="100%", width="100%", directed=True, cdn_resources="in_line")
    net.force_atlas_2based(
        gravity=-60, central_gravity=0.015, spring_length=90, spring_strength=0.08, damping=0.5, overlap=0.2
    )
    net.toggle_stabilization(True)
    net.inherit_edge_colors(False)
    options = json.loads(net.options.to_json())
    options.pop("configure", None)
    big = n_nodes > BIG_NODES or n_edges > BIG_EDGES
    physics = options["physics"]
    # The layout is computed before the page opens: physics starts off. These settings
    # apply when the page lays out an ego network: at most 300 iterations, then off.
    physics["enabled"] = False
    physics["minVelocity"] = 1.5
    physics["stabilization"].update({"iterations": 300, "updateInterval": 10, "fit": True})
    options["edges"] = {
        "arrows": {"to": {"enabled": not big, "scaleFactor": 0.5}},
        "color": {"color": "#a6adb4", "highlight": "#24292f", "hover": "#57606a", "opacity": 0.8},
        "smooth": {"enabled": False} if big else {"enabled": True, "type": "continuous", "roundness": 0.3},
        "selectionWidth": 1.5,
        "hoverWidth": 0.5,
    }
    options["nodes"] = {
        "borderWidth": 0 if n_nodes > BORDERLESS_NODES else 1.5,
        "borderWidthSelected": 4,
        "font": {
            "size": 14,
            "face": "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif",
            "color": "#1f2328",
            "strokeWidth": 3,
            "strokeColor": "#ffffff",
        },
        "scaling": {"label": {"drawThreshold": 7}},
    }
    options["groups"] = {
        name: _group_style(style) for name, style in [*TYPE_STYLES.items(), ("Other", OTHER_STYLE)]
    }
    options["interaction"] = {
        "hover": not big,
        "tooltipDelay": 200,
        "hideEdgesOnDrag": big,
        "hideEdgesOnZoom": big,
        "navigationButtons": False,
        "keyboard": False,
        "multiselect": False,
        "dragNodes": True,
    }
    options["layout"] = {"randomSeed": 7, "improvedLayout": False}
    return options


def _group_style(style: dict[str, str]) -> dict[str, Any]:
    colour = style["color"]
    border = _shade(colour, 0.65)
    return {
        "shape": style["shape"],
        "color": {
            "background": colour,
            "border": border,
            "highlight": {"background": colour, "border": "#111111"},
            "hover": {"background": colour, "border": "#111111"},
        },
    }


def _shade(colour: str, factor: float) -> str:
    red, green, blue = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return "#" + "".join(f"{round(c * factor):02x}" for c in (red, green, blue))


# -- layout ----------------------------------------------------------------------------------

_GRID = 128  # grid points per side for the repulsion field


def force_layout(
    n_nodes: int,
    edges: Sequence[tuple[int, int]],
    *,
    iterations: int | None = None,
    seed: int = 7,
    spacing: float = 90.0,
) -> np.ndarray:
    """Positions for a graph of ``n_nodes`` nodes and ``edges`` (pairs of node indices).

    A ForceAtlas2-style layout (Jacomy et al., PLoS ONE 2014): edges pull their ends together
    in proportion to their length, every pair of nodes pushes apart in proportion to
    ``(degree + 1)`` of both over their distance, a constant gravity keeps components
    together, and each node moves with its own speed, lowered where its force keeps
    changing direction. The repulsion of all pairs is computed on a grid with an FFT
    convolution (particle-mesh), so an iteration costs O(n + grid size) rather than O(n²):
    a few seconds for 5,000 nodes and 20,000 edges. Deterministic for a given ``seed``.

    Returns an ``(n_nodes, 2)`` array centred on 0 and scaled so that each node has about
    ``spacing`` × ``spacing`` of room (vis-network pixels at zoom 1).

    >>> pos = force_layout(4, [(0, 1), (1, 2), (2, 3)])
    >>> pos.shape, bool(abs(pos.mean()) < 1e-6)
    ((4, 2), True)
    """
    n = int(n_nodes)
    if n == 0:
        return np.zeros((0, 2))
    pairs = np.asarray(edges, dtype=np.int64).reshape(-1, 2)
    pairs = pairs[pairs[:, 0] != pairs[:, 1]]
    src, dst = pairs[:, 0], pairs[:, 1]
    mass = 1.0 + np.bincount(src, minlength=n) + np.bincount(dst, minlength=n)
    repulsion = 2.0 if n < 100 else 10.0
    if iterations is None:
        iterations = 300 if n <= 2000 else 200
    rng = np.random.default_rng(seed)
    pos = rng.uniform(-1.0, 1.0, (n, 2)) * math.sqrt(n) * 5.0
    previous = np.zeros_like(pos)
    speed, efficiency = 1.0, 1.0
    optimal_jitter = 0.05 * math.sqrt(n)
    for _ in range(iterations if n > 1 else 0):
        force = repulsion * mass[:, None] * _repulsion_field(pos, mass)
        stretch = pos[src] - pos[dst]
        for axis in (0, 1):
            force[:, axis] += np.bincount(dst, stretch[:, axis], n) - np.bincount(src, stretch[:, axis], n)
        distance = np.linalg.norm(pos, axis=1)
        force -= mass[:, None] * pos / np.maximum(distance, 1e-9)[:, None]
        # adaptive speed: fast while forces agree from one step to the next, slow where they swing
        swing = mass * np.linalg.norm(force - previous, axis=1)
        traction = mass * np.linalg.norm(force + previous, axis=1) / 2.0
        total_swing, total_traction = float(swing.sum()), float(traction.sum())
        jitter = max(math.sqrt(optimal_jitter), min(10.0, optimal_jitter * total_traction / n**2))
        if total_swing > 2.0 * total_traction:
            efficiency = max(0.05, efficiency * 0.5)
            jitter = max(jitter, 1.0)
        target = jitter * efficiency * total_traction / max(total_swing, 1e-12)
        if total_swing > jitter * total_traction:
            efficiency = max(0.05, efficiency * 0.7)
        elif speed < 1000:
            efficiency *= 1.3
        speed += min(target - speed, 0.5 * speed)
        pos += force * (speed / (1.0 + np.sqrt(speed * swing)))[:, None]
        previous = force
    pos = _gather_components(pos, src, dst)
    radius = math.sqrt(float((pos**2).sum(axis=1).mean()))
    if radius > 0:
        # a uniform disc of n nodes with spacing s has an RMS radius of s * sqrt(n / 2π)
        pos *= spacing * math.sqrt(n / (2 * math.pi)) / radius
    return pos


def _component_labels(n: int, src: np.ndarray, dst: np.ndarray) -> np.ndarray:
    """Connected component of each node, as the smallest node index in it (min-label
    propagation with pointer jumping)."""
    labels = np.arange(n)
    while True:
        low = np.minimum(labels[src], labels[dst])
        updated = labels.copy()
        np.minimum.at(updated, src, low)
        np.minimum.at(updated, dst, low)
        updated = updated[updated]
        if np.array_equal(updated, labels):
            return labels
        labels = updated


def _gather_components(pos: np.ndarray, src: np.ndarray, dst: np.ndarray) -> np.ndarray:
    """Centre the layout on the largest component and move each smaller one, as a whole, in to
    its rim (the radius 95% of its nodes are inside): the repulsion of the large component
    pushes small ones and lone nodes far out, and the page would open zoomed out on empty space."""
    labels = _component_labels(len(pos), src, dst)
    sizes = np.bincount(labels, minlength=len(pos))
    main = labels == int(np.argmax(sizes))
    pos = pos - pos[main].mean(axis=0)
    rim = 1.05 * float(np.percentile(np.linalg.norm(pos[main], axis=1), 95)) + 1e-9
    for label in np.unique(labels[~main]):
        members = labels == label
        centre = pos[members].mean(axis=0)
        distance = float(np.linalg.norm(centre))
        if distance > rim:
            pos[members] -= centre * (1.0 - rim / distance)
    return pos - pos.mean(axis=0)


@cache
def _kernel_spectra(m: int) -> tuple[np.ndarray, np.ndarray]:
    """Fourier transforms of the x and y components of r / |r|² on a zero-padded 2m grid."""
    p = 2 * m
    offsets = np.arange(p, dtype=float)
    offsets[offsets >= m] -= p
    dx, dy = np.meshgrid(offsets, offsets, indexing="ij")
    r2 = dx * dx + dy * dy
    r2[0, 0] = 1.0  # dx = dy = 0 there, so the kernel is 0: no self-repulsion
    return np.fft.rfft2(dx / r2), np.fft.rfft2(dy / r2)


def _repulsion_field(pos: np.ndarray, mass: np.ndarray, m: int = _GRID) -> np.ndarray:
    """Σ_j mass_j (p - p_j) / |p - p_j|² at every node, by cloud-in-cell deposit on an m×m
    grid, FFT convolution and interpolation with the same weights (so a node exerts no
    force on itself and pairs stay symmetric)."""
    lo = pos.min(axis=0)
    span = float((pos.max(axis=0) - lo).max()) or 1.0
    h = span / (m - 3)
    u = (pos - lo) / h + 1.0
    cell = np.floor(u).astype(np.int64)
    fx, fy = (u - cell).T
    corners = (
        (0, 0, (1 - fx) * (1 - fy)),
        (1, 0, fx * (1 - fy)),
        (0, 1, (1 - fx) * fy),
        (1, 1, fx * fy),
    )
    index = np.concatenate([(cell[:, 0] + ox) * m + cell[:, 1] + oy for ox, oy, _ in corners])
    weight = np.concatenate([w for _, _, w in corners])
    density = np.bincount(index, weights=np.tile(mass, 4) * weight, minlength=m * m).reshape(m, m)
    kx, ky = _kernel_spectra(m)
    spectrum = np.fft.rfft2(density, s=(2 * m, 2 * m))
    field_x = np.fft.irfft2(spectrum * kx, s=(2 * m, 2 * m))[:m, :m].ravel()
    field_y = np.fft.irfft2(spectrum * ky, s=(2 * m, 2 * m))[:m, :m].ravel()
    n = len(pos)
    at_x = (field_x[index] * weight).reshape(4, n).sum(axis=0)
    at_y = (field_y[index] * weight).reshape(4, n).sum(axis=0)
    return np.stack([at_x, at_y], axis=1) / h


# -- small helpers -----------------------------------------------------------------------


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def _texts(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [value] if value else []
    return [str(v) for v in value if v is not None and str(v)]


def _weight(value: Any) -> int:
    try:
        return max(1, int(value))
    except (TypeError, ValueError):
        return 1


def _count(value: Any) -> int | None:
    if value is None or isinstance(value, bool):
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _short(label: str) -> str:
    label = " ".join(label.split())
    return label if len(label) <= MAX_LABEL_CHARS else label[: MAX_LABEL_CHARS - 1] + "…"


def _iri_tail(iri: str) -> str:
    tail = iri.rstrip("/#").rsplit("/", 1)[-1].rsplit("#", 1)[-1]
    return tail or iri


def _html_text(text: str) -> str:
    """Replace lone surrogates, which cannot be written as UTF-8."""
    return str(text).encode("utf-16", "surrogatepass").decode("utf-16", "replace")


# -- assets ------------------------------------------------------------------------------


@cache
def _vis_asset(name: str) -> str:
    return resources.files("pyvis").joinpath(*_VIS_DIR, name).read_text(encoding="utf-8")


@cache
def _own_asset(name: str) -> str:
    return resources.files("kg.export").joinpath("templates", name).read_text(encoding="utf-8")


def _inline_text(text: str, tag: str) -> str:
    """Normalise newlines as the HTML parser will (so CSP hashes match) and refuse text
    that would end its ``<script>``/``<style>`` element early."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    lowered = text.lower()
    if f"</{tag}" in lowered or (tag == "script" and "<!--" in lowered):
        raise RuntimeError(f"cannot inline asset: it contains '</{tag}' or '<!--'")
    return text


def _csp_hash(script: str) -> str:
    digest = hashlib.sha256(script.encode("utf-8")).digest()
    return f"'sha256-{base64.b64encode(digest).decode('ascii')}'"


def _version(distribution: str) -> str:
    try:
        return metadata.version(distribution)
    except metadata.PackageNotFoundError:
        return "unknown"


@cache
def _environment() -> jinja2.Environment:
    # autoescape=True, not select_autoescape: the template's name ends in ".j2".
    return jinja2.Environment(
        loader=jinja2.PackageLoader("kg.export", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
    )
