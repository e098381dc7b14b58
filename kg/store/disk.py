"""The on-disk store: the knowledge graph in an embedded Oxigraph (RocksDB) database.

``kg build`` writes it (``outputs/store`` unless told otherwise); ``kg query``, the Python API
(:meth:`kg.KnowledgeGraph.load`) and ``kg serve`` read it, opened read-only so that any number
of readers can share it. Writing is a *sync*, keyed by named graph:

* each named graph of the new build (one per paper, plus the entities and ontology graphs) is
  compared with the graph of the same name in the store, by a digest of its quads (blank nodes
  canonicalised first, so a re-parsed ontology compares equal);
* graphs that are new are added, graphs whose content changed are replaced, graphs no longer in
  the build are removed, identical graphs are left alone.

So rebuilding the same corpus changes nothing (no duplicate triples, no rewrite), and building a
corpus with more papers adds only their graphs (plus the corpus-wide entities graph, whose
counts change). The digests of the graphs written are kept in ``kg-graphs.json`` inside the
store, so the next sync reads back only the graph sizes (checked against that file) instead of
every quad. The sync runs on a copy of the store (a RocksDB checkpoint: hard links, cheap)
that replaces the old directory by rename once it is complete, so a reader never sees a
half-written store and a failed build leaves the old one in place. A store that changed is
compacted (``optimize``) before the swap: one sorted run per index, so that RocksDB point
lookups, and so the joins of a query, read fewer files (how much faster: docs/performance.md).
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from kg.errors import GraphNotFoundError, InputError

#: Where ``kg build`` puts the store inside its output folder.
STORE_DIRNAME = "store"
#: The per-graph digests written inside the store directory (RocksDB ignores the file), so the
#: next sync need not read the whole store back; trusted only while the graph sizes still match.
MANIFEST_NAME = "kg-graphs.json"

GraphName = ox.NamedNode | ox.BlankNode | ox.DefaultGraph

_DIGEST_MOD = 1 << 128


@dataclass(frozen=True)
class StoreReport:
    """What writing a store changed: named graphs added, replaced, removed and left alone."""

    path: Path
    added: int
    replaced: int
    removed: int
    unchanged: int
    quads: int

    @property
    def changed(self) -> bool:
        return bool(self.added or self.replaced or self.removed)

    def summary(self) -> str:
        """One line for the command line."""
        return (
            f"store {self.path}: {self.added} graphs added, {self.replaced} replaced, "
            f"{self.removed} removed, {self.unchanged} unchanged; {self.quads:,} quads"
        )


def is_store(path: str | os.PathLike[str]) -> bool:
    """Whether ``path`` is an Oxigraph (RocksDB) database directory."""
    return (Path(path) / "CURRENT").is_file()


def find_store(path: str | os.PathLike[str]) -> Path | None:
    """The store at ``path``, or in its ``store/`` subfolder (an output folder); else None."""
    path = Path(path)
    for candidate in (path, path / STORE_DIRNAME):
        if is_store(candidate):
            return candidate
    return None


def open_store(path: str | os.PathLike[str]) -> ox.Store:
    """Open the store at ``path`` (or ``path/store``) read-only; many processes may do so at once."""
    found = find_store(path)
    if found is None:
        raise GraphNotFoundError(f"{path}: no store there; build one first with `kg build`")
    try:
        return ox.Store.read_only(str(found))
    except OSError as exc:
        raise InputError(f"{found}: cannot open the store: {_one_line(exc)}") from None


def graph_digests(store: ox.Store) -> dict[GraphName, tuple[int, int]]:
    """For each graph of ``store``: (number of quads, order-independent digest of its quads).

    Graphs holding blank nodes are canonicalised first (RDF Dataset Canonicalization), so two
    copies that differ only in blank node labels get the same digest.
    """
    sums: dict[GraphName, int] = {}
    counts: dict[GraphName, int] = {}
    with_blank_nodes: set[GraphName] = set()
    for quad in store:
        graph = quad.graph_name
        sums[graph] = (sums.get(graph, 0) + _quad_hash(quad)) % _DIGEST_MOD
        counts[graph] = counts.get(graph, 0) + 1
        if isinstance(quad.subject, ox.BlankNode) or isinstance(quad.object, ox.BlankNode):
            with_blank_nodes.add(graph)
    for graph in with_blank_nodes:
        dataset = ox.Dataset(store.quads_for_pattern(None, None, None, graph))
        dataset.canonicalize(ox.CanonicalizationAlgorithm.UNSTABLE)
        sums[graph] = sum(_quad_hash(q) for q in dataset) % _DIGEST_MOD
    return {graph: (counts[graph], sums[graph]) for graph in sums}


def write_store(source: ox.Store, path: str | os.PathLike[str]) -> StoreReport:
    """Make the store at ``path`` hold exactly the graphs of ``source`` (see the module docstring).

    Raises :class:`~kg.errors.InputError` if ``path`` exists and is not a store (it is never
    deleted) or cannot be written.
    """
    path = Path(path)
    if path.exists() and not is_store(path):
        raise InputError(f"{path}: exists and is not a kg store; remove it or choose another --store")
    path.parent.mkdir(parents=True, exist_ok=True)
    with _locked(path):
        work = Path(tempfile.mkdtemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent))
        work.chmod(0o755)  # mkdtemp makes it private; the store is an output like the others
        try:
            return _write(source, path, work)
        except OSError as exc:
            raise InputError(f"{path}: cannot write the store: {_one_line(exc)}") from None
        finally:
            shutil.rmtree(work, ignore_errors=True)


# -- internals -------------------------------------------------------------------------------


def _write(source: ox.Store, path: Path, work: Path) -> StoreReport:
    """Sync a copy of the store at ``path`` (or a new store) in ``work``, then swap it in."""
    wanted = graph_digests(source)
    existed = is_store(path)
    present: dict[GraphName, tuple[int, int]] = {}
    if existed:
        work.rmdir()  # a backup creates its target directory
        previous = ox.Store.read_only(str(path))
        present = _stored_digests(previous, path / MANIFEST_NAME)
        previous.backup(str(work))
        del previous
    target = ox.Store(str(work))
    added = [g for g in wanted if g not in present]
    replaced = [g for g in wanted if g in present and present[g] != wanted[g]]
    removed = [g for g in present if g not in wanted]
    if existed:
        for graph in replaced + removed:
            if isinstance(graph, ox.DefaultGraph):
                target.clear_graph(graph)
            else:
                target.remove_graph(graph)
        target.extend(q for graph in added + replaced for q in _quads_of(source, graph))
    else:
        target.bulk_extend(source)
    quads = len(target)
    target.flush()
    if added or replaced or removed:
        target.optimize()  # compact: one sorted run per index, faster reads (docs/performance.md)
    del target
    unchanged = len(wanted) - len(added) - len(replaced)
    report = StoreReport(path, len(added), len(replaced), len(removed), unchanged, quads)
    if existed and not report.changed:
        return report
    _write_manifest(work / MANIFEST_NAME, wanted)
    _swap(work, path)
    return report


def _graph_key(graph: GraphName) -> str:
    return "" if isinstance(graph, ox.DefaultGraph) else str(graph)


def _write_manifest(target: Path, digests: dict[GraphName, tuple[int, int]]) -> None:
    graphs = {_graph_key(g): [n, f"{digest:032x}"] for g, (n, digest) in digests.items()}
    target.write_text(json.dumps({"version": 1, "graphs": graphs}, sort_keys=True), encoding="utf-8")


def _stored_digests(store: ox.Store, manifest: Path) -> dict[GraphName, tuple[int, int]]:
    """The digests of the manifest if the store's graph sizes agree with it; else read every quad."""
    try:
        recorded = json.loads(manifest.read_text(encoding="utf-8"))["graphs"]
        sizes = _graph_sizes(store)
        if {_graph_key(g): n for g, n in sizes.items()} == {k: v[0] for k, v in recorded.items()}:
            return {g: (n, int(recorded[_graph_key(g)][1], 16)) for g, n in sizes.items()}
    except (OSError, ValueError, KeyError, TypeError, IndexError):
        pass
    return graph_digests(store)


def _graph_sizes(store: ox.Store) -> dict[GraphName, int]:
    """Quads per graph, counted by the store without decoding the terms."""
    sizes: dict[GraphName, int] = {}
    for row in store.query("SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"):
        sizes[row["g"]] = int(row["n"].value)
    default = int(next(iter(store.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")))["n"].value)
    if default:
        sizes[ox.DefaultGraph()] = default
    return sizes


def _quads_of(store: ox.Store, graph: GraphName) -> Iterator[ox.Quad]:
    return iter(store.quads_for_pattern(None, None, None, graph))


def _quad_hash(quad: ox.Quad) -> int:
    return int.from_bytes(hashlib.blake2b(str(quad).encode(), digest_size=16).digest(), "big")


def _swap(new: Path, path: Path) -> None:
    """Put the finished store ``new`` at ``path``; the old one (if any) is removed afterwards."""
    old = None
    if path.exists():
        old = Path(tempfile.mkdtemp(prefix=f".{path.name}.", suffix=".old", dir=path.parent))
        old.rmdir()
        os.rename(path, old)
    os.rename(new, path)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


@contextlib.contextmanager
def _locked(path: Path) -> Iterator[None]:
    """One writer at a time: an advisory lock on a file beside the store."""
    lock = path.parent / f".{path.name}.lock"
    with open(lock, "a+b") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split())[:300]
