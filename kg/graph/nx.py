"""The knowledge graph as a NetworkX MultiDiGraph: a view built from the RDF store by SPARQL."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Collection, Container, Hashable, Iterator
from typing import Any

import networkx as nx
import pyoxigraph as ox

from kg.errors import InputError
from kg.graph.iri import paper_iri
from kg.store.query import run_query, select_rows, term_value
from kg.vocab import ENTITY_CLASSES, KG, PROV, RDF, RELATION_PROPERTIES, ROLE_PROPERTIES

_TYPE_OF_CLASS = {str(cls): name for name, cls in ENTITY_CLASSES.items()}
_RELATION_OF_PROPERTY = {str(prop): name for name, prop in {**ROLE_PROPERTIES, **RELATION_PROPERTIES}.items()}


def _values(mapping: dict[str, str]) -> str:
    return " ".join(f"<{iri}>" for iri in mapping)


def _iris(iris: Collection[str]) -> str:
    return " ".join(f"<{iri}>" for iri in iris)


def _only(variable: str, only: Collection[str] | None) -> str:
    """A ``VALUES`` clause that keeps ``variable`` to the IRIs ``only`` (nothing if None)."""
    return "" if only is None else f"VALUES ?{variable} {{ {' '.join(f'<{iri}>' for iri in only)} }}"


def authors_in_order(store: ox.Store, *, only: Collection[str] | None = None) -> dict[str, list[str]]:
    """Each paper's (of the papers ``only``, default all) author names in order (``bibo:authorList``),
    by paper IRI."""
    rows = run_query(
        store,
        f"""SELECT ?p ?name (COUNT(?before) AS ?position) WHERE {{ {_only("p", only)}
             ?p bibo:authorList ?list . ?list rdf:rest* ?before . ?before rdf:rest* ?node .
             ?node rdf:first/schema:name ?name }} GROUP BY ?p ?node ?name""",
    ).rows
    names: dict[str, list[str]] = defaultdict(list)
    for paper, name, _ in sorted(rows, key=lambda row: (row[0], int(row[2]))):
        names[paper].append(name)
    return dict(names)


def entity_nodes(store: ox.Store) -> Iterator[tuple[str, dict[str, Any]]]:
    """Each entity with a type and a label, as (IRI, attributes): ``type``, ``label``, ``aliases``.

    Streamed from the store; memory grows with the aliases of the graph, not its papers.
    """
    aliases: dict[str, list[str]] = defaultdict(list)
    for node, alias in select_rows(store, "SELECT ?e ?a WHERE { ?e skos:altLabel ?a }"):
        aliases[node].append(alias)
    entities = select_rows(
        store,
        f"SELECT ?e ?class ?label WHERE {{ VALUES ?class {{ {_values(_TYPE_OF_CLASS)} }} "
        "?e a ?class ; skos:prefLabel ?label }",
    )
    for node, cls, label in entities:
        yield node, {"type": _TYPE_OF_CLASS[cls], "label": label, "aliases": sorted(aliases.pop(node, []))}


def paper_nodes(
    store: ox.Store, *, text: bool = True, only: Collection[str] | None = None
) -> Iterator[tuple[str, dict[str, Any]]]:
    """Each paper with a title (of the IRIs ``only``, default all), as (IRI, attributes): ``type``,
    ``label``, ``aliases``, ``title``, ``year``, ``venue`` and, unless ``text`` is false,
    ``abstract``, ``date``, ``n_authors``, ``authors`` (in order) and ``links``."""
    if not text:
        rows = select_rows(
            store,
            """SELECT ?p ?title ?year ?venue WHERE { ?p a kg:Paper ; dcterms:title ?title .
                 OPTIONAL { ?p kg:year ?year } OPTIONAL { ?p kg:venue/schema:name ?venue } }""",
        )
        for node, title, year, venue in rows:
            yield node, _paper(title, year, venue)
        return
    authors = authors_in_order(store, only=only)
    links: dict[str, list[str]] = defaultdict(list)
    for node, link in select_rows(
        store, f"SELECT ?p ?l WHERE {{ {_only('p', only)} ?p a kg:Paper ; schema:sameAs ?l }}"
    ):
        links[node].append(link)
    papers = select_rows(
        store,
        f"""SELECT ?p ?title ?abstract ?date ?year ?n ?venue ?url WHERE {{ {_only("p", only)}
             ?p a kg:Paper ; dcterms:title ?title .
             OPTIONAL {{ ?p dcterms:abstract ?abstract }} OPTIONAL {{ ?p dcterms:date ?date }}
             OPTIONAL {{ ?p kg:year ?year }} OPTIONAL {{ ?p kg:authorCount ?n }}
             OPTIONAL {{ ?p kg:venue/schema:name ?venue }} OPTIONAL {{ ?p schema:url ?url }} }}""",
    )
    for node, title, abstract, date, year, n_authors, venue, url in papers:
        yield (
            node,
            _paper(
                title,
                year,
                venue,
                abstract=abstract or "",
                date=date,
                n_authors=n_authors,
                authors=authors.get(node, []),
                links=[*([url] if url else []), *sorted(links.get(node, []))],
            ),
        )


def _paper(title: str, year: int | None, venue: str | None, **more: Any) -> dict[str, Any]:
    """A paper node's attributes."""
    return {
        "type": "Paper",
        "label": title,
        "aliases": [],
        "title": title,
        "year": year,
        "venue": venue,
        **more,
    }


def graph_nodes(store: ox.Store, *, text: bool = True) -> Iterator[tuple[str, dict[str, Any]]]:
    """The nodes of the view: every entity (:func:`entity_nodes`), then every paper (:func:`paper_nodes`)."""
    yield from entity_nodes(store)
    yield from paper_nodes(store, text=text)


def node_iris(store: ox.Store) -> set[str]:
    """The IRIs of the view's nodes, without their attributes."""
    entities = select_rows(
        store,
        f"SELECT DISTINCT ?e WHERE {{ VALUES ?class {{ {_values(_TYPE_OF_CLASS)} }} "
        "?e a ?class ; skos:prefLabel ?label }",
    )
    papers = select_rows(store, "SELECT DISTINCT ?p WHERE { ?p a kg:Paper ; dcterms:title ?title }")
    return {row[0] for row in entities} | {row[0] for row in papers}


#: What may stand between ``<`` and ``>`` in SPARQL (an IRIREF), and makes an IRI: no spaces.
_IRI = re.compile(r"[a-zA-Z][a-zA-Z0-9+.-]*:[^\x00-\x20<>\"{}|^`\\]*")

#: Offsets fold into one number so that the first mention (lowest start, then lowest end) is a MIN.
_OFFSET_BASE = 10**7


def graph_edges(
    store: ox.Store, nodes: Container[str], *, text: bool = True
) -> Iterator[tuple[str, str, str, dict[str, Any]]]:
    """The edges of the view between ``nodes``, as (source, target, relation, attributes):
    ``relation`` and, unless ``text`` is false, ``weight`` (supporting papers, at least 1),
    ``evidence`` (one sentence) and, when the store has them, ``start``/``end`` of the first
    mention (lowest offsets) in the paper's title + blank line + abstract. Streamed from the store."""
    if not text:
        plain = select_rows(
            store,
            f"SELECT DISTINCT ?s ?prop ?o WHERE {{ VALUES ?prop {{ {_values(_RELATION_OF_PROPERTY)} }} "
            "?s ?prop ?o }",
        )
        for s, prop, o in plain:
            if s in nodes and o in nodes:
                relation = _RELATION_OF_PROPERTY[prop]
                yield s, o, relation, {"relation": relation}
        return
    edges = select_rows(
        store,
        f"""SELECT ?s ?prop ?o (SAMPLE(?sentence) AS ?evidence) (COUNT(DISTINCT ?paper) AS ?support)
                   (MIN(?start * {_OFFSET_BASE} + ?end) AS ?first)
            WHERE {{
              VALUES ?prop {{ {_values(_RELATION_OF_PROPERTY)} }}
              ?s ?prop ?o .
              OPTIONAL {{ ?a rdf:subject ?s ; rdf:predicate ?prop ; rdf:object ?o ;
                             kg:evidence ?sentence ; prov:wasDerivedFrom ?paper .
                          OPTIONAL {{ ?a kg:startOffset ?start ; kg:endOffset ?end }} }}
            }} GROUP BY ?s ?prop ?o""",
    )
    for s, prop, o, evidence, support, first in edges:
        if s in nodes and o in nodes:
            relation = _RELATION_OF_PROPERTY[prop]
            data = {
                "relation": relation,
                "weight": max(support, 1),
                "evidence": [evidence] if evidence else [],
            }
            if first is not None:
                data["start"], data["end"] = divmod(int(first), _OFFSET_BASE)
            yield s, o, relation, data


_STATEMENT_PARTS = {
    str(RDF.subject): 0,
    str(RDF.predicate): 1,
    str(RDF.object): 2,
    str(KG.evidence): 3,
    str(PROV.wasDerivedFrom): 4,
    str(KG.startOffset): 5,
    str(KG.endOffset): 6,
}


def _statement(store: ox.Store, iri: str) -> list[Any]:
    """Subject, predicate, object, evidence, paper, start and end of the statement ``iri``
    (None where the store has none), read from the store's subject index."""
    parts: list[Any] = [None] * len(_STATEMENT_PARTS)
    for quad in store.quads_for_pattern(ox.NamedNode(iri), None, None):
        if (at := _STATEMENT_PARTS.get(quad.predicate.value)) is not None:
            parts[at] = term_value(quad.object)
    return parts


def neighbourhood(store: ox.Store, center: str, *, limit: int = 300) -> nx.MultiDiGraph:
    """The node ``center`` and the nodes it is linked to, with the edges between ``center`` and them
    and the same attributes as :func:`to_networkx`, read from the store for this node only (fast
    at any size). A hub keeps its ``limit`` neighbours with the most supporting statements; the
    graph's ``truncated`` attribute says how many it had in all.
    """
    if not _IRI.fullmatch(center):
        raise InputError(f"not an IRI: {center[:100]!r}")
    props = _values(_RELATION_OF_PROPERTY)
    plain = select_rows(
        store,
        f"""SELECT DISTINCT ?s ?prop ?o WHERE {{ VALUES ?prop {{ {props} }}
              {{ VALUES ?s {{ <{center}> }} ?s ?prop ?o }}
              UNION {{ VALUES ?o {{ <{center}> }} ?s ?prop ?o }} }}""",
    )
    # the statements behind the edges, with their other end (from the bound end), so that only
    # the kept neighbours' are read in full, from the store's index (one query joining all that a
    # statement says reads every statement of the graph)
    said: dict[str, list[str]] = defaultdict(list)  # neighbour -> statements linking it to center
    for side, other in (("subject", "object"), ("object", "subject")):
        rows = select_rows(store, f"SELECT ?a ?n WHERE {{ ?a rdf:{side} <{center}> ; rdf:{other} ?n }}")
        for statement, node in rows:
            said[node].append(statement)
    plain = [(s, prop, o) for s, prop, o in plain if prop in _RELATION_OF_PROPERTY]
    neighbours = {o if s == center else s for s, _, o in plain}
    others = sorted(neighbours, key=lambda node: (-len(said.get(node, ())), node))
    kept = {center, *others[:limit]}
    evidence: dict[tuple[str, str, str], list[Any]] = {}
    for node in kept:
        for s, prop, o, sentence, paper, start, end in (_statement(store, a) for a in said.get(node, ())):
            if sentence is None or paper is None:
                continue
            sentences, papers, first = evidence.setdefault((s, prop, o), [[], set(), None])
            sentences.append(sentence)
            papers.add(paper)
            if start is not None and end is not None:
                offset = int(start) * _OFFSET_BASE + int(end)
                evidence[s, prop, o][2] = offset if first is None else min(first, offset)
    edges = []
    for s, prop, o in plain:
        sentences, papers, first = evidence.get((s, prop, o), [[], set(), None])
        edges.append((s, prop, o, min(sentences, default=None), len(papers), first))
    values = " ".join(f"<{node}>" for node in kept)
    G = nx.MultiDiGraph(truncated=len(others) if len(others) > limit else 0)
    entities = [
        row
        for row in select_rows(
            store,
            f"SELECT ?e ?class ?label WHERE {{ VALUES ?e {{ {values} }} ?e a ?class ; skos:prefLabel ?label }}",  # noqa: E501
        )
        if row[1] in _TYPE_OF_CLASS
    ]
    aliases: dict[str, list[str]] = defaultdict(list)
    for node, alias in select_rows(
        store, f"SELECT ?e ?a WHERE {{ VALUES ?e {{ {values} }} ?e skos:altLabel ?a }}"
    ):
        aliases[node].append(alias)
    for node, cls, label in entities:
        G.add_node(node, type=_TYPE_OF_CLASS[cls], label=label, aliases=sorted(aliases[node]))
    G.add_nodes_from(paper_nodes(store, only=kept))
    for s, prop, o, evidence, n, first in edges:
        if s in G and o in G:
            relation = _RELATION_OF_PROPERTY[prop]
            data = {
                "relation": relation,
                "weight": max(int(n or 0), 1),
                "evidence": [evidence] if evidence else [],
            }
            if first is not None:
                data["start"], data["end"] = divmod(int(first), _OFFSET_BASE)
            G.add_edge(s, o, key=relation, **data)
    return G


def to_networkx(store: ox.Store, *, text: bool = True) -> nx.MultiDiGraph:
    """Papers and entities as nodes (:func:`graph_nodes`); paper roles and entity relations as
    edges (:func:`graph_edges`), keyed by relation.

    Node attributes: ``type`` (Paper, Method, Dataset, Task, Metric, Concept), ``label``,
    ``aliases``; papers also ``title``, ``abstract``, ``date``, ``year``, ``n_authors``,
    ``authors``, ``venue``, ``links``. Edge attributes: ``relation`` (a paper role such as
    proposes or mentions, or an entity relation such as usedFor or broader), ``weight`` (number
    of supporting papers), ``evidence`` (sentences) and ``start``/``end`` (character offsets of
    the first mention in the paper's title + blank line + abstract, when the store has them).
    With ``text`` false, the view leaves out abstracts, dates, authors, links, weights, evidence
    and offsets: what analytics need, in a fraction of the time on a large graph.

    Examples
    --------
    >>> from kg import KnowledgeGraph
    >>> G = to_networkx(KnowledgeGraph.load("outputs/kg.nq").store)  # doctest: +SKIP
    >>> G.nodes[next(iter(G))]["type"]  # doctest: +SKIP
    'Paper'
    """
    G = nx.MultiDiGraph()
    G.add_nodes_from(graph_nodes(store, text=text))
    for s, o, relation, data in graph_edges(store, G, text=text):
        G.add_edge(s, o, key=relation, **data)
    return G


def core_view(G: nx.MultiDiGraph, min_papers: int = 2) -> nx.MultiDiGraph:
    """The part of ``G`` worth drawing: every paper, and the entities that a paper proposes,
    uses, is evaluated on or addresses, or that at least ``min_papers`` papers mention.

    A ``mentions`` edge is dropped where a more specific role links the same pair.

    Examples
    --------
    >>> G = nx.MultiDiGraph()
    >>> G.add_node("p", type="Paper"); G.add_node("e", type="Concept")
    >>> _ = G.add_edge("p", "e", key="mentions", relation="mentions", weight=1)
    >>> sorted(core_view(G).nodes)
    ['p']
    """
    keep = []  # in G's order, so the view (and the explorer's layout) does not depend on hashing
    for node, data in G.nodes(data=True):
        relations = [d["relation"] for _, _, d in G.in_edges(node, data=True)]
        if (
            data.get("type") == "Paper"
            or any(r != "mentions" for r in relations)
            or len(relations) >= min_papers
        ):
            keep.append(node)
    view = nx.MultiDiGraph()
    view.add_nodes_from((n, G.nodes[n]) for n in keep)
    for s, o, key, data in G.edges(keys=True, data=True):
        if s not in view or o not in view:
            continue
        if key == "mentions" and any(k != "mentions" for k in G[s][o]):
            continue
        view.add_edge(s, o, key=key, **data)
    return view


def _names(value: Any) -> list[str]:
    """Aliases as a list: the view keeps a list, a graph read back from GraphML a string."""
    if isinstance(value, str):
        return [value]
    return [str(v) for v in value or []]


def find_nodes(G: nx.Graph, name: str) -> list[Hashable]:
    """Nodes of ``G`` called ``name``: the node id itself, a paper's id, or a label, alias or
    paper title equal to it (case-insensitive). Best connected first.

    >>> G = nx.MultiDiGraph()
    >>> G.add_node("m1", type="Method", label="RLHF", aliases=["reinforcement learning from human feedback"])
    >>> find_nodes(G, "Reinforcement Learning from Human Feedback")
    ['m1']
    """
    if name in G:
        return [name]
    if (paper := str(paper_iri(name))) in G:
        return [paper]
    wanted = name.strip().casefold()
    found = []
    for node, attrs in G.nodes(data=True):
        names = [attrs.get("label"), attrs.get("title"), *_names(attrs.get("aliases"))]
        if any(isinstance(n, str) and n.strip().casefold() == wanted for n in names):
            found.append(node)
    return sorted(found, key=lambda n: (-G.degree(n), str(n)))
