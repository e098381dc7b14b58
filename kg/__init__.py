"""kg: a knowledge graph of papers, methods, benchmarks, tasks and concepts.

Importing ``kg`` is cheap: :class:`KnowledgeGraph`, :func:`build` and :func:`load` are loaded on
first use, so ``import kg`` pulls in neither spaCy, pandas nor rdflib.

>>> import kg
>>> kg.__version__ == kg.about.__version__
True
>>> graph = kg.build(["data/hf-daily-papers"])  # doctest: +SKIP
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from kg import about
from kg.about import __version__

if TYPE_CHECKING:
    from kg.api import KnowledgeGraph

__all__ = ["KnowledgeGraph", "__version__", "about", "build", "load"]


def __getattr__(name: str) -> Any:
    """Load the API on first use (PEP 562)."""
    if name == "KnowledgeGraph":
        from kg.api import KnowledgeGraph

        return KnowledgeGraph
    raise AttributeError(f"module 'kg' has no attribute {name!r}")


def build(*args: Any, **kwargs: Any) -> KnowledgeGraph:
    """Build a knowledge graph from papers: :meth:`KnowledgeGraph.build`."""
    from kg.api import KnowledgeGraph

    return KnowledgeGraph.build(*args, **kwargs)


def load(*args: Any, **kwargs: Any) -> KnowledgeGraph:
    """Load a built knowledge graph: :meth:`KnowledgeGraph.load`."""
    from kg.api import KnowledgeGraph

    return KnowledgeGraph.load(*args, **kwargs)
