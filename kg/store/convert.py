"""rdflib terms to Oxigraph terms, so the store is filled without a text round trip."""

from __future__ import annotations

from collections.abc import Iterator

import pyoxigraph as ox
from rdflib import BNode, Dataset, Literal, URIRef
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID


def ox_term(term):
    """The Oxigraph twin of an rdflib IRI, blank node or literal."""
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype:
            return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
        return ox.Literal(str(term))
    raise TypeError(f"not an RDF term: {term!r}")


def ox_quads(dataset: Dataset) -> Iterator[ox.Quad]:
    """Every quad of ``dataset``; triples of rdflib's default graph go to Oxigraph's default graph."""
    for s, p, o, g in dataset.quads((None, None, None, None)):
        graph_id = getattr(g, "identifier", g)
        graph = (
            ox.DefaultGraph()
            if graph_id is None or graph_id == DATASET_DEFAULT_GRAPH_ID
            else ox_term(graph_id)
        )
        yield ox.Quad(ox_term(s), ox_term(p), ox_term(o), graph)


def to_store(dataset: Dataset) -> ox.Store:
    """An in-memory Oxigraph store holding every quad of ``dataset``."""
    store = ox.Store()
    store.bulk_extend(ox_quads(dataset))
    return store
