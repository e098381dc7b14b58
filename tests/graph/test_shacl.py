"""SHACL validation (kg.graph.shacl, `kg validate`, the check in `kg build`) on the real sample graph."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from rdflib import Graph, Literal, Namespace
from rdflib.namespace import SH

from kg.cli import main
from kg.graph.shacl import ValidationReport, memory_graph, validate_graph, validate_store
from kg.vocab import DCTERMS, KG, PROV, RDF, SKOS, XSD, bind_prefixes, shapes_graph
from tests.helpers import kg

QNAME = bind_prefixes(Graph()).namespace_manager
KGSH = Namespace("https://w3id.org/kg/shapes#")


@pytest.fixture(scope="module")
def sample_report(sample_kg) -> ValidationReport:
    return sample_kg.validate()


def test_validate_sample_graph_conforms(sample_kg, sample_report: ValidationReport) -> None:
    assert sample_report.conforms, sample_report.summary()
    assert sample_report.violations == ()
    # Every triple of every named graph was checked, the ontology's included.
    assert sample_report.triples >= sample_kg.stats()["triples"] > 50_000


def test_memory_graph_copies_every_triple(sample_kg) -> None:
    graph = memory_graph(sample_kg.store)
    assert len(graph) == sample_kg.stats()["triples"]
    title = next(graph.objects(None, DCTERMS.title))
    assert title.datatype is None  # xsd:string read back as a plain literal, as rdflib parses it


@pytest.fixture(scope="module")
def broken_report(sample_kg) -> tuple[ValidationReport, dict[str, tuple[str, str]]]:
    """The sample graph with a real entity given two labels, a real paper without its title and a
    real assertion without its extractor, validated once; and where each violation must be."""
    graph = memory_graph(sample_kg.store)
    entity = next(graph.subjects(RDF.type, KG.Method))
    paper = next(graph.subjects(RDF.type, KG.Paper))
    assertion = next(graph.subjects(RDF.type, KG.Assertion))
    graph.add((entity, SKOS.prefLabel, Literal("a second preferred label")))
    graph.remove((paper, DCTERMS.title, None))
    graph.remove((assertion, PROV.wasAttributedTo, None))
    expected = {
        "two prefLabels": (entity.n3(QNAME), "skos:prefLabel"),
        "no title": (paper.n3(QNAME), "dcterms:title"),
        "no provenance": (assertion.n3(QNAME), "prov:wasAttributedTo"),
    }
    return validate_graph(graph), expected


@pytest.mark.parametrize("case", ["two prefLabels", "no title", "no provenance"])
def test_validate_reports_broken_sample_graph(broken_report, case: str) -> None:
    report, expected = broken_report
    assert not report.conforms
    assert len(report.violations) == 3, report.summary(10)
    focus, path = expected[case]
    (violation,) = [v for v in report.violations if (v.focus, v.path) == (focus, path)]
    assert violation.message and str(violation) == f"{focus} {path}: {violation.message}"


def test_validate_reports_duplicate_entity_key(sample_kg) -> None:
    graph = memory_graph(sample_kg.store)
    first, second = list(graph.subjects(RDF.type, KG.Dataset))[:2]
    key = graph.value(first, KG.entityKey)
    graph.set((second, KG.entityKey, key))
    report = validate_graph(graph)
    assert [(v.focus, v.path) for v in report.violations] == [(key.n3(QNAME), "^kg:entityKey")]


# --- the command line ---------------------------------------------------------------------------


@pytest.mark.parametrize("where", [["OUT"], ["--store", "OUT/store"], ["OUT/kg.nq"]])
def test_cli_validate_sample_outputs(sample_outputs: Path, where: list[str]) -> None:
    run = kg("validate", *(arg.replace("OUT", str(sample_outputs)) for arg in where))
    assert run.code == 0, run.stderr
    assert run.stdout.splitlines()[-1].startswith("the graph conforms to the shapes")


def test_cli_validate_prints_each_violation(sample_kg, tmp_path: Path) -> None:
    graph = memory_graph(sample_kg.store)
    papers = list(graph.subjects(RDF.type, KG.Paper))[:2]
    for paper in papers:
        graph.set((paper, KG.upvotes, Literal(-1, datatype=XSD.integer)))
    path = tmp_path / "broken.nt"
    graph.serialize(path, format="nt", encoding="utf-8")
    run = kg("validate", path)
    assert run.code == 1
    lines = [line for line in run.stdout.splitlines() if not line.startswith("warning: ")]
    assert sorted(line.split(" ")[0] for line in lines) == sorted(p.n3(QNAME) for p in papers)
    assert all(" kg:upvotes: " in line for line in lines), lines
    assert run.stderr.strip() == "kg: 2 violations"


def test_cli_validate_bad_input(tmp_path: Path) -> None:
    bad = tmp_path / "bad.ttl"
    bad.write_text("this is not turtle", encoding="utf-8")
    for target in (bad, tmp_path / "missing"):
        run = kg("validate", target)
        assert run.code == 2
        assert len(run.lines) == 1 and run.lines[0].startswith("kg: error: "), run.stderr


def test_cli_build_fails_loudly_on_violations(sample_corpus, tmp_path: Path, monkeypatch, capsys) -> None:
    # Shapes stricter than the data: titles of at most 20 characters, which real titles exceed.
    def strict_shapes() -> Graph:
        shapes = shapes_graph()
        shapes.add((KGSH.PaperTitle, SH.maxLength, Literal(20)))
        return shapes

    monkeypatch.setattr("kg.graph.shacl.shapes_graph", strict_shapes)
    papers = sample_corpus.papers[:2]
    corpus = tmp_path / "papers.jsonl"
    rows = [{"title": p.title, "abstract": p.abstract} for p in papers]
    corpus.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")
    out = tmp_path / "out"
    monkeypatch.setattr(sys, "argv", ["kg", "build", str(corpus), "--out", str(out)])
    with pytest.raises(SystemExit) as done:
        main()
    assert done.value.code == 2
    message = capsys.readouterr().err.strip()
    assert message.startswith("kg: error: 2 SHACL violations, e.g. <https://w3id.org/kg/id/paper/"), message
    assert "dcterms:title" in message and message.endswith("nothing written (see `kg validate`)")
    assert not (out / "kg.nq").exists() and not (out / "store").exists()
    assert (out / "cache" / "extractions.sqlite").exists()  # the extractions are kept for the next build


@pytest.fixture(scope="module")
def broken_store(sample_kg, tmp_path_factory):
    """The sample graph on disk, broken in the entities graph, in paper graphs and across both:
    a second label, a missing title, a role whose object is no entity, two entities sharing a key
    (which the parts must still see together), an entity relation and an assertion subject that
    point to a node that is no entity."""
    import pyoxigraph as ox

    from kg.graph.iri import ENTITIES_GRAPH

    path = tmp_path_factory.mktemp("broken") / "store"
    store = ox.Store(str(path))
    store.bulk_extend(sample_kg.store)
    entities = ox.NamedNode(str(ENTITIES_GRAPH))
    rdf_type, kg_ns = ox.NamedNode(str(RDF.type)), str(KG)
    not_entity = ox.NamedNode(kg_ns + "notAnEntity")
    methods = sorted(
        q.subject for q in store.quads_for_pattern(None, rdf_type, ox.NamedNode(kg_ns + "Method"), entities)
    )
    store.add(ox.Quad(methods[0], ox.NamedNode(str(SKOS.prefLabel)), ox.Literal("a second label"), entities))
    key = ox.NamedNode(str(KG.entityKey))
    (first_key,) = [q.object for q in store.quads_for_pattern(methods[1], key, None, entities)]
    for q in list(store.quads_for_pattern(methods[-1], key, None, entities)):
        store.remove(q)
    store.add(ox.Quad(methods[-1], key, first_key, entities))
    store.add(ox.Quad(methods[2], ox.NamedNode(str(SKOS.broader)), not_entity, entities))
    papers = sorted(store.quads_for_pattern(None, rdf_type, ox.NamedNode(kg_ns + "Paper")), key=str)
    title = next(store.quads_for_pattern(papers[0].subject, ox.NamedNode(str(DCTERMS.title)), None))
    store.remove(title)
    late = papers[-1]
    store.add(ox.Quad(late.subject, ox.NamedNode(kg_ns + "uses"), not_entity, late.graph_name))
    assertion = next(
        store.quads_for_pattern(None, rdf_type, ox.NamedNode(kg_ns + "Assertion"), papers[5].graph_name)
    )
    subject = ox.NamedNode(str(RDF.subject))
    for q in list(store.quads_for_pattern(assertion.subject, subject, None, assertion.graph_name)):
        store.remove(q)
    store.add(ox.Quad(assertion.subject, subject, not_entity, assertion.graph_name))
    store.flush()
    yield store, path
    del store


@pytest.fixture(scope="module")
def parts_report(broken_store) -> ValidationReport:
    store, _ = broken_store
    return validate_store(store, papers_per_part=100, entities_per_part=1_000)


def test_validate_store_in_parts_finds_what_the_whole_graph_check_finds(broken_store, parts_report) -> None:
    store, _ = broken_store
    whole = validate_graph(memory_graph(store))
    assert len(whole.violations) >= 6, whole.summary(10)
    paths = {v.path for v in whole.violations}
    assert {"skos:prefLabel", "dcterms:title", "^kg:entityKey", "kg:uses"} <= paths, paths
    assert "kg:notAnEntity" in {v.focus for v in whole.violations}
    assert parts_report.violations == whole.violations
    assert parts_report.warnings == whole.warnings


def test_validate_store_in_processes(broken_store, parts_report) -> None:
    """Parts checked by two processes over the store on disk: the same report as in one."""
    store, path = broken_store
    two = validate_store(store, path=path, jobs=2, papers_per_part=100, entities_per_part=1_000)
    assert not two.conforms
    assert (two.violations, two.warnings, two.triples) == (
        parts_report.violations,
        parts_report.warnings,
        parts_report.triples,
    )


def test_validate_from_a_plain_script_runs_in_process(sample_outputs: Path, tmp_path: Path) -> None:
    """`kg.load(...).validate()` in a script without a `__main__` guard: no process is spawned
    (a spawned child would run the script again and fail)."""
    import subprocess

    script = tmp_path / "check.py"
    script.write_text(
        "import sys\nfrom kg import KnowledgeGraph\n"
        "print(KnowledgeGraph.load(sys.argv[1]).validate().conforms)\n",
        encoding="utf-8",
    )
    done = subprocess.run([sys.executable, str(script), str(sample_outputs)], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-500:]
    assert done.stdout.strip() == "True"
