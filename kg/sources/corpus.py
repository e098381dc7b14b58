"""Paper identity and merging: a title key, stable ids, and one paper per key.

Every reader builds its papers with :func:`make_paper`, so a title gets the same key and the
same id whichever file it came from; :func:`merge_papers` then folds the repeats together.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace

from kg.sources.cleanup import clean_text
from kg.sources.fields import parse_arxiv_id, parse_date, parse_doi, parse_url, split_list, split_names
from kg.types import Paper

#: Longest text field (title, abstract, id, url, author) accepted; longer rows are reported.
MAX_FIELD_CHARS = 100_000

_SLUG_MAX = 48
_PREVIEW = 60
_SURROGATE = re.compile("[\ud800-\udfff]")


@dataclass(frozen=True)
class Corpus:
    """The unique papers read from some files, and what could not be read or used."""

    papers: tuple[Paper, ...]  # unique papers, in first-seen order
    problems: tuple[str, ...]  # one-line messages: files or rows that could not be read (dropped)
    n_read: int  # records read before de-duplication
    #: One-line messages about kept papers: an optional field dropped, bytes replaced, ids that differ.
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True)
class AbstractRecord:
    """An abstract given apart from its paper (Semantic Scholar's ``abstracts`` dataset)."""

    corpus_id: str
    abstract: str


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
    title: object,
    abstract: object,
    source: str,
    *,
    warn: Callable[[str], None] = lambda message: None,
    given_id: object = None,
    date: object = None,
    year: object = None,
    n_authors: int | None = None,
    upvotes: int | None = None,
    authors: object = (),
    url: object = None,
    venue: object = None,
    doi: object = None,
    arxiv_id: object = None,
    keywords: object = (),
    status: object = None,
) -> Paper:
    """Build the Paper of one record read from ``source``, as leniently as the meaning allows.

    Values come as the source wrote them: a number where text is expected is text, an authors
    or keywords string is split, title and abstract are cleaned of markup (:mod:`.cleanup`). An
    optional field that cannot be used is dropped with a one-line message to ``warn``; only a
    record without a usable title raises ValueError. Without ``n_authors``, the number of
    distinct authors (if any) is used.
    """
    fields = _Fields(warn)
    if title is not None and (isinstance(title, bool) or not isinstance(title, str | int | float)):
        raise ValueError(f"no usable title (field 'title' is {type(title).__name__}, not text)")
    clean_title = clean_text(fields.text("title", title) or "")
    if not clean_title:
        raise ValueError("no usable title")
    if len(clean_title) > MAX_FIELD_CHARS:
        raise ValueError(f"field 'title' is longer than {MAX_FIELD_CHARS:,} characters")
    names = tuple(dict.fromkeys(fields.names(authors)))
    return Paper(
        id=paper_id(clean_title, fields.text("id", given_id)),
        title=clean_title,
        abstract=clean_text(fields.text("abstract", abstract) or ""),
        date=fields.date(date, year),
        n_authors=n_authors if n_authors is not None else len(names) or None,
        upvotes=upvotes,
        sources=(source,),
        authors=names,
        url=fields.parsed("url", url, parse_url),
        venue=clean_text(fields.text("venue", venue) or "") or None,
        doi=fields.parsed("doi", doi, parse_doi),
        arxiv_id=fields.parsed("arxiv_id", arxiv_id, parse_arxiv_id),
        keywords=tuple(dict.fromkeys(fields.keywords(keywords))),
        status=(fields.text("status", status) or "").strip() or None,
    )


class _Fields:
    """Turns a record's raw values into field values, warning about each one it drops."""

    def __init__(self, warn: Callable[[str], None]) -> None:
        self.warn = warn

    def drop(self, field: str, value: object, reason: str) -> None:
        """Warn that ``field`` is dropped."""
        shown = repr(value if not isinstance(value, str) else value[:_PREVIEW])
        self.warn(f"field {field!r} {shown} {reason}; dropped")

    def text(self, field: str, value: object) -> str | None:
        """``value`` as text (a number is text), lone surrogates replaced; None if unusable."""
        if value is None or isinstance(value, bool):
            return None
        if isinstance(value, int | float):
            value = str(value)
        if not isinstance(value, str):
            self.drop(field, type(value).__name__, "is not text")
            return None
        if _SURROGATE.search(value):
            self.warn(f"field {field!r} has a lone surrogate; replaced by U+FFFD")
            value = _SURROGATE.sub("\ufffd", value)
        if len(value) > MAX_FIELD_CHARS and field != "title":
            self.drop(field, f"{len(value):,} characters", f"is longer than {MAX_FIELD_CHARS:,} characters")
            return None
        return value

    def parsed(self, field: str, value: object, parse: Callable[[str], str]) -> str | None:
        """``value`` normalised by ``parse``, or None (with a warning) when it is not valid."""
        text = self.text(field, value)
        if text is None or not text.strip():
            return None
        try:
            return parse(text)
        except ValueError as error:
            self.drop(field, text, str(error))
            return None

    def date(self, date: object, year: object) -> str | None:
        """The date at its precision, else the year; a date that is no date is dropped."""
        return self.parsed("date", date, parse_date) or self.parsed("year", year, _parse_year)

    def names(self, value: object) -> list[str]:
        """Author names from a list (of names or ``{"name": ...}`` objects) or a string."""
        if isinstance(value, str):
            value = split_names(value)
        if not isinstance(value, list | tuple):
            if value is not None:
                self.drop("authors", type(value).__name__, "is not a list of names")
            return []
        names = []
        for item in value:
            if isinstance(item, dict):
                item = item.get("name", item.get("display_name"))
            name = self.text("authors", item)
            if name is not None and (name := clean_text(name)):
                names.append(name)
        return names

    def keywords(self, value: object) -> list[str]:
        """Keywords from a list or a ``;``/``,`` separated string."""
        if isinstance(value, str):
            value = split_list(value)
        if not isinstance(value, list | tuple):
            if value is not None:
                self.drop("keywords", type(value).__name__, "is not a list of keywords")
            return []
        words = (self.text("keywords", item) for item in value)
        return [cleaned for word in words if word and (cleaned := clean_text(word))]


def _parse_year(text: str) -> str:
    """A year field (``2019``, ``2019.0``) as an ISO year."""
    year = text.strip().removesuffix(".0")
    if len(year) != 4 or not year.isdigit():
        raise ValueError("is not a year")
    return parse_date(year)


def merge_papers(papers: Iterable[Paper], on_warning: Callable[[str], None]) -> tuple[Paper, ...]:
    """Fold the records of one paper into one, in first-seen order.

    Records are one paper when their titles have the same :func:`paper_key` and their ids agree:
    the same id, the same DOI or arXiv id, or one of them has no id of its own. Two records of
    one title with different ids stay two papers, with a warning naming both ids. The merged
    paper keeps the first title, the first id given by a source, the longest abstract, the first
    date, author count, url, venue, DOI, arXiv id and status, the most upvotes, every author and
    keyword (in order) and the sorted names of every source. Two different titles given the same
    id keep the first; the second falls back to a derived id, with a warning.
    """
    by_key: dict[str, list[int]] = {}
    merged: list[Paper] = []
    for paper in papers:
        slots = by_key.setdefault(paper_key(paper.title), [])
        for index in slots:
            if _agree(merged[index], paper):
                merged[index] = _combine(merged[index], paper)
                break
        else:
            if slots:
                other = merged[slots[0]]
                on_warning(
                    f"{', '.join(paper.sources)}: {paper.title[:_PREVIEW]!r} has id {paper.id!r}, and"
                    f" id {other.id!r} in {', '.join(other.sources)}; kept as two papers"
                )
            slots.append(len(merged))
            merged.append(paper)
    taken: set[str] = set()
    unique = []
    for paper in merged:
        if paper.id in taken:
            fallback = paper_id(paper.title)
            suffix = 2
            while fallback in taken:
                fallback, suffix = f"{paper_id(paper.title)}-{suffix}", suffix + 1
            on_warning(
                f"{', '.join(paper.sources)}: id {paper.id!r} is given to two different titles;"
                f" {paper.title[:_PREVIEW]!r} gets {fallback!r}"
            )
            paper = replace(paper, id=fallback)
        taken.add(paper.id)
        unique.append(paper)
    return tuple(unique)


def _has_given_id(paper: Paper) -> bool:
    """True when a source gave the paper its id (it is not the one derived from the title)."""
    return paper.id != paper_id(paper.title)


def _agree(first: Paper, later: Paper) -> bool:
    """True when two records of one title may be one paper: their ids do not contradict."""
    return (
        first.id == later.id
        or not _has_given_id(first)
        or not _has_given_id(later)
        or bool(first.doi and later.doi and first.doi.casefold() == later.doi.casefold())
        or bool(first.arxiv_id and first.arxiv_id == later.arxiv_id)
    )


def _combine(first: Paper, later: Paper) -> Paper:
    """One paper from two records of it; ``first`` was read before ``later``."""
    upvotes = [n for n in (first.upvotes, later.upvotes) if n is not None]
    return replace(
        first,
        id=later.id if not _has_given_id(first) and _has_given_id(later) else first.id,
        abstract=later.abstract if len(later.abstract) > len(first.abstract) else first.abstract,
        date=first.date or later.date,
        n_authors=first.n_authors if first.n_authors is not None else later.n_authors,
        upvotes=max(upvotes) if upvotes else None,
        sources=tuple(sorted({*first.sources, *later.sources})),
        authors=tuple(dict.fromkeys((*first.authors, *later.authors))),
        url=first.url or later.url,
        venue=first.venue or later.venue,
        doi=first.doi or later.doi,
        arxiv_id=first.arxiv_id or later.arxiv_id,
        keywords=tuple(dict.fromkeys((*first.keywords, *later.keywords))),
        status=first.status or later.status,
    )


@dataclass
class Report:
    """Where a reader sends what it could not use: problems (rows or files dropped) and warnings."""

    problems: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def problem(self, message: str) -> None:
        """Report a row or file that is dropped."""
        self.problems.append(message)

    def warning(self, message: str) -> None:
        """Report something dropped or changed in a paper that is kept."""
        self.warnings.append(message)

    def at(self, where: str) -> Callable[[str], None]:
        """A warning callback that prefixes its messages with ``where`` (``file:line``)."""
        return lambda message: self.warnings.append(f"{where}: {message}")
