"""BibTeX, as Zotero, Mendeley, JabRef or Google Scholar export it (``*.bib``), read with bibtexparser.

Per entry: ``title``, ``abstract``, ``author`` (``Last, First and Last2, First2``, in order;
``and others`` left out), ``date`` or ``year`` with ``month``, ``doi``, ``url``, ``eprint`` with
``archivePrefix = {arXiv}`` (the arXiv id), ``journal``/``journaltitle``/``booktitle`` (the
venue) and ``keywords``. LaTeX accents and braces are turned into text by cleanup. An entry
bibtexparser cannot parse is reported with its line; an entry whose key repeats is still read.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import bibtexparser
from bibtexparser.middlewares.names import (
    InvalidNameError,
    parse_single_name_into_parts,
    split_multiple_persons_names,
)
from bibtexparser.model import DuplicateBlockKeyBlock, Entry, ParsingFailedBlock

from kg.sources.corpus import Report, make_paper
from kg.sources.fields import MONTHS
from kg.types import Paper

# bibtexparser logs each syntax error; we report them ourselves, once, as problems.
logging.getLogger("bibtexparser").addHandler(logging.NullHandler())
logging.getLogger("bibtexparser").propagate = False

_VENUE_FIELDS = ("journal", "journaltitle", "booktitle", "publisher", "school", "institution")


def read_bibtex(path: Path, lines: Iterator[tuple[int, str]], report: Report) -> Iterator[Paper]:
    """Yield the papers of one BibTeX file; report entries that cannot be read."""
    library = bibtexparser.parse_string("\n".join(line for _, line in lines))
    for block in library.blocks:
        line = block.start_line + 1 if block.start_line is not None else 1
        if isinstance(block, DuplicateBlockKeyBlock) and isinstance(block.ignore_error_block, Entry):
            block = block.ignore_error_block
        elif isinstance(block, ParsingFailedBlock):
            report.problem(f"{path}:{line}: unreadable BibTeX entry ({_first_line(block.error)})")
            continue
        if not isinstance(block, Entry):
            continue
        where = f"{path}:{line}"
        try:
            yield _paper(block, path.name, report, where)
        except ValueError as error:
            report.problem(f"{where}: {error}")


def _paper(entry: Entry, source: str, report: Report, where: str) -> Paper:
    """The Paper of one entry."""
    fields = {field.key.lower(): field.value for field in entry.fields}

    def text(name: str) -> str | None:
        value = fields.get(name)
        return value.strip() if isinstance(value, str) and value.strip() else None

    eprint = text("eprint")
    prefix = (text("archiveprefix") or text("eprinttype") or "").lower()
    return make_paper(
        text("title"),
        text("abstract"),
        source,
        warn=report.at(where),
        given_id=None,
        date=text("date") or _year_month(text("year"), text("month")),
        authors=_names(text("author") or ""),
        url=text("url"),
        venue=next((value for name in _VENUE_FIELDS if (value := text(name))), None),
        doi=text("doi"),
        arxiv_id=eprint if eprint and (prefix == "arxiv" or (not prefix and "." in eprint)) else None,
        keywords=text("keywords"),
    )


def _year_month(year: str | None, month: str | None) -> str | None:
    """``2019`` with month ``may``, ``{May}`` or ``5`` as ``2019-05``; the year alone otherwise."""
    if not year:
        return None
    name = (month or "").strip("{} ").lower().rstrip(".")
    number = MONTHS.get(name) or (int(name) if name.isdigit() and 1 <= int(name) <= 12 else None)
    return f"{year}-{number:02d}" if number and year.isdigit() else year


def _names(text: str) -> list[str]:
    """The ``author`` field as names in order, ``First von Last Jr`` each."""
    names = []
    for person in split_multiple_persons_names(text):
        if person.strip().lower() == "others":
            continue
        try:
            parts = parse_single_name_into_parts(person, strict=False)
            names.append(parts.merge_first_name_first)
        except InvalidNameError:  # a name bibtexparser cannot split is kept as written
            names.append(person)
    return names


def _first_line(error: object) -> str:
    """The first line of a parse error's message."""
    return str(error).strip().splitlines()[0] if str(error).strip() else "syntax error"
