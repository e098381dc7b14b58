"""OpenReview notes, from API v1 (``content.title``) or API v2 (``content.title.value``).

Title, abstract, authors and keywords come from ``content``; the venue from ``content.venue``
(``ICLR 2024 poster`` gives venue ``ICLR 2024`` and status ``Poster``), a ``decision`` field
(``Accept (Oral)``) where the note has one; the date from ``pdate``, else ``odate``, else
``cdate`` (milliseconds since 1970); the URL is the forum page.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable

from kg.sources.corpus import make_paper
from kg.types import Paper

_VENUE_STATUS = re.compile(
    r"(?P<venue>.*?\b(?:19|20)\d\d)(?:\s+conference)?\s+(?P<status>oral|poster|spotlight|notable top \d+%)",
    re.IGNORECASE,
)
_DECISION = re.compile(r"accept\w*\s*\((?P<status>[^)]+)\)", re.IGNORECASE)


def matches(row: dict[str, object]) -> bool:
    """True for a note: an object whose ``content`` is an object."""
    return isinstance(row.get("content"), dict)


def record(row: dict[str, object], source: str, warn: Callable[[str], None]) -> Paper:
    """The Paper of one note."""
    content = row["content"]
    assert isinstance(content, dict)

    def value(name: str) -> object:
        field = content.get(name)
        return field.get("value") if isinstance(field, dict) else field

    venue, status = _venue_status(value("venue"), value("decision"))
    forum = row.get("forum") or row.get("id")
    return make_paper(
        value("title"),
        value("abstract"),
        source,
        warn=warn,
        given_id=row.get("id"),
        date=_date(row),
        authors=value("authors"),
        url=f"https://openreview.net/forum?id={forum}" if isinstance(forum, str) and forum.strip() else None,
        venue=venue,
        keywords=value("keywords"),
        status=status,
    )


def _venue_status(venue: object, decision: object) -> tuple[object, object]:
    """The venue without its decision suffix, and the decision (``Oral``, ``Poster``, ``Reject``)."""
    status: object = None
    if isinstance(venue, str):
        venue = venue.strip().removeprefix("Submitted to ").strip()
        if match := _VENUE_STATUS.fullmatch(venue):
            venue, status = match["venue"], match["status"].capitalize()
    if isinstance(decision, str) and decision.strip():
        match = _DECISION.fullmatch(decision.strip())
        status = match["status"].strip().capitalize() if match else decision.strip()
    return venue, status


def _date(row: dict[str, object]) -> str | None:
    """The ISO date of the first of ``pdate``, ``odate``, ``cdate`` that is a timestamp."""
    for key in ("pdate", "odate", "cdate"):
        stamp = row.get(key)
        if isinstance(stamp, int | float) and not isinstance(stamp, bool):
            try:
                return datetime.datetime.fromtimestamp(stamp / 1000, datetime.UTC).date().isoformat()
            except (OverflowError, OSError, ValueError):
                continue
    return None
