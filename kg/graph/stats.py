"""Whole-graph statistics as a VoID description, in the named graph ``kgid:graph/statistics``.

``kgid:dataset`` is a ``void:Dataset`` with one ``void:classPartition`` per entity class that
has instances: ``void:class``, ``void:entities`` (how many entities of that class) and
``kg:meanSupport`` (the mean ``kg:support`` of those entities, as SPARQL ``AVG`` gives it).
A query then reads five numbers instead of visiting every entity (``queries/entity-types.rq``).
The figures are computed from the store by that direct count (so they are the same literals),
when the graph is built; graphs added later (``kg build --infer``) are not counted.
"""

from __future__ import annotations

import pyoxigraph as ox

from kg.graph.iri import STATISTICS_GRAPH
from kg.vocab import ENTITY_CLASSES, KG, KGID, PREFIX_IRIS, RDF, RELATION_PROPERTIES, ROLE_PROPERTIES, VOID

#: The dataset the statistics describe: the knowledge graph (its named graphs but this one).
DATASET_IRI = KGID["dataset"]
_GRAPH = ox.NamedNode(str(STATISTICS_GRAPH))

_PER_CLASS = """
SELECT ?class (COUNT(?entity) AS ?entities) (AVG(?support) AS ?mean) WHERE {
  ?class rdfs:subClassOf kg:Entity .
  ?entity a ?class ; kg:support ?support .
}
GROUP BY ?class
"""


def statistics_quads(store: ox.Store) -> list[ox.Quad]:
    """The VoID class partitions of the graph in ``store`` (the statistics graph types no entity)."""
    graph = _GRAPH
    rows = store.query(_PER_CLASS, prefixes=PREFIX_IRIS, use_default_graph_as_union=True)
    dataset = ox.NamedNode(str(DATASET_IRI))
    quads = [ox.Quad(dataset, _node(RDF.type), _node(VOID.Dataset), graph)]
    for row in rows:
        cls = row["class"]
        part = ox.NamedNode(f"{DATASET_IRI}/class/{cls.value.rsplit('#', 1)[-1]}")
        quads += [
            ox.Quad(dataset, _node(VOID.classPartition), part, graph),
            ox.Quad(part, _node(VOID["class"]), cls, graph),
            ox.Quad(part, _node(VOID.entities), row["entities"], graph),
            ox.Quad(part, _node(KG.meanSupport), row["mean"], graph),
        ]
    return quads


def add_statistics(store: ox.Store) -> int:
    """(Re)write the statistics graph of ``store`` from its other graphs; returns its size."""
    quads = statistics_quads(store)
    if store.contains_named_graph(_GRAPH):
        store.remove_graph(_GRAPH)
    store.extend(quads)
    return len(quads)


def _node(term: object) -> ox.NamedNode:
    return ox.NamedNode(str(term))


_TYPES = {str(cls): name for name, cls in ENTITY_CLASSES.items()}
_RELATIONS = {str(prop): name for name, prop in {**ROLE_PROPERTIES, **RELATION_PROPERTIES}.items()}


def graph_counts(store: ox.Store) -> dict[str, object]:
    """Papers, entities per type, edges per relation, distinct triples, quads and named graphs,
    each counted by the store (no term leaves Oxigraph, so this is fast on disk too)."""

    def rows(query: str) -> list[dict]:
        return list(store.query(query, prefixes=PREFIX_IRIS, use_default_graph_as_union=True))

    def number(query: str) -> int:
        return int(rows(query)[0]["n"].value)

    classes = " ".join(f"<{c}>" for c in _TYPES)
    props = " ".join(f"<{p}>" for p in _RELATIONS)
    entities = {
        _TYPES[row["c"].value]: int(row["n"].value)
        for row in rows(
            f"SELECT ?c (COUNT(DISTINCT ?e) AS ?n) WHERE {{ VALUES ?c {{ {classes} }} "
            "?e a ?c ; skos:prefLabel ?l } GROUP BY ?c"
        )
    }
    edges = {
        _RELATIONS[row["p"].value]: int(row["n"].value)
        for row in rows(
            f"SELECT ?p (COUNT(*) AS ?n) WHERE {{ SELECT DISTINCT ?s ?p ?o WHERE {{ VALUES ?p {{ {props} }} "
            "?s ?p ?o } } GROUP BY ?p"
        )
    }
    triples = number(
        "SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?p ?o WHERE "
        "{ { ?s ?p ?o } UNION { GRAPH ?g { ?s ?p ?o } } } }"
    )
    return {
        "papers": number("SELECT (COUNT(DISTINCT ?p) AS ?n) WHERE { ?p a kg:Paper }"),
        "entities": dict(sorted(entities.items())),
        "edges": dict(sorted(edges.items())),
        "triples": triples,
        "quads": len(store),
        "graphs": sum(1 for _ in store.named_graphs()),
    }
