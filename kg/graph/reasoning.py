"""Materialise RDFS or OWL-RL entailments (owlrl) into their own named graph, ``kgid:graph/inferred``.

owlrl is pure Python and slow: its closure over the whole sample graph (80k triples) did not
finish in 10 minutes. So it reasons over the part that carries the ontology's meaning: the
ontology plus every triple whose object is an IRI (types, paper roles, skos:broader), leaving
out literal values and the statement nodes of assertions (about 11k triples on the sample).
What that misses: entailments from datatype-property domains (every such subject is already
typed) and from the rdf:subject/predicate/object of statement nodes (already kg:Assertion).
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import owlrl
import pyoxigraph as ox
from rdflib import Graph, Literal, URIRef

from kg.graph.iri import INFERRED_GRAPH
from kg.graph.shacl import memory_graph
from kg.vocab import KG, OWL, RDF, ontology_graph

#: ``kg build --infer`` value -> owlrl closure class.
REGIMES = {"rdfs": owlrl.RDFS_Semantics, "owlrl": owlrl.OWLRL_Semantics}


@dataclass(frozen=True)
class InferenceReport:
    """What reasoning read and added."""

    regime: str
    input_triples: int
    inferred_triples: int
    seconds: float


def reasoning_graph(store: ox.Store) -> Graph:
    """The ontology plus the store's IRI-valued triples outside assertion statement nodes."""
    graph = memory_graph(store)
    statements = set(graph.subjects(RDF.type, KG.Assertion))
    kept = ontology_graph()
    kept.addN((s, p, o, kept) for s, p, o in graph if s not in statements and not isinstance(o, Literal))
    return kept


def entailments(graph: Graph, regime: str) -> set[tuple]:
    """The triples ``regime`` adds to ``graph`` between IRIs, but reflexive owl:sameAs.

    Triples about literals and blank nodes (the ontology's class expressions) are left out.
    """
    before = set(graph)
    owlrl.DeductiveClosure(REGIMES[regime], axiomatic_triples=False, datatype_axioms=False).expand(graph)
    return {
        (s, p, o)
        for s, p, o in set(graph) - before
        if isinstance(s, URIRef) and isinstance(o, URIRef) and not (p == OWL.sameAs and s == o)
    }


def infer(store: ox.Store, regime: str) -> InferenceReport:
    """Replace the store's graph ``kgid:graph/inferred`` with the entailments of ``regime``."""
    started = time.perf_counter()
    name = ox.NamedNode(str(INFERRED_GRAPH))
    if store.contains_named_graph(name):
        store.remove_graph(name)
    graph = reasoning_graph(store)
    n_input = len(graph)
    new = entailments(graph, regime)
    store.add_graph(name)
    store.extend(ox.Quad(_ox(s), _ox(p), _ox(o), name) for s, p, o in new)
    return InferenceReport(regime, n_input, len(new), time.perf_counter() - started)


def _ox(term: URIRef) -> ox.NamedNode:
    return ox.NamedNode(str(term))
