"""RDF files of the graph, serialised by Oxigraph (fast, streaming) from the store.

``kg.ttl``, ``kg.nt`` and ``kg.jsonld`` hold the union of all named graphs; ``kg.nq`` and
``kg.trig`` keep one named graph per paper.
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox

from kg.io import atomic_path
from kg.vocab import PREFIX_IRIS

#: Output file name -> Oxigraph format.
RDF_FILES = {
    "kg.ttl": ox.RdfFormat.TURTLE,
    "kg.nt": ox.RdfFormat.N_TRIPLES,
    "kg.jsonld": ox.RdfFormat.JSON_LD,
    "kg.nq": ox.RdfFormat.N_QUADS,
    "kg.trig": ox.RdfFormat.TRIG,
}


def union_triples(store: ox.Store) -> list[ox.Triple]:
    """Every distinct triple of every graph, in a stable order."""
    triples = {ox.Triple(q.subject, q.predicate, q.object) for q in store}
    return sorted(triples, key=str)


def write_rdf(store: ox.Store, out_dir: Path) -> dict[str, Path]:
    """Write every file of :data:`RDF_FILES` into ``out_dir``, each atomically."""
    triples = union_triples(store)
    written = {}
    for name, fmt in RDF_FILES.items():
        with atomic_path(out_dir / name) as tmp:
            prefixes = PREFIX_IRIS if fmt in {ox.RdfFormat.TURTLE, ox.RdfFormat.TRIG} else None
            if fmt in {ox.RdfFormat.N_QUADS, ox.RdfFormat.TRIG}:
                store.dump(str(tmp), fmt, prefixes=prefixes)
            else:
                ox.serialize(triples, str(tmp), fmt, prefixes=prefixes)
        written[name] = out_dir / name
    return written
