"""``kg explore``: the offline HTML explorer of a built graph."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from kg.cli.app import DEFAULT_OUT, GraphOption, app, err
from kg.errors import KgError


@app.command()
def explore(
    graph: GraphOption = DEFAULT_OUT,
    out_path: Annotated[Path, typer.Option("--out", "-o", help="HTML file to write (atomically).")] = Path(
        "explorer.html"
    ),
    focus: Annotated[
        str | None,
        typer.Option("--focus", help="Only the ego network of this node: label, alias, paper title or IRI."),
    ] = None,
    depth: Annotated[int, typer.Option("--depth", min=1, max=2, help="Radius of the ego network.")] = 1,
    max_nodes: Annotated[
        int, typer.Option("--max-nodes", min=1, help="Keep at most this many nodes, highest degree first.")
    ] = 5000,
    full: Annotated[
        bool, typer.Option("--full", help="Every entity, not only those with a paper role or 2+ mentions.")
    ] = False,
) -> None:
    """Write the offline HTML explorer of a built graph, or of one node's ego network."""
    import logging

    from kg.api import KnowledgeGraph
    from kg.export.html import write_explorer
    from kg.graph.nx import core_view, find_nodes

    logging.basicConfig(level=logging.WARNING, format="kg: warning: %(message)s", stream=sys.stderr)
    G = KnowledgeGraph.load(graph).to_networkx()
    drawn = G if full else core_view(G)
    center = None
    if focus is not None:
        found = find_nodes(drawn, focus)
        if not found:
            hint = " (it is only mentioned once: add --full)" if find_nodes(G, focus) else ""
            raise KgError(f"no node is called {focus!r}{hint}; search for it with kg query")
        center = found[0]
        if len(found) > 1:
            err.print(f"kg: {len(found)} nodes are called {focus!r}: the best connected", markup=False)
    page = write_explorer(drawn, out_path, max_nodes=max_nodes, focus=center, depth=depth, searchable=G)
    err.print(f"kg: wrote {page} ({page.stat().st_size / 1e6:.1f} MB)", markup=False, highlight=False)
