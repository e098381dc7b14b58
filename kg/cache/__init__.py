"""The per-paper extraction cache: each paper's extraction, keyed by its text and the extractor.

See :mod:`kg.cache.sqlite` for the store and :mod:`kg.cache.codec` for the record format.
"""

from kg.cache.codec import decode, encode
from kg.cache.sqlite import CachedResult, ExtractionCache, cache_key

__all__ = ["CachedResult", "ExtractionCache", "cache_key", "decode", "encode"]
