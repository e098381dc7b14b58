"""SHACL validation of a built graph: ``ontology/shapes.ttl`` checked by pySHACL.

pySHACL asks the data graph for millions of small triple patterns. Over the Oxigraph store
(through oxrdflib) each of them crosses into Rust and back, which took minutes on the sample
graph; so the graph is first copied into an in-memory rdflib Graph (about 2 s for 80k triples)
with the ontology mixed in, and validated there without inference (the shapes need none).
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Iterable
from dataclasses import dataclass, replace

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import SH
from rdflib.term import Node

from kg.graph.iri import ENTITIES_GRAPH
from kg.vocab import KGID, RDF, XSD, bind_prefixes, ontology_graph, shapes_graph

_XSD_STRING = str(XSD.string)


@dataclass(frozen=True)
class Violation:
    """One SHACL result: the node that fails, the property path, what is wrong, how bad."""

    focus: str
    path: str
    message: str
    severity: str  # "Violation", "Warning" or "Info"

    def __str__(self) -> str:
        return f"{self.focus} {self.path}: {self.message}".replace("  ", " ")


@dataclass(frozen=True)
class ValidationReport:
    """Whether a graph conforms to the shapes, its violations and warnings, and what it took."""

    conforms: bool
    violations: tuple[Violation, ...]
    warnings: tuple[Violation, ...]
    triples: int
    seconds: float

    def summary(self, first: int = 3) -> str:
        """One line: the number of violations and the first few of them."""
        if self.conforms:
            return f"the graph conforms to the shapes ({self.triples:,} triples, {self.seconds:.1f} s)"
        shown = "; ".join(str(v) for v in self.violations[:first])
        more = f"; ... {len(self.violations) - first} more" if len(self.violations) > first else ""
        return f"{len(self.violations)} SHACL violations, e.g. {shown}{more}"


def rdflib_term(term: ox.NamedNode | ox.BlankNode | ox.Literal) -> Node:
    """The rdflib term of an Oxigraph term; ``xsd:string`` literals become plain, as rdflib parses them."""
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if term.language:
        return Literal(term.value, lang=term.language)
    datatype = term.datatype.value
    return Literal(term.value) if datatype == _XSD_STRING else Literal(term.value, datatype=URIRef(datatype))


def memory_graph(store: ox.Store) -> Graph:
    """Every distinct triple of every graph of ``store`` in a new in-memory rdflib Graph.

    Each Oxigraph term is converted once (terms repeat a lot); ``xsd:string`` literals become
    plain literals, as rdflib's parsers make them.
    """
    return _rdflib_graph((q.subject, q.predicate, q.object) for q in store)


def _rdflib_graph(triples: Iterable[tuple]) -> Graph:
    """Oxigraph triples (repeats allowed) in a new rdflib Graph; each term is converted once."""
    terms: dict[object, Node] = {}

    def convert(term) -> Node:
        node = terms.get(term)
        if node is None:
            node = terms[term] = rdflib_term(term)
        return node

    graph = bind_prefixes(Graph())
    graph.addN((convert(s), convert(p), convert(o), graph) for s, p, o in set(triples))
    return graph


def _show(report: Graph, node: Node | None) -> str:
    """A node of a result as Turtle (``kgid:entity/x``, ``^kg:entityKey`` for an inverse path)."""
    if node is None:
        return ""
    if isinstance(node, BNode):
        inverse = report.value(node, SH.inversePath)
        if inverse is not None:
            return "^" + _show(report, inverse)
    return node.n3(report.namespace_manager)


def _results(report: Graph) -> Iterable[Violation]:
    bind_prefixes(report)
    for result in report.subjects(RDF.type, SH.ValidationResult):
        severity = report.value(result, SH.resultSeverity)
        yield Violation(
            focus=_show(report, report.value(result, SH.focusNode)),
            path=_show(report, report.value(result, SH.resultPath)),
            message=" ".join(str(report.value(result, SH.resultMessage, default="")).split()),
            severity=str(severity).removeprefix(str(SH)),
        )


def validate_graph(graph: Graph, shapes: Graph | None = None) -> ValidationReport:
    """Validate an rdflib graph against ``shapes`` (default: the shipped shapes.ttl), in place.

    The shipped ontology is added to ``graph`` first: the shapes rely on its rdfs:subClassOf
    axioms (``kg:Method`` is a ``kg:Entity``) instead of inference.
    """
    import pyshacl

    started = time.perf_counter()
    graph += ontology_graph()
    # The shapes graph is read for every shape evaluation: a context-free store is faster.
    fast_shapes = Graph(store="SimpleMemory")
    for triple in shapes if shapes is not None else shapes_graph():
        fast_shapes.add(triple)
    conforms, report, _ = pyshacl.validate(
        graph, shacl_graph=fast_shapes, inference="none", inplace=True, allow_warnings=True
    )
    results = sorted(_results(report), key=lambda v: (v.severity, v.focus, v.path, v.message))
    return ValidationReport(
        conforms=bool(conforms),
        violations=tuple(v for v in results if v.severity == "Violation"),
        warnings=tuple(v for v in results if v.severity != "Violation"),
        triples=len(graph),
        seconds=time.perf_counter() - started,
    )


#: Paper graphs checked together: big enough that pySHACL's fixed cost per call is small,
#: small enough that the copy in memory stays a few hundred MB.
PAPERS_PER_CHUNK = 2_000
_PAPER_GRAPHS = str(KGID["graph/paper/"])
_ENTITIES = ox.NamedNode(str(ENTITIES_GRAPH))


def validate_store(
    store: ox.Store, shapes: Graph | None = None, *, chunk: int = PAPERS_PER_CHUNK
) -> ValidationReport:
    """Validate every graph of an Oxigraph store against the shapes, a part at a time.

    The graphs papers share (entities, ontology, statistics) are checked together; then the
    paper graphs, ``chunk`` at a time, each with the types of the entities, people and venues
    they point to (what ``sh:class`` needs). A violation found in a chunk counts only if its
    focus node is described there: the nodes a chunk only points to are checked with the
    graphs they are described in. Time grows linearly with the number of papers, memory with
    the chunk; the violations are those of the whole graph checked at once.
    """
    started = time.perf_counter()
    papers, shared = [], []
    for graph in store.named_graphs():
        (papers if graph.value.startswith(_PAPER_GRAPHS) else shared).append(graph)
    parts = [validate_graph(_memory_graph(store, shared, with_default=True), shapes)]
    papers.sort(key=lambda g: g.value)
    for i in range(0, len(papers), chunk):
        graph = _memory_graph(store, papers[i : i + chunk])
        described = {_show(graph, s) for s in graph.subjects(unique=True)}
        _add_types(store, graph)
        report = validate_graph(graph, shapes)
        parts.append(
            replace(
                report,
                violations=tuple(v for v in report.violations if v.focus in described),
                warnings=tuple(v for v in report.warnings if v.focus in described),
            )
        )
    violations = sorted({v for part in parts for v in part.violations}, key=_order)
    warnings = sorted({v for part in parts for v in part.warnings}, key=_order)
    return ValidationReport(
        conforms=not violations,
        violations=tuple(violations),
        warnings=tuple(warnings),
        triples=sum(part.triples for part in parts),
        seconds=time.perf_counter() - started,
    )


def _order(v: Violation) -> tuple[str, str, str, str]:
    return (v.severity, v.focus, v.path, v.message)


def _memory_graph(store: ox.Store, graphs: list, *, with_default: bool = False) -> Graph:
    """The distinct triples of ``graphs`` of ``store`` (and its default graph) in an rdflib Graph."""
    quads = (q for g in graphs for q in store.quads_for_pattern(None, None, None, g))
    if with_default:
        quads = itertools.chain(quads, store.quads_for_pattern(None, None, None, ox.DefaultGraph()))
    return _rdflib_graph((q.subject, q.predicate, q.object) for q in quads)


def _add_types(store: ox.Store, graph: Graph) -> None:
    """Add the ``rdf:type`` triples the entities graph holds for the IRIs ``graph`` points to."""
    rdf_type = ox.NamedNode(str(RDF.type))
    pointed = {o for o in graph.objects() if isinstance(o, URIRef)}
    triples = (
        (q.subject, q.predicate, q.object)
        for iri in pointed
        for q in store.quads_for_pattern(ox.NamedNode(str(iri)), rdf_type, None, _ENTITIES)
    )
    graph += _rdflib_graph(triples)
