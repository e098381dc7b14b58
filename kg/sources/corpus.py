"""Paper identity and merging: a title key, stable ids, and one paper per key.

Every reader builds its papers with :func:`make_paper`, so a title gets the same key and the
same id whichever file it came from; :func:`merge_papers` then folds the repeats together.
"""

from __future__ import annotations

import datetime
import hashlib
import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace

from kg.types import Paper

#: Longest text field (title, abstract, id, url, author) accepted; longer rows are reported.
MAX_FIELD_CHARS = 100_000

_SLUG_MAX = 48
_PREVIEW = 60


@dataclass(frozen=True)
class Corpus:
    """The unique papers read from some files, and what could not be read."""

    papers: tuple[Paper, ...]  # unique papers, in first-seen order
    problems: tuple[str, ...]  # one-line messages: files or rows that could not be read
    n_read: int  # records read before de-duplication


def paper_key(title: str) -> str:
    """The de-duplication key of a title: NFKC, casefolded, punctuation and spacing ignored.

    >>> paper_key("Offline-to-Online  RL") == paper_key("offline to online RL.")
    True
    """
    text = unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", title).casefold())
    # Letters, digits and combining marks make words; everything else only separates them.
    words = "".join(c if unicodedata.category(c)[0] in "LNM" else " " for c in text).split()
    return " ".join(words) or " ".join(text.split())


def paper_id(title: str, given: str | None = None) -> str:
    """The paper's id: ``given`` (stripped) when the source has one, else derived from the title.

    The derived id is a readable slug of the first words (lowercase ASCII, at most 48 characters)
    plus the first 8 hex digits of the SHA-1 of :func:`paper_key`, so the same title gets the
    same id on every run and in every file.

    >>> paper_id("Reward Design with Language Models")
    'reward-design-with-language-models-859f080f'
    """
    if given is not None and given.strip():
        return given.strip()
    key = paper_key(title)
    digest = hashlib.sha1(key.encode("utf-8"), usedforsecurity=False).hexdigest()[:8]
    return f"{_slug(key) or 'paper'}-{digest}"


def _slug(key: str) -> str:
    """The first words of ``key`` as lowercase ASCII joined by hyphens, at most 48 characters."""
    ascii_text = unicodedata.normalize("NFKD", key).encode("ascii", "ignore").decode("ascii")
    words = re.findall(r"[a-z0-9]+", ascii_text.lower())
    slug = words[0][:_SLUG_MAX] if words else ""
    for word in words[1:]:
        if len(slug) + 1 + len(word) > _SLUG_MAX:
            break
        slug = f"{slug}-{word}"
    return slug


def make_paper(
    title: str,
    abstract: str,
    source: str,
    *,
    given_id: str | None = None,
    date: str | None = None,
    n_authors: int | None = None,
    upvotes: int | None = None,
    authors: Iterable[str] = (),
    url: str | None = None,
) -> Paper:
    """Build the Paper of one record read from ``source``; raise ValueError saying what is wrong.

    The title is stripped and its whitespace runs collapsed, the abstract stripped; nothing
    else is changed (escaping is the job of the outputs). ``date`` must be ISO 8601. Without
    ``n_authors``, the number of distinct ``authors`` (if any) is used.
    """
    title = " ".join(title.split())
    if not title:
        raise ValueError("empty title")
    names = tuple(dict.fromkeys(" ".join(name.split()) for name in authors if name.strip()))
    for field, value in (("title", title), ("abstract", abstract), ("id", given_id), ("url", url)):
        _check_length(field, value)
    for name in names:
        _check_length("authors", name)
    return Paper(
        id=paper_id(title, given_id),
        title=title,
        abstract=abstract.strip(),
        date=_iso_date(date) if date and date.strip() else None,
        n_authors=n_authors if n_authors is not None else len(names) or None,
        upvotes=upvotes,
        sources=(source,),
        authors=names,
        url=(url.strip() or None) if url else None,
    )


def _check_length(field: str, value: str | None) -> None:
    """Raise ValueError when a text field is absurdly long."""
    if value is not None and len(value) > MAX_FIELD_CHARS:
        raise ValueError(f"field {field!r} is longer than {MAX_FIELD_CHARS:,} characters")


def _iso_date(text: str) -> str:
    """``text`` as ``YYYY-MM-DD``: an ISO 8601 date, or the date part of an ISO datetime."""
    text = text.strip()
    try:
        return datetime.date.fromisoformat(text).isoformat()
    except ValueError:
        pass
    try:
        return datetime.datetime.fromisoformat(text).date().isoformat()
    except ValueError:
        raise ValueError(f"date {text[:_PREVIEW]!r} is not an ISO 8601 date (YYYY-MM-DD)") from None


def merge_papers(papers: Iterable[Paper], on_problem: Callable[[str], None]) -> tuple[Paper, ...]:
    """Fold papers with the same :func:`paper_key` into one, in first-seen order.

    Keeps the first title, the first id given by a source (else the derived one), the longest
    abstract, the first date, author count and url, the most upvotes, every author (in order)
    and the sorted names of every source. Two different titles given the same id keep the
    first; the second falls back to a derived id and the clash is reported.
    """
    by_key: dict[str, Paper] = {}
    for paper in papers:
        key = paper_key(paper.title)
        seen = by_key.get(key)
        by_key[key] = paper if seen is None else _combine(seen, paper)
    taken: set[str] = set()
    merged = []
    for paper in by_key.values():
        if paper.id in taken:
            fallback = paper_id(paper.title)
            suffix = 2
            while fallback in taken:
                fallback, suffix = f"{paper_id(paper.title)}-{suffix}", suffix + 1
            on_problem(
                f"{', '.join(paper.sources)}: id {paper.id!r} is given to two different titles;"
                f" {paper.title[:_PREVIEW]!r} gets {fallback!r}"
            )
            paper = replace(paper, id=fallback)
        taken.add(paper.id)
        merged.append(paper)
    return tuple(merged)


def _combine(first: Paper, later: Paper) -> Paper:
    """One paper from two records of it; ``first`` was read before ``later``."""
    first_derived = first.id == paper_id(first.title)
    later_given = later.id != paper_id(later.title)
    upvotes = [n for n in (first.upvotes, later.upvotes) if n is not None]
    return replace(
        first,
        id=later.id if first_derived and later_given else first.id,
        abstract=later.abstract if len(later.abstract) > len(first.abstract) else first.abstract,
        date=first.date or later.date,
        n_authors=first.n_authors if first.n_authors is not None else later.n_authors,
        upvotes=max(upvotes) if upvotes else None,
        sources=tuple(sorted({*first.sources, *later.sources})),
        authors=tuple(dict.fromkeys((*first.authors, *later.authors))),
        url=first.url or later.url,
    )
