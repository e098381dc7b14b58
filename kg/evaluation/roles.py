"""Score the paper roles of a built graph against papers annotated by hand.

The gold file (``{"papers": [{"title", "proposed", "uses_methods", "benchmarks", "tasks"}]}``,
as in ``seed-roles/dev.json``) names what each paper proposes, uses and is evaluated on. A gold
item is found when an entity linked to that paper by the right role carries its name or an alias
as ``skos:prefLabel`` or ``skos:altLabel``, compared case-insensitively.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from kg.errors import InputError
from kg.sources.corpus import paper_key

if TYPE_CHECKING:
    from kg.api import KnowledgeGraph

#: Gold field -> the role property that should link the paper to it.
GOLD_ROLES = {
    "proposed": "proposes",
    "uses_methods": "uses",
    "benchmarks": "evaluatedOn",
    "tasks": "addresses",
}

_ROLE_LABELS = """
SELECT ?title ?role ?entity ?label WHERE {
  VALUES (?property ?role) {
    (kg:proposes "proposes") (kg:uses "uses") (kg:evaluatedOn "evaluatedOn") (kg:addresses "addresses")
  }
  ?paper a kg:Paper ; dcterms:title ?title ; ?property ?entity .
  ?entity skos:prefLabel|skos:altLabel ?label .
}
"""
_TITLES = "SELECT ?title WHERE { ?paper a kg:Paper ; dcterms:title ?title }"


@dataclass(frozen=True)
class GoldItem:
    """One annotated name and every form that counts as it (casefolded: name and aliases)."""

    name: str
    forms: frozenset[str]


@dataclass(frozen=True)
class GoldPaper:
    """One annotated paper: its title and, per gold field, its items."""

    title: str
    items: dict[str, tuple[GoldItem, ...]]


def load_gold(path: str | Path) -> list[GoldPaper]:
    """Read a role gold file; a missing or malformed file is an :class:`InputError`."""
    path = Path(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise InputError(f"{path}: cannot read: {exc.strerror or exc}") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputError(f"{path}: not a JSON file: {exc}") from None
    papers = data.get("papers") if isinstance(data, dict) else None
    if not isinstance(papers, list) or not papers:
        raise InputError(f"{path}: expected an object with a non-empty list 'papers'")
    gold = []
    for i, paper in enumerate(papers, start=1):
        if not isinstance(paper, dict) or not isinstance(paper.get("title"), str):
            raise InputError(f"{path}: paper {i}: expected an object with a 'title' string")
        items = {field: tuple(_names(path, i, field, paper.get(field, []))) for field in GOLD_ROLES}
        gold.append(GoldPaper(title=paper["title"], items=items))
    return gold


def _names(path: Path, i: int, field: str, items: object) -> Iterable[GoldItem]:
    """The items of one gold field: each a plain name, or an object with a name and aliases."""
    if not isinstance(items, list):
        raise InputError(f"{path}: paper {i}: '{field}' must be a list")
    for item in items:
        if isinstance(item, str):
            yield GoldItem(item, frozenset({item.casefold()}))
        elif isinstance(item, dict) and isinstance(item.get("name"), str):
            aliases = item.get("aliases", [])
            if not isinstance(aliases, list) or not all(isinstance(a, str) for a in aliases):
                raise InputError(f"{path}: paper {i}: aliases of {item['name']!r} must be a list of strings")
            yield GoldItem(item["name"], frozenset(n.casefold() for n in (item["name"], *aliases)))
        else:
            raise InputError(
                f"{path}: paper {i}: each '{field}' item must be a name or an object with 'name'"
            )


def role_labels(kg: KnowledgeGraph) -> dict[str, dict[str, dict[str, set[str]]]]:
    """Per paper key and role, the entities linked to the paper and their labels (casefolded); every
    paper of the graph has a key, one without any role edge too."""
    linked: dict[str, dict[str, dict[str, set[str]]]] = defaultdict(
        lambda: defaultdict(lambda: defaultdict(set))
    )
    for (title,) in kg.query(_TITLES).rows:
        _ = linked[paper_key(title)]  # a paper without any role edge is in the graph too
    for title, role, entity, label in kg.query(_ROLE_LABELS).rows:
        linked[paper_key(title)][role][entity].add(label.casefold())
    return linked


def score_roles(gold: list[GoldPaper], linked: dict[str, dict[str, dict[str, set[str]]]]) -> dict:
    """Recall per gold field, precision of ``proposes`` edges, and the misses, as a JSON-ready dict.

    A gold paper missing from the graph counts: its items are all missed.
    """
    found = dict.fromkeys(GOLD_ROLES, 0)
    total = dict.fromkeys(GOLD_ROLES, 0)
    proposed_edges = proposed_right = 0
    missing_papers: list[str] = []
    misses: dict[str, list[dict[str, str]]] = {field: [] for field in GOLD_ROLES}
    wrong_proposals: list[dict[str, str]] = []
    for paper in gold:
        roles = linked.get(paper_key(paper.title))
        if roles is None:
            missing_papers.append(paper.title)
        roles = roles or {}
        for field, role in GOLD_ROLES.items():
            entities = roles.get(role, {})
            for item in paper.items[field]:
                total[field] += 1
                if any(item.forms & labels for labels in entities.values()):
                    found[field] += 1
                else:
                    misses[field].append({"paper": paper.title, "item": item.name})
        gold_proposed = paper.items["proposed"]
        for labels in roles.get("proposes", {}).values():
            proposed_edges += 1
            if any(item.forms & labels for item in gold_proposed):
                proposed_right += 1
            else:
                wrong_proposals.append({"paper": paper.title, "entity": min(sorted(labels), key=len)})
    recall = {field: found[field] / total[field] if total[field] else 0.0 for field in GOLD_ROLES}
    return {
        "papers": len(gold),
        "papers_missing": missing_papers,
        "proposed": {
            "recall": recall["proposed"],
            "precision": proposed_right / proposed_edges if proposed_edges else 0.0,
            "found": found["proposed"],
            "gold": total["proposed"],
            "edges": proposed_edges,
            "right_edges": proposed_right,
        },
        **{
            field: {"recall": recall[field], "found": found[field], "gold": total[field]}
            for field in ("uses_methods", "benchmarks", "tasks")
        },
        "misses": misses,
        "wrong_proposals": wrong_proposals,
    }


def evaluate_roles(kg: KnowledgeGraph, gold_path: str | Path) -> dict:
    """Score the roles of ``kg`` against the gold file at ``gold_path`` (see :func:`score_roles`)."""
    return score_roles(load_gold(gold_path), role_labels(kg))
