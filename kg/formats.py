"""The one table of RDF and query-result formats, by the names the CLI, the API and the server use.

Extensions and media types come from pyoxigraph's own :class:`~pyoxigraph.RdfFormat` and
:class:`~pyoxigraph.QueryResultsFormat`, so nothing here repeats them.

>>> RDF_FORMATS["turtle"].media_type
'text/turtle'
>>> file_name(RDF_FORMATS["nquads"])
'kg.nq'
>>> rdf_format_of("graph.trig").name
'TriG'
"""

from __future__ import annotations

import os
from pathlib import Path

import pyoxigraph as ox

#: ``--format`` name -> RDF serialisation.
RDF_FORMATS: dict[str, ox.RdfFormat] = {
    "nquads": ox.RdfFormat.N_QUADS,
    "trig": ox.RdfFormat.TRIG,
    "turtle": ox.RdfFormat.TURTLE,
    "ntriples": ox.RdfFormat.N_TRIPLES,
    "jsonld": ox.RdfFormat.JSON_LD,
    "rdfxml": ox.RdfFormat.RDF_XML,
}

#: Formats written with their named graphs (one per paper); the others hold the union of all graphs.
DATASET_FORMATS = frozenset({ox.RdfFormat.N_QUADS, ox.RdfFormat.TRIG})

#: Formats written with the ``kg:``, ``skos:``, ... prefixes.
PREFIXED_FORMATS = frozenset({ox.RdfFormat.TURTLE, ox.RdfFormat.TRIG})

#: ``--format`` name -> SPARQL result serialisation (SELECT and ASK answers).
RESULT_FORMATS: dict[str, ox.QueryResultsFormat] = {
    "json": ox.QueryResultsFormat.JSON,
    "xml": ox.QueryResultsFormat.XML,
    "csv": ox.QueryResultsFormat.CSV,
    "tsv": ox.QueryResultsFormat.TSV,
}


def file_name(rdf_format: ox.RdfFormat) -> str:
    """The usual name of a graph file in ``rdf_format``: ``kg.`` and the format's extension."""
    return f"kg.{rdf_format.file_extension}"


def rdf_format_of(path: str | os.PathLike[str]) -> ox.RdfFormat | None:
    """The RDF format a file's extension names (``.nq``, ``.ttl``, ...), or None."""
    suffix = Path(path).suffix.lstrip(".").lower()
    return ox.RdfFormat.from_extension(suffix) if suffix else None
