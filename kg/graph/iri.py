"""The one place where IRIs are minted: papers, entities, assertions, graphs and extractors."""

from __future__ import annotations

import hashlib
from urllib.parse import quote

from rdflib import URIRef

from kg.vocab import KGID


def _segment(value: str) -> str:
    """Percent-encode a value so it is one safe path segment of an IRI (spaces, quotes, ``/``...).

    A final ``.`` is encoded too: Turtle readers such as rdflib's cannot read a prefixed name that
    ends in one (``kgid:person\\/L.A\\.``), and ``.`` or ``..`` alone would be a dot segment.

    >>> _segment("Prashanth L.A.")
    'Prashanth%20L.A%2E'
    """
    segment = quote(value, safe="-._~")
    return segment[:-1] + "%2E" if segment.endswith(".") else segment


def paper_iri(paper_id: str) -> URIRef:
    return KGID[f"paper/{_segment(paper_id)}"]


def entity_iri(key: str) -> URIRef:
    return KGID[f"entity/{_segment(key)}"]


def paper_graph_iri(paper_id: str) -> URIRef:
    """The named graph holding one paper's metadata and the facts extracted from it."""
    return KGID[f"graph/paper/{_segment(paper_id)}"]


def extractor_iri(name: str, version: str) -> URIRef:
    return KGID[f"extractor/{_segment(name)}/{_segment(version)}"]


def assertion_iri(paper_id: str, predicate: str, obj: str, subject: str | None = None) -> URIRef:
    """A stable IRI for the statement node of ``paper predicate obj`` (``subject predicate obj``
    as stated in ``paper`` when the subject is an entity)."""
    parts = (paper_id, predicate, obj) if subject is None else (paper_id, subject, predicate, obj)
    digest = hashlib.sha1("\x1f".join(parts).encode()).hexdigest()[:20]
    return KGID[f"assertion/{digest}"]


ENTITIES_GRAPH = KGID["graph/entities"]
ONTOLOGY_GRAPH = KGID["graph/ontology"]
#: Whole-graph statistics (VoID class partitions, :mod:`kg.graph.stats`), derived from the other graphs.
STATISTICS_GRAPH = KGID["graph/statistics"]
#: Triples entailed by RDFS or OWL-RL reasoning (``kg build --infer``), apart from the extracted ones.
INFERRED_GRAPH = KGID["graph/inferred"]


def person_iri(name: str) -> URIRef:
    return KGID[f"person/{_segment(name)}"]


def venue_iri(name: str) -> URIRef:
    """One node per venue name, case and spacing ignored (``NeurIPS`` = ``neurips``)."""
    return KGID[f"venue/{_segment(' '.join(name.casefold().split()))}"]


def doi_iri(doi: str) -> URIRef:
    """The resolvable IRI of a bare DOI: ``https://doi.org/10.1234/abc``."""
    return URIRef("https://doi.org/" + quote(doi, safe="/:;()._-~,+=@!$&*'"))


def arxiv_iri(arxiv_id: str) -> URIRef:
    """The abstract page of an arXiv id: ``https://arxiv.org/abs/2310.17966``."""
    return URIRef("https://arxiv.org/abs/" + quote(arxiv_id, safe="/.-"))
