"""Build the RDF dataset: one named graph per paper, one for entities, one for the ontology,
one for whole-graph statistics (:mod:`kg.graph.stats`).

A paper's graph holds its metadata, its role triples (``paper kg:proposes entity``), the relation
triples it states between entities (``entity kg:usedFor entity``, ``entity skos:broader entity``)
and one ``kg:Assertion`` statement node per triple with the evidence: sentence, offsets,
confidence, extractor. The union of all graphs is the knowledge graph; the dataset is the source of truth
from which the NetworkX and DataFrame views are made.
"""

from __future__ import annotations

from collections.abc import Sequence

import pyoxigraph as ox
from oxrdflib import OxigraphStore
from rdflib import BNode, Dataset, Literal
from rdflib.collection import Collection
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


def new_dataset(store: ox.Store | None = None) -> Dataset:
    """An rdflib Dataset kept in an Oxigraph store (a new in-memory one unless given).

    rdflib is the construction API and Oxigraph the storage and query engine (through the
    ``oxrdflib`` store plugin), so the graph is never copied between the two. The default
    graph is the union of the named graphs.
    """
    backend = OxigraphStore(store=store if store is not None else ox.Store())
    return bind_prefixes(Dataset(store=backend, default_union=True))


def add_ontology(ds: Dataset) -> None:
    """Copy the shipped ontology into its own named graph, so queries can use its axioms."""
    graph = ds.graph(ONTOLOGY_GRAPH)
    for triple in ontology_graph():
        graph.add(triple)


def add_entity(ds: Dataset, entity: Entity) -> URIRef:
    """Type, labels, key and support of one entity, in the entities graph."""
    graph = ds.graph(ENTITIES_GRAPH)
    node = entity_iri(entity.key)
    graph.add((node, RDF.type, ENTITY_CLASSES[entity.type]))
    graph.add((node, SKOS.prefLabel, Literal(entity.label)))
    for alias in entity.aliases:
        graph.add((node, SKOS.altLabel, Literal(alias)))
    graph.add((node, KG.entityKey, Literal(entity.key)))
    for key in entity.broader:
        graph.add((node, SKOS.broader, entity_iri(key)))
    graph.add((node, KG.support, Literal(len(entity.papers), datatype=XSD.integer)))
    return node


def add_paper(ds: Dataset, paper: Paper) -> URIRef:
    """A paper's metadata, in the paper's own named graph; the people and venues it names are
    described once, in the entities graph."""
    graph = ds.graph(paper_graph_iri(paper.id))
    shared = ds.graph(ENTITIES_GRAPH)
    node = paper_iri(paper.id)
    graph.add((node, RDF.type, KG.Paper))
    graph.add((node, DCTERMS.identifier, Literal(paper.id)))
    graph.add((node, DCTERMS.title, Literal(paper.title)))
    if paper.abstract:
        graph.add((node, DCTERMS.abstract, Literal(paper.abstract)))
    if paper.date and (datatype := _DATE_TYPES.get(len(paper.date))):
        graph.add((node, DCTERMS.date, Literal(paper.date, datatype=datatype)))
        graph.add((node, KG.year, Literal(paper.year, datatype=XSD.integer)))
    if paper.n_authors is not None:
        graph.add((node, KG.authorCount, Literal(paper.n_authors, datatype=XSD.integer)))
    if paper.upvotes is not None:
        graph.add((node, KG.upvotes, Literal(paper.upvotes, datatype=XSD.integer)))
    for source in paper.sources:
        graph.add((node, KG.sourceFile, Literal(source)))
    if paper.url:
        graph.add((node, SCHEMA.url, URIRef(paper.url)))
    people = [person_iri(name) for name in paper.authors]
    for person, name in zip(people, paper.authors, strict=True):
        graph.add((node, SCHEMA.author, person))
        shared.add((person, RDF.type, SCHEMA.Person))
        shared.add((person, SCHEMA.name, Literal(name)))
    if people:  # the order of the names, as an RDF list
        Collection(graph, authors := BNode(), people)
        graph.add((node, BIBO.authorList, authors))
    if paper.venue:
        venue = venue_iri(venue_name(paper.venue, paper.year))
        graph.add((node, KG.venue, venue))
        shared.add((venue, RDF.type, KG.Venue))
        shared.add((venue, SCHEMA.name, Literal(venue_name(paper.venue, paper.year))))
    if paper.doi:
        graph.add((node, BIBO.doi, Literal(paper.doi)))
        graph.add((node, SCHEMA.sameAs, doi_iri(paper.doi)))
    if paper.arxiv_id:
        graph.add((node, SCHEMA.sameAs, arxiv_iri(paper.arxiv_id)))
    for keyword in paper.keywords:
        graph.add((node, SCHEMA.keywords, Literal(keyword)))
    if paper.status:
        graph.add((node, KG.decision, Literal(paper.status)))
    return node


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


def add_assertion(ds: Dataset, assertion: Assertion) -> URIRef:
    """``paper role entity`` or ``entity relation entity``, plus its statement node carrying the
    best evidence, in the graph of the paper that states it.

    An entity–entity edge may be stated by several papers; the edge itself is written once, in the
    entities graph, because Oxigraph's union default graph would count it once per paper graph.
    """
    best = assertion.provenance[0]
    paper = paper_iri(best.paper_id)
    graph = ds.graph(paper_graph_iri(best.paper_id))
    if assertion.predicate in ROLE_PROPERTIES:
        subject = paper_iri(assertion.subject)
        predicate = ROLE_PROPERTIES[assertion.predicate]
        node = assertion_iri(assertion.subject, assertion.predicate, assertion.object)
        edge_graph = graph
    else:
        subject = entity_iri(assertion.subject)
        predicate = RELATION_PROPERTIES[assertion.predicate]
        node = assertion_iri(best.paper_id, assertion.predicate, assertion.object, subject=assertion.subject)
        edge_graph = ds.graph(ENTITIES_GRAPH)
    obj = entity_iri(assertion.object)
    edge_graph.add((subject, predicate, obj))
    extractor = extractor_iri(best.extractor, best.version)
    graph.add((node, RDF.type, KG.Assertion))
    graph.add((node, RDF.subject, subject))
    graph.add((node, RDF.predicate, predicate))
    graph.add((node, RDF.object, obj))
    graph.add((node, PROV.wasDerivedFrom, paper))
    graph.add((node, PROV.wasAttributedTo, extractor))
    graph.add((node, KG.confidence, Literal(best.score, datatype=XSD.double)))
    graph.add((node, KG.support, Literal(assertion.support, datatype=XSD.integer)))
    graph.add((node, KG.evidence, Literal(best.sentence)))
    graph.add((node, KG.startOffset, Literal(best.start, datatype=XSD.integer)))
    graph.add((node, KG.endOffset, Literal(best.end, datatype=XSD.integer)))
    # Extractors are described once, beside the entities, not in every paper's graph.
    shared = ds.graph(ENTITIES_GRAPH)
    shared.add((extractor, RDF.type, KG.Extractor))
    shared.add((extractor, RDFS.label, Literal(best.extractor)))
    shared.add((extractor, SCHEMA.softwareVersion, Literal(best.version)))
    return node


def build_dataset(papers: Sequence[Paper], linked: LinkedCorpus, store: ox.Store | None = None) -> Dataset:
    """The whole knowledge graph as an rdflib Dataset over ``store`` (see the module docstring)."""
    store = store if store is not None else ox.Store()
    ds = new_dataset(store)
    add_ontology(ds)
    for entity in linked.entities:
        add_entity(ds, entity)
    for paper in papers:
        add_paper(ds, paper)
    for assertion in linked.assertions:
        add_assertion(ds, assertion)
    add_statistics(store)
    return ds
