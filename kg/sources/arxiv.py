"""arXiv's metadata snapshot (the Kaggle ``arxiv-metadata-oai-snapshot.json``): one JSON object a line.

``id`` is the arXiv id; ``authors_parsed`` (``[last, first, suffix]`` lists) gives the names in
order, else the ``authors`` string; ``categories`` (space separated) become keywords,
``journal-ref`` the venue; the date is the first version's ``created`` date, else
``update_date``. Names and titles keep LaTeX accents in the snapshot; cleanup turns them into
letters.
"""

from __future__ import annotations

import email.utils
from collections.abc import Callable

from kg.sources.corpus import make_paper
from kg.types import Paper


def matches(row: dict[str, object]) -> bool:
    """True for a snapshot record."""
    return "authors_parsed" in row or ("versions" in row and "categories" in row) or "update_date" in row


def record(row: dict[str, object], source: str, warn: Callable[[str], None]) -> Paper:
    """The Paper of one snapshot record."""
    arxiv_id = row.get("id")
    categories = row.get("categories")
    return make_paper(
        row.get("title"),
        row.get("abstract"),
        source,
        warn=warn,
        given_id=arxiv_id,
        date=_first_version_date(row.get("versions")) or row.get("update_date"),
        authors=_names(row.get("authors_parsed")) or row.get("authors"),
        url=f"https://arxiv.org/abs/{arxiv_id}" if isinstance(arxiv_id, str) and arxiv_id.strip() else None,
        venue=row.get("journal-ref"),
        doi=row.get("doi"),
        arxiv_id=arxiv_id,
        keywords=categories.split() if isinstance(categories, str) else categories,
    )


def _first_version_date(versions: object) -> str | None:
    """``YYYY-MM-DD`` of the first version's ``created`` (``Mon, 2 Apr 2007 19:18:42 GMT``)."""
    if not isinstance(versions, list) or not versions or not isinstance(versions[0], dict):
        return None
    created = versions[0].get("created")
    if not isinstance(created, str):
        return None
    try:
        return email.utils.parsedate_to_datetime(created).date().isoformat()
    except (TypeError, ValueError, IndexError):
        return None


def _names(parsed: object) -> list[str]:
    """``[["Last", "First", "Jr"], ...]`` as ``["First Last Jr", ...]``."""
    if not isinstance(parsed, list):
        return []
    names = []
    for parts in parsed:
        if isinstance(parts, list) and parts and all(isinstance(part, str) for part in parts):
            last, first, *suffix = [*parts, "", ""][:3]
            names.append(" ".join(part for part in (first, last, *suffix) if part.strip()))
    return names
