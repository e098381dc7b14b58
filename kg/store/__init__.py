"""The query engine: an Oxigraph store holding the knowledge graph."""

from kg.store.convert import to_store
from kg.store.query import QueryResult, format_result, run_query

__all__ = ["QueryResult", "format_result", "run_query", "to_store"]
