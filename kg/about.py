"""The package's identity: its version and the extractor name recorded in every fact's provenance.

A leaf module (no imports), so that linking and graph code can name the extractor without
importing spaCy, and ``pyproject.toml`` reads the version from here.
"""

__version__ = "0.1.0"

#: Name and version recorded in the provenance of every extracted fact.
EXTRACTOR_NAME = "kg-rules"
EXTRACTOR_VERSION = __version__
