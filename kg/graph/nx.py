"""The knowledge graph as a NetworkX MultiDiGraph: a view built from the RDF store by SPARQL."""

from __future__ import annotations

from collections import defaultdict

import networkx as nx
import pyoxigraph as ox

from kg.store.query import run_query
from kg.vocab import ENTITY_CLASSES, RELATION_PROPERTIES, ROLE_PROPERTIES

_TYPE_OF_CLASS = {str(cls): name for name, cls in ENTITY_CLASSES.items()}
_RELATION_OF_PROPERTY = {str(prop): name for name, prop in {**ROLE_PROPERTIES, **RELATION_PROPERTIES}.items()}


def _values(mapping: dict[str, str]) -> str:
    return " ".join(f"<{iri}>" for iri in mapping)


def authors_in_order(store: ox.Store) -> dict[str, list[str]]:
    """Each paper's author names in order (``bibo:authorList``), by paper IRI."""
    rows = run_query(
        store,
        """SELECT ?p ?name (COUNT(?before) AS ?position) WHERE {
             ?p bibo:authorList ?list . ?list rdf:rest* ?before . ?before rdf:rest* ?node .
             ?node rdf:first/schema:name ?name } GROUP BY ?p ?node ?name""",
    ).rows
    names: dict[str, list[str]] = defaultdict(list)
    for paper, name, _ in sorted(rows, key=lambda row: (row[0], int(row[2]))):
        names[paper].append(name)
    return dict(names)


def to_networkx(store: ox.Store) -> nx.MultiDiGraph:
    """Papers and entities as nodes; paper roles and entity relations as edges.

    Node attributes: ``type`` (Paper, Method, Dataset, Task, Metric, Concept), ``label``,
    ``aliases``; papers also ``title``, ``abstract``, ``date``, ``n_authors``. Edge attributes:
    ``relation`` (a paper role such as proposes or mentions, or an entity relation such as usedFor
    or broader), ``weight`` (number of
    supporting papers), ``evidence`` (sentences) and ``start``/``end`` (character offsets of the
    mention in the paper's title + blank line + abstract, when the store has them).

    Examples
    --------
    >>> from kg import KnowledgeGraph
    >>> G = to_networkx(KnowledgeGraph.load("outputs/kg.nq").store)  # doctest: +SKIP
    >>> G.nodes[next(iter(G))]["type"]  # doctest: +SKIP
    'Paper'
    """
    G = nx.MultiDiGraph()
    aliases: dict[str, list[str]] = defaultdict(list)
    for node, alias in run_query(store, "SELECT ?e ?a WHERE { ?e skos:altLabel ?a }").rows:
        aliases[node].append(alias)
    entities = run_query(
        store,
        f"SELECT ?e ?class ?label WHERE {{ VALUES ?class {{ {_values(_TYPE_OF_CLASS)} }} "
        "?e a ?class ; skos:prefLabel ?label }",
    )
    for node, cls, label in entities.rows:
        G.add_node(node, type=_TYPE_OF_CLASS[cls], label=label, aliases=sorted(aliases[node]))
    papers = run_query(
        store,
        """SELECT ?p ?title ?abstract ?date ?year ?n ?venue ?url WHERE {
             ?p a kg:Paper ; dcterms:title ?title .
             OPTIONAL { ?p dcterms:abstract ?abstract } OPTIONAL { ?p dcterms:date ?date }
             OPTIONAL { ?p kg:year ?year } OPTIONAL { ?p kg:authorCount ?n }
             OPTIONAL { ?p kg:venue/schema:name ?venue } OPTIONAL { ?p schema:url ?url } }""",
    )
    authors = authors_in_order(store)
    links: dict[str, list[str]] = defaultdict(list)
    for node, link in run_query(store, "SELECT ?p ?l WHERE { ?p a kg:Paper ; schema:sameAs ?l }").rows:
        links[node].append(link)
    for node, title, abstract, date, year, n_authors, venue, url in papers.rows:
        G.add_node(
            node,
            type="Paper",
            label=title,
            aliases=[],
            title=title,
            abstract=abstract or "",
            date=date,
            year=year,
            n_authors=n_authors,
            authors=authors.get(node, []),
            venue=venue,
            links=[*([url] if url else []), *sorted(links[node])],
        )
    edges = run_query(
        store,
        f"""SELECT ?s ?prop ?o (SAMPLE(?sentence) AS ?evidence) (COUNT(DISTINCT ?paper) AS ?support)
            WHERE {{
              VALUES ?prop {{ {_values(_RELATION_OF_PROPERTY)} }}
              ?s ?prop ?o .
              OPTIONAL {{ ?a rdf:subject ?s ; rdf:predicate ?prop ; rdf:object ?o ;
                             kg:evidence ?sentence ; prov:wasDerivedFrom ?paper }}
            }} GROUP BY ?s ?prop ?o""",
    )
    for s, prop, o, evidence, support in edges.rows:
        if s in G and o in G:
            relation = _RELATION_OF_PROPERTY[prop]
            G.add_edge(
                s,
                o,
                key=relation,
                relation=relation,
                weight=max(support, 1),
                evidence=[evidence] if evidence else [],
            )
    # where the mention is: character offsets into the paper's title + "\n\n" + abstract
    spans = run_query(
        store,
        f"""SELECT ?s ?prop ?o ?start ?end WHERE {{
              VALUES ?prop {{ {_values(_RELATION_OF_PROPERTY)} }}
              ?a rdf:subject ?s ; rdf:predicate ?prop ; rdf:object ?o ;
                 kg:startOffset ?start ; kg:endOffset ?end
            }} ORDER BY ?start""",
    )
    for s, prop, o, start, end in spans.rows:
        relation = _RELATION_OF_PROPERTY[prop]
        if G.has_edge(s, o, key=relation) and "start" not in G.edges[s, o, relation]:
            G.edges[s, o, relation].update(start=start, end=end)  # the first mention
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
