"""Merge mentions across papers into entities, and roles into assertions with provenance.

Mentions meet under their canonical key. An acronym joins its long form inside the paper that
defines it; elsewhere only when the corpus gives it a single long form. ``PPO`` defined as two
different things stays two entities, each carrying ``PPO`` as an alias.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

from kg.about import EXTRACTOR_VERSION
from kg.extract.lexicon import container_name
from kg.link.normalize import canonical_key, clean_surface, written_forms
from kg.types import (
    ENTITY_TYPES,
    SYMMETRIC_RELATIONS,
    Assertion,
    Entity,
    Mention,
    PaperExtraction,
    Provenance,
    RelationMention,
)

#: The entity type a relation's subject must have after merging (the domains in ontology/kg.ttl):
#: SciERC's EVALUATE-FOR also starts at datasets and generic terms; only a metric evaluates.
_RELATION_DOMAIN = {"evaluates": "Metric"}
#: When votes tie, the more specific type wins.
_TYPE_PRIORITY = {name: i for i, name in enumerate(("Dataset", "Method", "Task", "Metric", "Concept"))}
#: Roles that say more than "mentions"; a proposed entity is not also "used" (or beaten) by the same paper.
_EXCLUSIVE_WITH_PROPOSES = frozenset({"uses", "outperforms"})
#: The entity type a role's object must have after merging (the ranges in ontology/kg.ttl).
_ROLE_RANGE = {"evaluatedOn": "Dataset", "addresses": "Task"}


#: Share of a corpus's definitions of an acronym that makes one long form its meaning everywhere.
DOMINANT_SHARE = 0.8


@dataclass(frozen=True)
class LinkedCorpus:
    """Entities and assertions of a corpus, keyed by canonical entity key."""

    entities: tuple[Entity, ...]
    assertions: tuple[Assertion, ...]


class AcronymResolver:
    """Maps an acronym's key to the key of its long form, per paper and corpus-wide."""

    def __init__(self, extractions: Sequence[PaperExtraction]) -> None:
        self.titles = {ex.paper.id: ex.paper.title for ex in extractions}
        self.local: dict[str, dict[str, str]] = defaultdict(dict)
        corpus: dict[str, Counter[str]] = defaultdict(Counter)
        for ex in extractions:
            for abbr in ex.abbreviations:
                short, long = canonical_key(abbr.short), canonical_key(abbr.long)
                if short and long and short != long:
                    self.local[ex.paper.id][short] = long
                    corpus[short][long] += 1
        # A bare acronym takes the corpus's long form when one long form clearly dominates:
        # "RL" is reinforcement learning even if one paper misspells its definition.
        self.ambiguous = {short for short, longs in corpus.items() if len(longs) > 1}
        self.corpus = {}
        for short, longs in corpus.items():
            (best, n), total = longs.most_common(1)[0], sum(longs.values())
            if n == total or (total >= 3 and n / total >= DOMINANT_SHARE):
                self.corpus[short] = best

    def container(self, mention: Mention) -> str | None:
        """The benchmark named by a Dataset mention "<Name> suite/games/..." outside the title
        (where every word is capitalised): "the Atari suite" is the entity Atari."""
        if mention.label != "Dataset" or mention.sentence == self.titles.get(mention.paper_id):
            return None
        return container_name(mention.text)

    def key(self, mention: Mention) -> str:
        key = canonical_key(self.container(mention) or mention.text)
        local = self.local.get(mention.paper_id, {})
        return local.get(key) or self.corpus.get(key, key)


def _provenance(mention: Mention, score: float, extractor: str) -> Provenance:
    return Provenance(
        paper_id=mention.paper_id,
        sentence=mention.sentence,
        start=mention.start,
        end=mention.end,
        extractor=extractor,
        version=EXTRACTOR_VERSION,
        score=score,
    )


def _relation_provenance(relation: RelationMention) -> Provenance:
    """The evidence of a relation: its sentence, and the offsets from the first to the last argument."""
    head, tail = relation.head, relation.tail
    return Provenance(
        paper_id=head.paper_id,
        sentence=relation.evidence,
        start=min(head.start, tail.start),
        end=max(head.end, tail.end),
        extractor=relation.extractor,
        version=EXTRACTOR_VERSION,
        score=relation.score,
    )


def _entity(key: str, mentions: list[Mention], names: Iterable[str] = ()) -> Entity:
    """One entity from its mentions: type by score-weighted vote, label by frequency; ``names``
    (the bare names of "<Name> suite" mentions) and the written forms of names with markup
    (``M$^3$GPT``, ``M^3GPT``) become aliases too."""
    votes: Counter[str] = Counter()
    for m in mentions:
        votes[m.label] += m.score
    best = max(votes.values())
    etype = min((t for t, v in votes.items() if v == best), key=lambda t: _TYPE_PRIORITY.get(t, 99))
    surfaces = Counter(clean_surface(m.text) for m in mentions)
    # Most frequent surface form; ties go to the longer, then the alphabetically first form.
    label = min(surfaces, key=lambda s: (-surfaces[s], -len(s), s))
    seen = {label.casefold()}
    aliases = []
    for surface in sorted(surfaces, key=lambda s: (-surfaces[s], s)):
        if surface.casefold() not in seen:
            seen.add(surface.casefold())
            aliases.append(surface)
    written = {form for m in mentions for form in written_forms(m.text)}
    for name in sorted({*names, *written}):
        if name.casefold() not in seen:
            seen.add(name.casefold())
            aliases.append(name)
    papers = tuple(sorted({m.paper_id for m in mentions}))
    return Entity(key=key, label=label, type=etype, aliases=tuple(aliases), papers=papers)


def link(extractions: Iterable[PaperExtraction]) -> LinkedCorpus:
    """Merge the mentions of all papers into entities and collect the assertions about them."""
    extractions = list(extractions)
    resolver = AcronymResolver(extractions)
    by_key: dict[str, list[Mention]] = defaultdict(list)
    facts: dict[tuple[str, str, str], list[Provenance]] = defaultdict(list)
    # entity-entity relations, per paper: each paper's graph holds its own evidence node
    relation_facts: dict[tuple[str, str, str, str], list[Provenance]] = defaultdict(list)

    for ex in extractions:
        for mention in ex.mentions:
            if mention.label not in ENTITY_TYPES:
                continue  # e.g. SciERC's "Generic": scored, never a node
            key = resolver.key(mention)
            if not key:
                continue
            by_key[key].append(mention)
            facts[(ex.paper.id, "mentions", key)].append(
                _provenance(mention, mention.score, mention.extractor)
            )
        for role in ex.roles:
            if role.mention.label not in ENTITY_TYPES:
                continue
            key = resolver.key(role.mention)
            facts[(ex.paper.id, role.role, key)].append(_provenance(role.mention, role.score, role.extractor))
        for relation in ex.relations:
            head, tail = resolver.key(relation.head), resolver.key(relation.tail)
            if relation.predicate in SYMMETRIC_RELATIONS:
                head, tail = sorted((head, tail))
            if head and tail and head != tail:  # "RL ... reinforcement learning" is one entity
                relation_facts[(ex.paper.id, head, relation.predicate, tail)].append(
                    _relation_provenance(relation)
                )

    entities = [
        _entity(key, mentions, {name for m in mentions if (name := resolver.container(m))})
        for key, mentions in sorted(by_key.items())
    ]
    by_entity_key = {e.key: e for e in entities}
    entities = tuple(
        replace(e, broader=broader) if (broader := _broader(e, by_entity_key, resolver)) else e
        for e in entities
    )
    proposed = {(paper, key) for paper, pred, key in facts if pred == "proposes"}

    def keep(paper: str, pred: str, key: str) -> bool:
        entity = by_entity_key.get(key)
        if entity is None or (pred in _EXCLUSIVE_WITH_PROPOSES and (paper, key) in proposed):
            return False
        # A mention typed Dataset in one sentence does not make a Method the thing evaluated on.
        return _ROLE_RANGE.get(pred, entity.type) == entity.type

    assertions = tuple(
        Assertion(
            subject=paper,
            predicate=pred,
            object=key,
            provenance=_ranked(prov),
        )
        for (paper, pred, key), prov in facts.items()
        if keep(paper, pred, key)
    ) + tuple(
        Assertion(subject=head, predicate=pred, object=tail, provenance=_ranked(prov))
        for (_, head, pred, tail), prov in relation_facts.items()
        if head in by_entity_key and tail in by_entity_key and _in_domain(pred, by_entity_key[head])
    )
    return LinkedCorpus(entities=entities, assertions=_with_support(assertions))


def _with_support(assertions: Iterable[Assertion]) -> tuple[Assertion, ...]:
    """Each assertion with the number of distinct papers that assert its (subject, predicate, object).

    A relation edge stated in two papers is two assertions (one evidence node in each paper's
    graph), both with support 2; a paper's role has support 1.
    """
    assertions = tuple(assertions)
    papers: dict[tuple[str, str, str], set[str]] = defaultdict(set)
    for a in assertions:
        papers[(a.subject, a.predicate, a.object)].update(p.paper_id for p in a.provenance)
    return tuple(replace(a, support=len(papers[(a.subject, a.predicate, a.object)])) for a in assertions)


def _in_domain(predicate: str, subject: Entity) -> bool:
    return _RELATION_DOMAIN.get(predicate, subject.type) == subject.type


def _ranked(provenance: list[Provenance]) -> tuple[Provenance, ...]:
    """Evidence best first: highest confidence, then earliest in the text."""
    return tuple(sorted(provenance, key=lambda p: (-p.score, p.start)))


def _broader(entity: Entity, known: dict[str, Entity], resolver: AcronymResolver) -> tuple[str, ...]:
    """The more general entity a name is a modified form of: the longest known head phrase.

    ``offline reinforcement learning`` -> ``reinforcement learning``; ``preference-based RL`` ->
    ``RL``, which the corpus defines as reinforcement learning. The general entity must be of
    the same type (any type for a concept) and more than a bare common word ("suite", "phases").
    """
    for surface in (entity.label, *entity.aliases):
        words = surface.split()
        for i in range(1, len(words)):
            key = canonical_key(" ".join(words[i:]))
            key = resolver.corpus.get(key, key)
            broad = known.get(key)
            if broad is None or key == entity.key:
                continue
            if entity.type not in (broad.type, "Concept"):
                continue
            if " " in broad.label or any(c.isupper() for c in broad.label):
                return (key,)
    return ()
