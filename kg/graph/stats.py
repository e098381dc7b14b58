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
from kg.vocab import KG, KGID, PREFIX_IRIS, RDF, VOID

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
