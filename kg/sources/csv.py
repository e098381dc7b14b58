"""CSV exports (``*.csv``): a header row, then one paper per row.

The header must name ``title`` and ``abstract`` columns (case and surrounding spaces ignored);
``id``, ``date`` (ISO 8601), ``url`` and ``authors`` are optional, other columns ignored.
``authors`` is one cell: names separated by ``;``, or by ``,`` when the cell has no ``;``
(so write ``Smith, J.; Doe, A.`` when names hold commas). A file without a title or abstract
column is an :class:`~kg.errors.InputError`; a malformed row is reported as ``file:line: what
is wrong`` and skipped, and the other rows still land.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Callable, Iterator
from pathlib import Path

from kg.errors import InputError
from kg.sources.corpus import make_paper
from kg.types import Paper

#: Cells up to this size are read, so an over-long field is reported by name (the limit for a
#: field is 100,000 characters) instead of derailing the parser at the stdlib's 128 KiB limit.
FIELD_SIZE_LIMIT = 16 * 1024 * 1024

_REQUIRED = ("title", "abstract")
_UNDECODABLE = re.compile("[\udc80-\udcff]")  # bytes that are not UTF-8, kept by surrogateescape


def read_csv(path: Path, on_problem: Callable[[str], None]) -> Iterator[Paper]:
    """Yield the papers of one CSV file; report malformed rows to ``on_problem``."""
    csv.field_size_limit(max(csv.field_size_limit(), FIELD_SIZE_LIMIT))
    with path.open(encoding="utf-8-sig", errors="surrogateescape", newline="") as handle:
        reader = csv.reader(handle, strict=True)  # report bad quoting instead of guessing
        try:
            header = next(reader, [])
            columns = _columns(header, path)
            while True:
                start = reader.line_num + 1
                try:
                    row = next(reader)
                except StopIteration:
                    return
                except csv.Error as error:
                    on_problem(f"{path}:{start}: unreadable row ({error})")
                    continue
                if not any(cell.strip() for cell in row):
                    continue
                if any(_UNDECODABLE.search(cell) for cell in row):
                    on_problem(f"{path}:{start}: not UTF-8 text")
                    continue
                if len(row) != len(header):
                    on_problem(f"{path}:{start}: {len(row)} fields where the header has {len(header)}")
                    continue
                try:
                    yield _paper(row, columns, path.name)
                except ValueError as error:
                    on_problem(f"{path}:{start}: {error}")
        except csv.Error as error:  # only the header gets here; row errors are handled above
            raise InputError(f"{path}:1: unreadable header ({error})") from None


def _columns(header: list[str], path: Path) -> dict[str, int]:
    """Column name (stripped, lowercase) to index; InputError if title or abstract is missing."""
    columns: dict[str, int] = {}
    for index, name in enumerate(header):
        columns.setdefault(name.strip().lower(), index)
    missing = [name for name in _REQUIRED if name not in columns]
    if missing:
        found = ", ".join(repr(name) for name in header) or "none"
        raise InputError(f"{path}: no {' or '.join(missing)} column (columns found: {found})")
    return columns


def _paper(row: list[str], columns: dict[str, int], source: str) -> Paper:
    """The Paper of one row; ValueError saying what is wrong with it."""

    def cell(name: str) -> str | None:
        return row[columns[name]] if name in columns else None

    authors = cell("authors") or ""
    return make_paper(
        cell("title") or "",
        cell("abstract") or "",
        source,
        given_id=cell("id"),
        date=cell("date"),
        authors=authors.split(";" if ";" in authors else ","),
        url=cell("url"),
    )
