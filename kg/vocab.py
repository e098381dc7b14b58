"""Namespaces of the kg ontology and of the vocabularies it reuses.

Every RDF term the package writes comes from here: ``KG.proposes``, ``SKOS.prefLabel``,
``DCTERMS.title``... never from a string-built IRI. :class:`KG` is closed, so a typo
raises instead of silently minting a new term:

>>> KG.evaluatedOn
rdflib.term.URIRef('https://w3id.org/kg/ontology#evaluatedOn')
>>> KG.evaluatedIn
Traceback (most recent call last):
    ...
AttributeError: term 'evaluatedIn' not in namespace 'https://w3id.org/kg/ontology#'

The terms are defined in ``ontology/kg.ttl`` (shipped as ``kg/ontology/kg.ttl``); the
constraints a built graph must meet are in ``ontology/shapes.ttl``.
"""

from importlib.resources import files

from rdflib import Graph, Namespace, URIRef
from rdflib.namespace import DCTERMS, OWL, PROV, RDF, RDFS, SKOS, XSD, DefinedNamespace

from kg.types import ENTITY_TYPES, RELATIONS, ROLES

__all__ = [
    "BIBO",
    "DCTERMS",
    "ENTITY_CLASSES",
    "KG",
    "KGID",
    "MLS",
    "ONTOLOGY_IRI",
    "ONTOLOGY_VERSION",
    "OWL",
    "PREFIXES",
    "PREFIX_IRIS",
    "PROV",
    "RDF",
    "RDFS",
    "RELATION_PROPERTIES",
    "ROLE_PROPERTIES",
    "SCHEMA",
    "SKOS",
    "VOID",
    "XSD",
    "bind_prefixes",
    "ontology_graph",
    "shapes_graph",
]

#: The ontology IRI (``owl:Ontology``) and the version this package ships.
ONTOLOGY_IRI = URIRef("https://w3id.org/kg/ontology")
ONTOLOGY_VERSION = "0.1.0"


class KG(DefinedNamespace):
    """The kg ontology, ``https://w3id.org/kg/ontology#``: exactly the terms of ``kg.ttl``."""

    _NS = Namespace("https://w3id.org/kg/ontology#")
    _fail = True

    # Classes
    Paper: URIRef  # a research paper (schema:ScholarlyArticle, prov:Entity)
    Entity: URIRef  # anything named in papers, after merging (skos:Concept)
    Method: URIRef  # technique, algorithm, model architecture, system (mls:Algorithm)
    Dataset: URIRef  # dataset, benchmark, environment, simulator, game
    Task: URIRef  # a problem papers address (mls:Task)
    Metric: URIRef  # an evaluation measure (mls:EvaluationMeasure)
    Concept: URIRef  # any other scientific concept
    Assertion: URIRef  # a reified extracted fact with its evidence
    Extractor: URIRef  # a versioned extraction component (prov:SoftwareAgent)

    # Paper roles (Paper -> Entity) and their inverses
    mentions: URIRef
    mentionedIn: URIRef
    proposes: URIRef
    proposedBy: URIRef
    uses: URIRef
    usedBy: URIRef
    evaluatedOn: URIRef
    evaluationOf: URIRef
    addresses: URIRef
    addressedBy: URIRef
    outperforms: URIRef  # a baseline the paper's method beats (a kind of uses)
    outperformedBy: URIRef

    # Relations between entities
    usedFor: URIRef
    evaluates: URIRef
    comparedWith: URIRef
    partOf: URIRef
    hasPart: URIRef
    featureOf: URIRef
    conjunctionWith: URIRef

    # Datatype properties
    confidence: URIRef  # Assertion -> xsd:double in [0, 1]
    evidence: URIRef  # Assertion -> xsd:string, the sentence
    startOffset: URIRef  # Assertion -> xsd:integer >= 0, into Paper.text
    endOffset: URIRef  # Assertion -> xsd:integer >= 0, exclusive
    support: URIRef  # Assertion or Entity -> xsd:integer >= 0, distinct papers
    authorCount: URIRef  # Paper -> xsd:integer >= 0
    year: URIRef  # Paper -> xsd:integer, the year of dcterms:date
    venue: URIRef  # Paper -> Venue
    decision: URIRef  # Paper -> xsd:string, a venue's decision (Oral, Poster, Reject...)
    Venue: URIRef  # a conference or journal (schema:CreativeWorkSeries)
    upvotes: URIRef  # Paper -> xsd:integer >= 0
    sourceFile: URIRef  # Paper -> xsd:string, a listing file it was read from
    entityKey: URIRef  # Entity -> xsd:string, the canonical merge key
    meanSupport: URIRef  # void:Dataset (a class partition) -> xsd:decimal, mean kg:support


#: Instance data: ``KGID["paper/..."]``, ``KGID["entity/..."]``; mint IRIs in ``kg.graph.iri``.
KGID = Namespace("https://w3id.org/kg/id/")

#: schema.org, in its https form (as rdflib's ``SDO``), the form ``kg.ttl`` uses.
SCHEMA = Namespace("https://schema.org/")

#: The Bibliographic Ontology (``bibo:authorList``, ``bibo:doi``).
BIBO = Namespace("http://purl.org/ontology/bibo/")

#: ML-Schema.
MLS = Namespace("http://www.w3.org/ns/mls#")

#: VoID, the Vocabulary of Interlinked Datasets (the statistics graph, :mod:`kg.graph.stats`).
VOID = Namespace("http://rdfs.org/ns/void#")

#: Prefixes bound on every graph the package builds (see :func:`bind_prefixes`).
PREFIXES: dict[str, Namespace] = {
    "kg": Namespace(str(KG)),
    "kgid": KGID,
    "schema": SCHEMA,
    "bibo": BIBO,
    "mls": MLS,
    "void": VOID,
    "skos": Namespace(str(SKOS)),
    "dcterms": Namespace(str(DCTERMS)),
    "prov": Namespace(str(PROV)),
    "rdf": Namespace(str(RDF)),
    "rdfs": Namespace(str(RDFS)),
    "owl": Namespace(str(OWL)),
    "xsd": Namespace(str(XSD)),
}

#: The class of each entity type of :data:`kg.types.ENTITY_TYPES` (``"Method"`` -> ``kg:Method``).
ENTITY_CLASSES: dict[str, URIRef] = {name: KG[name] for name in ENTITY_TYPES}

#: The property of each paper role of :data:`kg.types.ROLES` (``"proposes"`` -> ``kg:proposes``).
ROLE_PROPERTIES: dict[str, URIRef] = {name: KG[name] for name in ROLES}
#: The same prefixes as plain IRIs, as Oxigraph takes them (``store.query(..., prefixes=...)``).
PREFIX_IRIS: dict[str, str] = {name: str(ns) for name, ns in PREFIXES.items()}

#: The property of each entity relation of :data:`kg.types.RELATIONS` (``"broader"`` -> ``skos:broader``).
RELATION_PROPERTIES: dict[str, URIRef] = {
    name: SKOS[name] if name == "broader" else KG[name] for name in RELATIONS
}


def bind_prefixes(graph: Graph) -> Graph:
    """Bind :data:`PREFIXES` on ``graph`` (replacing other bindings of those prefixes).

    >>> g = bind_prefixes(Graph())
    >>> g.qname(KG.proposes)
    'kg:proposes'
    """
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace, override=True, replace=True)
    return graph


def _read(name: str) -> Graph:
    resource = files("kg") / "ontology" / name
    return Graph().parse(data=resource.read_text(encoding="utf-8"), format="turtle")


def ontology_graph() -> Graph:
    """Parse the shipped ontology, ``kg/ontology/kg.ttl``, into a new graph.

    >>> g = ontology_graph()
    >>> (ONTOLOGY_IRI, OWL.versionInfo, None) in g
    True
    """
    return _read("kg.ttl")


def shapes_graph() -> Graph:
    """Parse the shipped SHACL shapes, ``kg/ontology/shapes.ttl``, into a new graph."""
    return _read("shapes.ttl")
