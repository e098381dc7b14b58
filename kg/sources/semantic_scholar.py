"""Semantic Scholar Academic Graph datasets: ``papers`` records and ``abstracts`` records.

A papers record (``corpusid``, ``title``, ``authors[].name``, ``year``, ``publicationdate``,
``venue`` or ``journal.name``, ``externalids`` with ``DOI`` and ``ArXiv``, ``url``) becomes a
paper with id ``CorpusId:<corpusid>``; an abstracts record (``corpusid``, ``abstract``) is joined
to it by :func:`kg.sources.read_corpus` when both files are read. A paper whose abstract is not
given is kept title-only. Keys are matched in any case, so the Graph API's camelCase answers
(``paperId``, ``externalIds``, ``publicationDate``) read the same way.
"""

from __future__ import annotations

from collections.abc import Callable

from kg.sources.corpus import AbstractRecord, make_paper
from kg.types import Paper

#: The id prefix Semantic Scholar itself uses for corpus ids.
ID_PREFIX = "CorpusId:"


def matches(row: dict[str, object]) -> bool:
    """True for a papers or abstracts record (or a Graph API paper)."""
    keys = {key.lower() for key in row}
    return "corpusid" in keys or ("paperid" in keys and "externalids" in keys)


def record(row: dict[str, object], source: str, warn: Callable[[str], None]) -> Paper | AbstractRecord:
    """The Paper of a papers record, or the AbstractRecord of an abstracts record."""
    fields = {key.lower(): value for key, value in row.items()}
    corpus_id = fields.get("corpusid")
    if "title" not in fields and "abstract" in fields:
        if not isinstance(corpus_id, int | str) or isinstance(corpus_id, bool) or not str(corpus_id).strip():
            raise ValueError("abstract record without a corpusid")
        abstract = fields["abstract"]
        return AbstractRecord(str(corpus_id).strip(), abstract if isinstance(abstract, str) else "")
    external = {key.lower(): value for key, value in _dict(fields.get("externalids")).items()}
    journal = _dict(fields.get("journal")).get("name")
    authors = fields.get("authors")
    return make_paper(
        fields.get("title"),
        fields.get("abstract"),
        source,
        warn=warn,
        given_id=f"{ID_PREFIX}{corpus_id}" if isinstance(corpus_id, int | str) and str(corpus_id) else None,
        date=fields.get("publicationdate"),
        year=fields.get("year"),
        authors=authors,
        url=fields.get("url"),
        venue=fields.get("venue") or journal,
        doi=external.get("doi"),
        arxiv_id=external.get("arxiv"),
    )


def _dict(value: object) -> dict[str, object]:
    """``value`` if it is an object, else an empty one."""
    return value if isinstance(value, dict) else {}
