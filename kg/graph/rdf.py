"""The RDF dataset as Oxigraph quads: one named graph per paper, one for entities, one for the
ontology, one for whole-graph statistics (:mod:`kg.graph.stats`).

A paper's graph holds its metadata, its role triples (``paper kg:proposes entity``) and one
``kg:Assertion`` statement node per triple with the evidence: sentence, offsets, confidence,
extractor. Entity–entity edges (``entity kg:usedFor entity``, ``skos:broader``) and what papers
share (people, venues, extractors) are in the entities graph. The union of all graphs is the
knowledge graph. Quads go into the store in bulk, a chunk of papers at a time, so a graph of
any size is written without holding it in memory twice.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from functools import lru_cache

import pyoxigraph as ox
from oxrdflib import OxigraphStore
from rdflib import BNode, Dataset
from rdflib.term import URIRef

from kg.graph.iri import (
    ENTITIES_GRAPH,
    ONTOLOGY_GRAPH,
    arxiv_iri,
    assertion_iri,
    doi_iri,
    entity_iri,
    extractor_iri,
    paper_graph_iri,
    paper_iri,
    person_iri,
    venue_iri,
)
from kg.graph.stats import add_statistics
from kg.link.merge import LinkedCorpus
from kg.types import Assertion, Entity, Paper
from kg.vocab import (
    BIBO,
    DCTERMS,
    ENTITY_CLASSES,
    KG,
    PROV,
    RDF,
    RDFS,
    RELATION_PROPERTIES,
    ROLE_PROPERTIES,
    SCHEMA,
    SKOS,
    XSD,
    bind_prefixes,
    ontology_graph,
)

#: ``Paper.date`` length -> its datatype: ``2019``, ``2019-05``, ``2019-05-12``.
_DATE_TYPES = {4: XSD.gYear, 7: XSD.gYearMonth, 10: XSD.date}


@lru_cache(maxsize=65_536)
def node(iri: str) -> ox.NamedNode:
    """The Oxigraph term of an IRI (vocabulary terms repeat: each is made once)."""
    return ox.NamedNode(str(iri))


def _literal(value: object, datatype: URIRef | None = None) -> ox.Literal:
    return ox.Literal(str(value)) if datatype is None else ox.Literal(str(value), datatype=node(datatype))


def _integer(value: int) -> ox.Literal:
    return _literal(value, XSD.integer)


def new_dataset(store: ox.Store | None = None) -> Dataset:
    """An rdflib Dataset kept in an Oxigraph store (a new in-memory one unless given).

    rdflib is the construction API and Oxigraph the storage and query engine (through the
    ``oxrdflib`` store plugin), so the graph is never copied between the two. The default
    graph is the union of the named graphs.
    """
    backend = OxigraphStore(store=store if store is not None else ox.Store())
    return bind_prefixes(Dataset(store=backend, default_union=True))


def ontology_quads() -> list[ox.Quad]:
    """The shipped ontology in its own named graph, so queries can use its axioms."""
    graph = node(ONTOLOGY_GRAPH)
    blank: dict[str, ox.BlankNode] = {}

    def term(t) -> ox.NamedNode | ox.BlankNode | ox.Literal:
        if isinstance(t, URIRef):
            return node(t)
        if isinstance(t, BNode):
            return blank.setdefault(str(t), ox.BlankNode())
        if t.language:
            return ox.Literal(str(t), language=t.language)
        return _literal(t, t.datatype) if t.datatype else ox.Literal(str(t))

    return [ox.Quad(term(s), term(p), term(o), graph) for s, p, o in ontology_graph()]


def entity_quads(entity: Entity) -> list[ox.Quad]:
    """Type, labels, key, broader entities and support of one entity, in the entities graph."""
    graph = node(ENTITIES_GRAPH)
    subject = node(entity_iri(entity.key))
    quads = [
        ox.Quad(subject, node(RDF.type), node(ENTITY_CLASSES[entity.type]), graph),
        ox.Quad(subject, node(SKOS.prefLabel), ox.Literal(entity.label), graph),
    ]
    quads += [ox.Quad(subject, node(SKOS.altLabel), ox.Literal(alias), graph) for alias in entity.aliases]
    quads.append(ox.Quad(subject, node(KG.entityKey), ox.Literal(entity.key), graph))
    quads += [ox.Quad(subject, node(SKOS.broader), node(entity_iri(key)), graph) for key in entity.broader]
    quads.append(ox.Quad(subject, node(KG.support), _integer(len(entity.papers)), graph))
    return quads


def paper_quads(paper: Paper) -> list[ox.Quad]:
    """A paper's metadata, in the paper's own named graph; the people and venues it names are
    described in the entities graph."""
    graph = node(paper_graph_iri(paper.id))
    shared = node(ENTITIES_GRAPH)
    subject = node(paper_iri(paper.id))
    quads = []

    def add(predicate: URIRef, obj: ox.NamedNode | ox.BlankNode | ox.Literal) -> None:
        quads.append(ox.Quad(subject, node(predicate), obj, graph))

    add(RDF.type, node(KG.Paper))
    add(DCTERMS.identifier, ox.Literal(paper.id))
    add(DCTERMS.title, ox.Literal(paper.title))
    if paper.abstract:
        add(DCTERMS.abstract, ox.Literal(paper.abstract))
    if paper.date and (datatype := _DATE_TYPES.get(len(paper.date))):
        add(DCTERMS.date, _literal(paper.date, datatype))
        add(KG.year, _integer(paper.year))
    if paper.n_authors is not None:
        add(KG.authorCount, _integer(paper.n_authors))
    if paper.upvotes is not None:
        add(KG.upvotes, _integer(paper.upvotes))
    for source in paper.sources:
        add(KG.sourceFile, ox.Literal(source))
    if paper.url:
        add(SCHEMA.url, ox.NamedNode(paper.url))
    people = [node(person_iri(name)) for name in paper.authors]
    for person, name in zip(people, paper.authors, strict=True):
        add(SCHEMA.author, person)
        quads.append(ox.Quad(person, node(RDF.type), node(SCHEMA.Person), shared))
        quads.append(ox.Quad(person, node(SCHEMA.name), ox.Literal(name), shared))
    if people:  # the order of the names, as an RDF list
        cells = [ox.BlankNode() for _ in people]
        add(BIBO.authorList, cells[0])
        for cell, person, rest in zip(cells, people, [*cells[1:], node(RDF.nil)], strict=True):
            quads.append(ox.Quad(cell, node(RDF.first), person, graph))
            quads.append(ox.Quad(cell, node(RDF.rest), rest, graph))
    if paper.venue:
        name = venue_name(paper.venue, paper.year)
        venue = node(venue_iri(name))
        add(KG.venue, venue)
        quads.append(ox.Quad(venue, node(RDF.type), node(KG.Venue), shared))
        quads.append(ox.Quad(venue, node(SCHEMA.name), ox.Literal(name), shared))
    if paper.doi:
        add(BIBO.doi, ox.Literal(paper.doi))
        add(SCHEMA.sameAs, node(doi_iri(paper.doi)))
    if paper.arxiv_id:
        add(SCHEMA.sameAs, node(arxiv_iri(paper.arxiv_id)))
    for keyword in paper.keywords:
        add(SCHEMA.keywords, ox.Literal(keyword))
    if paper.status:
        add(KG.decision, ox.Literal(paper.status))
    return quads


def venue_name(venue: str, year: int | None) -> str:
    """A venue's name without the paper's year: ``NeurIPS 2023`` in 2023 is ``NeurIPS``, whose
    node every year's papers share (the year is the paper's own ``kg:year``).

    >>> venue_name("NeurIPS 2023", 2023), venue_name("ICML", 2020), venue_name("2020 IEEE ICRA", 2020)
    ('NeurIPS', 'ICML', 'IEEE ICRA')
    """
    words = venue.split()
    if year is not None and len(words) > 1:
        if words[-1] == str(year):
            words = words[:-1]
        elif words[0] == str(year):
            words = words[1:]
    return " ".join(words)


def assertion_quads(assertion: Assertion) -> list[ox.Quad]:
    """``paper role entity`` or ``entity relation entity``, plus its statement node carrying the
    best evidence, in the graph of the paper that states it.

    An entity–entity edge may be stated by several papers; the edge itself is written once, in the
    entities graph, because Oxigraph's union default graph would count it once per paper graph.
    """
    best = assertion.provenance[0]
    graph = node(paper_graph_iri(best.paper_id))
    if assertion.predicate in ROLE_PROPERTIES:
        subject = node(paper_iri(assertion.subject))
        predicate = node(ROLE_PROPERTIES[assertion.predicate])
        statement = assertion_iri(assertion.subject, assertion.predicate, assertion.object)
        edge_graph = graph
    else:
        subject = node(entity_iri(assertion.subject))
        predicate = node(RELATION_PROPERTIES[assertion.predicate])
        statement = assertion_iri(
            best.paper_id, assertion.predicate, assertion.object, subject=assertion.subject
        )
        edge_graph = node(ENTITIES_GRAPH)
    obj = node(entity_iri(assertion.object))
    statement = node(statement)
    values = (
        _ASSERTION,
        subject,
        predicate,
        obj,
        node(paper_iri(best.paper_id)),
        node(extractor_iri(best.extractor, best.version)),
        ox.Literal(str(best.score), datatype=_DOUBLE),
        ox.Literal(str(assertion.support), datatype=_INTEGER),
        ox.Literal(best.sentence),
        ox.Literal(str(best.start), datatype=_INTEGER),
        ox.Literal(str(best.end), datatype=_INTEGER),
    )
    return [
        ox.Quad(subject, predicate, obj, edge_graph),
        *(ox.Quad(statement, p, o, graph) for p, o in zip(_ASSERTION_FACTS, values, strict=True)),
        *_extractor_quads(best.extractor, best.version),
    ]


#: The properties of a statement node, in the order :func:`assertion_quads` gives their values.
_ASSERTION_FACTS = tuple(
    node(p)
    for p in (
        *(RDF.type, RDF.subject, RDF.predicate, RDF.object, PROV.wasDerivedFrom, PROV.wasAttributedTo),
        *(KG.confidence, KG.support, KG.evidence, KG.startOffset, KG.endOffset),
    )
)
_ASSERTION = node(KG.Assertion)
_DOUBLE, _INTEGER = node(XSD.double), node(XSD.integer)


@lru_cache(maxsize=256)
def _extractor_quads(extractor: str, version: str) -> tuple[ox.Quad, ...]:
    """An extractor's description, once beside the entities rather than in every paper's graph."""
    shared, subject = node(ENTITIES_GRAPH), node(extractor_iri(extractor, version))
    return (
        ox.Quad(subject, node(RDF.type), node(KG.Extractor), shared),
        ox.Quad(subject, node(RDFS.label), ox.Literal(extractor), shared),
        ox.Quad(subject, node(SCHEMA.softwareVersion), ox.Literal(version), shared),
    )


def write_graph(
    store: ox.Store, entities: Iterable[Entity], papers: Iterable[tuple[Paper, Iterable[Assertion]]]
) -> None:
    """Write the whole graph into ``store`` in bulk: the ontology, the entities, then each paper
    with its assertions (streamed: a chunk of quads at a time), then the statistics."""
    store.bulk_extend(ontology_quads())
    store.bulk_extend(q for entity in entities for q in entity_quads(entity))
    store.bulk_extend(
        q
        for paper, assertions in papers
        for q in (*paper_quads(paper), *(q for a in assertions for q in assertion_quads(a)))
    )
    add_statistics(store)


def build_store(papers: Sequence[Paper], linked: LinkedCorpus, store: ox.Store | None = None) -> ox.Store:
    """The knowledge graph of ``papers`` and ``linked`` in ``store`` (default: a new in-memory one)."""
    store = store if store is not None else ox.Store()
    by_paper: dict[str, list[Assertion]] = defaultdict(list)
    for assertion in linked.assertions:
        by_paper[assertion.provenance[0].paper_id].append(assertion)
    write_graph(store, linked.entities, ((paper, by_paper.get(paper.id, ())) for paper in papers))
    return store
