"""kg: a knowledge graph of papers, methods, benchmarks, tasks and concepts.

>>> from kg import KnowledgeGraph
>>> kg = KnowledgeGraph.build(["data/hf-daily-papers"])  # doctest: +SKIP
"""

__version__ = "0.1.0"

from kg.api import KnowledgeGraph

build = KnowledgeGraph.build
load = KnowledgeGraph.load

__all__ = ["KnowledgeGraph", "__version__", "build", "load"]
