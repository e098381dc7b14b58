"""kg: a knowledge graph of papers, methods, benchmarks, tasks and concepts."""

__version__ = "0.1.0"
