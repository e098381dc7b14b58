"""The Python API: :class:`KnowledgeGraph` builds, loads, queries and exports the graph."""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import unquote

import networkx as nx
import pandas as pd
import pyoxigraph as ox
from rdflib import Dataset, Graph, Literal

from kg.about import __version__
from kg.atomic import write_text
from kg.errors import GraphNotFoundError, InputError
from kg.export.folder import OutputFolder
from kg.formats import RDF_FORMATS, RDF_OUTPUTS, STATS_FILE, output_formats, rdf_format_of
from kg.graph.catalog import CATALOG_FILE, write_catalog
from kg.graph.nx import authors_in_order, core_view, find_nodes, to_networkx
from kg.graph.rdf import new_dataset
from kg.graph.shacl import ValidationReport, validate_store
from kg.store import QueryResult, run_query
from kg.store.disk import STORE_DIRNAME, compact, find_store, open_store, stored_stats, write_store
from kg.types import ENTITY_TYPES, Assertion, Paper
from kg.vocab import ENTITY_CLASSES, KG, XSD, bind_prefixes

if TYPE_CHECKING:
    from kg.graph.reasoning import InferenceReport
    from kg.sources import Corpus

log = logging.getLogger(__name__)


_EVIDENCE_COLUMNS = ["paper", "title", "sentence", "start", "end", "confidence", "extractor", "version"]


@dataclass(frozen=True)
class BuildReport:
    """What a build read, skipped and made."""

    papers: int  # papers built into the graph
    records_read: int
    empty_abstracts: int
    problems: tuple[str, ...]  # files and rows that could not be read (one line each)
    mentions: int
    seconds: float
    outputs: dict[str, Path] = field(default_factory=dict)
    #: Papers whose extraction raised, left out of the graph: ``id "title": Error: message``.
    failures: tuple[str, ...] = ()
    #: Optional fields dropped from papers that were kept (a date that is no date, a bad URL).
    warnings: tuple[str, ...] = ()
    #: Papers extracted by this build; the others' extractions came from the cache.
    extracted: int = 0
    #: Seconds each step took: reading, extracting, linking, building.
    stages: dict[str, float] = field(default_factory=dict)


def build_digest(corpus: Corpus, *options: object) -> str:
    """A digest of everything a build's outputs depend on: the papers with all their metadata,
    what could not be read, kg's code (linking and graph building as well as the extractor) and
    the build's ``options``."""
    from kg.extract.fingerprint import extractor_fingerprint, tree_digest

    package = Path(__file__).parent
    code = tree_digest(package, skip=package / "extract").hexdigest()  # the fingerprint covers it
    digest = hashlib.sha256(f"{__version__}\0{extractor_fingerprint()}\0{code}\0{options!r}".encode())
    for item in (*corpus.papers, *corpus.problems, *corpus.warnings):
        digest.update(repr(item).encode("utf-8", "surrogatepass"))
    return digest.hexdigest()


#: The columns of :meth:`KnowledgeGraph.papers`, in order.
PAPER_COLUMNS = ["iri", "id", "title", "date", "year", "authors", "n_authors", "venue", "decision"]
PAPER_COLUMNS += ["doi", "arxiv_id", "url", "keywords", "upvotes"]


def _lists(frame: pd.DataFrame, column: str) -> dict[str, list[str]]:
    """``column``'s values grouped by ``iri``, in the frame's order."""
    return {iri: group[column].tolist() for iri, group in frame.groupby("iri", sort=False)}


def _arxiv_id(iri: str) -> str:
    """``https://arxiv.org/abs/2310.17966`` -> ``2310.17966``."""
    return unquote(str(iri).removeprefix("https://arxiv.org/abs/"))


def _sorted_aliases(aliases: object) -> object:
    """``"b | a"`` -> ``"a | b"``; a missing value (no aliases) stays missing."""
    return " | ".join(sorted(aliases.split(" | "))) if isinstance(aliases, str) else aliases


class KnowledgeGraph:
    """A knowledge graph of papers and what they propose, use, evaluate on and address.

    >>> kg = KnowledgeGraph.build(["data/hf-daily-papers"])  # doctest: +SKIP
    >>> kg.entities(type="Dataset").head()  # doctest: +SKIP
    """

    def __init__(
        self,
        store: ox.Store,
        dataset: Dataset | None = None,
        report: BuildReport | None = None,
        path: str | os.PathLike[str] | None = None,
    ) -> None:
        self.store = store
        self.report = report
        self._dataset = dataset
        self._nx: nx.MultiDiGraph | None = None
        self._plain: nx.MultiDiGraph | None = None  # the view without text, for analytics
        self._stats: dict[str, object] | None = None
        #: The folder of the on-disk store, or None for a graph in memory.
        self.path = path

    # -- making one ------------------------------------------------------------------------

    @classmethod
    def build(
        cls,
        paths: Iterable[str | os.PathLike[str]] | str | os.PathLike[str] | Corpus,
        *,
        store: str | os.PathLike[str] | None = None,
        cache: str | os.PathLike[str] | None = None,
        jobs: int | None = None,
        executor: str = "local",
        scheduler: str | None = None,
        on_paper: Callable[[int, int], None] | None = None,
        on_stage: Callable[[str], None] | None = None,
    ) -> KnowledgeGraph:
        """Read papers from ``paths`` (or take a :class:`~kg.sources.Corpus` already read),
        extract, link and build the graph.

        The graph goes into a new on-disk store at ``store`` (default: in memory). Extractions
        are kept in the SQLite file ``cache`` (default: none kept), so that building again, or
        with more papers, extracts only what the cache lacks. ``jobs`` processes extract in
        parallel (default: one per core), or a Dask cluster does (``executor="dask"``,
        ``scheduler`` its address); the graph is the same either way.

        ``on_stage(name)`` is called as each step starts (``reading``, ``extracting``, ``linking``,
        ``building``) and ``on_paper(done, total)`` as papers are extracted, for progress displays.
        Unreadable files and rows are listed in ``report.problems``, papers whose extraction
        raised in ``report.failures``: neither stops the build.
        """
        from kg.cache import ExtractionCache
        from kg.execute import extract_missing
        from kg.extract.fingerprint import extractor_fingerprint
        from kg.graph.rdf import write_graph
        from kg.link.merge import index_corpus, paper_assertions
        from kg.sources import Corpus, read_corpus

        stages: dict[str, float] = {}
        clock = [time.perf_counter(), ""]

        def stage(name: str) -> None:
            now = time.perf_counter()
            if clock[1]:
                stages[clock[1]] = round(now - clock[0], 2)
            clock[:] = [now, name]
            if on_stage is not None and name:
                on_stage(name)

        started = time.perf_counter()
        stage("reading")
        corpus = paths if isinstance(paths, Corpus) else read_corpus(paths)
        extractions = ExtractionCache(":memory:" if cache is None else cache, extractor_fingerprint())
        stage("extracting")
        todo = extractions.missing(corpus.papers)
        done = 0

        def batch_done(n: int) -> None:
            nonlocal done
            done += n
            if on_paper is not None:
                on_paper(done, len(todo))

        extracted, lost = extract_missing(
            extractions, todo, jobs=jobs, executor=executor, scheduler=scheduler, on_batch=batch_done
        )
        errors = {**extractions.errors(), **{r.key: r.error for r in lost}}
        papers, failures = [], []
        for paper in corpus.papers:
            if (error := errors.get(extractions.key(paper))) is None:
                papers.append(paper)
            else:
                failures.append(f'{paper.id} "{paper.title[:80]}": {error}')
                log.warning("extraction failed: %s", failures[-1])
        stage("linking")
        index = index_corpus(lambda: extractions.extractions(papers))
        stage("building")
        graph = ox.Store(str(store)) if store is not None else ox.Store()
        mentions = 0

        def linked() -> Iterator[tuple[Paper, list[Assertion]]]:
            nonlocal mentions
            for ex in extractions.extractions(papers):
                mentions += len(ex.mentions)
                yield ex.paper, paper_assertions(ex, index)

        write_graph(graph, index.entities.values(), linked())
        extractions.close()
        stage("")
        report = BuildReport(
            papers=len(papers),
            records_read=corpus.n_read,
            empty_abstracts=sum(1 for p in papers if not p.abstract),
            problems=corpus.problems,
            mentions=mentions,
            seconds=time.perf_counter() - started,
            failures=tuple(failures),
            warnings=corpus.warnings,
            extracted=extracted,
            stages=stages,
        )
        return cls(graph, report=report, path=store)

    @classmethod
    def load(cls, path: str | os.PathLike[str]) -> KnowledgeGraph:
        """Load a graph written by :meth:`save`: a store, N-Quads, TriG, Turtle, N-Triples or JSON-LD.

        A store directory (``outputs/store``) is opened read-only, in place: nothing is loaded, and
        any number of processes may read it at once. Another directory means its ``store/``, else
        its ``kg.nq``. A file is parsed by Oxigraph into a new in-memory (writable) store.
        """
        path = Path(path)
        if path.is_dir() and (found := find_store(path)) is not None:
            found = found.resolve()  # one generation: the store and its stats.json together
            graph = cls(open_store(found), path=found)
            graph._stats = stored_stats(found)
            return graph
        if path.is_dir() or not path.suffix:
            looked = f"{path / STORE_DIRNAME}/ and {path / 'kg.nq'}"
            path = path / "kg.nq"
        else:
            looked = str(path)
        if not path.is_file():
            where = path.parent if path.name == "kg.nq" else path
            raise GraphNotFoundError(f"no graph at {looked}; build one with `kg build PAPERS --out {where}`")
        fmt = rdf_format_of(path)
        if fmt is None:
            known = ", ".join(f".{f.file_extension}" for f in RDF_FORMATS.values())
            raise InputError(f"{path}: unknown graph format; use one of {known}")
        store = ox.Store()
        try:
            store.bulk_load(path=str(path), format=fmt)
        except (SyntaxError, ValueError, OSError) as exc:
            raise InputError(f"{path}: not valid RDF: {' '.join(str(exc).split())[:200]}") from None
        return cls(store)

    def infer(self, regime: str) -> InferenceReport:
        """Add the RDFS or OWL-RL entailments as the named graph ``kgid:graph/inferred``."""
        from kg.graph.reasoning import infer

        self._nx = self._plain = self._stats = None
        return infer(self.store, regime)

    def validate(
        self, *, jobs: int = 1, on_part: Callable[[int, int], None] | None = None
    ) -> ValidationReport:
        """Check the graph against the SHACL shapes of ``ontology/shapes.ttl`` (see :mod:`kg.graph.shacl`),
        in ``jobs`` spawned processes if the store is on disk (a script that asks for more than one
        must guard its entry point with ``if __name__ == "__main__":``); ``on_part(done, total)``
        reports progress."""
        if self.path is not None and jobs > 1:
            with contextlib.suppress(RuntimeError):  # a store opened read-only has nothing to flush
                self.store.flush()
        return validate_store(self.store, path=self.path, jobs=jobs, on_part=on_part)

    def save(
        self, out_dir: str | os.PathLike[str] = "outputs", *, formats: Iterable[str] | None = None
    ) -> dict[str, Path]:
        """Write the graph into the output folder ``out_dir`` as one new generation (see
        :mod:`kg.export.folder`): the store, ``stats.json``, the explorer's ``catalog.sqlite`` and
        the RDF files, GraphML, CSV tables and explorer, or of those only the ``formats`` named
        (:data:`kg.formats.OUTPUT_FORMATS`)."""
        with OutputFolder(out_dir) as folder:
            generation = folder.new_generation()
            written = self.export(generation, formats)
            folder.commit(generation)
        return {name: Path(out_dir) / name for name in written}

    def export(self, folder: str | os.PathLike[str], formats: Iterable[str] | None = None) -> dict[str, Path]:
        """Write the outputs into ``folder`` (a new generation: the store must not exist there
        yet unless it is this graph's own); see :meth:`save`."""
        from kg.export import write_explorer, write_graphml, write_rdf, write_tables

        out = Path(folder)
        out.mkdir(parents=True, exist_ok=True)
        chosen = output_formats(formats, self.stats()["papers"])
        written = {"store": self._write_store(out / STORE_DIRNAME)}
        rdf = [fmt for fmt in chosen if fmt in RDF_OUTPUTS]
        written.update(write_rdf(self.store, out, [RDF_OUTPUTS[fmt] for fmt in rdf]))
        if "graphml" in chosen:
            written["kg.graphml"] = write_graphml(self.store, out / "kg.graphml")
        if "csv" in chosen:
            written.update(write_tables(self.store, out))
        if "html" in chosen:
            G = self.to_networkx()
            written["explorer.html"] = write_explorer(core_view(G), out / "explorer.html", searchable=G)
        written[CATALOG_FILE] = write_catalog(self.store, out / CATALOG_FILE)  # for kg serve's explorer
        written[STATS_FILE] = write_text(out / STATS_FILE, json.dumps(self.stats(), indent=2) + "\n")
        return written

    def _write_store(self, path: Path) -> Path:
        """The store at ``path``: this graph's own if it lives there, else a copy made in bulk."""
        if self.path is not None and Path(self.path).resolve() == path.resolve():
            compact(self.store)
            return path
        return write_store(self.store, path)

    def close(self) -> None:
        """Flush and close the store (an on-disk store can then be opened by other processes);
        :meth:`stats` still answers, nothing else does."""
        self.stats()
        self.store.flush()
        del self.store
        self._dataset = self._nx = self._plain = None

    # -- views -----------------------------------------------------------------------------

    def to_rdflib(self) -> Dataset:
        """The graph as a live rdflib Dataset over the Oxigraph store (no copy).

        One named graph per paper, one for entities, one for the ontology; the default graph is
        their union. Plain literals read back typed ``xsd:string`` (RDF 1.1); use :meth:`union`
        for a detached copy with rdflib's plain literals.
        """
        if self._dataset is None:
            self._dataset = new_dataset(self.store)
        return self._dataset

    def to_networkx(self) -> nx.MultiDiGraph:
        """Papers and entities as a NetworkX MultiDiGraph (see :func:`kg.graph.nx.to_networkx`)."""
        if self._nx is None:
            self._nx = to_networkx(self.store)
        return self._nx

    def query(self, sparql: str) -> QueryResult:
        """Run SPARQL on the graph (through Oxigraph) and return the typed result."""
        return run_query(self.store, sparql)

    def sparql(self, sparql: str) -> pd.DataFrame:
        """Run SPARQL and return a DataFrame (rows for SELECT, triples for CONSTRUCT)."""
        return self.query(sparql).to_dataframe()

    def papers(self) -> pd.DataFrame:
        """One row per paper: iri, id, title, date, year, authors (names in order), n_authors,
        venue, decision, doi, arxiv_id, url, keywords (a list), upvotes."""
        frame = self.sparql(
            """
            SELECT ?iri ?id ?title ?date ?year ?n_authors ?venue ?decision ?doi ?arxiv ?url ?upvotes
            WHERE {
              ?iri a kg:Paper ; dcterms:identifier ?id ; dcterms:title ?title .
              OPTIONAL { ?iri dcterms:date ?date }
              OPTIONAL { ?iri kg:year ?year }
              OPTIONAL { ?iri kg:authorCount ?n_authors }
              OPTIONAL { ?iri kg:venue/schema:name ?venue }
              OPTIONAL { ?iri kg:decision ?decision }
              OPTIONAL { ?iri bibo:doi ?doi }
              OPTIONAL { ?iri schema:sameAs ?arxiv FILTER(STRSTARTS(STR(?arxiv), "https://arxiv.org/abs/")) }
              OPTIONAL { ?iri schema:url ?url }
              OPTIONAL { ?iri kg:upvotes ?upvotes }
            } ORDER BY ?title ?iri
            """
        )
        frame["arxiv"] = frame["arxiv"].map(_arxiv_id, na_action="ignore")
        frame = frame.rename(columns={"arxiv": "arxiv_id"})
        names = authors_in_order(self.store)
        keywords = self.sparql("SELECT ?iri ?keyword WHERE { ?iri a kg:Paper ; schema:keywords ?keyword }")
        words = _lists(keywords.sort_values(["iri", "keyword"]), "keyword")
        frame.insert(5, "authors", [list(names.get(iri, [])) for iri in frame["iri"]])
        frame["keywords"] = [list(words.get(iri, [])) for iri in frame["iri"]]
        return frame[PAPER_COLUMNS]

    def entities(self, type: str | None = None) -> pd.DataFrame:
        """One row per entity: iri, label, type, aliases, papers (how many mention it)."""
        if type is not None and type not in ENTITY_TYPES:
            raise InputError(f"unknown entity type {type!r}: use one of {', '.join(ENTITY_TYPES)}")
        classes = [ENTITY_CLASSES[type]] if type else list(ENTITY_CLASSES.values())
        values = " ".join(f"<{c}>" for c in classes)
        frame = self.sparql(
            f"""
            SELECT ?iri ?label ?class (GROUP_CONCAT(?alias; separator=" | ") AS ?aliases) ?papers
            WHERE {{
              VALUES ?class {{ {values} }}
              ?iri a ?class ; skos:prefLabel ?label ; kg:support ?papers .
              OPTIONAL {{ ?iri skos:altLabel ?alias }}
            }} GROUP BY ?iri ?label ?class ?papers ORDER BY DESC(?papers) ?label ?iri
            """
        )
        frame.insert(2, "type", frame.pop("class").str.removeprefix(str(KG)))
        # GROUP_CONCAT follows the store's order, which differs between stores: sort the aliases
        frame["aliases"] = frame["aliases"].map(_sorted_aliases)
        return frame

    def find(self, label: str) -> list[str]:
        """IRIs of nodes whose IRI, paper id, label, alias or title equals ``label`` (case-insensitive),
        best connected first."""
        return [str(node) for node in find_nodes(self._view(), label)]

    def neighbors(self, label: str) -> pd.DataFrame:
        """The nodes linked to the node named ``label``: relation, direction, iri, label, type."""
        G = self._view()
        rows = []
        for node in self.find(label):
            for _, other, data in G.out_edges(node, data=True):
                rows.append(
                    (
                        data["relation"],
                        "out",
                        other,
                        G.nodes[other]["label"],
                        G.nodes[other]["type"],
                    )
                )
            for other, _, data in G.in_edges(node, data=True):
                rows.append((data["relation"], "in", other, G.nodes[other]["label"], G.nodes[other]["type"]))
        return pd.DataFrame(rows, columns=["relation", "direction", "iri", "label", "type"])

    def evidence(self, subject: str, predicate: str, obj: str) -> pd.DataFrame:
        """The evidence behind ``subject predicate object``: paper, sentence, offsets, confidence, extractor.

        Subject and object are IRIs, labels, aliases or paper titles; the predicate is a role name
        (``"proposes"``) or an IRI. One row per supporting statement, best first.
        """
        predicate_iri = predicate if predicate.startswith("http") else str(KG[predicate])
        subjects = [subject] if subject.startswith("http") else self.find(subject)
        objects = [obj] if obj.startswith("http") else self.find(obj)
        if not subjects or not objects:
            return pd.DataFrame(columns=_EVIDENCE_COLUMNS)
        values_s = " ".join(f"<{iri}>" for iri in subjects)
        values_o = " ".join(f"<{iri}>" for iri in objects)
        return self.sparql(
            f"""
            SELECT ?paper ?title ?sentence ?start ?end ?confidence ?extractor ?version WHERE {{
              VALUES ?s {{ {values_s} }} VALUES ?o {{ {values_o} }}
              ?statement a kg:Assertion ; rdf:subject ?s ; rdf:predicate <{predicate_iri}> ;
                         rdf:object ?o ; prov:wasDerivedFrom ?paper ; kg:evidence ?sentence ;
                         kg:startOffset ?start ; kg:endOffset ?end ; kg:confidence ?confidence ;
                         prov:wasAttributedTo ?agent .
              ?agent rdfs:label ?extractor ; schema:softwareVersion ?version .
              ?paper dcterms:title ?title .
            }} ORDER BY DESC(?confidence) ?title ?start ?sentence
            """
        )

    # -- analytics (see kg.graph.analytics) --------------------------------------------------

    def _view(self) -> nx.MultiDiGraph:
        """The NetworkX view if made already, else the view without text (made once, kept)."""
        if self._nx is not None:
            return self._nx
        if self._plain is None:
            self._plain = to_networkx(self.store, text=False)
        return self._plain

    def _node(self, name: str) -> str:
        """The best connected node called ``name``; an InputError if none is."""
        found = self.find(name)
        if not found:
            raise InputError(f"no paper or entity is called {name!r}; look for it with `kg query`")
        return found[0]

    def trends(self, type: str | None = None, *, top: int = 20, min_papers: int = 5) -> pd.DataFrame:
        """The ``top`` entities rising and declining fastest, by the least-squares slope of their
        share of each year's papers (see :func:`kg.graph.analytics.trends`)."""
        from kg.graph.analytics import trends

        return trends(self._view(), type=type, top=top, min_papers=min_papers)

    def co_usage(self, rows: str = "Method", columns: str = "Dataset", *, top: int = 20) -> pd.DataFrame:
        """Papers that work with both: ``rows`` × ``columns`` entity types, the ``top`` of each
        (see :func:`kg.graph.analytics.co_usage`)."""
        from kg.graph.analytics import co_usage

        return co_usage(self._view(), rows, columns, top=top)

    def compare(self, *names: str, top: int = 5) -> pd.DataFrame:
        """A comparison table of methods, datasets, tasks or papers named by label, alias, title or
        IRI (see :func:`kg.graph.analytics.compare`), with one evidence sentence each."""
        from kg.graph.analytics import compare

        nodes = [self._node(name) for name in names]
        table = compare(self._view(), nodes, top=top)
        table["evidence"] = [self._evidence_of(node) for node in nodes]
        return table

    def _evidence_of(self, node: str) -> str:
        """The most confident sentence that proposes or uses entity ``node``, or that paper
        ``node`` proposes something in."""
        roles = "kg:proposes kg:uses kg:evaluatedOn kg:addresses"
        where = (
            "?a rdf:object ?node"
            if self._view().nodes[node]["type"] != "Paper"
            else "?a prov:wasDerivedFrom ?node"
        )
        rows = self.query(
            f"""SELECT ?sentence WHERE {{ VALUES ?node {{ <{node}> }} VALUES ?p {{ {roles} }}
                  ?a a kg:Assertion ; rdf:predicate ?p ; kg:evidence ?sentence ; kg:confidence ?c .
                  {where} }}
                ORDER BY (?p != kg:proposes) DESC(?c) ?sentence LIMIT 1"""
        ).rows
        return str(rows[0][0]) if rows else ""

    def similar(self, paper: str, *, top: int = 10) -> pd.DataFrame:
        """The ``top`` papers most like ``paper`` (title, id or IRI) by the specific entities they
        share, each weighted by its rarity (see :func:`kg.graph.analytics.similar_papers`)."""
        from kg.graph.analytics import similar_papers

        node = self._node(paper)
        if self._view().nodes[node]["type"] != "Paper":
            raise InputError(f"{paper!r} is an entity, not a paper; name a paper by its title, id or IRI")
        return similar_papers(self._view(), node, top=top)

    def communities(
        self, type: str | None = None, *, top: int = 300, resolution: float = 1.0, seed: int = 0
    ) -> pd.DataFrame:
        """Communities (Leiden) of the ``top`` entities with the most papers, over how often papers
        share them (see :func:`kg.graph.analytics.communities`)."""
        from kg.graph.analytics import communities

        return communities(self._view(), type=type, top=top, resolution=resolution, seed=seed)

    def stats(self) -> dict[str, object]:
        """Counts: papers, entities per type, edges per relation, triples, quads, named graphs.

        Read from the ``stats.json`` the build wrote beside a loaded store (instant at any size),
        else counted by the store.
        """
        if self._stats is None:
            from kg.graph.stats import graph_counts

            self._stats = graph_counts(self.store)
        return {**self._stats, "edges": Counter(self._stats["edges"])}

    def union(self) -> Graph:
        """All triples of all named graphs in one plain, in-memory rdflib Graph.

        Literals typed ``xsd:string`` come back as plain literals, as rdflib's parsers make them
        (the same thing in RDF 1.1), so the result compares equal to a re-parsed export.
        """
        graph = bind_prefixes(Graph())
        for s, p, o in self.to_rdflib().triples((None, None, None)):
            if isinstance(o, Literal) and o.datatype == XSD.string:
                o = Literal(str(o))
            graph.add((s, p, o))
        return graph
