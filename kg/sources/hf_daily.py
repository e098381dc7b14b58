"""Hugging Face "daily papers" page dumps (``*.txt``): titles, abstracts and listing metadata.

Lines are split on ``\\n`` only, so a U+2028, U+000B, U+000C or U+0085 inside an abstract stays in
it (as a space, after cleanup) instead of splitting it into a false title.

Two layouts occur; blank lines tell them apart, per file:

* *lines*: no blank lines. After the page banner, a title line then an abstract line, repeated.
  The first title may be glued to the banner's button text: ``SubscribeLanguage ...``.
* *blocks*: blank-line separated. The banner and a list date (``Mar 12``), then per paper a
  title, an abstract and optionally a metadata tail: ``• N authors`` (or an organisation
  name), ``·``, a date with an optional upvote count on the same line or the next one.

The banner is recognised at the top of the file only, by exact strings, so a short title
further down is never mistaken for it. A title followed directly by a metadata tail gets an
empty abstract (the paper is kept). Dates become ISO ``YYYY-MM-DD`` when the listing gives the
year; without one (``Oct 18``) the date is ``None`` rather than a guessed year.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import NamedTuple

from kg.sources.corpus import Report, make_paper
from kg.types import Paper

#: Lines of the page banner, skipped at the top of a file.
BANNER = frozenset(
    {
        "new",
        "Get trending papers in your email inbox once a day!",
        "Get trending papers in your email inbox!",
        "Subscribe",
        "Daily Papers",
        "byAK and the research community",
    }
)
_GLUED = "Subscribe"  # the banner button, glued to the first title in the lines layout
_SEPARATOR = "·"
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_DATE = re.compile(  # "Oct 18", "Apr 24, 2018", "Jul 10, 2023 1" (an upvote count after it)
    rf"(?P<month>{'|'.join(_MONTHS)}) (?P<day>\d{{1,2}})"
    r"(?:, (?P<year>\d{4}))?(?: (?P<votes>\d+))?"
)
_AUTHORS = re.compile(r"•\s*(?P<n>\d+) authors?")
_COUNT = re.compile(r"\d+")
_BYLINE_MAX = 100  # an organisation name above "·" is short; a longer line is an abstract


class _Line(NamedTuple):
    number: int  # 1-based line number in the file
    text: str  # stripped, never empty


class _Tail(NamedTuple):
    date: str | None = None
    n_authors: int | None = None
    upvotes: int | None = None


def read_hf_daily(path: Path, lines: Iterator[tuple[int, str]], report: Report) -> Iterator[Paper]:
    """Yield the papers of one page dump; report entries that cannot be read."""
    content = [_Line(number, text.strip()) for number, text in lines if text.strip()]
    blocks = _is_block_layout(content)
    content = _without_banner(content)
    entries = _parse_blocks(content, path, report.problem) if blocks else _parse_lines(content)
    for title, abstract, tail in entries:
        try:
            yield make_paper(
                title.text, abstract, path.name, warn=report.at(f"{path}:{title.number}"), **tail._asdict()
            )
        except ValueError as error:
            report.problem(f"{path}:{title.number}: {error}")


def is_page_dump(first_line: str) -> bool:
    """True when a file's first line is the page banner (or the first title glued to it)."""
    return first_line.strip() in BANNER or first_line.startswith(_GLUED)


def _is_block_layout(lines: list[_Line]) -> bool:
    """True when blank lines separate the entries: at least one gap per four content lines."""
    gaps = sum(1 for a, b in itertools.pairwise(lines) if b.number > a.number + 1)
    return bool(lines) and gaps * 4 >= len(lines)


def _is_banner(text: str) -> bool:
    """True for a banner line or a bare date (the list date under the banner)."""
    return text in BANNER or _DATE.fullmatch(text) is not None


def _without_banner(lines: list[_Line]) -> list[_Line]:
    """Drop the banner and list date at the top; unglue ``Subscribe`` from the first title."""
    start = 0
    while start < len(lines) and _is_banner(lines[start].text):
        start += 1
    rest = lines[start:]
    if start and rest and rest[0].text.startswith(_GLUED):
        after = rest[0].text[len(_GLUED) :]
        # "SubscribeLanguage Models ..." but not "Subscriber Churn ..." nor "Subscribe to ..."
        if after[:1].strip() and not after[0].islower():
            rest[0] = rest[0]._replace(text=after)
    return rest


_Entry = tuple[_Line, str, _Tail]  # title line, abstract, metadata


def _parse_lines(lines: list[_Line]) -> list[_Entry]:
    """Lines layout: titles and abstracts alternate; a last title alone keeps an empty abstract."""
    abstracts = [line.text for line in lines[1::2]]
    return [
        (title, abstract, _Tail())
        for title, abstract in itertools.zip_longest(lines[::2], abstracts, fillvalue="")
    ]


def _parse_blocks(lines: list[_Line], path: Path, on_problem: Callable[[str], None]) -> list[_Entry]:
    """Blocks layout: a title, an abstract unless a metadata tail follows at once, then the tail."""
    entries = []
    i = 0
    while i < len(lines):
        if _starts_tail(lines, i):
            on_problem(f"{path}:{lines[i].number}: metadata with no paper above it; ignored")
            i, _ = _read_tail(lines, i)
            continue
        title, abstract, tail = lines[i], "", _Tail()
        i += 1
        if i < len(lines) and not _starts_tail(lines, i):
            abstract, i = lines[i].text, i + 1
        if i < len(lines) and _starts_tail(lines, i):
            i, tail = _read_tail(lines, i)
        entries.append((title, abstract, tail))
    return entries


def _starts_tail(lines: list[_Line], i: int) -> bool:
    """True when ``lines[i]`` begins a metadata tail: byline, separator or date."""
    text = lines[i].text
    return bool(
        text == _SEPARATOR or _AUTHORS.fullmatch(text) or _DATE.fullmatch(text) or _byline_at(lines, i)
    )


def _byline_at(lines: list[_Line], i: int) -> bool:
    """True when ``lines[i]`` is a short line directly above ``·`` (``antgroup Ant Group``)."""
    return (
        len(lines[i].text) <= _BYLINE_MAX
        and i + 1 < len(lines)
        and lines[i + 1].text == _SEPARATOR
        and lines[i + 1].number == lines[i].number + 1
    )


def _read_tail(lines: list[_Line], i: int) -> tuple[int, _Tail]:
    """Read the metadata tail starting at ``lines[i]``; return the index after it and its values."""
    n_authors = None
    if lines[i].text != _SEPARATOR and not _DATE.fullmatch(lines[i].text):
        if match := _AUTHORS.fullmatch(lines[i].text):
            n_authors = int(match["n"])
        i += 1  # the byline: "• N authors" or an organisation
    if i < len(lines) and lines[i].text == _SEPARATOR:
        i += 1
    day = upvotes = None
    if i < len(lines) and (match := _DATE.fullmatch(lines[i].text)):
        day = _iso_date(match)
        upvotes = int(match["votes"]) if match["votes"] else None
        i += 1
        if upvotes is None and i < len(lines) and _COUNT.fullmatch(lines[i].text):
            upvotes, i = int(lines[i].text), i + 1
    return i, _Tail(date=day, n_authors=n_authors, upvotes=upvotes)


def _iso_date(match: re.Match[str]) -> str | None:
    """``YYYY-MM-DD`` for a listing date with a year (``Apr 24, 2018``), else None."""
    if not match["year"]:
        return None
    try:
        month = _MONTHS.index(match["month"]) + 1
        return date(int(match["year"]), month, int(match["day"])).isoformat()
    except ValueError:
        return None
