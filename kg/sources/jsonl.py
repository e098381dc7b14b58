"""JSON exports: JSON lines, a JSON array, or an API answer wrapping one (``{"results": [...]}``).

Each object is mapped by its shape: an OpenAlex work, an arXiv metadata snapshot record, a
Semantic Scholar paper or abstract, an OpenReview note, or else a plain paper object
(``id``, ``title``, ``abstract``, ``date``, ``year``, ``authors``, ``url``, ``venue``, ``status``,
``keywords``, ``doi``, ``arxiv_id``; other keys ignored). A line that is not JSON, or an object
without a usable title, is reported as ``file:line: what is wrong`` and skipped; the other lines
still land. JSON lines are read one line at a time.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path

from kg.sources import arxiv, openalex, openreview, semantic_scholar
from kg.sources.corpus import AbstractRecord, Report, make_paper
from kg.types import Paper

#: Longest line parsed; a valid row (each field at most 100,000 characters) is far shorter.
MAX_LINE_CHARS = 16 * 1024 * 1024
#: Keys under which API answers list their records.
WRAPPERS = ("results", "notes", "data", "papers", "works", "items")

Record = Paper | AbstractRecord
_Mapper = Callable[[dict[str, object], str, Callable[[str], None]], Record]
_JSON_TYPES = {dict: "an object", list: "an array", str: "a string", bool: "a boolean"}


def read_json(path: Path, lines: Iterator[tuple[int, str]], report: Report) -> Iterator[Record]:
    """Yield the records of one JSON or JSON lines file; report what cannot be read."""
    first = True
    for number, text in lines:
        if not text.strip():
            continue
        starts, first = first, False
        try:
            value = _parse(text) if len(text) <= MAX_LINE_CHARS else None
        except ValueError as error:
            if starts and text.lstrip()[:1] in "[{" and not text.strip().endswith(("}", "]")):
                # The first line of a pretty-printed document: parse the whole file.
                whole = "\n".join([text, *(line for _, line in lines)])
                yield from _document(path, whole, number, report)
                return
            report.problem(f"{path}:{number}: {error}")
            continue
        if value is None:
            report.problem(f"{path}:{number}: line longer than {MAX_LINE_CHARS:,} characters")
            continue
        if isinstance(value, list):  # a one-line array
            yield from _items(path, value, number, report)
        else:
            yield from _records(path, value, f"{path}:{number}", report)


def _document(path: Path, text: str, first: int, report: Report) -> Iterator[Record]:
    """The records of a JSON document spanning many lines (an array or an API answer)."""
    decoder = json.JSONDecoder()
    start = len(text) - len(text.lstrip())
    if text[start] == "[":  # element by element, so each gets its line number
        index = start + 1
        while True:
            while index < len(text) and text[index] in " \t\r\n,":
                index += 1
            if index >= len(text) or text[index] == "]":
                return
            line = first + text.count("\n", 0, index)
            try:
                value, index = decoder.raw_decode(text, index)
            except (ValueError, RecursionError) as error:
                report.problem(f"{path}:{line}: {_reason(error)}; the rest of the file is not read")
                return
            yield from _records(path, value, f"{path}:{line}", report)
    try:
        value = _parse(text)
    except ValueError as error:
        report.problem(f"{path}:{first}: {error}")
        return
    yield from _records(path, value, f"{path}:{first}", report)


def _items(path: Path, values: list[object], line: int, report: Report) -> Iterator[Record]:
    """The records of an array found on one line."""
    for index, value in enumerate(values):
        yield from _records(path, value, f"{path}:{line}: item {index + 1}", report)


def _records(path: Path, value: object, where: str, report: Report) -> Iterator[Record]:
    """The record of one parsed object, or of each object an API answer wraps."""
    if isinstance(value, dict):
        wrapped = next((value[key] for key in WRAPPERS if isinstance(value.get(key), list)), None)
        if wrapped is not None and "title" not in value:
            for index, item in enumerate(wrapped):
                yield from _records(path, item, f"{where}: item {index + 1}", report)
            return
    if not isinstance(value, dict):
        report.problem(f"{where}: expected a JSON object, got {_json_type(value)}")
        return
    try:
        yield mapper(value)(value, path.name, report.at(where))
    except ValueError as error:
        report.problem(f"{where}: {error}")


def mapper(row: dict[str, object]) -> _Mapper:
    """The function that maps an object of this shape to a record."""
    for module in (openalex, arxiv, semantic_scholar, openreview):
        if module.matches(row):
            return module.record
    return plain_record


def plain_record(row: dict[str, object], source: str, warn: Callable[[str], None]) -> Paper:
    """The Paper of a plain paper object (the shape of the project's own and many other exports)."""
    if "title" not in row:
        raise ValueError("missing field 'title'")
    return make_paper(
        row["title"],
        row.get("abstract", row.get("summary")),
        source,
        warn=warn,
        given_id=row.get("id"),
        date=row.get("date"),
        year=row.get("year"),
        authors=row.get("authors"),
        url=row.get("url"),
        venue=row.get("venue"),
        doi=row.get("doi"),
        arxiv_id=row.get("arxiv_id"),
        keywords=row.get("keywords"),
        status=row.get("status"),
    )


def _parse(text: str) -> object:
    """The JSON value of ``text``; ValueError with a short reason when it is not valid JSON."""
    try:
        return json.loads(text)
    except (ValueError, RecursionError) as error:
        raise ValueError(_reason(error)) from None


def _reason(error: Exception) -> str:
    """A short reason for a JSON parse error."""
    if isinstance(error, json.JSONDecodeError):
        return f"invalid JSON ({error.msg}, line {error.lineno} column {error.colno})".replace(
            "line 1 column", "column"
        )
    if isinstance(error, RecursionError):
        return "invalid JSON (nested too deeply)"
    return f"invalid JSON ({error})"


def _json_type(value: object) -> str:
    """The JSON name of a parsed value's type, for messages."""
    if value is None:
        return "null"
    if isinstance(value, int | float) and not isinstance(value, bool):
        return "a number"
    return _JSON_TYPES.get(type(value), type(value).__name__)
