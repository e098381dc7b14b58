"""The on-disk store: the knowledge graph in an embedded Oxigraph (RocksDB) database.

``kg build`` writes it into each generation of its output folder (``outputs/store``, see
:mod:`kg.export.folder`); ``kg query``, the Python API (:meth:`kg.KnowledgeGraph.load`) and
``kg serve`` read it, opened read-only so that any number of readers can share it. A store is
written once, in bulk, into a new folder, then compacted (``optimize``: one sorted run per
index, so that point lookups, and so the joins of a query, read fewer files).
"""

from __future__ import annotations

import contextlib
import json
import os
from pathlib import Path

import pyoxigraph as ox

from kg.errors import GraphNotFoundError, InputError
from kg.formats import STATS_FILE

#: Where ``kg build`` puts the store inside its output folder.
STORE_DIRNAME = "store"


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


def stored_stats(path: str | os.PathLike[str]) -> dict[str, object] | None:
    """The statistics the build wrote beside the store at ``path`` (or ``path/store``): the
    ``stats.json`` of the same output generation; None if there is no such file."""
    found = find_store(path)
    if found is None:
        return None
    with contextlib.suppress(OSError, ValueError):
        return json.loads((found.resolve().parent / STATS_FILE).read_text(encoding="utf-8"))
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


def write_store(source: ox.Store, path: str | os.PathLike[str]) -> Path:
    """Write the quads of ``source`` into a new store at ``path`` (which must not exist), in bulk.

    Raises :class:`~kg.errors.InputError` if ``path`` exists (it is never overwritten) or cannot
    be written.
    """
    path = Path(path)
    if path.exists():
        raise InputError(f"{path}: exists already; a store is written into a new folder")
    try:
        target = ox.Store(str(path))
        target.bulk_extend(source)
        compact(target)
    except OSError as exc:
        raise InputError(f"{path}: cannot write the store: {_one_line(exc)}") from None
    return path


def compact(store: ox.Store) -> None:
    """Flush a store written in bulk and compact it for reading."""
    store.flush()
    store.optimize()


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split())[:300]
