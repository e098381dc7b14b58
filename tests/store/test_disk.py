"""The on-disk store (kg.store.disk): written by save(), synced by named graph, atomic, round trips.

The sample store is the one ``sample_outputs`` writes (``OUT/store``); it is only read here.
Syncing is tested on small stores cut from the sample graph (a few papers), so each takes
well under a second.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pyoxigraph as ox
import pytest

from kg import KnowledgeGraph
from kg.errors import GraphNotFoundError, InputError
from kg.export.rdf import export_rdf
from kg.formats import DATASET_FORMATS, RDF_FORMATS, file_name
from kg.store import disk
from kg.store.disk import MANIFEST_NAME, find_store, graph_digests, is_store, open_store, write_store
from tests.helpers import QUERIES

KGID = "https://w3id.org/kg/id/"
ENTITIES = ox.NamedNode(KGID + "graph/entities")
ONTOLOGY = ox.NamedNode(KGID + "graph/ontology")


@pytest.fixture(scope="module")
def sample_store(sample_outputs: Path) -> Path:
    """The store written beside the sample outputs by ``KnowledgeGraph.save``."""
    return sample_outputs / "store"


@pytest.fixture(scope="module")
def paper_graphs(sample_kg: KnowledgeGraph) -> list[ox.NamedNode]:
    return sorted((g for g in sample_kg.store.named_graphs() if "/graph/paper/" in g.value), key=str)


def subset(sample_kg: KnowledgeGraph, graphs: list) -> ox.Store:
    """A new in-memory store holding the ontology, the entities and the given paper graphs."""
    store = ox.Store()
    for graph in [ONTOLOGY, ENTITIES, *graphs]:
        store.extend(sample_kg.store.quads_for_pattern(None, None, None, graph))
    return store


def names(store: ox.Store) -> set[str]:
    return {g.value for g in store.named_graphs()}


# -- what save() writes -------------------------------------------------------------------------


def test_store_disk_save_writes_every_quad(sample_kg: KnowledgeGraph, sample_store: Path) -> None:
    assert is_store(sample_store)
    store = open_store(sample_store)
    assert len(store) == len(sample_kg.store)
    assert names(store) == names(sample_kg.store)
    assert graph_digests(store) == graph_digests(sample_kg.store)


def test_store_disk_load_prefers_the_store(sample_outputs: Path, sample_store: Path) -> None:
    assert find_store(sample_outputs) == sample_store
    for path in (sample_outputs, sample_store):
        with pytest.raises(RuntimeError):  # opened read-only, in place
            KnowledgeGraph.load(path).store.add(ox.Quad(ENTITIES, ENTITIES, ENTITIES, ENTITIES))


@pytest.mark.parametrize("name", sorted(p.stem for p in QUERIES.glob("*.rq")))
def test_store_disk_api_answers_like_the_built_graph(
    sample_kg: KnowledgeGraph, sample_store: Path, name: str
) -> None:
    query = (QUERIES / f"{name}.rq").read_text(encoding="utf-8")
    on_disk, in_memory = KnowledgeGraph.load(sample_store).query(query), sample_kg.query(query)
    assert on_disk.columns == in_memory.columns
    # ORDER BY need not be total (ties), so compare the rows as multisets.
    assert sorted(on_disk.rows, key=repr) == sorted(in_memory.rows, key=repr)


def test_store_disk_stats_count_triples_without_decoding(
    sample_kg: KnowledgeGraph, sample_store: Path
) -> None:
    assert (
        KnowledgeGraph.load(sample_store)._count_triples()
        == sample_kg._count_triples()
        == len(sample_kg.store)
    )


# -- syncing --------------------------------------------------------------------------------------


def test_store_disk_first_write_adds_every_graph(sample_kg, paper_graphs, tmp_path: Path) -> None:
    source = subset(sample_kg, paper_graphs[:5])
    report = write_store(source, tmp_path / "store")
    assert (report.added, report.replaced, report.removed, report.unchanged) == (7, 0, 0, 0)
    assert report.quads == len(source) == len(open_store(tmp_path / "store"))
    assert (tmp_path / "store" / MANIFEST_NAME).is_file()
    assert "7 graphs added" in report.summary()


def test_store_disk_reload_is_idempotent(sample_kg, paper_graphs, tmp_path: Path) -> None:
    source = subset(sample_kg, paper_graphs[:5])
    write_store(source, tmp_path / "store")
    inode = os.stat(tmp_path / "store").st_ino
    again = write_store(source, tmp_path / "store")
    assert (again.added, again.replaced, again.removed, again.unchanged) == (0, 0, 0, 7)
    assert not again.changed
    assert os.stat(tmp_path / "store").st_ino == inode  # not rewritten
    assert len(open_store(tmp_path / "store")) == len(source)  # no duplicate triples


def test_store_disk_reparsed_blank_nodes_are_unchanged(sample_kg, paper_graphs, tmp_path: Path) -> None:
    source = subset(sample_kg, paper_graphs[:2])
    write_store(source, tmp_path / "store")
    reparsed = ox.Store()
    reparsed.load(source.dump(format=ox.RdfFormat.TRIG), format=ox.RdfFormat.TRIG)  # fresh blank node ids
    assert any(
        isinstance(q.object, ox.BlankNode) for q in reparsed.quads_for_pattern(None, None, None, ONTOLOGY)
    )
    assert not write_store(reparsed, tmp_path / "store").changed


def test_store_disk_adding_papers_adds_only_their_graphs(sample_kg, paper_graphs, tmp_path: Path) -> None:
    write_store(subset(sample_kg, paper_graphs[:5]), tmp_path / "store")
    bigger = subset(sample_kg, paper_graphs[:8])
    report = write_store(bigger, tmp_path / "store")
    assert (report.added, report.replaced, report.removed, report.unchanged) == (3, 0, 0, 7)
    stored = open_store(tmp_path / "store")
    assert len(stored) == len(bigger)
    assert graph_digests(stored) == graph_digests(bigger)


def test_store_disk_changed_and_dropped_graphs(sample_kg, paper_graphs, tmp_path: Path) -> None:
    write_store(subset(sample_kg, paper_graphs[:5]), tmp_path / "store")
    source = subset(sample_kg, paper_graphs[:4])
    title = next(iter(source.quads_for_pattern(None, None, None, paper_graphs[0])))
    source.add(ox.Quad(title.subject, title.predicate, ox.Literal("an added fact"), paper_graphs[0]))
    report = write_store(source, tmp_path / "store")
    assert (report.added, report.replaced, report.removed, report.unchanged) == (0, 1, 1, 5)
    stored = open_store(tmp_path / "store")
    assert graph_digests(stored) == graph_digests(source)
    assert paper_graphs[4].value not in names(stored)


def test_store_disk_rebuild_with_more_papers(sample_corpus, tmp_path: Path) -> None:
    """The real flow: build three papers, then the same file with two more, into the same store."""
    corpus = tmp_path / "papers.jsonl"

    def build(count: int) -> KnowledgeGraph:
        rows = [{"title": p.title, "abstract": p.abstract} for p in sample_corpus.papers[:count]]
        corpus.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
        return KnowledgeGraph.build([corpus])

    # three papers, entities, ontology, statistics
    assert build(3).save_store(tmp_path / "store").added == 6
    bigger = build(5)
    report = bigger.save_store(tmp_path / "store")
    assert report.added == 2 and report.removed == 0
    assert report.replaced == 2  # entities and statistics: their counts changed
    assert report.quads == len(bigger.store) == len(open_store(tmp_path / "store"))
    assert not bigger.save_store(tmp_path / "store").changed


def test_store_disk_out_of_date_manifest_is_not_trusted(sample_kg, paper_graphs, tmp_path: Path) -> None:
    source = subset(sample_kg, paper_graphs[:3])
    write_store(source, tmp_path / "store")
    # Another tool adds a quad to a paper graph behind kg's back: the sizes no longer match.
    other = ox.Store(str(tmp_path / "store"))
    other.add(ox.Quad(ENTITIES, ENTITIES, ox.Literal("stray"), paper_graphs[0]))
    other.flush()
    del other
    report = write_store(source, tmp_path / "store")
    assert (report.replaced, report.unchanged) == (1, 4)
    (tmp_path / "store" / MANIFEST_NAME).write_text("not json", encoding="utf-8")
    assert not write_store(source, tmp_path / "store").changed


def test_store_disk_failed_write_keeps_the_old_store(sample_kg, paper_graphs, tmp_path, monkeypatch) -> None:
    write_store(subset(sample_kg, paper_graphs[:2]), tmp_path / "store")

    def broken(*_args) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(disk, "_write_manifest", broken)
    with pytest.raises(InputError, match="disk full"):
        write_store(subset(sample_kg, paper_graphs[:4]), tmp_path / "store")
    assert len(names(open_store(tmp_path / "store"))) == 4
    assert sorted(p.name for p in tmp_path.iterdir()) == [".store.lock", "store"]  # no temporary copy left


def test_store_disk_never_overwrites_another_folder(sample_kg, tmp_path: Path) -> None:
    folder = tmp_path / "mine"
    folder.mkdir()
    (folder / "notes.txt").write_text("keep me", encoding="utf-8")
    with pytest.raises(InputError, match="not a kg store"):
        write_store(subset(sample_kg, []), folder)
    assert (folder / "notes.txt").read_text(encoding="utf-8") == "keep me"


def test_store_disk_open_missing_store(tmp_path: Path) -> None:
    with pytest.raises(GraphNotFoundError, match="kg build"):
        open_store(tmp_path)


# -- export and round trip ----------------------------------------------------------------------


def test_store_disk_nquads_round_trip(sample_store: Path, tmp_path: Path) -> None:
    """The N-Quads export loaded into a fresh store gives the same graphs, counts and digests."""
    store = open_store(sample_store)
    export_rdf(store, tmp_path / "kg.nq", "nquads")
    fresh = ox.Store(str(tmp_path / "fresh"))
    fresh.bulk_load(path=str(tmp_path / "kg.nq"), format=ox.RdfFormat.N_QUADS)
    assert len(fresh) == len(store)
    assert names(fresh) == names(store)
    assert graph_digests(fresh) == graph_digests(store)


@pytest.mark.parametrize("fmt", sorted(RDF_FORMATS))
def test_store_disk_export_formats_parse_back(sample_kg, paper_graphs, tmp_path: Path, fmt: str) -> None:
    source = subset(sample_kg, paper_graphs[:3])
    rdf_format = RDF_FORMATS[fmt]
    name = file_name(rdf_format)
    export_rdf(source, tmp_path / name, fmt)
    back = ox.Store()
    back.load(path=str(tmp_path / name), format=rdf_format)
    distinct_triples = {ox.Triple(q.subject, q.predicate, q.object) for q in source}
    expected = len(source) if rdf_format in DATASET_FORMATS else len(distinct_triples)
    assert len(back) == expected
