"""The extraction cache in one SQLite file (why SQLite: docs/decisions/extraction-cache.md).

A row per paper text: ``key`` (a digest of the extractor's fingerprint, the codec version and the
text), ``fingerprint`` (to prune results of other extractor versions) and either the encoded
extraction or the one-line error it raised. Rows are written a batch per transaction, so a
killed build keeps every batch it finished and the next one starts after them.
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from kg.cache.codec import CODEC_VERSION, decode
from kg.types import Paper, PaperExtraction

_SCHEMA = """
CREATE TABLE IF NOT EXISTS extractions (
    key TEXT PRIMARY KEY,
    fingerprint TEXT NOT NULL,
    data BLOB,
    error TEXT
) WITHOUT ROWID
"""


def cache_key(fingerprint: str, paper: Paper) -> str:
    """The key of ``paper``'s extraction by the extractor ``fingerprint``: its text decides, not its id."""
    digest = hashlib.sha256(f"{fingerprint}\0{CODEC_VERSION}\0{paper.text}".encode("utf-8", "surrogatepass"))
    return digest.hexdigest()


@dataclass(frozen=True)
class CachedResult:
    """What extraction of one paper gave: encoded data, or the error it raised (one line)."""

    key: str
    data: bytes | None
    error: str | None = None
    #: The process running it died (out of memory, killed): reported, never cached, retried next build.
    transient: bool = False


class ExtractionCache:
    """Per-paper extractions of one extractor version in a SQLite file (``":memory:"`` for none)."""

    def __init__(self, path: str | os.PathLike[str], fingerprint: str) -> None:
        if str(path) != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self.fingerprint = fingerprint
        self._db = sqlite3.connect(str(path), isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.execute(_SCHEMA)

    def key(self, paper: Paper) -> str:
        return cache_key(self.fingerprint, paper)

    def missing(self, papers: Iterable[Paper]) -> list[Paper]:
        """The papers whose text has no result for this extractor yet, in their order."""
        have = {row[0] for row in self._db.execute("SELECT key FROM extractions")}
        seen: set[str] = set()
        todo = []
        for paper in papers:
            key = self.key(paper)
            if key not in have and key not in seen:
                seen.add(key)
                todo.append(paper)
        return todo

    def errors(self) -> dict[str, str]:
        """The key and error of every paper whose extraction raised."""
        return dict(self._db.execute("SELECT key, error FROM extractions WHERE error IS NOT NULL"))

    def put(self, results: Sequence[CachedResult]) -> None:
        """Store one batch of results in one transaction."""
        with self._transaction():
            self._db.executemany(
                "INSERT OR REPLACE INTO extractions VALUES (?, ?, ?, ?)",
                [(r.key, self.fingerprint, r.data, r.error) for r in results if not r.transient],
            )

    def get(self, paper: Paper) -> PaperExtraction | str | None:
        """``paper``'s extraction, the error its extraction raised, or None if not extracted yet."""
        row = self._db.execute(
            "SELECT data, error FROM extractions WHERE key = ?", (self.key(paper),)
        ).fetchone()
        if row is None:
            return None
        data, error = row
        return decode(data, paper) if data is not None else error

    def extractions(self, papers: Iterable[Paper]) -> Iterator[PaperExtraction]:
        """The cached extractions of ``papers``, in order; those that failed or are missing are skipped."""
        for paper in papers:
            result = self.get(paper)
            if isinstance(result, PaperExtraction):
                yield result

    def prune(self) -> int:
        """Delete the results of other extractor versions; returns how many rows went."""
        with self._transaction():
            cursor = self._db.execute("DELETE FROM extractions WHERE fingerprint != ?", (self.fingerprint,))
        return cursor.rowcount

    def __len__(self) -> int:
        return self._db.execute("SELECT COUNT(*) FROM extractions").fetchone()[0]

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> ExtractionCache:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def _transaction(self) -> Iterator[None]:
        """``BEGIN IMMEDIATE`` ... ``COMMIT``, or ``ROLLBACK`` if the block raises."""
        self._db.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT")
