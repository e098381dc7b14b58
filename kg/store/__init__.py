"""The query engine: SPARQL on the Oxigraph store that holds the knowledge graph."""

from kg.store.query import QueryResult, format_result, run_query

__all__ = ["QueryResult", "format_result", "run_query"]
