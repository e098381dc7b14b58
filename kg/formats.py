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
from collections.abc import Iterable
from pathlib import Path

import pyoxigraph as ox

from kg.errors import InputError

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


# -- what a build writes (``kg build --formats``) ---------------------------------------------

#: Output name -> the RDF format key (:data:`kg.formats.RDF_FORMATS`) of the RDF outputs.
RDF_OUTPUTS = {"nq": "nquads", "trig": "trig", "ttl": "turtle", "nt": "ntriples", "jsonld": "jsonld"}
#: The outputs a build may write besides the store, ``stats.json`` and ``problems.txt`` (always written).
OUTPUT_FORMATS = (*RDF_OUTPUTS, "graphml", "csv", "html")
#: Above this many papers a build writes only :data:`LARGE_DEFAULT` unless told otherwise: the
#: union formats (Turtle, N-Triples, JSON-LD) are sorted in memory, the explorer is drawn from
#: the whole NetworkX view, and GraphML and CSV (streamed) take minutes; the store and N-Quads
#: hold everything.
LARGE_GRAPH = 20_000
LARGE_DEFAULT = frozenset({"nq"})
#: The whole-graph counts, written by every build, read by ``kg stats``.
STATS_FILE = "stats.json"


def output_formats(chosen: Iterable[str] | None, papers: int) -> frozenset[str]:
    """The outputs to write: ``chosen`` (checked), else every one up to :data:`LARGE_GRAPH` papers."""
    if chosen is None:
        return frozenset(OUTPUT_FORMATS) if papers <= LARGE_GRAPH else LARGE_DEFAULT
    chosen = frozenset(chosen)
    if unknown := sorted(chosen - set(OUTPUT_FORMATS)):
        raise InputError(f"unknown output format {', '.join(unknown)}: use {', '.join(OUTPUT_FORMATS)}")
    return chosen
