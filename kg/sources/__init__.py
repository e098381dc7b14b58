"""Reading papers from disk: Hugging Face daily-paper page dumps, JSON lines and CSV exports.

:func:`read_corpus` is the entry point: it reads files and directories, reports what it
cannot read as one-line problems instead of stopping, and merges repeated papers.
"""

from __future__ import annotations

import codecs
import os
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from kg.errors import InputError
from kg.sources.corpus import Corpus, merge_papers, paper_id, paper_key
from kg.sources.csv import read_csv
from kg.sources.hf_daily import read_hf_daily
from kg.sources.jsonl import read_jsonl
from kg.types import Paper

__all__ = [
    "READERS",
    "Corpus",
    "paper_id",
    "paper_key",
    "read_corpus",
    "read_csv",
    "read_hf_daily",
    "read_jsonl",
]

Reader = Callable[[Path, Callable[[str], None]], Iterator[Paper]]

#: File extension (lowercase) to reader; ``.txt`` files are Hugging Face page dumps.
READERS: dict[str, Reader] = {
    ".txt": read_hf_daily,
    ".jsonl": read_jsonl,
    ".json": read_jsonl,
    ".csv": read_csv,
}

#: Problems listed per file; the rest are counted in one closing line.
MAX_PROBLEMS_PER_FILE = 20

_SNIFF_BYTES = 64 * 1024


def read_corpus(paths: Iterable[str | os.PathLike[str]] | str | os.PathLike[str]) -> Corpus:
    """Read papers from files and directories, one paper per distinct title.

    A directory contributes its ``*.txt``, ``*.jsonl``, ``*.json`` and ``*.csv`` files (sorted,
    not recursive); the extension picks the reader. A missing, empty, binary or unreadable file
    and a malformed row become one-line entries of :attr:`Corpus.problems`, and the other files
    still land. Raises :class:`~kg.errors.InputError` only when no paper at all could be read.
    """
    if isinstance(paths, str | os.PathLike):
        paths = [paths]
    problems: list[str] = []
    records: list[Paper] = []
    for path in _input_files(paths, problems):
        records.extend(_read_file(path, problems))
    papers = merge_papers(records, problems.append)
    lines = tuple(_one_line(problem) for problem in problems)
    if not papers:
        raise InputError("; ".join(lines) or "no input paths given")
    return Corpus(papers=papers, problems=lines, n_read=len(records))


def _input_files(paths: Iterable[str | os.PathLike[str]], problems: list[str]) -> list[Path]:
    """The files to read, directories expanded, each file once; missing paths are reported."""
    files: list[Path] = []
    seen: set[Path] = set()
    for given in paths:
        path = Path(given)
        if path.is_dir():
            try:
                found = sorted(
                    child
                    for child in path.iterdir()
                    if child.suffix.lower() in READERS and not child.name.startswith(".") and child.is_file()
                )
            except OSError as error:
                problems.append(f"{path}: cannot list directory ({error.strerror})")
                continue
            if not found:
                kinds = ", ".join(f"*{suffix}" for suffix in READERS)
                problems.append(f"{path}: directory holds no {kinds} files")
        elif path.exists():
            found = [path]
        else:
            problems.append(f"{path}: no such file or directory")
            continue
        for file in found:
            if file.resolve() not in seen:
                seen.add(file.resolve())
                files.append(file)
    return files


def _read_file(path: Path, problems: list[str]) -> list[Paper]:
    """The papers of one file; whatever goes wrong is appended to ``problems``, never raised."""
    reported: list[str] = []
    papers: list[Paper] = []
    reader = READERS.get(path.suffix.lower())
    try:
        if reader is None:
            kinds = ", ".join(READERS)
            raise InputError(f"{path}: unsupported file type {path.suffix!r} (expected {kinds})")
        _check_text(path)
        for paper in reader(path, reported.append):
            papers.append(paper)
    except InputError as error:
        reported.append(str(error))
    except OSError as error:
        reported.append(f"{path}: cannot read ({error.strerror or error})")
    if not papers and not reported:
        reported.append(f"{path}: no papers found")
    problems.extend(reported[:MAX_PROBLEMS_PER_FILE])
    if len(reported) > MAX_PROBLEMS_PER_FILE:
        hidden = len(reported) - MAX_PROBLEMS_PER_FILE
        problems.append(f"{path}: {hidden} more problems not listed")
    return papers


def _check_text(path: Path) -> None:
    """Raise InputError unless ``path`` starts like UTF-8 text: not empty, no NUL bytes."""
    with path.open("rb") as handle:
        head = handle.read(_SNIFF_BYTES)
    complete = len(head) < _SNIFF_BYTES
    if complete and not head.strip():
        raise InputError(f"{path}: file is empty")
    if b"\0" in head:
        raise InputError(f"{path}: binary file (NUL bytes); expected UTF-8 text")
    try:
        codecs.getincrementaldecoder("utf-8")().decode(head, final=complete)
    except UnicodeDecodeError as error:
        line = head.count(b"\n", 0, error.start) + 1
        raise InputError(f"{path}:{line}: not UTF-8 text") from None


def _one_line(message: str) -> str:
    """``message`` with any line break escaped, so a problem is always one line."""
    return message.replace("\r", "\\r").replace("\n", "\\n")
