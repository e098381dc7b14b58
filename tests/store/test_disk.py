"""The on-disk store (kg.store.disk): written by save(), read in place, round trips.

The sample store is the one ``sample_outputs`` writes (``OUT/store``); it is only read here.
Writing is tested on small stores cut from the sample graph (a few papers).
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from kg import KnowledgeGraph
from kg.errors import GraphNotFoundError, InputError
from kg.export.rdf import export_rdf
from kg.formats import DATASET_FORMATS, RDF_FORMATS, file_name
from kg.store.disk import find_store, is_store, open_store, write_store
from tests.helpers import QUERIES, graph_digests

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
    assert find_store(sample_outputs).resolve() == sample_store.resolve()
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


def test_store_disk_stats_are_read_from_the_build(sample_kg: KnowledgeGraph, sample_store: Path) -> None:
    loaded = KnowledgeGraph.load(sample_store)
    assert loaded._stats is not None  # stats.json of the same generation
    assert loaded.stats() == sample_kg.stats()
    assert loaded.stats()["triples"] == len(sample_kg.store)


# -- writing --------------------------------------------------------------------------------------


def test_store_disk_write_copies_every_graph(sample_kg, paper_graphs, tmp_path: Path) -> None:
    source = subset(sample_kg, paper_graphs[:5])
    path = write_store(source, tmp_path / "store")
    stored = open_store(path)
    assert names(stored) == names(source)
    assert graph_digests(stored) == graph_digests(source)


def test_store_disk_never_overwrites_a_folder(sample_kg, tmp_path: Path) -> None:
    folder = tmp_path / "store"
    folder.mkdir()
    (folder / "notes.txt").write_text("keep me", encoding="utf-8")
    with pytest.raises(InputError, match="exists already"):
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
