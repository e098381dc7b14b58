"""Opening input files: gzip/bz2/xz by their magic bytes, the text encoding, lines with bad bytes.

A file is decoded by one incremental decoder and split on ``\\n`` only (a ``\\r`` before it is
dropped), so U+2028, U+0085 and form feeds stay inside their line. Undecodable bytes become
U+FFFD with a warning naming the line; they never reject the file. The encoding is UTF-8 unless a
byte-order mark says UTF-16/32, or the first 64 KiB are not UTF-8 and hold no valid multi-byte
UTF-8 at all, when charset-normalizer picks the legacy encoding (cp1252 whenever it fits, as
short samples often fit several).
"""

from __future__ import annotations

import bz2
import codecs
import gzip
import lzma
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO

import charset_normalizer

from kg.errors import InputError

#: Bytes looked at to decide compression, encoding and format.
HEAD_BYTES = 64 * 1024
_CHUNK = 1024 * 1024
_BAD = "\udcfd"  # marks an undecodable byte; a lone surrogate no decoder produces from valid input
_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_OPENERS: tuple[tuple[bytes, Callable[[Path], IO[bytes]]], ...] = (
    (b"\x1f\x8b", gzip.GzipFile),
    (b"BZh", bz2.BZ2File),
    (b"\xfd7zXZ\x00", lzma.LZMAFile),
)


def _mark_bad(error: UnicodeError) -> tuple[str, int]:
    """Codec error handler: one marker per undecodable run, decoding goes on after it."""
    assert isinstance(error, UnicodeDecodeError)
    return _BAD, error.end


codecs.register_error("kg.mark", _mark_bad)


def open_bytes(path: Path) -> IO[bytes]:
    """``path`` opened for reading bytes, decompressed when it starts like gzip, bz2 or xz."""
    with path.open("rb") as handle:
        magic = handle.read(6)
    for prefix, opener in _OPENERS:
        if magic.startswith(prefix):
            return opener(path)
    return path.open("rb")


def read_head(path: Path) -> bytes:
    """The first :data:`HEAD_BYTES` bytes of the (decompressed) file."""
    with open_bytes(path) as handle:
        return handle.read(HEAD_BYTES)


def detect_encoding(path: Path, head: bytes) -> str:
    """The encoding of a file from its first bytes; InputError for a binary file."""
    for bom, encoding in _BOMS:
        if head.startswith(bom):
            return encoding
    complete = len(head) < HEAD_BYTES
    if head.count(b"\0") * 5 < len(head):  # UTF-16/32 text is a third or more NUL bytes
        decoded = codecs.getincrementaldecoder("utf-8")("kg.mark").decode(head, final=complete)
        bad = decoded.count(_BAD)
        if b"\0" in head and bad:
            raise InputError(f"{path}: binary file (not text in any known encoding)")
        if not bad or sum(1 for char in decoded if char > "\x7f" and char != _BAD) >= bad:
            return "utf-8"  # UTF-8, perhaps with a few bad bytes (replaced and reported line by line)
    matches = charset_normalizer.from_bytes(head)
    guess = matches.best()
    if guess is None or (b"\0" in head and not guess.encoding.startswith(("utf_16", "utf_32"))):
        raise InputError(f"{path}: binary file (not text in any known encoding)")
    if any(match.encoding == "cp1252" for match in matches):
        return "cp1252"  # the usual non-UTF-8 export; a short sample cannot tell it from cp1250
    return "utf-8" if guess.encoding == "ascii" else guess.encoding


def read_lines(path: Path, encoding: str, on_warning: Callable[[str], None]) -> Iterator[tuple[int, str]]:
    """Yield ``(line number, text)`` for each line, without its line break; bad bytes replaced."""
    decoder = codecs.getincrementaldecoder(encoding)("kg.mark")
    number = 0
    rest = ""
    with open_bytes(path) as handle:
        while True:
            chunk = handle.read(_CHUNK)
            text = rest + decoder.decode(chunk, final=not chunk)
            lines = text.split("\n")
            rest = lines.pop() if chunk else ""
            for line in lines if chunk else [*lines[:-1], *([lines[-1]] if lines[-1] else [])]:
                number += 1
                if _BAD in line:
                    on_warning(f"{path}:{number}: bytes that are not {encoding} replaced by U+FFFD")
                    line = line.replace(_BAD, "\ufffd")
                yield number, line.removesuffix("\r")
            if not chunk:
                return


def read_text(path: Path, encoding: str, on_warning: Callable[[str], None]) -> str:
    """The whole file as text, lines joined by ``\\n`` (for formats parsed as one document)."""
    return "\n".join(line for _, line in read_lines(path, encoding, on_warning))
