"""RDF files of the graph, serialised by Oxigraph (fast, streaming) from the store.

``kg.nq`` and ``kg.trig`` keep one named graph per paper; the other formats hold the union of
all named graphs. N-Quads is the format to move the graph to a standalone SPARQL server
(``oxigraph load``, QLever, Virtuoso, Fuseki; see docs/sparql.md).
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import BinaryIO

import pyoxigraph as ox

from kg.atomic import atomic_path
from kg.formats import DATASET_FORMATS, PREFIXED_FORMATS, RDF_FORMATS, file_name
from kg.vocab import PREFIX_IRIS


def union_triples(store: ox.Store) -> list[ox.Triple]:
    """Every distinct triple of every graph, in a stable order."""
    triples = {ox.Triple(q.subject, q.predicate, q.object) for q in store}
    return sorted(triples, key=str)


def export_rdf(
    store: ox.Store,
    output: str | os.PathLike[str] | BinaryIO,
    fmt: str = "nquads",
    *,
    triples: Sequence[ox.Triple] | None = None,
) -> None:
    """Write ``store`` in format ``fmt`` (a key of :data:`kg.formats.RDF_FORMATS`) to a path
    (atomically) or a binary stream; ``triples`` is the union, when the caller has it already."""
    rdf_format = RDF_FORMATS[fmt]
    if isinstance(output, str | os.PathLike):
        with atomic_path(output) as tmp:
            _write(store, str(tmp), rdf_format, triples)
    else:
        _write(store, output, rdf_format, triples)


def _write(store: ox.Store, output, rdf_format: ox.RdfFormat, triples: Sequence[ox.Triple] | None) -> None:
    prefixes = PREFIX_IRIS if rdf_format in PREFIXED_FORMATS else None
    if rdf_format in DATASET_FORMATS:
        store.dump(output, rdf_format, prefixes=prefixes)
    else:
        ox.serialize(
            union_triples(store) if triples is None else triples, output, rdf_format, prefixes=prefixes
        )


def write_rdf(store: ox.Store, out_dir: Path, formats: Sequence[str]) -> dict[str, Path]:
    """Write the graph in each of ``formats`` (keys of :data:`kg.formats.RDF_FORMATS`) into
    ``out_dir``, each atomically; the union of the graphs is made once, if a format needs it."""
    triples = None
    written = {}
    for fmt in formats:
        if triples is None and RDF_FORMATS[fmt] not in DATASET_FORMATS:
            triples = union_triples(store)
        name = file_name(RDF_FORMATS[fmt])
        export_rdf(store, out_dir / name, fmt, triples=triples)
        written[name] = out_dir / name
    return written
