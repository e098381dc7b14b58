"""Analytics of a corpus: trends, co-usage, comparison tables, similar papers and communities.

Functions of ``G``, the NetworkX view of :func:`kg.graph.nx.to_networkx` (papers and entities as
nodes; a paper's roles as edges from the paper to the entity), that return DataFrames. A paper
*has* an entity when any edge links them, a mere ``mentions`` included; a paper *works with*
one when a role other than ``mentions`` links them (it proposes, uses, is evaluated on or
addresses it), which is what co-usage and comparisons count.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Hashable, Iterable, Iterator

import networkx as nx
import numpy as np
import pandas as pd

from kg.errors import InputError
from kg.types import ENTITY_TYPES

#: Paper roles that say what a paper does with an entity, beyond mentioning it.
WORK_ROLES = frozenset({"proposes", "uses", "evaluatedOn", "addresses", "outperforms"})

TREND_COLUMNS = ["iri", "label", "type", "papers", "first_year", "last_year", "slope", "trend"]


def _check_type(type: str | None) -> None:
    if type is not None and type not in ENTITY_TYPES:
        raise InputError(f"unknown entity type {type!r}: use one of {', '.join(ENTITY_TYPES)}")


def _papers(G: nx.Graph) -> Iterator[tuple[Hashable, dict]]:
    return ((node, data) for node, data in G.nodes(data=True) if data.get("type") == "Paper")


def _is_entity(G: nx.Graph, node: Hashable, type: str | None = None) -> bool:
    kind = G.nodes[node].get("type")
    return kind in ENTITY_TYPES and (type is None or kind == type)


def paper_entities(
    G: nx.MultiDiGraph, *, roles: Iterable[str] | None = None, type: str | None = None
) -> dict[Hashable, set[Hashable]]:
    """Each paper's entities (of ``type``), linked by any edge or only by the ``roles`` named.

    >>> G = nx.MultiDiGraph()
    >>> G.add_node("p", type="Paper"); G.add_node("m", type="Method"); G.add_node("d", type="Dataset")
    >>> _ = G.add_edge("p", "m", key="uses", relation="uses")
    >>> _ = G.add_edge("p", "d", key="mentions", relation="mentions")
    >>> paper_entities(G, roles={"uses"})
    {'p': {'m'}}
    """
    wanted = None if roles is None else frozenset(roles)
    kinds = _entity_types(G, type)
    found: dict[Hashable, set[Hashable]] = {}
    for paper, _ in _papers(G):
        entities = {
            entity
            for entity, keys in G.succ[paper].items()
            if entity in kinds and (wanted is None or not wanted.isdisjoint(keys))
        }
        if entities:
            found[paper] = entities
    return found


def _entity_types(G: nx.Graph, type: str | None = None) -> dict[Hashable, str]:
    """The type of each entity node (of ``type``): one pass, then lookups by node."""
    return {
        node: kind
        for node, kind in G.nodes(data="type")
        if kind in ENTITY_TYPES and (type is None or kind == type)
    }


def _year(value: object) -> int | None:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    return int(value)


def papers_per_year(G: nx.MultiDiGraph, *, type: str | None = None) -> pd.DataFrame:
    """How many papers of each year have each entity: one row per entity (index: IRI), one
    column per year from the first to the last year of the corpus; papers without a year are
    left out.

    >>> G = nx.MultiDiGraph()
    >>> G.add_node("p1", type="Paper", year=2020); G.add_node("p2", type="Paper", year=2022)
    >>> G.add_node("m", type="Method", label="PPO")
    >>> _ = G.add_edge("p1", "m", key="uses"); _ = G.add_edge("p2", "m", key="uses")
    >>> papers_per_year(G).loc["m"].tolist()
    [1, 0, 1]
    """
    _check_type(type)
    entities: list[Hashable] = []
    years: list[int] = []
    dated: set[int] = set()
    having_of = paper_entities(G, type=type)
    for paper, data in _papers(G):
        if (year := _year(data.get("year"))) is None:
            continue
        dated.add(year)
        having = having_of.get(paper, ())
        entities.extend(having)
        years.extend([year] * len(having))
    columns = list(range(min(dated), max(dated) + 1)) if dated else []
    if not entities:
        return pd.DataFrame(columns=columns, dtype="int64")
    pairs = pd.DataFrame({"iri": entities, "year": years})
    frame = pairs.groupby(["iri", "year"], sort=False).size().unstack(fill_value=0)
    return frame.reindex(columns=columns, fill_value=0).astype("int64")


def year_totals(G: nx.MultiDiGraph) -> pd.Series:
    """Papers per year (index: year, from the first to the last)."""
    years = Counter(y for _, data in _papers(G) if (y := _year(data.get("year"))) is not None)
    if not years:
        return pd.Series(dtype="int64")
    return pd.Series(years).reindex(range(min(years), max(years) + 1), fill_value=0).astype("int64")


def trends(
    G: nx.MultiDiGraph,
    *,
    type: str | None = None,
    top: int = 20,
    min_papers: int = 5,
) -> pd.DataFrame:
    """The entities rising and declining fastest: the ``top`` with the steepest positive slope
    and the ``top`` with the steepest negative one, among entities of ``type`` that at least
    ``min_papers`` dated papers have.

    The statistic is the least-squares slope of an entity's share of each year's papers, in
    percentage points per year, over the years that have papers: a share, so that a field that
    grows does not make everything in it look like it rises. Columns: iri, label, type, papers
    (dated papers that have it), first_year and last_year (its first and last year), slope,
    trend (``rising`` or ``declining``), then one column per year with its papers. Sorted by
    slope, steepest rise first.

    >>> G = nx.MultiDiGraph()
    >>> for i, year in enumerate([2020, 2020, 2021, 2021, 2022, 2022]):
    ...     G.add_node(f"p{i}", type="Paper", year=year)
    >>> G.add_node("new", type="Method", label="New"); G.add_node("old", type="Method", label="Old")
    >>> for p in ["p3", "p4", "p5"]: _ = G.add_edge(p, "new", key="uses")
    >>> for p in ["p0", "p1", "p2"]: _ = G.add_edge(p, "old", key="uses")
    >>> trends(G, min_papers=2)[["label", "slope", "trend"]].values.tolist()
    [['New', 50.0, 'rising'], ['Old', -50.0, 'declining']]
    """
    counts = papers_per_year(G, type=type)
    totals = year_totals(G)
    counts = counts[counts.sum(axis=1) >= min_papers]
    if counts.empty or len(totals) < 2:
        return pd.DataFrame(columns=[*TREND_COLUMNS, *totals.index])
    active = totals[totals > 0]
    shares = counts[active.index].div(active, axis=1) * 100
    x = np.asarray(active.index, dtype=float)
    x -= x.mean()
    ranked = pd.DataFrame(
        {
            "iri": counts.index,
            "slope": (shares.to_numpy() @ x / (x @ x)).round(4),
            "papers": counts.sum(axis=1).to_numpy(),
        }
    )
    keys, order = ["slope", "papers", "iri"], [False, False, True]  # ties: more papers, then IRI
    rising = ranked[ranked["slope"] > 0].sort_values(keys, ascending=order).head(top)
    declining = ranked[ranked["slope"] < 0].sort_values(keys, ascending=[True, False, True]).head(top)
    chosen = pd.concat([rising, declining.iloc[::-1]]).set_index("iri")
    present = counts.loc[chosen.index].gt(0)
    frame = pd.DataFrame(
        {
            "iri": chosen.index,
            "label": [G.nodes[n].get("label") for n in chosen.index],
            "type": [G.nodes[n].get("type") for n in chosen.index],
            "papers": chosen["papers"].to_numpy(),
            "first_year": present.idxmax(axis=1).to_numpy(),
            "last_year": present.iloc[:, ::-1].idxmax(axis=1).to_numpy(),
            "slope": chosen["slope"].to_numpy(),
            "trend": np.where(chosen["slope"].to_numpy() > 0, "rising", "declining"),
        }
    )
    per_year = counts.loc[chosen.index].reset_index(drop=True)
    return pd.concat([frame, per_year], axis=1)


def co_usage(
    G: nx.MultiDiGraph, rows: str = "Method", columns: str = "Dataset", *, top: int = 20
) -> pd.DataFrame:
    """How many papers work with both an entity of type ``rows`` and one of type ``columns``
    (roles other than ``mentions``): methods × datasets, methods × tasks. The ``top`` entities of
    each type with the most such papers; index and columns are labels.

    >>> G = nx.MultiDiGraph()
    >>> G.add_node("p", type="Paper"); G.add_node("m", type="Method", label="IQL")
    >>> G.add_node("d", type="Dataset", label="D4RL")
    >>> _ = G.add_edge("p", "m", key="uses"); _ = G.add_edge("p", "d", key="evaluatedOn")
    >>> co_usage(G).loc["IQL", "D4RL"]
    np.int64(1)
    """
    _check_type(rows)
    _check_type(columns)
    pairs: Counter[tuple[Hashable, Hashable]] = Counter()
    row_papers: Counter[Hashable] = Counter()
    column_papers: Counter[Hashable] = Counter()
    for entities in paper_entities(G, roles=WORK_ROLES).values():
        left = [e for e in entities if G.nodes[e]["type"] == rows]
        right = [e for e in entities if G.nodes[e]["type"] == columns]
        if not left or not right:
            continue
        row_papers.update(left)
        column_papers.update(right)
        pairs.update((a, b) for a in left for b in right if a != b)
    row_keys = [e for e, _ in sorted(row_papers.items(), key=lambda kv: (-kv[1], str(kv[0])))[:top]]
    column_keys = [e for e, _ in sorted(column_papers.items(), key=lambda kv: (-kv[1], str(kv[0])))[:top]]
    table = pd.DataFrame(
        [[pairs[a, b] for b in column_keys] for a in row_keys],
        index=pd.Index([G.nodes[e]["label"] for e in row_keys], name=rows),
        columns=pd.Index([G.nodes[e]["label"] for e in column_keys], name=columns),
        dtype="int64",
    )
    return table


def _counted(G: nx.Graph, counts: Counter[Hashable], top: int) -> list[str]:
    """``["D4RL (12)", ...]``: the ``top`` most counted nodes by label, most first."""
    ranked = sorted(counts.items(), key=lambda kv: (-kv[1], G.nodes[kv[0]].get("label", "")))
    return [f"{G.nodes[node].get('label')} ({n})" for node, n in ranked[:top]]


COMPARE_COLUMNS = ["iri", "label", "type", "papers", "years", "venues", "proposed_by"]
COMPARE_COLUMNS += ["methods", "benchmarks", "tasks", "metrics"]


def compare(G: nx.MultiDiGraph, nodes: Iterable[Hashable], *, top: int = 5) -> pd.DataFrame:
    """A comparison table in the manner of ORKG's: one row per node of ``nodes`` (entities or
    papers), one column per property.

    For an entity, the papers that work with it, their years and venues, the papers that propose
    it, and the methods, benchmarks, tasks and metrics those papers work with (the ``top`` most
    frequent, with their papers); for a paper, its own. (:meth:`kg.api.KnowledgeGraph.compare`
    adds an evidence sentence from the store.)

    >>> G = nx.MultiDiGraph()
    >>> G.add_node("p", type="Paper", label="IQL paper", year=2022, venue="ICLR")
    >>> G.add_node("m", type="Method", label="IQL"); G.add_node("d", type="Dataset", label="D4RL")
    >>> _ = G.add_edge("p", "m", key="proposes")
    >>> _ = G.add_edge("p", "d", key="evaluatedOn")
    >>> row = compare(G, ["m"]).iloc[0]
    >>> row["years"], row["proposed_by"], row["benchmarks"]
    ('2022', ['IQL paper'], ['D4RL (1)'])
    """
    rows = []
    for node in nodes:
        data = G.nodes[node]
        is_paper = data.get("type") == "Paper"
        if is_paper:
            papers = [node]
        else:
            papers = sorted({p for p, _, role in G.in_edges(node, keys=True) if role in WORK_ROLES}, key=str)
        found: dict[str, Counter[Hashable]] = defaultdict(Counter)
        for paper in papers:
            linked = {
                entity
                for _, entity, role in G.out_edges(paper, keys=True)
                if entity != node
                and _is_entity(G, entity)
                and (role in WORK_ROLES or G.nodes[entity]["type"] == "Metric")  # metrics are rarely roles
            }
            for entity in linked:
                found[G.nodes[entity]["type"]][entity] += 1
        years = sorted({y for p in papers if (y := _year(G.nodes[p].get("year"))) is not None})
        venues = Counter(G.nodes[p].get("venue") for p in papers if G.nodes[p].get("venue"))
        proposers = (
            []
            if is_paper
            else sorted((p for p, _, role in G.in_edges(node, keys=True) if role == "proposes"), key=str)
        )
        rows.append(
            {
                "iri": node,
                "label": data.get("label"),
                "type": data.get("type"),
                "papers": len(papers),
                "years": f"{years[0]}" if len(years) == 1 else f"{years[0]}–{years[-1]}" if years else "",
                "venues": [f"{v} ({n})" for v, n in venues.most_common(top)],
                "proposed_by": [G.nodes[p].get("label") for p in proposers[:top]],
                "methods": _counted(G, found["Method"], top),
                "benchmarks": _counted(G, found["Dataset"], top),
                "tasks": _counted(G, found["Task"], top),
                "metrics": _counted(G, found["Metric"], top),
            }
        )
    return pd.DataFrame(rows, columns=COMPARE_COLUMNS)


def similar_papers(G: nx.MultiDiGraph, paper: Hashable, *, top: int = 10) -> pd.DataFrame:
    """The ``top`` papers most like ``paper``: the cosine of their entity sets, each entity
    weighted by its rarity (inverse document frequency, ``log(N / papers)``), so that sharing a
    rare dataset counts for more than sharing a field everyone mentions. Columns: iri, title,
    year, venue, score, shared (the shared entities' labels, rarest first).

    >>> G = nx.MultiDiGraph()
    >>> for p in "abc": G.add_node(p, type="Paper", label=p)
    >>> G.add_node("rare", type="Dataset", label="Rare"); G.add_node("common", type="Task", label="Common")
    >>> for p in "abc": _ = G.add_edge(p, "common", key="addresses")
    >>> for p in "ab": _ = G.add_edge(p, "rare", key="evaluatedOn")
    >>> similar_papers(G, "a")[["iri", "shared"]].values.tolist()
    [['b', ['Rare', 'Common']], ['c', ['Common']]]
    """
    if G.nodes.get(paper, {}).get("type") != "Paper":
        raise InputError(f"{paper!r} is not a paper of the graph")
    n_papers = sum(1 for _ in _papers(G))
    weights: dict[Hashable, float] = {}

    def weight(entity: Hashable) -> float:
        if entity not in weights:
            having = sum(1 for p in G.predecessors(entity) if G.nodes[p].get("type") == "Paper")
            weights[entity] = math.log((n_papers + 1) / having)
        return weights[entity]

    mine = {e for e in G.successors(paper) if _is_entity(G, e)}
    for entity in mine:
        weight(entity)
    dot: Counter[Hashable] = Counter()
    for entity in mine:
        w = weights[entity]
        for other in G.predecessors(entity):
            if other != paper and G.nodes[other].get("type") == "Paper":
                dot[other] += w * w
    norm = math.sqrt(sum(weights[e] ** 2 for e in mine))
    rows = []
    for other, product in dot.items():
        theirs = {e for e in G.successors(other) if _is_entity(G, e)}
        their_norm = math.sqrt(sum(weight(e) ** 2 for e in theirs))
        shared = sorted(mine & theirs, key=lambda e: (-weights[e], G.nodes[e].get("label", "")))
        data = G.nodes[other]
        rows.append(
            {
                "iri": other,
                "title": data.get("title", data.get("label")),
                "year": _year(data.get("year")),
                "venue": data.get("venue"),
                "score": round(product / (norm * their_norm), 4) if norm and their_norm else 0.0,
                "shared": [G.nodes[e].get("label") for e in shared],
            }
        )
    rows.sort(key=lambda row: (-row["score"], str(row["iri"])))
    return pd.DataFrame(rows[:top], columns=["iri", "title", "year", "venue", "score", "shared"])


def cooccurrence(
    G: nx.MultiDiGraph, *, type: str | None = None, top: int = 300, min_papers: int = 2
) -> nx.Graph:
    """The co-occurrence graph of the ``top`` entities (of ``type``) with the most papers (at
    least ``min_papers``): an edge joins two entities that papers share, weighted by how many.
    Node attributes: ``label``, ``type``, ``papers``."""
    _check_type(type)
    having = paper_entities(G, type=type)
    papers: Counter[Hashable] = Counter(e for entities in having.values() for e in entities)
    ranked = sorted((e for e, n in papers.items() if n >= min_papers), key=lambda e: (-papers[e], str(e)))[
        :top
    ]
    chosen = set(ranked)
    C = nx.Graph()
    C.add_nodes_from(
        (e, {"label": G.nodes[e].get("label"), "type": G.nodes[e].get("type"), "papers": papers[e]})
        for e in ranked
    )
    pairs: Counter[tuple[Hashable, Hashable]] = Counter()
    for entities in having.values():
        kept = sorted((e for e in entities if e in chosen), key=str)
        pairs.update((a, b) for i, a in enumerate(kept) for b in kept[i + 1 :])
    C.add_edges_from((a, b, {"weight": n}) for (a, b), n in pairs.items())
    return C


def communities(
    G: nx.MultiDiGraph,
    *,
    type: str | None = None,
    top: int = 300,
    min_papers: int = 2,
    resolution: float = 1.0,
    seed: int = 0,
) -> pd.DataFrame:
    """Communities of entities that papers use together: Leiden (``leidenalg``, modularity with
    a ``resolution``; fixed ``seed``, so the same graph gives the same communities) over the
    co-occurrence graph of :func:`cooccurrence`. Columns: iri, label, type, papers, community
    (0 the largest; ties go to the one with more papers), sorted by community then papers.

    >>> G = nx.MultiDiGraph()
    >>> for i in range(4): G.add_node(f"p{i}", type="Paper")
    >>> for e in "abcd": G.add_node(e, type="Method", label=e.upper())
    >>> for p, e in [("p0","a"),("p0","b"),("p1","a"),("p1","b"),("p2","c"),("p2","d"),("p3","c"),("p3","d")]:
    ...     _ = G.add_edge(p, e, key="uses")
    >>> communities(G).groupby("community")["label"].apply(list).tolist()
    [['A', 'B'], ['C', 'D']]
    """
    C = cooccurrence(G, type=type, top=top, min_papers=min_papers)
    columns = ["iri", "label", "type", "papers", "community"]
    if C.number_of_nodes() == 0:
        return pd.DataFrame(columns=columns)
    order = list(C.nodes)
    group_of = leiden(
        order, {(a, b): w for a, b, w in C.edges(data="weight")}, resolution=resolution, seed=seed
    )
    membership = [group_of[node] for node in order]
    frame = pd.DataFrame(
        [
            (node, C.nodes[node]["label"], C.nodes[node]["type"], C.nodes[node]["papers"], group)
            for node, group in zip(order, membership, strict=True)
        ],
        columns=columns,
    )
    # number the communities by size, then papers, then label: Leiden's own numbers tie arbitrarily
    sizes = frame.groupby("community").agg(
        size=("iri", "size"), papers=("papers", "sum"), first=("label", "min")
    )
    ranked = sizes.sort_values(
        ["size", "papers", "first"], ascending=[False, False, True], kind="stable"
    ).index
    frame["community"] = frame["community"].map({old: new for new, old in enumerate(ranked)})
    return frame.sort_values(
        ["community", "papers", "label"], ascending=[True, False, True], kind="stable"
    ).reset_index(drop=True)


def leiden(
    nodes: list[Hashable],
    weights: dict[tuple[Hashable, Hashable], float],
    *,
    resolution: float = 1.0,
    seed: int = 0,
) -> dict[Hashable, int]:
    """The Leiden community of each of ``nodes`` (``leidenalg``, modularity with a ``resolution``,
    a fixed ``seed``) over the undirected edges ``weights`` (pair -> weight).

    >>> leiden(["a", "b", "c", "d"], {("a", "b"): 3, ("c", "d"): 3, ("b", "c"): 1})
    {'a': 0, 'b': 0, 'c': 1, 'd': 1}
    """
    import igraph
    import leidenalg

    position = {node: i for i, node in enumerate(nodes)}
    graph = igraph.Graph(n=len(nodes), edges=[(position[a], position[b]) for a, b in weights], directed=False)
    graph.es["weight"] = list(weights.values())
    partition = leidenalg.find_partition(
        graph,
        leidenalg.RBConfigurationVertexPartition,
        weights="weight",
        resolution_parameter=resolution,
        seed=seed,
    )
    return dict(zip(nodes, partition.membership, strict=True))
