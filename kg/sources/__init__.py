"""Reading papers from disk, in the formats researchers export, chosen by each file's content.

:func:`read_corpus` is the entry point: it reads files and directories (gzip, bz2 and xz
transparently), keeps every paper with a usable title, reports what it drops as one-line
problems and what it changes as one-line warnings, and merges the records of one paper.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Callable, Iterable, Iterator
from dataclasses import replace
from pathlib import Path

from kg.errors import InputError
from kg.sources.atom import read_atom
from kg.sources.bibtex import read_bibtex
from kg.sources.cleanup import clean_text
from kg.sources.corpus import AbstractRecord, Corpus, Report, merge_papers, paper_id, paper_key
from kg.sources.csv import header_columns, read_csv
from kg.sources.hf_daily import is_page_dump, read_hf_daily
from kg.sources.jsonl import read_json
from kg.sources.semantic_scholar import ID_PREFIX
from kg.sources.textio import detect_encoding, read_head, read_lines
from kg.types import Paper

__all__ = [
    "READERS",
    "Corpus",
    "detect_format",
    "paper_id",
    "paper_key",
    "read_corpus",
]

Record = Paper | AbstractRecord
Reader = Callable[[Path, Iterator[tuple[int, str]], Report], Iterator[Record]]

#: Format name to reader; :func:`detect_format` picks the name from a file's first bytes.
READERS: dict[str, Reader] = {
    "json": read_json,
    "atom": read_atom,
    "bibtex": read_bibtex,
    "csv": read_csv,
    "hf-daily": read_hf_daily,
}
#: Extension to format, for a file whose content does not say (e.g. a ``.txt`` page dump).
EXTENSIONS = {
    ".jsonl": "json",
    ".json": "json",
    ".ndjson": "json",
    ".xml": "atom",
    ".atom": "atom",
    ".bib": "bibtex",
    ".csv": "csv",
    ".tsv": "csv",
    ".txt": "hf-daily",
}
_COMPRESSED = (".gz", ".bz2", ".xz")

#: Problems listed per file; the rest are counted in one closing line.
MAX_PROBLEMS_PER_FILE = 20


def read_corpus(paths: Iterable[str | os.PathLike[str]] | str | os.PathLike[str]) -> Corpus:
    """Read papers from files and directories, one paper per distinct title and id.

    A directory contributes every regular, non-hidden file in it (sorted, not recursive), each
    read by the format its content shows. A missing, empty, binary or unreadable file, a FIFO or
    device, and a row without a usable title become one-line entries of :attr:`Corpus.problems`;
    an optional field that cannot be used, replaced bytes and papers kept apart become entries of
    :attr:`Corpus.warnings`; the other files and rows still land. Semantic Scholar abstracts are
    joined to the papers of the same corpus id. Raises :class:`~kg.errors.InputError` only when
    no paper at all could be read.
    """
    if isinstance(paths, str | os.PathLike):
        paths = [paths]
    report = Report()
    records: list[Paper] = []
    abstracts: dict[str, AbstractRecord] = {}
    for path in _input_files(paths, report):
        for record in _read_file(path, report):
            if isinstance(record, AbstractRecord):
                abstracts.setdefault(record.corpus_id, record)
            else:
                records.append(record)
    if abstracts:
        records = _join_abstracts(records, abstracts, report)
    papers = merge_papers(records, report.warning)
    problems = tuple(_one_line(problem) for problem in report.problems)
    if not papers:
        raise InputError("; ".join(problems) or "no input paths given")
    warnings = tuple(_one_line(warning) for warning in report.warnings)
    return Corpus(papers=papers, problems=problems, n_read=len(records), warnings=warnings)


def detect_format(path: Path, first_lines: list[str]) -> str | None:
    """The format of a file from its first non-blank lines, else from its extension."""
    first = first_lines[0].lstrip("\ufeff \t") if first_lines else ""
    if first.startswith(("{", "[")):
        return "json"
    if first.startswith("<"):
        head = "\n".join(first_lines)
        return "atom" if "<feed" in head else None
    if header_columns(first) is not None:
        return "csv"
    if any(line.lstrip().startswith("@") and "{" in line for line in first_lines):
        return "bibtex"
    if is_page_dump(first):
        return "hf-daily"
    suffixes = [suffix.lower() for suffix in path.suffixes]
    while suffixes and suffixes[-1] in _COMPRESSED:
        suffixes.pop()
    return EXTENSIONS.get(suffixes[-1]) if suffixes else None


def _input_files(paths: Iterable[str | os.PathLike[str]], report: Report) -> list[Path]:
    """The files to read, directories expanded, each file once; the rest reported."""
    files: list[Path] = []
    seen: set[Path] = set()
    for given in paths:
        path = Path(given)
        try:
            mode = path.stat().st_mode
        except OSError as error:
            reason = "no such file or directory" if isinstance(error, FileNotFoundError) else error.strerror
            report.problem(f"{path}: {reason or 'cannot read'}")
            continue
        if stat.S_ISDIR(mode):
            try:
                children = sorted(child for child in path.iterdir() if not child.name.startswith("."))
            except OSError as error:
                report.problem(f"{path}: cannot list directory ({error.strerror})")
                continue
            found = [child for child in children if _regular(child, report)]
            if not found:
                report.problem(f"{path}: directory holds no files")
        elif _regular(path, report):
            found = [path]
        else:
            continue
        for file in found:
            if file.resolve() not in seen:
                seen.add(file.resolve())
                files.append(file)
    return files


def _regular(path: Path, report: Report) -> bool:
    """True for a regular file; a FIFO, socket or device is reported and never opened."""
    try:
        mode = path.stat().st_mode
    except OSError as error:
        report.problem(f"{path}: cannot read ({error.strerror or error})")
        return False
    if stat.S_ISREG(mode):
        return True
    if not stat.S_ISDIR(mode):
        report.problem(f"{path}: not a regular file (a FIFO, socket or device); skipped")
    return False


def _read_file(path: Path, report: Report) -> list[Record]:
    """The records of one file; whatever goes wrong is reported, never raised."""
    own = Report()
    records: list[Record] = []
    try:
        head = read_head(path)
        if not head.strip():
            raise InputError(f"{path}: file is empty")
        encoding = detect_encoding(path, head)
        if encoding not in ("utf-8", "utf-8-sig"):
            own.warning(f"{path}: not UTF-8; read as {encoding}")
        first_lines = _first_lines(path, encoding)
        name = detect_format(path, first_lines)
        if name is None:
            kinds = ", ".join(READERS)
            raise InputError(f"{path}: not a recognised format (expected one of {kinds})")
        lines = read_lines(path, encoding, own.warning)
        records.extend(READERS[name](path, lines, own))
    except InputError as error:
        own.problem(str(error))
    except (OSError, EOFError) as error:  # also a truncated or corrupt gzip, bz2 or xz stream
        reason = getattr(error, "strerror", None) or str(error) or type(error).__name__
        own.problem(f"{path}: cannot read ({reason})")
    except UnicodeError as error:
        own.problem(f"{path}: cannot decode ({error})")
    if not records and not own.problems:
        own.problem(f"{path}: no papers found")
    report.problems.extend(own.problems[:MAX_PROBLEMS_PER_FILE])
    if len(own.problems) > MAX_PROBLEMS_PER_FILE:
        hidden = len(own.problems) - MAX_PROBLEMS_PER_FILE
        report.problems.append(f"{path}: {hidden} more problems not listed")
    report.warnings.extend(own.warnings)
    return records


def _first_lines(path: Path, encoding: str, count: int = 5) -> list[str]:
    """The first ``count`` non-blank lines of the file (for format detection)."""
    lines: list[str] = []
    for _, line in read_lines(path, encoding, lambda message: None):
        if line.strip():
            lines.append(line)
            if len(lines) == count:
                break
    return lines


def _join_abstracts(
    records: list[Paper], abstracts: dict[str, AbstractRecord], report: Report
) -> list[Paper]:
    """Semantic Scholar papers with the abstract of their corpus id filled in."""
    joined = []
    used: set[str] = set()
    for paper in records:
        corpus_id = paper.id.removeprefix(ID_PREFIX) if paper.id.startswith(ID_PREFIX) else None
        record = abstracts.get(corpus_id) if corpus_id else None
        if record is not None:
            used.add(record.corpus_id)
            if not paper.abstract:
                paper = replace(paper, abstract=clean_text(record.abstract))
        joined.append(paper)
    unused = len(abstracts) - len(used)
    if unused:
        report.warning(f"{unused} abstracts match no paper read (by corpus id); ignored")
    return joined


def _one_line(message: str) -> str:
    """``message`` with any line break escaped, so a message is always one line."""
    return message.replace("\r", "\\r").replace("\n", "\\n")
