"""Normalisers for the optional fields of a paper: dates, URLs, DOIs, arXiv ids, names, keywords.

Each takes what a source wrote and returns the normal form, or raises ValueError with the
reason, which :func:`kg.sources.corpus.make_paper` turns into a warning that drops the field
(never the paper). Dates are parsed here rather than with ``dateutil``, which fills missing
parts from a default date and so cannot say at what precision a date was given.
"""

from __future__ import annotations

import calendar
import datetime
import re
import urllib.parse

#: Month names and their usual abbreviations, lowercase, to month number.
MONTHS: dict[str, int] = {
    **{name.lower(): n for n, name in enumerate(calendar.month_name) if name},
    **{name.lower(): n for n, name in enumerate(calendar.month_abbr) if name},
    "sept": 9,
}
_MONTH = "|".join(sorted(MONTHS, key=len, reverse=True))
_WEEKDAY = r"(?:(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?,?\s+)?"
_ISO = re.compile(r"(?P<y>\d{4})(?:-(?P<m>\d{1,2})(?:-(?P<d>\d{1,2}))?)?")
_ISO_TIME = re.compile(
    r"(?P<date>\d{4}-\d{2}-\d{2})[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?\s*(?:Z|[+-]\d{2}:?\d{2})?"
)
_SLASHED = re.compile(r"(?P<y>\d{4})[/.](?P<m>\d{1,2})(?:[/.](?P<d>\d{1,2}))?")
_DAY_MONTH_YEAR = re.compile(
    rf"{_WEEKDAY}(?P<d>\d{{1,2}})(?:st|nd|rd|th)?\s+(?P<m>{_MONTH})\.?,?\s+(?P<y>\d{{4}})"
    r"(?:\s+\d{1,2}:\d{2}(?::\d{2})?(?:\s*(?:[A-Z]{2,4}|[+-]\d{4}))?)?",
    re.IGNORECASE,
)
_MONTH_DAY_YEAR = re.compile(
    rf"{_WEEKDAY}(?P<m>{_MONTH})\.?\s+(?P<d>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<y>\d{{4}})", re.IGNORECASE
)
_MONTH_YEAR = re.compile(rf"(?P<m>{_MONTH})\.?,?\s+(?P<y>\d{{4}})", re.IGNORECASE)
_NUMERIC_DMY = re.compile(r"\d{1,2}[/.-]\d{1,2}[/.-](?P<y>\d{4})")

_IRI_FORBIDDEN = re.compile(r'[\x00-\x20<>"{}|\\^`\x7f-\x9f]')
_BAD_ESCAPE = re.compile(r"%(?![0-9A-Fa-f]{2})")
_DOI = re.compile(r"10\.\d{4,9}/\S+")
_DOI_PREFIX = re.compile(r"^(?:https?://(?:dx\.)?doi\.org/|doi:\s*|doi\s+)", re.IGNORECASE)
_ARXIV_NEW = r"\d{4}\.\d{4,5}"
_ARXIV_OLD = r"[a-z][a-z-]*(?:\.[A-Z]{2})?/\d{7}"
_ARXIV = re.compile(
    rf"(?:arxiv:\s*|https?://(?:www\.|export\.)?arxiv\.org/(?:abs|pdf)/)?"
    rf"(?P<id>{_ARXIV_NEW}|{_ARXIV_OLD})(?:v\d+)?(?:\.pdf)?",
    re.IGNORECASE,
)
_SPLIT_LIST = re.compile(r"\s*[;,]\s*")


def parse_date(text: str) -> str:
    """``text`` as ISO 8601 at the precision given: ``2019``, ``2019-05`` or ``2019-05-12``.

    >>> [parse_date(t) for t in ("2019", "May 2019", "12 May 2019", "2019/05/12", "2019-05-12T08:00Z")]
    ['2019', '2019-05', '2019-05-12', '2019-05-12', '2019-05-12']
    """
    text = " ".join(text.split())
    if match := _ISO_TIME.fullmatch(text):
        text = match["date"]
    for pattern in (_ISO, _SLASHED, _DAY_MONTH_YEAR, _MONTH_DAY_YEAR, _MONTH_YEAR):
        if match := pattern.fullmatch(text):
            month = match.groupdict().get("m")
            day = match.groupdict().get("d")
            if month is not None and not month.isdigit():
                month = str(MONTHS[month.lower().rstrip(".")])
            return _checked(match["y"], month, day, text)
    if _NUMERIC_DMY.fullmatch(text):
        raise ValueError("is ambiguous (day and month order unknown)")
    raise ValueError("is not a date")


def _checked(year: str, month: str | None, day: str | None, text: str) -> str:
    """The ISO form of a year, month and day; ValueError if they name no calendar date."""
    try:
        value = datetime.date(int(year), int(month or 1), int(day or 1))
    except ValueError:
        raise ValueError("is not a date") from None
    if not 1000 <= value.year <= 2999:
        raise ValueError("is not a date")
    iso = value.isoformat()
    return iso[:4] if month is None else iso[:7] if day is None else iso


def parse_url(text: str) -> str:
    """``text`` if it is an absolute http(s) URL that is also a valid IRI; ValueError otherwise."""
    url = text.strip()
    if _IRI_FORBIDDEN.search(url):
        raise ValueError("is not a valid URL (spaces or characters an IRI forbids)")
    if _BAD_ESCAPE.search(url):
        raise ValueError("is not a valid URL (a % not followed by two hex digits)")
    try:
        parts = urllib.parse.urlsplit(url)
        parts.port  # noqa: B018 -- raises ValueError on a malformed port
    except ValueError:
        raise ValueError("is not a valid URL") from None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise ValueError("is not an absolute http(s) URL")
    return url


def parse_doi(text: str) -> str:
    """The bare DOI (``10.1234/abc``) of a DOI, ``doi:`` form or doi.org URL.

    >>> parse_doi("https://doi.org/10.48550/arXiv.2310.17966")
    '10.48550/arXiv.2310.17966'
    """
    doi = _DOI_PREFIX.sub("", text.strip())
    if "%" in doi:
        doi = urllib.parse.unquote(doi)
    if not _DOI.fullmatch(doi):
        raise ValueError("is not a DOI")
    return doi


def parse_arxiv_id(text: str) -> str:
    """The arXiv identifier without version, from an id, ``arXiv:`` form or abs/pdf URL.

    >>> parse_arxiv_id("arXiv:2310.17966v2"), parse_arxiv_id("https://arxiv.org/abs/hep-th/9901001v1")
    ('2310.17966', 'hep-th/9901001')
    """
    match = _ARXIV.fullmatch(text.strip())
    if not match:
        raise ValueError("is not an arXiv identifier")
    return match["id"]


def split_names(text: str) -> list[str]:
    """An authors string as names, split on ``;``, else ``and``, else ``,``.

    A name written ``Last, First`` (in a list split on ``;`` or ``and``) is turned round.

    >>> split_names("Doe, Jane; Roe, R."), split_names("A. Lee, B. Chen and C. Wu")
    (['Jane Doe', 'R. Roe'], ['A. Lee', 'B. Chen', 'C. Wu'])
    """
    if ";" in text:
        names = [turn_name(part) for part in text.split(";")]
    elif re.search(r"\s(?:and|&)\s", text):
        parts = re.split(r"\s+(?:and|&)\s+", text)
        if len(parts) == 2 and all(part.count(",") == 1 for part in parts):
            names = [turn_name(part) for part in parts]  # "Last, First and Last2, First2"
        else:
            names = [name for part in parts for name in part.split(",")]
    else:
        names = text.split(",")
    return [" ".join(name.split()) for name in names if name.strip()]


def turn_name(name: str) -> str:
    """``Last, First`` as ``First Last``; any other name unchanged."""
    last, comma, first = name.partition(",")
    if not comma or "," in first or not first.strip() or not last.strip():
        return name
    return f"{first.strip()} {last.strip()}"


def split_list(text: str) -> list[str]:
    """A keywords string split on ``;`` or ``,``, blanks left out."""
    return [item for item in _SPLIT_LIST.split(text.strip()) if item]
