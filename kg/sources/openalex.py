"""OpenAlex works (JSON lines from the snapshot, or an API answer ``{"results": [...]}``).

The abstract is rebuilt from ``abstract_inverted_index`` (word to positions); authors are the
``authorships`` in order; ``publication_date`` (else ``publication_year``) is the date,
``primary_location.source.display_name`` the venue, ``doi`` the DOI, ``ids.openalex`` the id,
``keywords`` and ``concepts`` display names the keywords; an arXiv landing page gives the arXiv id.
"""

from __future__ import annotations

from collections.abc import Callable

from kg.sources.corpus import make_paper
from kg.types import Paper

_PREFIX = "https://openalex.org/"


def matches(row: dict[str, object]) -> bool:
    """True for an OpenAlex work."""
    return (
        "abstract_inverted_index" in row or "authorships" in row or str(row.get("id", "")).startswith(_PREFIX)
    )


def record(row: dict[str, object], source: str, warn: Callable[[str], None]) -> Paper:
    """The Paper of one work."""
    location = _dict(row.get("primary_location"))
    landing = location.get("landing_page_url")
    work_id = row.get("id")
    return make_paper(
        row.get("title", row.get("display_name")),
        abstract_text(row.get("abstract_inverted_index")),
        source,
        warn=warn,
        given_id=work_id.removeprefix(_PREFIX) if isinstance(work_id, str) else work_id,
        date=row.get("publication_date"),
        year=row.get("publication_year"),
        authors=[_dict(a.get("author")).get("display_name") for a in _dicts(row.get("authorships"))],
        url=landing if landing is not None else row.get("doi"),
        venue=_dict(location.get("source")).get("display_name"),
        doi=row.get("doi"),
        arxiv_id=_arxiv_id(row),
        keywords=[
            k.get("display_name") for k in (*_dicts(row.get("keywords")), *_dicts(row.get("concepts")))
        ],
    )


def abstract_text(index: object) -> str:
    """The abstract an inverted index encodes: each word placed at its positions.

    >>> abstract_text({"Deep": [0], "nets": [1, 3], "and": [2]})
    'Deep nets and nets'
    """
    if not isinstance(index, dict):
        return ""
    placed: dict[int, str] = {}
    for word, positions in index.items():
        for position in positions if isinstance(positions, list) else ():
            if isinstance(position, int) and not isinstance(position, bool) and 0 <= position < 100_000:
                placed[position] = word
    return " ".join(placed[position] for position in sorted(placed))


def _arxiv_id(row: dict[str, object]) -> str | None:
    """The arXiv id of a work one of whose locations is an arXiv abstract page."""
    for location in _dicts(row.get("locations")):
        url = location.get("landing_page_url")
        if isinstance(url, str) and "arxiv.org/abs/" in url:
            return url
    return None


def _dict(value: object) -> dict[str, object]:
    """``value`` if it is an object, else an empty one (a missing or null nested field)."""
    return value if isinstance(value, dict) else {}


def _dicts(value: object) -> list[dict[str, object]]:
    """The objects of a list (anything else in it ignored)."""
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []
