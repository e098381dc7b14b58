"""The unit of work every executor runs: extract a batch of papers and encode the results."""

from __future__ import annotations

from kg.cache import CachedResult, cache_key, encode
from kg.errors import KgError
from kg.extract.fingerprint import extractor_fingerprint
from kg.types import Paper


def extract_batch(papers: list[Paper], fingerprint: str) -> list[CachedResult]:
    """One result per paper, in order: its encoded extraction or the error it raised.

    ``fingerprint`` is the extractor the caller expects; a worker with another one (a cluster
    running another version of kg) refuses rather than mixing results.
    """
    from kg.extract.pipeline import extract

    if extractor_fingerprint() != fingerprint:
        raise KgError(
            f"this worker runs extractor {extractor_fingerprint()}, the build expects {fingerprint}"
        )
    errors: dict[str, str] = {}

    def failed(paper: Paper, error: Exception) -> None:
        errors[paper.id] = " ".join(f"{type(error).__name__}: {error}".split())[:300]

    done = {ex.paper.id: ex for ex in extract(papers, on_failure=failed)}
    return [
        CachedResult(cache_key(fingerprint, p), encode(done[p.id]))
        if p.id in done
        else CachedResult(cache_key(fingerprint, p), None, errors.get(p.id, "no result"))
        for p in papers
    ]


def warm_up() -> None:
    """Load the pipeline once in a worker process, before its first batch."""
    from kg.extract.pipeline import default_pipeline

    default_pipeline()
