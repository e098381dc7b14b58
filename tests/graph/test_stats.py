"""The statistics graph (kg.graph.stats): VoID class partitions equal to a direct count."""

from __future__ import annotations

import pyoxigraph as ox

from kg import KnowledgeGraph
from kg.graph.iri import STATISTICS_GRAPH
from kg.graph.stats import add_statistics, statistics_quads
from kg.store.query import run_query
from kg.vocab import KG, KGID, RDF
from tests.helpers import ROOT

DIRECT = """
SELECT (STRAFTER(STR(?class), "#") AS ?type) (COUNT(?entity) AS ?entities) (AVG(?support) AS ?mean)
WHERE { ?class rdfs:subClassOf kg:Entity . ?entity a ?class ; kg:support ?support . }
GROUP BY ?class ORDER BY DESC(?entities)
"""
PARTITIONS = """
SELECT (STRAFTER(STR(?class), "#") AS ?type) ?entities ?mean WHERE {
  GRAPH <https://w3id.org/kg/id/graph/statistics> { kgid:dataset a void:Dataset ; void:classPartition ?part .
    ?part void:class ?class ; void:entities ?entities ; kg:meanSupport ?mean . }
} ORDER BY DESC(?entities)
"""


def test_stats_partitions_equal_a_direct_count(sample_kg: KnowledgeGraph) -> None:
    direct = run_query(sample_kg.store, DIRECT).rows
    assert len(direct) == 5 and all(n > 0 for _, n, _ in direct)
    assert run_query(sample_kg.store, PARTITIONS).rows == direct


def test_stats_entity_types_query_reads_them(sample_kg: KnowledgeGraph) -> None:
    query = (ROOT / "queries" / "entity-types.rq").read_text(encoding="utf-8")
    assert run_query(sample_kg.store, query).rows == run_query(sample_kg.store, DIRECT).rows


def test_stats_rewrite_follows_the_graph(sample_kg: KnowledgeGraph) -> None:
    graph = ox.NamedNode(str(STATISTICS_GRAPH))
    store = ox.Store()
    store.bulk_extend(q for q in sample_kg.store if q.graph_name != graph)
    assert add_statistics(store) == len(statistics_quads(sample_kg.store)) == 1 + 5 * 4
    assert add_statistics(store) == 21  # rewritten, not added twice
    assert len(list(store.quads_for_pattern(None, None, None, graph))) == 21
    # one more entity (support 100) changes its class's count and mean; the statistics follow
    entity = ox.NamedNode(str(KGID["entity/zz-new-metric"]))
    entities = ox.NamedNode(str(KGID["graph/entities"]))
    support = ox.Literal(100)  # xsd:integer
    store.add(ox.Quad(entity, ox.NamedNode(str(RDF.type)), ox.NamedNode(str(KG.Metric)), entities))
    store.add(ox.Quad(entity, ox.NamedNode(str(KG.support)), support, entities))
    add_statistics(store)
    assert run_query(store, PARTITIONS).rows == run_query(store, DIRECT).rows
    assert run_query(store, PARTITIONS).rows != run_query(sample_kg.store, DIRECT).rows
