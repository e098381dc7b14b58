"""The RDF dataset of the sample corpus (kg.graph.rdf) and its RDF exports (kg.export.rdf).

Every check runs on the real sample graph: the ``sample_kg`` and ``sample_outputs`` session
fixtures of conftest, built once. Parsing the sample exports with rdflib takes seconds,
so each file is parsed once per module.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.compare import isomorphic

from kg import KnowledgeGraph, vocab
from kg.types import ENTITY_TYPES, RELATIONS, ROLES
from kg.vocab import (
    DCTERMS,
    ENTITY_CLASSES,
    KG,
    KGID,
    PROV,
    RDF,
    RDFS,
    RELATION_PROPERTIES,
    ROLE_PROPERTIES,
    SKOS,
    ontology_graph,
)

FAMO2O_TITLE = "Train Once, Get a Family"
ENTITIES_GRAPH = KGID["graph/entities"]
ONTOLOGY_GRAPH = KGID["graph/ontology"]
STATISTICS_GRAPH = KGID["graph/statistics"]
PAPER_GRAPHS = str(KGID["graph/paper/"])


# --- fixtures ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def union(sample_kg: KnowledgeGraph) -> Graph:
    """Every triple of every named graph, as a plain rdflib Graph."""
    return sample_kg.union()


@pytest.fixture(scope="module")
def turtle(sample_outputs: Path) -> Graph:
    return Graph().parse(sample_outputs / "kg.ttl", format="turtle")


@pytest.fixture(scope="module")
def sample_stats(sample_kg: KnowledgeGraph) -> dict:
    return sample_kg.stats()


@pytest.fixture(scope="module")
def texts(sample_corpus) -> dict[str, str]:
    """Paper id -> the text every offset points into: title, blank line, abstract."""
    return {paper.id: paper.text for paper in sample_corpus.papers}


@pytest.fixture(scope="module")
def assertions(sample_kg: KnowledgeGraph) -> list[dict]:
    """Every kg:Assertion with its paper id, evidence, offsets and confidence."""
    frame = sample_kg.sparql(
        """
        SELECT ?a ?id ?evidence ?start ?end ?confidence WHERE {
          ?a a kg:Assertion ; prov:wasDerivedFrom ?paper ; kg:evidence ?evidence ;
             kg:startOffset ?start ; kg:endOffset ?end ; kg:confidence ?confidence .
          ?paper dcterms:identifier ?id .
        }
        """
    )
    return frame.to_dict("records")


def _one_line_list(items, limit: int = 5) -> str:
    items = list(items)
    return f"{len(items)}: {items[:limit]}"


# --- round trips of the exports ---------------------------------------------------------------


def test_graph_rdf_turtle_export_is_isomorphic_to_union(turtle: Graph, union: Graph) -> None:
    assert len(turtle) == len(union)
    assert isomorphic(turtle, union)


def test_graph_rdf_jsonld_export_has_every_triple(sample_outputs: Path, union: Graph) -> None:
    jsonld = Graph().parse(sample_outputs / "kg.jsonld", format="json-ld")
    assert len(jsonld) == len(union)
    (paper,) = [s for s, o in union.subject_objects(DCTERMS.title) if str(o).startswith(FAMO2O_TITLE)]
    assert set(jsonld.objects(paper, DCTERMS.title)) == set(union.objects(paper, DCTERMS.title))
    assert set(jsonld.objects(paper, KG.evaluatedOn)) == set(union.objects(paper, KG.evaluatedOn))


@pytest.mark.parametrize("name", ["kg.nq", "kg.trig"])
def test_graph_rdf_quad_export_loads_with_same_stats(sample_outputs: Path, sample_stats: dict, name: str):
    assert KnowledgeGraph.load(sample_outputs / name).stats() == sample_stats


def test_graph_rdf_output_folder_loads_with_same_stats(sample_outputs: Path, sample_stats: dict) -> None:
    assert KnowledgeGraph.load(sample_outputs).stats() == sample_stats


@pytest.mark.parametrize("name", ["kg.ttl", "kg.nt", "kg.jsonld"])
def test_graph_rdf_triple_export_loads_with_same_content(
    sample_outputs: Path, sample_stats: dict, name: str
) -> None:
    # Triple formats have no named graphs; everything else must survive the trip.
    stats = KnowledgeGraph.load(sample_outputs / name).stats()
    assert stats["graphs"] == 0
    for key in ("papers", "entities", "edges", "triples"):
        assert stats[key] == sample_stats[key], key


def test_graph_rdf_nquads_export_keeps_every_quad(sample_outputs: Path, sample_kg: KnowledgeGraph) -> None:
    lines = [line for line in (sample_outputs / "kg.nq").read_text(encoding="utf-8").splitlines() if line]
    assert len(lines) == len(sample_kg.store)


# --- papers and entities --------------------------------------------------------------------


def test_graph_rdf_every_paper_has_one_title_and_identifier(union: Graph, sample_corpus) -> None:
    papers = set(union.subjects(RDF.type, KG.Paper))
    assert len(papers) == len(sample_corpus.papers)
    titles = {p: list(union.objects(p, DCTERMS.title)) for p in papers}
    bad = {p: t for p, t in titles.items() if len(t) != 1}
    assert not bad, _one_line_list(bad.items())
    ids = {p: list(union.objects(p, DCTERMS.identifier)) for p in papers}
    assert all(len(i) == 1 for i in ids.values())
    assert {str(i[0]) for i in ids.values()} == {p.id for p in sample_corpus.papers}
    assert {str(t[0]) for t in titles.values()} == {p.title for p in sample_corpus.papers}


def test_graph_rdf_paper_abstract_is_the_source_abstract(union: Graph, sample_corpus) -> None:
    by_id = {str(union.value(p, DCTERMS.identifier)): p for p in union.subjects(RDF.type, KG.Paper)}
    for paper in sample_corpus.papers:
        abstracts = [str(a) for a in union.objects(by_id[paper.id], DCTERMS.abstract)]
        assert abstracts == ([paper.abstract] if paper.abstract else []), paper.id


def test_graph_rdf_every_entity_has_one_label_key_and_class(union: Graph) -> None:
    classes = {ENTITY_CLASSES[t] for t in ENTITY_TYPES}
    typed = Counter(s for c in classes for s in union.subjects(RDF.type, c))
    assert typed, "the sample graph has no entities"
    assert [e for e, n in typed.items() if n != 1] == []
    bad_label = [e for e in typed if len(list(union.objects(e, SKOS.prefLabel))) != 1]
    bad_key = [e for e in typed if len(list(union.objects(e, KG.entityKey))) != 1]
    assert not bad_label, _one_line_list(bad_label)
    assert not bad_key, _one_line_list(bad_key)
    keys = Counter(str(union.value(e, KG.entityKey)) for e in typed)
    assert [k for k, n in keys.items() if n > 1] == []
    # The shapes forbid a preferred label that is also an alternative label.
    clash = [e for e in typed if union.value(e, SKOS.prefLabel) in set(union.objects(e, SKOS.altLabel))]
    assert clash == []


def test_graph_rdf_entities_live_in_the_entities_graph(sample_kg: KnowledgeGraph) -> None:
    frame = sample_kg.sparql("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?e skos:prefLabel ?label } }")
    assert frame["g"].tolist() == [str(ENTITIES_GRAPH)]


def test_graph_rdf_ontology_graph_is_the_shipped_ontology(sample_kg: KnowledgeGraph) -> None:
    stored = Graph()
    for s, p, o in sample_kg.to_rdflib().graph(ONTOLOGY_GRAPH):
        # RDF 1.1: a plain literal and an xsd:string literal are the same term.
        stored.add(
            (s, p, Literal(str(o)) if isinstance(o, Literal) and o.datatype == vocab.XSD.string else o)
        )
    assert isomorphic(stored, ontology_graph())


# --- named graphs --------------------------------------------------------------------------


def test_graph_rdf_one_named_graph_per_paper(sample_kg: KnowledgeGraph, sample_corpus) -> None:
    n_papers = len(sample_corpus.papers)
    graphs = {g.value for g in sample_kg.store.named_graphs()}
    shared = {str(ENTITIES_GRAPH), str(ONTOLOGY_GRAPH), str(STATISTICS_GRAPH)}
    assert len(graphs) == n_papers + len(shared)
    assert shared <= graphs
    where = sample_kg.sparql("SELECT ?g ?p WHERE { GRAPH ?g { ?p a kg:Paper } }")
    assert len(where) == n_papers
    assert where["g"].is_unique and where["p"].is_unique
    assert set(where["g"]) == graphs - shared
    assert all(g.startswith(PAPER_GRAPHS) for g in where["g"])


def test_graph_rdf_default_graph_is_empty(sample_kg: KnowledgeGraph) -> None:
    # Everything lives in a named graph; the default graph is only their union for queries.
    assert list(sample_kg.store.quads_for_pattern(None, None, None, ox.DefaultGraph())) == []


# --- assertions ----------------------------------------------------------------------------


def test_graph_rdf_every_assertion_is_complete(union: Graph) -> None:
    nodes = set(union.subjects(RDF.type, KG.Assertion))
    assert nodes
    papers = set(union.subjects(RDF.type, KG.Paper))
    extractors = set(union.subjects(RDF.type, KG.Extractor))
    problems: dict[str, list] = defaultdict(list)
    for node in nodes:
        for prop in (RDF.subject, RDF.predicate, RDF.object, PROV.wasDerivedFrom, PROV.wasAttributedTo):
            if len(list(union.objects(node, prop))) != 1:
                problems[f"not one {prop}"].append(node)
        if union.value(node, PROV.wasDerivedFrom) not in papers:
            problems["not derived from a paper"].append(node)
        if union.value(node, PROV.wasAttributedTo) not in extractors:
            problems["not attributed to a kg:Extractor"].append(node)
        confidences = list(union.objects(node, KG.confidence))
        if len(confidences) != 1 or confidences[0].datatype != vocab.XSD.double:
            problems["not one xsd:double confidence"].append(node)
        elif not 0.0 <= confidences[0].toPython() <= 1.0:
            problems["confidence outside [0, 1]"].append(node)
        for prop in (KG.evidence, KG.startOffset, KG.endOffset):
            if len(list(union.objects(node, prop))) != 1:
                problems[f"not one {prop}"].append(node)
    assert not problems, {k: _one_line_list(v) for k, v in problems.items()}


def test_graph_rdf_assertions_reify_the_paper_roles(sample_kg: KnowledgeGraph) -> None:
    roles = " ".join(f"<{ROLE_PROPERTIES[r]}>" for r in ROLES)
    facts = sample_kg.query(f"SELECT ?g ?s ?p ?o WHERE {{ VALUES ?p {{ {roles} }} GRAPH ?g {{ ?s ?p ?o }} }}")
    statements = sample_kg.query(
        f"""SELECT ?g ?s ?p ?o ?paper WHERE {{ VALUES ?p {{ {roles} }}
           GRAPH ?g {{ ?a a kg:Assertion ; rdf:subject ?s ;
           rdf:predicate ?p ; rdf:object ?o ; prov:wasDerivedFrom ?paper }} }}"""
    )
    reified = {row[:4] for row in statements.rows}
    assert len(reified) == len(statements.rows), "two statement nodes for one fact"
    # Each role triple has its statement node in the same (the paper's) named graph, and back.
    assert set(facts.rows) == reified
    assert all(s == paper for _, s, _, _, paper in statements.rows)


def test_graph_rdf_assertions_reify_the_entity_relations(sample_kg: KnowledgeGraph) -> None:
    relations = " ".join(f"<{RELATION_PROPERTIES[r]}>" for r in RELATIONS)
    # Relation edges live once in the entities graph (a fact several papers state is one triple);
    # skos:broader also comes from the names (modifier-head) there, without evidence.
    facts = sample_kg.query(
        f"""SELECT ?g ?s ?p ?o WHERE {{ VALUES ?p {{ {relations} }} GRAPH ?g {{ ?s ?p ?o }} }}"""
    )
    statements = sample_kg.query(
        f"""SELECT ?g ?s ?p ?o ?paper WHERE {{ VALUES ?p {{ {relations} }}
           GRAPH ?g {{ ?a a kg:Assertion ; rdf:subject ?s ;
           rdf:predicate ?p ; rdf:object ?o ; prov:wasDerivedFrom ?paper }} }}"""
    )
    reified = {row[:4] for row in statements.rows}
    assert len(reified) == len(statements.rows) > 100, "two statement nodes for one fact"
    # Each statement's triple is in the entities graph; each relation triple other than a name-derived
    # skos:broader has a statement node in the graph of a paper that states it.
    assert {g for g, *_ in facts.rows} == {str(ENTITIES_GRAPH)}
    stated = {(s, p, o) for _, s, p, o in reified}
    edges = {(s, p, o) for _, s, p, o in facts.rows}
    assert stated <= edges
    assert {e for e in edges - stated if not e[1].endswith("#broader")} == set()
    assert all(g == paper.replace("/paper/", "/graph/paper/") for g, *_, paper in statements.rows)


def test_graph_rdf_assertion_offsets_lie_in_the_paper_text(assertions: list[dict], texts: dict) -> None:
    outside = [a["a"] for a in assertions if not 0 <= a["start"] < a["end"] <= len(texts[a["id"]])]
    not_quoted = [a["a"] for a in assertions if not a["evidence"] or a["evidence"] not in texts[a["id"]]]
    assert not outside, _one_line_list(outside)
    assert not not_quoted, _one_line_list(not_quoted)


def _covers(text: str, sentence: str, start: int, end: int) -> bool:
    """Whether some occurrence of ``sentence`` in ``text`` spans the characters [start, end)."""
    return any(m.start() <= start and end <= m.start() + len(sentence) for m in _find_all(text, sentence))


def _find_all(text: str, part: str):
    return re.finditer(f"(?={re.escape(part)})", text)


def test_graph_rdf_assertion_evidence_holds_its_span(assertions: list[dict], texts: dict) -> None:
    # kg:evidence is the sentence around text[startOffset:endOffset]; checked for every assertion.
    wrong = [
        (a["a"], texts[a["id"]][a["start"] : a["end"]], a["evidence"][:60])
        for a in assertions
        if not _covers(texts[a["id"]], a["evidence"], a["start"], a["end"])
    ]
    assert not wrong, _one_line_list(wrong, 3)


def test_graph_rdf_famo2o_evidence_names_famo2o(sample_kg: KnowledgeGraph, sample_paper) -> None:
    paper = sample_paper(FAMO2O_TITLE)
    frame = sample_kg.sparql(
        f"""SELECT ?label ?start ?end ?evidence WHERE {{
              ?a rdf:subject ?paper ; rdf:predicate kg:proposes ; rdf:object ?e ;
                 kg:startOffset ?start ; kg:endOffset ?end ; kg:evidence ?evidence .
              ?paper dcterms:identifier "{paper.id}" . ?e skos:prefLabel ?label }}"""
    )
    row = frame[frame["label"] == "FamO2O"].iloc[0]
    assert paper.text[row["start"] : row["end"]] in {"FamO2O", "Family Offline-to-Online RL"}
    assert paper.text[row["start"] : row["end"]] in row["evidence"]


# --- the ontology's promises (SHACL shapes mirrored in SPARQL) ----------------------------------


@pytest.mark.parametrize("prop", [KG.startOffset, KG.endOffset, KG.support], ids=lambda p: p.split("#")[1])
def test_graph_rdf_counts_have_the_ontology_datatype(union: Graph, prop: URIRef) -> None:
    # Whatever integer type kg.ttl declares, the stored literals must carry it (Oxigraph rewrites
    # derived integer types such as xsd:nonNegativeInteger to xsd:integer), and none is negative.
    (declared,) = ontology_graph().objects(prop, RDFS.range)
    literals = list(union.objects(None, prop))
    assert literals
    assert Counter(o.datatype for o in literals) == {declared: len(literals)}
    assert min(o.toPython() for o in literals) >= 0


@pytest.mark.parametrize(("role", "cls"), [("evaluatedOn", "Dataset"), ("addresses", "Task")])
def test_graph_rdf_role_objects_have_the_role_range(sample_kg: KnowledgeGraph, role: str, cls: str) -> None:
    # shapes.ttl: kg:evaluatedOn points to a kg:Dataset, kg:addresses to a kg:Task.
    pairs = sample_kg.query(f"SELECT ?p ?e WHERE {{ ?p kg:{role} ?e }}").rows
    members = {row[0] for row in sample_kg.query(f"SELECT ?e WHERE {{ ?e a kg:{cls} }}").rows}
    assert pairs
    wrong = sorted(e for _, e in pairs if e not in members)
    assert not wrong, _one_line_list(wrong)


def _shapes_sample(sample_kg: KnowledgeGraph, union: Graph) -> Graph:
    """Papers evaluated on D4RL with their statements, the entities they name or relate, the extractors.

    Validating the whole sample graph takes pySHACL minutes; this real slice takes seconds.
    """
    papers = sample_kg.query('SELECT ?p WHERE { ?p kg:evaluatedOn ?d . ?d skos:prefLabel "D4RL" }').rows
    assert papers
    nodes: set = set(union.subjects(RDF.type, KG.Extractor))
    for (paper,) in papers:
        node = URIRef(paper)
        nodes.add(node)
        statements = set(union.subjects(PROV.wasDerivedFrom, node))
        nodes |= statements
        # the arguments of the paper's relation statements (entity kg:usedFor entity ...)
        nodes |= {o for s in statements for p in (RDF.subject, RDF.object) for o in union.objects(s, p)}
        nodes |= {o for o in union.objects(node, None) if isinstance(o, URIRef)}
    # ... and the broader entities of those, up the hierarchy, so every reference is typed.
    frontier = set(nodes)
    while frontier:
        frontier = {b for e in frontier for b in union.objects(e, SKOS.broader)} - nodes
        nodes |= frontier
    # relation edges that leave the slice are cut (their far end would be an untyped reference)
    relations = set(RELATION_PROPERTIES.values()) - {SKOS.broader}
    data = Graph()
    for node in nodes:
        for triple in union.triples((node, None, None)):
            if triple[1] not in relations or triple[2] in nodes:
                data.add(triple)
    return data


def test_graph_rdf_sample_conforms_to_shapes(sample_kg: KnowledgeGraph, union: Graph) -> None:
    pyshacl = pytest.importorskip("pyshacl")
    from kg.vocab import shapes_graph

    data = _shapes_sample(sample_kg, union)
    conforms, _report, text = pyshacl.validate(
        data, shacl_graph=shapes_graph(), ont_graph=ontology_graph(), inference="none", allow_warnings=True
    )
    assert conforms, text[:2000]
