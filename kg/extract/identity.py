"""The extractor's identity, recorded in the provenance of every fact.

Kept apart from :mod:`kg.extract.pipeline` so that linking and graph code can name the extractor
without importing spaCy.
"""

from kg import __version__

#: Name and version recorded in the provenance of every extracted fact.
EXTRACTOR_NAME = "kg-rules"
EXTRACTOR_VERSION = __version__
