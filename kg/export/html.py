"""Interactive HTML explorer: one self-contained page that works from ``file://`` offline.

The node and edge lists and the vis-network options are built with pyvis; the page is
rendered with our own Jinja2 template because pyvis 0.3.2's template loads Bootstrap and
other assets from CDNs even with ``cdn_resources="in_line"``. vis-network's JavaScript and
CSS are read from the installed pyvis package and inlined.

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
from collections import Counter
from collections.abc import Iterable
from functools import cache
from importlib import metadata, resources
from pathlib import Path
from typing import Any

import jinja2
import networkx as nx
from markupsafe import Markup
from pyvis.network import Network

from kg.errors import KgError
from kg.io import write_text

__all__ = ["OTHER_STYLE", "TYPE_STYLES", "render_explorer", "script_json", "write_explorer"]

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

MIN_NODE_SIZE = 10.0
MAX_NODE_SIZE = 34.0
MAX_EDGE_WIDTH = 8.0
MAX_LABEL_CHARS = 48

_VIS_DIR = ("templates", "lib", "vis-9.1.2")
_TEMPLATE = "explorer.html.j2"


def write_explorer(
    G: nx.Graph,
    path: str | os.PathLike[str],
    *,
    title: str = "kg explorer",
    max_nodes: int = 2000,
) -> Path:
    """Write an interactive, self-contained HTML explorer of ``G`` to ``path``.

    Parameters
    ----------
    G : networkx.MultiDiGraph
        Nodes are IRIs with ``type``, ``label``, ``aliases`` (papers also ``title``,
        ``abstract``, ``date``, ``n_authors``); edges carry ``relation``, ``weight`` and
        ``evidence``. Missing attributes are tolerated.
    path : str or Path
        Output file; written atomically (a reader never sees a half-written page).
    title : str
        Page title and heading (escaped).
    max_nodes : int
        If ``G`` has more nodes, only the ``max_nodes`` of highest degree are shown, a
        warning is logged and the page says it is a partial view.

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
    return write_text(path, render_explorer(G, title=title, max_nodes=max_nodes))


def render_explorer(G: nx.Graph, *, title: str = "kg explorer", max_nodes: int = 2000) -> str:
    """Return the explorer page for ``G`` as a string (see :func:`write_explorer`)."""
    if isinstance(max_nodes, bool) or not isinstance(max_nodes, int) or max_nodes < 1:
        raise KgError(f"max_nodes must be a positive integer, got {max_nodes!r}")

    degrees = {str(n): d for n, d in G.degree()}
    total_nodes = G.number_of_nodes()
    total_edges = G.number_of_edges()
    keep = _top_by_degree(degrees, max_nodes)
    truncated = len(keep) < total_nodes
    if truncated:
        logger.warning(
            "the graph has %d nodes; the HTML explorer shows the %d of highest degree "
            "(raise max_nodes to show more)",
            total_nodes,
            len(keep),
        )

    net = _build_network(G, keep, degrees)
    nodes, edges, _heading, _height, _width, options_json = net.get_network_data()
    options = _finish_options(json.loads(options_json), len(nodes), len(edges))

    type_counts = Counter(node["kg"]["type"] for node in nodes)
    legend = [
        {"type": name, **style, "count": type_counts.get(name, 0)} for name, style in TYPE_STYLES.items()
    ]
    others = sum(n for name, n in type_counts.items() if name not in TYPE_STYLES)
    if others:
        legend.append({"type": "Other", **OTHER_STYLE, "count": others})

    meta = {
        "title": title,
        "nodes_shown": len(nodes),
        "nodes_total": total_nodes,
        "edges_shown": len(edges),
        "edges_total": total_edges,
        "truncated": truncated,
    }
    data = {"meta": meta, "legend": legend, "nodes": nodes, "edges": edges, "options": options}

    vis_js = _inline_text(_vis_asset("vis-network.min.js"), "script")
    vis_css = _inline_text(_vis_asset("vis-network.css"), "style")
    app_js = _inline_text(_own_asset("explorer.js"), "script")
    app_css = _inline_text(_own_asset("explorer.css"), "style")
    csp = (
        "default-src 'none'; "
        f"script-src {_csp_hash(vis_js)} {_csp_hash(app_js)}; "
        "style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'"
    )
    template = _environment().get_template(_TEMPLATE)
    return template.render(
        title=_html_text(title),
        meta=meta,
        legend=legend,
        csp=csp,
        generator=f"kg explorer (pyvis {_version('pyvis')}, vis-network 9.1.2)",
        vis_js=Markup(vis_js),
        vis_css=Markup(vis_css),
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


# -- graph -> pyvis ----------------------------------------------------------------------


def _top_by_degree(degrees: dict[str, int], max_nodes: int) -> set[str]:
    """The ``max_nodes`` ids of highest degree; ties broken by id, so the cut is stable."""
    if len(degrees) <= max_nodes:
        return set(degrees)
    ranked = sorted(degrees, key=lambda n: (-degrees[n], n))
    return set(ranked[:max_nodes])


def _build_network(G: nx.Graph, keep: set[str], degrees: dict[str, int]) -> Network:
    net = Network(height="100%", width="100%", directed=True, cdn_resources="in_line")
    n_nodes = len(keep)
    net.force_atlas_2based(
        gravity=-80,
        central_gravity=0.01,
        spring_length=120,
        spring_strength=0.08,
        damping=0.5,
        overlap=0.5,
    )
    net.toggle_stabilization(True)
    net.options.physics.stabilization.iterations = _stabilization_iterations(n_nodes)
    net.options.physics.stabilization.updateInterval = 25
    net.set_edge_smooth("continuous")
    net.inherit_edge_colors(False)
    net.toggle_hide_edges_on_drag(n_nodes > 500)

    max_degree = max((degrees[n] for n in keep), default=0)
    for node, attrs in G.nodes(data=True):
        node_id = str(node)
        if node_id not in keep:
            continue
        info = _node_info(node_id, attrs, degrees[node_id])
        style = TYPE_STYLES.get(info["type"], OTHER_STYLE)
        net.add_node(
            node_id,
            label=_short(info["label"]),
            shape=style["shape"],
            color=style["color"],  # vis-network derives border and highlight shades
            size=_node_size(degrees[node_id], max_degree),
            title=_node_tooltip(info),
            kg=info,
        )

    pair_counts: Counter[tuple[str, str]] = Counter()
    for index, (u, v, attrs) in enumerate(_kept_edges(G, keep)):
        relation = _text(attrs.get("relation")) or "related"
        weight = _weight(attrs.get("weight"))
        edge: dict[str, Any] = {
            "id": f"e{index}",
            "title": relation,
            "width": _edge_width(weight),
            "kg": {
                "relation": relation,
                "weight": weight,
                "evidence": _texts(attrs.get("evidence")),
            },
        }
        smooth = _parallel_smooth(u, v, pair_counts)
        if smooth is not None:
            edge["smooth"] = smooth
        net.add_edge(u, v, **edge)
    return net


def _kept_edges(G: nx.Graph, keep: set[str]) -> Iterable[tuple[str, str, dict[str, Any]]]:
    for u, v, attrs in G.edges(data=True):
        su, sv = str(u), str(v)
        if su in keep and sv in keep:
            yield su, sv, attrs


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
        info["n_authors"] = _count(attrs.get("n_authors"))
    return info


def _node_tooltip(info: dict[str, Any]) -> str:
    """Plain text (vis-network shows string titles with ``innerText``)."""
    links = f"{info['degree']} link" + ("" if info["degree"] == 1 else "s")
    if info["type"] == "Paper":
        when = f" · {info['date']}" if info.get("date") else ""
        return f"{info['title']}\nPaper{when} · {links}"
    return f"{info['label']}\n{info['type']} · {links}"


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


def _stabilization_iterations(n_nodes: int) -> int:
    """Fewer layout iterations for bigger graphs, so the page settles in seconds."""
    return max(150, min(1000, 150_000 // max(n_nodes, 1)))


def _finish_options(options: dict[str, Any], n_nodes: int, n_edges: int) -> dict[str, Any]:
    """Complete pyvis's options with what its API does not cover."""
    options.pop("configure", None)
    big = n_nodes > 1000 or n_edges > 3000
    options["physics"]["minVelocity"] = 1
    options["edges"].update(
        {
            "arrows": {"to": {"enabled": True, "scaleFactor": 0.5}},
            "color": {"color": "#9aa0a6", "highlight": "#333333", "hover": "#555555"},
            "selectionWidth": 1.5,
            "hoverWidth": 0.5,
        }
    )
    if big:
        options["edges"]["smooth"] = {"enabled": False}
    options["nodes"] = {
        "borderWidth": 1.5,
        "borderWidthSelected": 3,
        "font": {
            "size": 14,
            "face": "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif",
            "color": "#1f2328",
            "strokeWidth": 3,
            "strokeColor": "#ffffff",
        },
        "widthConstraint": {"maximum": 220},
    }
    options["interaction"].update(
        {"hover": True, "tooltipDelay": 150, "navigationButtons": False, "keyboard": False}
    )
    options["layout"] = {"randomSeed": 7, "improvedLayout": n_nodes <= 100}
    return options


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
