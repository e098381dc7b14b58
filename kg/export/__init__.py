"""Writing the knowledge graph to files: RDF, GraphML, CSV tables and the HTML explorer."""

from __future__ import annotations

from kg.export.html import write_explorer
from kg.export.rdf import write_rdf
from kg.export.tables import write_graphml, write_tables

__all__ = ["write_explorer", "write_graphml", "write_rdf", "write_tables"]
