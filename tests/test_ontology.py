"""The shipped ontology (kg.ttl), its shapes (shapes.ttl) and kg.vocab agree with each other."""

from collections.abc import Callable
from itertools import combinations

import pyshacl
import pytest
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import SH

from kg import vocab
from kg.types import ENTITY_TYPES, ROLES, Paper
from kg.vocab import (
    DCTERMS,
    ENTITY_CLASSES,
    KG,
    KGID,
    MLS,
    ONTOLOGY_IRI,
    ONTOLOGY_VERSION,
    OWL,
    PREFIXES,
    PROV,
    RDF,
    RDFS,
    ROLE_PROPERTIES,
    SCHEMA,
    SKOS,
    bind_prefixes,
    ontology_graph,
    shapes_graph,
)

KG_TERMS = sorted(dir(KG))
DECLARATION_TYPES = {OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty}
PAPER_ROLES = ("proposes", "uses", "evaluatedOn", "addresses")
QNAME = bind_prefixes(Graph()).qname


@pytest.fixture(scope="module")
def onto() -> Graph:
    return ontology_graph()


@pytest.fixture(scope="module")
def shapes() -> Graph:
    return shapes_graph()


def kg_iris(graph: Graph) -> set[URIRef]:
    """Every IRI in the kg: namespace that ``graph`` uses, in any position."""
    ns = str(KG)
    return {t for triple in graph for t in triple if isinstance(t, URIRef) and t.startswith(ns)}


def declared_terms(graph: Graph) -> set[URIRef]:
    ns = str(KG)
    return {
        s
        for s, o in graph.subject_objects(RDF.type)
        if isinstance(s, URIRef) and s.startswith(ns) and o in DECLARATION_TYPES
    }


def disjoint_pairs(graph: Graph) -> set[frozenset]:
    """Pairs of classes stated disjoint, by owl:disjointWith or owl:AllDisjointClasses."""
    pairs = {frozenset(p) for p in graph.subject_objects(OWL.disjointWith)}
    for node in graph.subjects(RDF.type, OWL.AllDisjointClasses):
        members = Collection(graph, graph.value(node, OWL.members))
        pairs |= {frozenset(p) for p in combinations(members, 2)}
    return pairs


# --- kg.ttl ---------------------------------------------------------------------------


def test_ontology_declares_owl_ontology_with_version(onto: Graph) -> None:
    assert (ONTOLOGY_IRI, RDF.type, OWL.Ontology) in onto
    assert onto.value(ONTOLOGY_IRI, OWL.versionIRI) == URIRef(f"{ONTOLOGY_IRI}/{ONTOLOGY_VERSION}")
    assert str(onto.value(ONTOLOGY_IRI, OWL.versionInfo)) == ONTOLOGY_VERSION
    for prop in (DCTERMS.title, DCTERMS.description, DCTERMS.created, DCTERMS.license):
        assert onto.value(ONTOLOGY_IRI, prop) is not None, prop


@pytest.mark.parametrize("term", KG_TERMS, ids=lambda t: t.fragment)
def test_ontology_declares_every_vocab_term(onto: Graph, term: URIRef) -> None:
    assert set(onto.objects(term, RDF.type)) & DECLARATION_TYPES, f"{term} is not declared"
    for prop in (RDFS.label, RDFS.comment):
        values = list(onto.objects(term, prop))
        assert len(values) == 1, f"{term} needs exactly one {prop}"
        assert values[0].language == "en"
    assert onto.value(term, RDFS.isDefinedBy) == ONTOLOGY_IRI


def test_ontology_terms_are_exactly_the_vocab_namespace(onto: Graph) -> None:
    assert declared_terms(onto) == set(KG_TERMS)
    # Also catches a typo in any position, e.g. the object of owl:inverseOf.
    assert kg_iris(onto) <= set(KG_TERMS), kg_iris(onto) - set(KG_TERMS)


def test_vocab_namespace_is_closed() -> None:
    with pytest.raises(AttributeError):
        _ = KG.evaluatedIn


def test_vocab_maps_entity_types_and_roles(onto: Graph) -> None:
    assert list(ENTITY_CLASSES) == list(ENTITY_TYPES)
    assert list(ROLE_PROPERTIES) == list(ROLES)
    for cls in ENTITY_CLASSES.values():
        assert (cls, RDF.type, OWL.Class) in onto
        assert (cls, RDFS.subClassOf, KG.Entity) in onto
    for prop in ROLE_PROPERTIES.values():
        assert (prop, RDF.type, OWL.ObjectProperty) in onto


@pytest.mark.parametrize("role", ROLES)
def test_ontology_role_has_inverse(onto: Graph, role: str) -> None:
    prop = ROLE_PROPERTIES[role]
    inverse = onto.value(prop, OWL.inverseOf)
    assert inverse is not None, f"{prop} has no owl:inverseOf"
    assert onto.value(inverse, OWL.inverseOf) == prop
    assert onto.value(inverse, RDFS.domain) == onto.value(prop, RDFS.range)
    assert onto.value(inverse, RDFS.range) == onto.value(prop, RDFS.domain) == KG.Paper


@pytest.mark.parametrize("role", PAPER_ROLES)
def test_ontology_role_specialises_mentions(onto: Graph, role: str) -> None:
    prop = ROLE_PROPERTIES[role]
    assert (prop, RDFS.subPropertyOf, KG.mentions) in onto
    assert (onto.value(prop, OWL.inverseOf), RDFS.subPropertyOf, KG.mentionedIn) in onto


def test_ontology_entity_classes_are_pairwise_disjoint(onto: Graph) -> None:
    pairs = disjoint_pairs(onto)
    for a, b in combinations(ENTITY_CLASSES.values(), 2):
        assert frozenset((a, b)) in pairs, f"{a} and {b} are not disjoint"


@pytest.mark.parametrize(
    ("prop", "domain", "range_"),
    [
        (KG.evaluatedOn, KG.Paper, KG.Dataset),
        (KG.addresses, KG.Paper, KG.Task),
        (KG.proposes, KG.Paper, KG.Entity),
        (KG.uses, KG.Paper, KG.Entity),
        (KG.mentions, KG.Paper, KG.Entity),
        (KG.evaluates, KG.Metric, KG.Entity),
        (KG.confidence, KG.Assertion, vocab.XSD.double),
        (KG.evidence, KG.Assertion, vocab.XSD.string),
        (KG.startOffset, KG.Assertion, vocab.XSD.integer),
        (KG.endOffset, KG.Assertion, vocab.XSD.integer),
        (KG.authorCount, KG.Paper, vocab.XSD.integer),
        (KG.upvotes, KG.Paper, vocab.XSD.integer),
        (KG.sourceFile, KG.Paper, vocab.XSD.string),
        (KG.entityKey, KG.Entity, vocab.XSD.string),
    ],
    ids=QNAME,
)
def test_ontology_domain_and_range(onto: Graph, prop: URIRef, domain: URIRef, range_: URIRef):
    assert list(onto.objects(prop, RDFS.domain)) == [domain]
    assert list(onto.objects(prop, RDFS.range)) == [range_]


def test_ontology_support_applies_to_assertions_and_entities(onto: Graph) -> None:
    domain = onto.value(KG.support, RDFS.domain)
    assert isinstance(domain, BNode)
    assert set(Collection(onto, onto.value(domain, OWL.unionOf))) == {KG.Assertion, KG.Entity}


@pytest.mark.parametrize("prop", [p for p in KG_TERMS if p.fragment[0].islower()])
def test_ontology_property_has_domain_and_range(onto: Graph, prop: URIRef) -> None:
    assert onto.value(prop, RDFS.domain) is not None
    assert onto.value(prop, RDFS.range) is not None


@pytest.mark.parametrize("prop", [KG.comparedWith, KG.conjunctionWith])
def test_ontology_symmetric_relations(onto: Graph, prop: URIRef) -> None:
    assert (prop, RDF.type, OWL.SymmetricProperty) in onto


@pytest.mark.parametrize(
    ("cls", "parent"),
    [
        (KG.Paper, SCHEMA.ScholarlyArticle),
        (KG.Paper, PROV.Entity),
        (KG.Entity, SKOS.Concept),
        (KG.Method, MLS.Algorithm),
        (KG.Dataset, MLS.Dataset),
        (KG.Dataset, SCHEMA.Dataset),
        (KG.Task, MLS.Task),
        (KG.Metric, MLS.EvaluationMeasure),
        (KG.Concept, KG.Entity),
        (KG.Assertion, RDF.Statement),
        (KG.Assertion, PROV.Entity),
        (KG.Extractor, PROV.SoftwareAgent),
    ],
    ids=QNAME,
)
def test_ontology_class_alignment(onto: Graph, cls: URIRef, parent: URIRef) -> None:
    assert (cls, RDFS.subClassOf, parent) in onto


def test_vocab_prefixes_match_ontology(onto: Graph) -> None:
    bound = dict(onto.namespaces())
    for prefix in ("kg", "schema", "mls", "skos", "dcterms", "prov"):
        assert str(bound[prefix]) == str(PREFIXES[prefix]), prefix
    g = bind_prefixes(Graph())
    assert dict(g.namespaces())["kgid"] == URIRef(KGID)
    assert g.qname(KG.proposes) == "kg:proposes"
    assert g.qname(SCHEMA.url) == "schema:url"


# --- shapes.ttl -----------------------------------------------------------------------


def test_shapes_parse_and_use_only_vocab_terms(shapes: Graph) -> None:
    node_shapes = set(shapes.subjects(RDF.type, SH.NodeShape))
    assert len(node_shapes) >= 4
    targets = set(shapes.objects(None, SH.targetClass))
    assert {KG.Paper, KG.Entity, KG.Assertion, KG.Extractor} <= targets
    assert kg_iris(shapes) <= set(KG_TERMS), kg_iris(shapes) - set(KG_TERMS)


def test_shapes_property_shapes_have_their_own_targets(shapes: Graph) -> None:
    # pySHACL evaluates a nested property shape (sh:property) once per focus node, a targeted
    # one once for all: nesting made validating the sample graph take minutes instead of seconds.
    assert not set(shapes.objects(None, SH.property))
    targets = (SH.targetClass, SH.targetSubjectsOf, SH.targetObjectsOf, SH.targetNode)
    for shape in shapes.subjects(RDF.type, SH.PropertyShape):
        assert any(shapes.value(shape, t) is not None for t in targets), shape


TITLE = "Sparse Mixture of Adapters for Parameter-Efficient Fine-Tuning"
SENTENCE_1 = (
    "We propose Sparse Mixture of Adapters (SMA), a routing method for parameter-efficient fine-tuning."
)
SENTENCE_2 = "SMA outperforms LoRA on GLUE in accuracy."
ABSTRACT = f"{SENTENCE_1} {SENTENCE_2}"
TEXT = Paper(id="2501.00001", title=TITLE, abstract=ABSTRACT).text
START_1, START_2 = TEXT.index(SENTENCE_1), TEXT.index(SENTENCE_2)
END_1, END_2 = START_1 + len(SENTENCE_1), START_2 + len(SENTENCE_2)

SAMPLE = f"""\
@prefix kg: <https://w3id.org/kg/ontology#> .
@prefix paper: <https://w3id.org/kg/id/paper/> .
@prefix entity: <https://w3id.org/kg/id/entity/> .
@prefix assertion: <https://w3id.org/kg/id/assertion/> .
@prefix extractor: <https://w3id.org/kg/id/extractor/> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix schema: <https://schema.org/> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .

paper:2501.00001 a kg:Paper ;
    dcterms:title "{TITLE}" ;
    dcterms:abstract "{ABSTRACT}" ;
    dcterms:identifier "2501.00001" ;
    dcterms:date "2025-01-02"^^xsd:date ;
    schema:url <https://arxiv.org/abs/2501.00001> ;
    kg:authorCount "3"^^xsd:integer ;
    kg:upvotes "12"^^xsd:integer ;
    kg:sourceFile "2025-01-02.json" ;
    kg:proposes entity:sma ;
    kg:uses entity:lora ;
    kg:evaluatedOn entity:glue ;
    kg:addresses entity:peft ;
    kg:mentions entity:sma , entity:lora , entity:glue , entity:peft ,
        entity:accuracy , entity:routing .

entity:sma a kg:Method ;
    skos:prefLabel "Sparse Mixture of Adapters" ;
    skos:altLabel "SMA" ;
    kg:entityKey "sparse mixture of adapter" ;
    kg:support "1"^^xsd:integer ;
    kg:usedFor entity:peft ;
    kg:comparedWith entity:lora ;
    skos:broader entity:routing .

entity:lora a kg:Method ;
    skos:prefLabel "LoRA" ;
    kg:entityKey "lora" .

entity:glue a kg:Dataset ;
    skos:prefLabel "GLUE" ;
    kg:entityKey "glue" .

entity:peft a kg:Task ;
    skos:prefLabel "parameter-efficient fine-tuning" ;
    kg:entityKey "parameter-efficient fine-tuning" .

entity:accuracy a kg:Metric ;
    skos:prefLabel "accuracy" ;
    kg:entityKey "accuracy" ;
    kg:evaluates entity:sma .

entity:routing a kg:Concept ;
    skos:prefLabel "routing" ;
    kg:entityKey "routing" .

assertion:a1 a kg:Assertion ;
    rdf:subject paper:2501.00001 ;
    rdf:predicate kg:proposes ;
    rdf:object entity:sma ;
    prov:wasDerivedFrom paper:2501.00001 ;
    prov:wasAttributedTo extractor:kg_roles ;
    kg:confidence "0.87"^^xsd:double ;
    kg:evidence "{SENTENCE_1}" ;
    kg:startOffset "{START_1}"^^xsd:integer ;
    kg:endOffset "{END_1}"^^xsd:integer .

assertion:a2 a kg:Assertion ;
    rdf:subject entity:sma ;
    rdf:predicate kg:comparedWith ;
    rdf:object entity:lora ;
    prov:wasDerivedFrom paper:2501.00001 ;
    prov:wasAttributedTo extractor:kg_relations ;
    kg:confidence "0.5"^^xsd:double ;
    kg:evidence "{SENTENCE_2}" ;
    kg:startOffset "{START_2}"^^xsd:integer ;
    kg:endOffset "{END_2}"^^xsd:integer ;
    kg:support "1"^^xsd:integer .

extractor:kg_roles a kg:Extractor ;
    rdfs:label "kg_roles" ;
    schema:softwareVersion "0.1.0" .

extractor:kg_relations a kg:Extractor ;
    rdfs:label "kg_relations" ;
    schema:softwareVersion "0.1.0" .
"""

PAPER = KGID["paper/2501.00001"]
SMA = KGID["entity/sma"]
A1 = KGID["assertion/a1"]


@pytest.fixture
def sample() -> Graph:
    return Graph().parse(data=SAMPLE, format="turtle")


def _validate(data: Graph, shapes: Graph, onto: Graph, inference: str = "none") -> tuple[bool, Graph]:
    """pySHACL with the ontology mixed in, as kg.graph.shacl runs it (the shapes need its axioms)."""
    conforms, report, _ = pyshacl.validate(
        data, shacl_graph=shapes, ont_graph=onto, inference=inference, allow_warnings=True
    )
    return conforms, report


@pytest.mark.parametrize("inference", ["none", "rdfs", "owlrl"])
def test_shapes_accept_sample(sample: Graph, shapes: Graph, onto: Graph, inference: str) -> None:
    # Reasoning over the ontology must not break a valid graph (e.g. by merging entities).
    conforms, report = _validate(sample, shapes, onto, inference)
    assert conforms, report.serialize(format="turtle")


def _set(s: URIRef, p: URIRef, o) -> Callable[[Graph], None]:
    return lambda g: g.set((s, p, o))


def _remove(s: URIRef, p: URIRef) -> Callable[[Graph], None]:
    return lambda g: g.remove((s, p, None))


def _add(s: URIRef, p: URIRef, o) -> Callable[[Graph], None]:
    return lambda g: g.add((s, p, o))


BROKEN = {
    "paper-without-title": (_remove(PAPER, DCTERMS.title), DCTERMS.title),
    "paper-two-titles": (_add(PAPER, DCTERMS.title, Literal("Again")), DCTERMS.title),
    "paper-two-abstracts": (_add(PAPER, DCTERMS.abstract, Literal("More.")), DCTERMS.abstract),
    "evaluated-on-a-task": (_add(PAPER, KG.evaluatedOn, KGID["entity/peft"]), KG.evaluatedOn),
    "addresses-a-dataset": (_add(PAPER, KG.addresses, KGID["entity/glue"]), KG.addresses),
    "entity-two-preflabels": (_add(SMA, SKOS.prefLabel, Literal("SMoA")), SKOS.prefLabel),
    "entity-without-key": (_remove(SMA, KG.entityKey), KG.entityKey),
    "entity-key-not-unique": (
        _set(KGID["entity/lora"], KG.entityKey, Literal("sparse mixture of adapter")),
        KG.entityKey,
    ),
    "entity-preflabel-also-alt": (
        _add(SMA, SKOS.altLabel, Literal("Sparse Mixture of Adapters")),
        SKOS.prefLabel,
    ),
    "confidence-above-one": (
        _set(A1, KG.confidence, Literal(1.5, datatype=vocab.XSD.double)),
        KG.confidence,
    ),
    "confidence-missing": (_remove(A1, KG.confidence), KG.confidence),
    "offset-negative": (_set(A1, KG.startOffset, Literal(-1, datatype=vocab.XSD.integer)), KG.startOffset),
    "offset-not-a-number": (_set(A1, KG.startOffset, Literal(str(START_1))), KG.startOffset),
    "offsets-reversed": (
        _set(A1, KG.startOffset, Literal(END_1 + 1, datatype=vocab.XSD.integer)),
        KG.startOffset,
    ),
    "assertion-without-evidence": (_remove(A1, KG.evidence), KG.evidence),
    "assertion-two-objects": (_add(A1, RDF.object, KGID["entity/lora"]), RDF.object),
    "assertion-inverse-predicate": (_set(A1, RDF.predicate, KG.proposedBy), RDF.predicate),
    "assertion-not-from-paper": (_set(A1, PROV.wasDerivedFrom, SMA), PROV.wasDerivedFrom),
    "assertion-without-extractor": (_remove(A1, PROV.wasAttributedTo), PROV.wasAttributedTo),
    "assertion-without-paper": (_remove(A1, PROV.wasDerivedFrom), PROV.wasDerivedFrom),
    "assertion-without-offsets": (_remove(A1, KG.endOffset), KG.endOffset),
    "entity-without-preflabel": (_remove(SMA, SKOS.prefLabel), SKOS.prefLabel),
    "entity-two-types": (_add(SMA, RDF.type, KG.Concept), RDF.type),
    "entity-untyped-reference": (_add(PAPER, KG.uses, KGID["entity/nothing"]), KG.uses),
}


@pytest.mark.parametrize(("mutate", "path"), BROKEN.values(), ids=BROKEN.keys())
def test_shapes_reject_broken_sample(
    sample: Graph, shapes: Graph, onto: Graph, mutate: Callable[[Graph], None], path: URIRef
) -> None:
    mutate(sample)
    conforms, report = _validate(sample, shapes, onto)
    assert not conforms
    violations = set(report.subjects(SH.resultSeverity, SH.Violation))
    paths = {report.value(r, SH.resultPath) for r in violations}
    # An inverse path ([ sh:inversePath p ]) counts as p.
    assert path in {report.value(p, SH.inversePath, default=p) for p in paths}


@pytest.mark.parametrize(
    "mutate",
    [_add(PAPER, KG.mentions, Literal("SMA")), _add(SMA, RDF.type, KG.Dataset)],
    ids=["literal-entity", "two-entity-types"],
)
def test_shapes_reject_bad_entity_reference(
    sample: Graph, shapes: Graph, onto: Graph, mutate: Callable[[Graph], None]
) -> None:
    mutate(sample)
    conforms, _ = _validate(sample, shapes, onto)
    assert not conforms


def test_shapes_warn_on_comparison_between_non_methods(sample: Graph, shapes: Graph, onto: Graph) -> None:
    sample.add((KGID["entity/glue"], KG.comparedWith, KGID["entity/peft"]))
    conforms, report = _validate(sample, shapes, onto)
    assert conforms
    assert set(report.subjects(SH.resultSeverity, SH.Warning))
