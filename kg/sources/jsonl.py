"""JSON lines exports (``*.jsonl``, ``*.json``): one paper object per line.

Each object needs ``title`` (a non-empty string) and ``abstract`` (a string, possibly empty);
``id``, ``date`` (ISO 8601), ``url`` (strings) and ``authors`` (a list of strings) are
optional, ``null`` meaning absent; other keys are ignored. A malformed line is reported as
``file:line: what is wrong`` and skipped; the other lines still land. The file is read one
line at a time, and a line longer than :data:`MAX_LINE_BYTES` is skipped without being held.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO

from kg.errors import InputError
from kg.sources.corpus import make_paper
from kg.types import Paper

#: Longest line read; a valid row (each field at most 100,000 characters) is far shorter.
MAX_LINE_BYTES = 16 * 1024 * 1024

_JSON_TYPES = {dict: "an object", list: "an array", str: "a string", bool: "a boolean"}


def read_jsonl(path: Path, on_problem: Callable[[str], None]) -> Iterator[Paper]:
    """Yield the papers of one JSON lines file; report malformed lines to ``on_problem``."""
    seen_content = False
    with path.open("rb") as handle:
        for number, raw in enumerate(_lines(handle), 1):
            if raw is None:
                on_problem(f"{path}:{number}: line longer than {MAX_LINE_BYTES:,} bytes")
                continue
            try:
                text = raw.decode("utf-8-sig" if number == 1 else "utf-8")
            except UnicodeDecodeError:
                on_problem(f"{path}:{number}: not UTF-8 text")
                continue
            if not text.strip():
                continue
            if not seen_content and text.lstrip().startswith("["):
                raise InputError(f"{path}:{number}: a JSON array, not JSON lines; write one object per line")
            seen_content = True
            try:
                yield _paper(_parse(text), path.name)
            except ValueError as error:
                on_problem(f"{path}:{number}: {error}")


def _lines(handle: IO[bytes]) -> Iterator[bytes | None]:
    """The file's lines as bytes, or None for a line too long to read (its rest is skipped)."""
    while line := handle.readline(MAX_LINE_BYTES + 1):
        if len(line) > MAX_LINE_BYTES and not line.endswith(b"\n"):
            while (rest := handle.readline(MAX_LINE_BYTES)) and not rest.endswith(b"\n"):
                pass
            yield None
        else:
            yield line


def _parse(text: str) -> object:
    """The JSON value of one line; ValueError with a short reason when it is not valid JSON."""
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise ValueError(f"invalid JSON ({error.msg}, column {error.colno})") from None
    except RecursionError:
        raise ValueError("invalid JSON (nested too deeply)") from None
    except ValueError as error:  # e.g. an integer with too many digits
        raise ValueError(f"invalid JSON ({error})") from None


def _paper(row: object, source: str) -> Paper:
    """The Paper of one parsed line; ValueError naming the first field that is wrong."""
    if not isinstance(row, dict):
        raise ValueError(f"expected a JSON object, got {_json_type(row)}")
    authors = row.get("authors")
    if authors is not None and not isinstance(authors, list):
        raise ValueError(f"field 'authors' must be a list of strings, got {_json_type(authors)}")
    wrong = [name for name in authors or () if not isinstance(name, str)]
    if wrong:
        raise ValueError(f"field 'authors' must hold only strings, got {_json_type(wrong[0])}")
    return make_paper(
        _string(row, "title", required=True) or "",
        _string(row, "abstract", required=True) or "",
        source,
        given_id=_string(row, "id"),
        date=_string(row, "date"),
        authors=authors or (),
        url=_string(row, "url"),
    )


def _string(row: dict[str, object], name: str, *, required: bool = False) -> str | None:
    """``row[name]`` if it is a string, None if absent or null and not ``required``."""
    value = row.get(name)
    if value is None and required:
        raise ValueError(f"field {name!r} is null" if name in row else f"missing field {name!r}")
    if value is not None and not isinstance(value, str):
        raise ValueError(f"field {name!r} must be a string, got {_json_type(value)}")
    return value


def _json_type(value: object) -> str:
    """The JSON name of a parsed value's type, for messages."""
    if value is None:
        return "null"
    if isinstance(value, int | float) and not isinstance(value, bool):
        return "a number"
    return _JSON_TYPES.get(type(value), type(value).__name__)
