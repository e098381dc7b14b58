"""``kg export --format``: the whole graph as one RDF file (or on stdout), straight from the store.

N-Quads and TriG keep the named graphs (one per paper); Turtle, N-Triples, JSON-LD and RDF/XML
hold the union of all graphs. N-Quads is the format to move the graph to a standalone SPARQL
server (``oxigraph load``, QLever, Virtuoso, Fuseki; see the README).
"""

from __future__ import annotations

import os
from typing import BinaryIO

import pyoxigraph as ox

from kg.export.rdf import union_triples
from kg.io import atomic_path
from kg.vocab import PREFIX_IRIS

#: ``--format`` name -> (Oxigraph format, usual file name).
EXPORT_FORMATS = {
    "nquads": (ox.RdfFormat.N_QUADS, "kg.nq"),
    "trig": (ox.RdfFormat.TRIG, "kg.trig"),
    "turtle": (ox.RdfFormat.TURTLE, "kg.ttl"),
    "ntriples": (ox.RdfFormat.N_TRIPLES, "kg.nt"),
    "jsonld": (ox.RdfFormat.JSON_LD, "kg.jsonld"),
    "rdfxml": (ox.RdfFormat.RDF_XML, "kg.rdf"),
}


def export_rdf(store: ox.Store, output: str | os.PathLike[str] | BinaryIO, fmt: str = "nquads") -> None:
    """Write ``store`` in format ``fmt`` (a key of :data:`EXPORT_FORMATS`) to a path (atomically) or a
    binary stream."""
    rdf_format = EXPORT_FORMATS[fmt][0]
    if isinstance(output, str | os.PathLike):
        with atomic_path(output) as tmp:
            _write(store, tmp, rdf_format)
    else:
        _write(store, output, rdf_format)


def _write(store: ox.Store, output, rdf_format: ox.RdfFormat) -> None:
    prefixes = PREFIX_IRIS if rdf_format in (ox.RdfFormat.TURTLE, ox.RdfFormat.TRIG) else None
    if rdf_format.supports_datasets:
        store.dump(output, rdf_format, prefixes=prefixes)
    else:
        ox.serialize(union_triples(store), output, rdf_format, prefixes=prefixes)
