"""arXiv API answers: Atom feeds (``http://export.arxiv.org/api/query?...`` saved to a file).

Per ``<entry>``: ``title``, ``summary`` (the abstract), ``author/name`` in order, ``published``
(the first version's date), ``id`` (``http://arxiv.org/abs/2310.17966v2``: the arXiv id without
version, also the paper's id), the ``alternate`` link, ``arxiv:doi``, ``arxiv:journal_ref`` (the
venue) and the ``category`` terms (keywords). Any other Atom feed reads the same way, less the
arXiv fields. Parsed with the standard library's expat (2.4.1 and later refuse entity expansion
bombs; external entities are never fetched). A feed cut off mid-way keeps the entries before the
break, and the break is reported with its line.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

from kg.sources.corpus import Report, make_paper
from kg.sources.fields import parse_arxiv_id
from kg.types import Paper

ATOM = "{http://www.w3.org/2005/Atom}"
ARXIV = "{http://arxiv.org/schemas/atom}"
_ENTRY_START = re.compile(r"<(?:[\w.-]+:)?entry[\s>/]")


def read_atom(path: Path, lines: Iterator[tuple[int, str]], report: Report) -> Iterator[Paper]:
    """Yield the papers of one Atom feed; report entries and breaks that cannot be read."""
    text = "\n".join(line for _, line in lines)
    entry_lines = [text.count("\n", 0, match.start()) + 1 for match in _ENTRY_START.finditer(text)]
    for count, element in enumerate(_entries(text, path, report)):
        line = entry_lines[count] if count < len(entry_lines) else 1
        where = f"{path}:{line}"
        try:
            yield _paper(element, path.name, report, where)
        except ValueError as error:
            report.problem(f"{where}: {error}")


def _entries(text: str, path: Path, report: Report) -> Iterator[ET.Element]:
    """The ``<entry>`` elements of a feed, in order, up to the first XML error (reported)."""
    parser = ET.XMLPullParser(events=("end",))
    events = parser.read_events()
    try:
        parser.feed(text)
        parser.close()
    except ET.ParseError as error:
        line, column = error.position
        report.problem(f"{path}:{line}: not well-formed XML (column {column + 1}); entries after it not read")
    while True:
        try:
            _, element = next(events)
        except StopIteration:
            return
        except ET.ParseError:  # the error reported above, met again at its place in the events
            return
        if element.tag == f"{ATOM}entry":
            yield element


def _paper(entry: ET.Element, source: str, report: Report, where: str) -> Paper:
    """The Paper of one ``<entry>``."""
    entry_id = entry.findtext(f"{ATOM}id")
    link = next(
        (
            element.get("href")
            for element in entry.findall(f"{ATOM}link")
            if element.get("rel", "alternate") == "alternate"
        ),
        None,
    )
    arxiv_id = entry_id if entry_id and "arxiv.org/abs/" in entry_id else None
    return make_paper(
        entry.findtext(f"{ATOM}title"),
        entry.findtext(f"{ATOM}summary") or entry.findtext(f"{ATOM}content"),
        source,
        warn=report.at(where),
        given_id=_bare_arxiv_id(arxiv_id) if arxiv_id else entry_id,
        date=entry.findtext(f"{ATOM}published") or entry.findtext(f"{ATOM}updated"),
        authors=[author.findtext(f"{ATOM}name") for author in entry.findall(f"{ATOM}author")],
        url=link or entry_id,
        venue=entry.findtext(f"{ARXIV}journal_ref"),
        doi=entry.findtext(f"{ARXIV}doi"),
        arxiv_id=arxiv_id,
        keywords=[element.get("term") for element in entry.findall(f"{ATOM}category")],
    )


def _bare_arxiv_id(url: str) -> str:
    """``http://arxiv.org/abs/2310.17966v2`` as ``2310.17966`` (the URL itself if it is no id)."""
    try:
        return parse_arxiv_id(url)
    except ValueError:
        return url
