"""One exception family; the CLI prints its message as one line and exits with code 2."""

from __future__ import annotations


class KgError(Exception):
    """Base class of every error the user can act on."""


class InputError(KgError):
    """An input file is missing, empty, binary, malformed or holds no papers."""


class QueryError(KgError):
    """A SPARQL query could not be parsed or run."""


class GraphNotFoundError(KgError):
    """No built graph where one was expected."""


class ValidationError(KgError):
    """A built graph does not conform to the SHACL shapes of ``ontology/shapes.ttl``."""
