"""SHACL validation of a built graph: ``ontology/shapes.ttl`` checked by pySHACL.

pySHACL asks the data graph for millions of small triple patterns. Over the Oxigraph store
(through oxrdflib) each of them crosses into Rust and back, which took minutes on the sample
graph; so the graph is first copied into an in-memory rdflib Graph (about 2 s for 80k triples)
with the ontology mixed in, and validated there without inference (the shapes need none).
"""

from __future__ import annotations

import contextlib
import functools
import itertools
import multiprocessing
import os
import time
import zlib
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import SH
from rdflib.term import Node

from kg.graph.iri import ENTITIES_GRAPH, ONTOLOGY_GRAPH, STATISTICS_GRAPH
from kg.vocab import KG, KGID, RDF, RDFS, XSD, bind_prefixes, ontology_graph, shapes_graph

_XSD_STRING = str(XSD.string)
#: The shipped ontology, parsed once per process (read, never changed).
_ontology = functools.cache(ontology_graph)


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


def _results(report: Graph) -> Iterable[tuple[Violation, Node, Node]]:
    """Each result of a pySHACL report: the violation, its focus node and its source shape."""
    bind_prefixes(report)
    for result in report.subjects(RDF.type, SH.ValidationResult):
        severity = report.value(result, SH.resultSeverity)
        focus = report.value(result, SH.focusNode)
        violation = Violation(
            focus=_show(report, focus),
            path=_show(report, report.value(result, SH.resultPath)),
            message=" ".join(str(report.value(result, SH.resultMessage, default="")).split()),
            severity=str(severity).removeprefix(str(SH)),
        )
        yield violation, focus, report.value(result, SH.sourceShape)


def _validate(
    graph: Graph, shapes: Graph | None, use_shapes: list[Node] | None = None
) -> tuple[list[tuple[Violation, Node, Node]], int]:
    """pySHACL over ``graph`` with the ontology added (with only ``use_shapes``, if given): each
    result, and the triples checked.

    The shipped ontology is added to ``graph`` first: the shapes rely on its rdfs:subClassOf
    axioms (``kg:Method`` is a ``kg:Entity``) instead of inference.
    """
    import pyshacl

    graph += _ontology()
    # The shapes graph is read for every shape evaluation: a context-free store is faster.
    fast_shapes = Graph(store="SimpleMemory")
    for triple in shapes if shapes is not None else shapes_graph():
        fast_shapes.add(triple)
    _, report, _ = pyshacl.validate(
        graph,
        shacl_graph=fast_shapes,
        inference="none",
        inplace=True,
        allow_warnings=True,
        use_shapes=use_shapes,
    )
    return list(_results(report)), len(graph)


def validate_graph(graph: Graph, shapes: Graph | None = None) -> ValidationReport:
    """Validate an rdflib graph against ``shapes`` (default: the shipped shapes.ttl), in place
    (the ontology is added to it)."""
    started = time.perf_counter()
    found, triples = _validate(graph, shapes)
    results = sorted({v for v, _, _ in found}, key=_order)
    violations = tuple(v for v in results if v.severity == "Violation")
    return ValidationReport(
        conforms=not violations,
        violations=violations,
        warnings=tuple(v for v in results if v.severity != "Violation"),
        triples=triples,
        seconds=time.perf_counter() - started,
    )


#: Paper graphs checked together: big enough that pySHACL's fixed cost per call is small,
#: small enough that a part's copy in memory stays a few hundred MB.
PAPERS_PER_PART = 1_000
#: Entities checked together, for the same reasons.
ENTITIES_PER_PART = 50_000
_PAPER_GRAPHS = str(KGID["graph/paper/"])
_ENTITIES = ox.NamedNode(str(ENTITIES_GRAPH))
#: The graphs checked in the shared part: what all papers share, besides the entities.
_SHARED_GRAPHS = {str(ONTOLOGY_GRAPH), str(STATISTICS_GRAPH)}
_ENTITY_KEY = ox.NamedNode(str(KG.entityKey))
_RDF_TYPE = ox.NamedNode(str(RDF.type))


@dataclass(frozen=True)
class _Part:
    """What one pySHACL call checks: the shared graphs, some paper graphs or some entities."""

    kind: str  # "shared", "papers", "entities" or "whole"
    names: tuple[str, ...] = ()  # graph IRIs for "papers", entity IRIs for "entities"


def validate_store(
    store: ox.Store,
    shapes: Graph | None = None,
    *,
    path: str | os.PathLike[str] | None = None,
    jobs: int = 1,
    papers_per_part: int = PAPERS_PER_PART,
    entities_per_part: int = ENTITIES_PER_PART,
    on_part: Callable[[int, int], None] | None = None,
) -> ValidationReport:
    """Validate every graph of an Oxigraph store against the shapes, a part at a time.

    The parts: the small graphs papers share (ontology, statistics); the entities,
    ``entities_per_part`` at a time, those of one ``kg:entityKey`` always together (so that key
    uniqueness is checked whole); the paper graphs, ``papers_per_part`` at a time. Each part
    comes with the ``rdf:type`` of the nodes it points to, which ``sh:class`` needs; a violation
    of a class-targeted shape counts only where its focus node is described, since a node a part
    only points to is checked with its own part. The violations are those of the whole graph
    checked at once; time grows linearly with the graph and memory with the part. A store that
    also holds the entailments of ``kg build --infer`` is checked whole.

    With ``jobs`` > 1 and the ``path`` of the on-disk store (flushed, not written meanwhile),
    parts are checked in that many processes, each opening the store read-only.
    ``on_part(done, total)`` is called as parts are checked, for progress displays.
    """
    started = time.perf_counter()
    parts = _parts(store, papers_per_part, entities_per_part)
    shapes = shapes if shapes is not None else shapes_graph()
    shapes_text = shapes.serialize(format="nt")
    checked: list[tuple[list[Violation], int]] = []
    with contextlib.ExitStack() as stack:
        if jobs > 1 and path is not None and len(parts) > 1:
            context = multiprocessing.get_context("spawn")
            pool = stack.enter_context(ProcessPoolExecutor(min(jobs, len(parts)), mp_context=context))
            results = pool.map(
                _check_part_at, itertools.repeat(str(path)), parts, itertools.repeat(shapes_text)
            )
        else:
            results = (_check_part(store, part, shapes) for part in parts)
        for result in results:
            checked.append(result)
            if on_part is not None:
                on_part(len(checked), len(parts))
    violations = sorted({v for found, _ in checked for v in found if v.severity == "Violation"}, key=_order)
    warnings = sorted({v for found, _ in checked for v in found if v.severity != "Violation"}, key=_order)
    return ValidationReport(
        conforms=not violations,
        violations=tuple(violations),
        warnings=tuple(warnings),
        triples=sum(triples for _, triples in checked),
        seconds=time.perf_counter() - started,
    )


def _parts(store: ox.Store, papers_per_part: int, entities_per_part: int) -> list[_Part]:
    """The shared part, the entity parts (grouped by key) and the paper parts of ``store``; or
    one part, the whole store, if it has graphs that describe nodes of all the others (the
    entailments of ``kg build --infer``)."""
    graphs = [g.value for g in store.named_graphs()]
    if set(graphs) - _SHARED_GRAPHS - {_ENTITIES.value} - {g for g in graphs if g.startswith(_PAPER_GRAPHS)}:
        return [_Part("whole")]
    papers = sorted(g for g in graphs if g.startswith(_PAPER_GRAPHS))
    keys = {
        q.subject.value: q.object.value
        for q in store.quads_for_pattern(None, _ENTITY_KEY, None, _ENTITIES)
        if isinstance(q.subject, ox.NamedNode)
    }
    described = store.query(f"SELECT DISTINCT ?s WHERE {{ GRAPH {_ENTITIES} {{ ?s ?p ?o }} }}")
    for (subject,) in described:  # entities without a key (a violation) and extractors
        if isinstance(subject, ox.NamedNode):
            keys.setdefault(subject.value, subject.value)
    n = max(1, -(-len(keys) // entities_per_part))
    groups: list[list[str]] = [[] for _ in range(n)]
    for subject, key in keys.items():
        groups[zlib.crc32(key.encode()) % n].append(subject)
    return [
        _Part("shared"),
        *(_Part("entities", tuple(sorted(group))) for group in groups if group),
        *(
            _Part("papers", tuple(papers[i : i + papers_per_part]))
            for i in range(0, len(papers), papers_per_part)
        ),
    ]


_OPEN: dict[str, ox.Store] = {}


def _check_part_at(path: str, part: _Part, shapes_text: str) -> tuple[list[Violation], int]:
    """:func:`_check_part` in a worker process, over the store at ``path`` opened read-only once."""
    store = _OPEN.get(path)
    if store is None:
        store = _OPEN[path] = ox.Store.read_only(path)
    return _check_part(store, part, _parsed_shapes(shapes_text))


@functools.cache
def _parsed_shapes(text: str) -> Graph:
    """The shapes graph sent to a worker process as N-Triples, parsed once."""
    return Graph().parse(data=text, format="nt")


def _check_part(store: ox.Store, part: _Part, shapes: Graph) -> tuple[list[Violation], int]:
    """The violations found in one part, and the number of triples checked."""
    if part.kind == "whole":
        quads = iter(store)
    elif part.kind == "shared":
        quads = itertools.chain(
            (
                q
                for g in store.named_graphs()
                if g != _ENTITIES and not g.value.startswith(_PAPER_GRAPHS)
                for q in store.quads_for_pattern(None, None, None, g)
            ),
            store.quads_for_pattern(None, None, None, ox.DefaultGraph()),
        )
    elif part.kind == "entities":
        quads = (
            q for s in part.names for q in store.quads_for_pattern(ox.NamedNode(s), None, None, _ENTITIES)
        )
    else:
        quads = (q for g in part.names for q in store.quads_for_pattern(None, None, None, ox.NamedNode(g)))
    graph = _rdflib_graph((q.subject, q.predicate, q.object) for q in quads)
    described = set(graph.subjects())
    use_shapes = _shapes_with_targets(shapes, set(graph.objects(None, RDF.type)))
    if part.kind in ("entities", "papers"):
        _add_types(store, graph)
    class_targeted = set(shapes.subjects(SH.targetClass, None))
    found, triples = _validate(graph, shapes, use_shapes)
    kept = [v for v, focus, source in found if focus in described or source not in class_targeted]
    return kept, triples


def _shapes_with_targets(shapes: Graph, classes: set[Node]) -> list[Node]:
    """The named shapes that may have a focus node among the instances of ``classes``: all but
    those targeting only classes that are neither one of ``classes`` nor a superclass of one
    (their focus nodes in a part would only be nodes it points to)."""
    ontology = _ontology()
    reachable = set(classes)
    for cls in classes:
        reachable.update(ontology.transitive_objects(cls, RDFS.subClassOf))
    named = {
        shape
        for kind in (SH.NodeShape, SH.PropertyShape)
        for shape in shapes.subjects(RDF.type, kind)
        if isinstance(shape, URIRef)
    }
    return sorted(
        shape
        for shape in named
        if not (targets := set(shapes.objects(shape, SH.targetClass))) or targets & reachable
    )


def _order(v: Violation) -> tuple[str, str, str, str]:
    return (v.severity, v.focus, v.path, v.message)


def _add_types(store: ox.Store, graph: Graph) -> None:
    """Add the ``rdf:type`` triples the entities graph holds for the IRIs ``graph`` points to."""
    pointed = {o for o in graph.objects() if isinstance(o, URIRef)}
    triples = (
        (q.subject, q.predicate, q.object)
        for iri in pointed
        for q in store.quads_for_pattern(ox.NamedNode(str(iri)), _RDF_TYPE, None, _ENTITIES)
    )
    graph += _rdflib_graph(triples)
