"""CSV and TSV exports: a header row, then one paper per row.

Columns are found by their usual names in any case (``_`` and spaces alike), from Zotero,
Scopus, Web of Science, IEEE Xplore and hand-made sheets: see :data:`COLUMNS`. A title column is
required (a file without one is an :class:`~kg.errors.InputError`); without an abstract column the
papers are title-only, with one warning. ``authors`` is one cell, split on ``;``, ``and`` or
``,`` (:func:`kg.sources.fields.split_names`). The delimiter is a tab when the header has one,
else ``,`` or ``;``, whichever finds the title column. A malformed row is reported as
``file:line: what is wrong`` and skipped; the other rows still land.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path

from kg.errors import InputError
from kg.sources.corpus import Report, make_paper
from kg.types import Paper

#: Cells up to this size are read, so an over-long field is reported by name (the limit for a
#: field is 100,000 characters) instead of derailing the parser at the stdlib's 128 KiB limit.
FIELD_SIZE_LIMIT = 16 * 1024 * 1024

#: Field to the column names that hold it, most specific first.
COLUMNS: dict[str, tuple[str, ...]] = {
    "id": ("id", "paper id"),
    "title": ("title", "article title", "document title", "paper title", "ti"),
    "abstract": ("abstract", "abstract note", "summary", "ab"),
    "authors": ("author full names", "af", "authors", "author", "au", "author(s)"),
    "date": ("date", "publication date", "published"),
    "year": ("year", "publication year", "py"),
    "doi": ("doi", "di"),
    "url": ("url", "link", "pdf link"),
    "venue": ("venue", "journal", "source title", "booktitle", "publication title", "conference", "so"),
    "keywords": ("keywords", "author keywords", "keyword", "de", "manual tags", "tags"),
    "arxiv_id": ("arxiv id", "arxiv", "eprint"),
    "status": ("status", "decision"),
}


def header_columns(line: str) -> tuple[str, dict[str, int]] | None:
    """The delimiter and field columns of a header line, or None when it names no title column."""
    candidates = ["\t"] if "\t" in line else [",", ";"]
    for delimiter in candidates:
        header = next(csv.reader([line], delimiter=delimiter), [])
        columns = _columns(header)
        if "title" in columns:
            return delimiter, columns
    return None


def read_csv(path: Path, lines: Iterator[tuple[int, str]], report: Report) -> Iterator[Paper]:
    """Yield the papers of one CSV or TSV file; report malformed rows."""
    csv.field_size_limit(max(csv.field_size_limit(), FIELD_SIZE_LIMIT))
    numbered = ((number, line) for number, line in lines)
    header_line = next((item for item in numbered if item[1].strip()), None)
    if header_line is None:
        return
    found = header_columns(header_line[1])
    if found is None:
        names = next(csv.reader([header_line[1]], delimiter="\t" if "\t" in header_line[1] else ","), [])
        shown = ", ".join(repr(name) for name in names) or "none"
        raise InputError(f"{path}: no title column (columns found: {shown})")
    delimiter, columns = found
    width = len(next(csv.reader([header_line[1]], delimiter=delimiter)))
    if "abstract" not in columns:
        report.warning(f"{path}: no abstract column; its papers are title-only")
    line_numbers: list[int] = []

    def feed() -> Iterator[str]:
        for number, line in numbered:
            line_numbers.append(number)
            yield line + "\n"

    reader = csv.reader(feed(), delimiter=delimiter, strict=True)
    while True:
        start = len(line_numbers)
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            report.problem(f"{path}:{_line(line_numbers, start)}: unreadable row ({error})")
            continue
        where = f"{path}:{_line(line_numbers, start)}"
        if not any(cell.strip() for cell in row):
            continue
        if len(row) < width and len(row) <= max(columns.values()):
            report.problem(f"{where}: {len(row)} fields where the header has {width}")
            continue
        try:
            yield _paper(row, columns, path.name, report, where)
        except ValueError as error:
            report.problem(f"{where}: {error}")


def _line(numbers: list[int], start: int) -> int:
    """The file line number of the row that starts after ``start`` lines were consumed."""
    return numbers[start] if start < len(numbers) else (numbers[-1] + 1 if numbers else 2)


def _columns(header: list[str]) -> dict[str, int]:
    """Field name to column index, by the first matching column name."""
    names: dict[str, int] = {}
    for index, name in enumerate(header):
        names.setdefault(" ".join(name.strip().lower().replace("_", " ").split()), index)
    return {
        field: names[alias]
        for field, aliases in COLUMNS.items()
        if (alias := next((a for a in aliases if a in names), None)) is not None
    }


def _paper(row: list[str], columns: dict[str, int], source: str, report: Report, where: str) -> Paper:
    """The Paper of one row."""

    def cell(name: str) -> str | None:
        index = columns.get(name)
        return row[index] if index is not None and index < len(row) and row[index].strip() else None

    return make_paper(
        cell("title"),
        cell("abstract"),
        source,
        warn=report.at(where),
        given_id=cell("id"),
        date=cell("date"),
        year=cell("year"),
        authors=cell("authors"),
        url=cell("url"),
        venue=cell("venue"),
        doi=cell("doi"),
        arxiv_id=cell("arxiv_id"),
        keywords=cell("keywords"),
        status=cell("status"),
    )
