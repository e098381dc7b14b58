"""What several test modules share: the repository's paths, the sample's known papers, running ``kg``."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
QUERIES = ROOT / "queries"
SAMPLE = ROOT / "data" / "hf-daily-papers"
FIXTURES = ROOT / "tests" / "fixtures"
SCIERC_TINY = FIXTURES / "scierc_tiny.json"
FAMO2O_TITLE = "Train Once, Get a Family"
SAFE_RL_TITLE = "Safe Reinforcement Learning with Minimal Supervision"
UNI_O4_TITLE = "Uni-O4: Unifying Online and Offline"
#: Survives markup cleaning (a stray end tag, quotes, comparisons) and must be escaped in every output.
HOSTILE_TITLE_PREFIX = '</script> "alert(1)" & 1 < 2 > 0 '

HOSTILE_ID = 'famo2o "train once" it\'s  2310.17966'
INLINE_FAMO2O = f"""
SELECT ?role ?label WHERE {{
  ?paper dcterms:title ?title ; ?prop ?entity .
  FILTER(STRSTARTS(STR(?title), "{FAMO2O_TITLE}"))
  VALUES (?prop ?role) {{ (kg:proposes "proposes") (kg:evaluatedOn "evaluatedOn") }}
  ?entity skos:prefLabel ?label .
}} ORDER BY ?role ?label
"""
ERROR_PREFIX = "kg: error: "


@dataclass(frozen=True)
class Run:
    code: int
    stdout: str
    stderr: str

    @property
    def lines(self) -> list[str]:
        """The stderr lines that say something (blank lines left out)."""
        return [line for line in self.stderr.splitlines() if line.strip()]


def kg(*args: str | Path, cwd: Path = ROOT, timeout: float = 180) -> Run:
    """Run ``python -m kg.cli ARGS`` (what the ``kg`` script runs) and capture its output."""
    env = {**os.environ, "COLUMNS": "200", "NO_COLOR": "1", "PYTHONIOENCODING": "utf-8"}
    env.pop("FORCE_COLOR", None)
    done = subprocess.run(
        [sys.executable, "-m", "kg.cli", *map(str, args)],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=timeout,
    )
    return Run(done.returncode, done.stdout, done.stderr)


_DIGEST_MOD = 1 << 128


def graph_digests(store) -> dict:
    """For each graph of an Oxigraph ``store``: (number of quads, order-independent digest).

    Graphs holding blank nodes are canonicalised first (RDF Dataset Canonicalization), so two
    copies that differ only in blank node labels get the same digest.
    """
    import hashlib

    import pyoxigraph as ox

    def quad_hash(quad) -> int:
        return int.from_bytes(hashlib.blake2b(str(quad).encode(), digest_size=16).digest(), "big")

    sums: dict = {}
    counts: dict = {}
    with_blank_nodes: set = set()
    for quad in store:
        graph = quad.graph_name
        sums[graph] = (sums.get(graph, 0) + quad_hash(quad)) % _DIGEST_MOD
        counts[graph] = counts.get(graph, 0) + 1
        if isinstance(quad.subject, ox.BlankNode) or isinstance(quad.object, ox.BlankNode):
            with_blank_nodes.add(graph)
    for graph in with_blank_nodes:
        dataset = ox.Dataset(store.quads_for_pattern(None, None, None, graph))
        dataset.canonicalize(ox.CanonicalizationAlgorithm.UNSTABLE)
        sums[graph] = sum(quad_hash(q) for q in dataset) % _DIGEST_MOD
    return {graph: (counts[graph], sums[graph]) for graph in sums}
