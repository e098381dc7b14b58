"""Merge mentions across papers into entities, and roles into assertions with provenance.

Mentions meet under their canonical key. An acronym joins its long form inside the paper that
defines it; elsewhere only when the corpus gives it a single long form. ``PPO`` defined as two
different things stays two entities, each carrying ``PPO`` as an alias.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
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


#: An entity–entity relation: (head key, relation, tail key).
Fact = tuple[str, str, str]

#: Share of a corpus's definitions of an acronym that makes one long form its meaning everywhere.
DOMINANT_SHARE = 0.8


@dataclass(frozen=True)
class LinkedCorpus:
    """Entities and assertions of a corpus, keyed by canonical entity key."""

    entities: tuple[Entity, ...]
    assertions: tuple[Assertion, ...]


class AcronymResolver:
    """Maps an acronym's key to the key of its long form, per paper and corpus-wide.

    Reads each extraction once and keeps only titles and definitions, so it can be built from
    a stream of extractions.
    """

    def __init__(self, extractions: Iterable[PaperExtraction]) -> None:
        self.titles: dict[str, str] = {}
        self.local: dict[str, dict[str, str]] = defaultdict(dict)
        corpus: dict[str, Counter[str]] = defaultdict(Counter)
        for ex in extractions:
            self.titles[ex.paper.id] = ex.paper.title
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


class _Names:
    """What the corpus says about one entity key, in a few counters: type votes, surface forms,
    other names, papers. Memory grows with distinct names and papers, not with mentions."""

    __slots__ = ("names", "papers", "surfaces", "votes")

    def __init__(self) -> None:
        self.votes: Counter[str] = Counter()
        self.surfaces: Counter[str] = Counter()
        self.names: set[str] = set()
        self.papers: set[str] = set()

    def add(self, mention: Mention, container: str | None) -> None:
        self.votes[mention.label] += mention.score
        self.surfaces[clean_surface(mention.text)] += 1
        self.names.update(written_forms(mention.text))
        if container:
            self.names.add(container)
        self.papers.add(mention.paper_id)


@dataclass(frozen=True)
class CorpusIndex:
    """What linking one paper needs to know about the whole corpus."""

    resolver: AcronymResolver
    entities: dict[str, Entity]  # by key, in key order
    #: Distinct papers stating each (head, relation, tail) kept between entities.
    relation_support: dict[Fact, int]


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


def _entity(key: str, names: _Names) -> Entity:
    """One entity from what its mentions said: type by score-weighted vote, label by frequency;
    other names (the bare names of "<Name> suite" mentions, the written forms of names with
    markup: ``M$^3$GPT``, ``M^3GPT``) become aliases too."""
    votes = names.votes
    best = max(votes.values())
    etype = min((t for t, v in votes.items() if v == best), key=lambda t: _TYPE_PRIORITY.get(t, 99))
    surfaces = names.surfaces
    # Most frequent surface form; ties go to the longer, then the alphabetically first form.
    label = min(surfaces, key=lambda s: (-surfaces[s], -len(s), s))
    seen = {label.casefold()}
    aliases = []
    for surface in sorted(surfaces, key=lambda s: (-surfaces[s], s)):
        if surface.casefold() not in seen:
            seen.add(surface.casefold())
            aliases.append(surface)
    for name in sorted(names.names):
        if name.casefold() not in seen:
            seen.add(name.casefold())
            aliases.append(name)
    papers = tuple(sorted(names.papers))
    return Entity(key=key, label=label, type=etype, aliases=tuple(aliases), papers=papers)


def index_corpus(extractions: Callable[[], Iterable[PaperExtraction]]) -> CorpusIndex:
    """Two passes over ``extractions()`` (called twice): acronym definitions first, then the
    entities and the support of each relation."""
    resolver = AcronymResolver(extractions())
    names: dict[str, _Names] = defaultdict(_Names)
    support: Counter[Fact] = Counter()
    for ex in extractions():
        for mention in ex.mentions:
            if mention.label in ENTITY_TYPES and (key := resolver.key(mention)):
                names[key].add(mention, resolver.container(mention))
        support.update(_relation_facts(ex, resolver).keys())
    entities = {key: _entity(key, names[key]) for key in sorted(names)}
    entities = {
        key: replace(e, broader=broader) if (broader := _broader(e, entities, resolver)) else e
        for key, e in entities.items()
    }
    relation_support = {fact: n for fact, n in support.items() if _relation_kept(*fact, entities)}
    return CorpusIndex(resolver, entities, relation_support)


def paper_assertions(ex: PaperExtraction, index: CorpusIndex) -> list[Assertion]:
    """The assertions one paper makes: its roles (and mentions), then the relations it states."""
    resolver, entities = index.resolver, index.entities
    paper = ex.paper.id
    facts: dict[tuple[str, str], list[Provenance]] = defaultdict(list)
    for mention in ex.mentions:
        if mention.label in ENTITY_TYPES and (key := resolver.key(mention)):
            facts[("mentions", key)].append(_provenance(mention, mention.score, mention.extractor))
    for role in ex.roles:
        if role.mention.label in ENTITY_TYPES:
            key = resolver.key(role.mention)
            facts[(role.role, key)].append(_provenance(role.mention, role.score, role.extractor))
    proposed = {key for pred, key in facts if pred == "proposes"}

    def keep(pred: str, key: str) -> bool:
        entity = entities.get(key)
        if entity is None or (pred in _EXCLUSIVE_WITH_PROPOSES and key in proposed):
            return False
        # A mention typed Dataset in one sentence does not make a Method the thing evaluated on.
        return _ROLE_RANGE.get(pred, entity.type) == entity.type

    assertions = [
        Assertion(subject=paper, predicate=pred, object=key, provenance=_ranked(prov))
        for (pred, key), prov in facts.items()
        if keep(pred, key)
    ]
    for fact, prov in _relation_facts(ex, resolver).items():
        if (support := index.relation_support.get(fact)) is not None:
            head, pred, tail = fact
            assertions.append(Assertion(head, pred, tail, _ranked(prov), support=support))
    return assertions


def link(extractions: Iterable[PaperExtraction]) -> LinkedCorpus:
    """Merge the mentions of all papers into entities and collect the assertions about them."""
    extractions = list(extractions)
    index = index_corpus(lambda: extractions)
    assertions = [a for ex in extractions for a in paper_assertions(ex, index)]
    return LinkedCorpus(entities=tuple(index.entities.values()), assertions=tuple(assertions))


def _relation_facts(ex: PaperExtraction, resolver: AcronymResolver) -> dict[Fact, list[Provenance]]:
    """The entity–entity relations one paper states, by (head key, relation, tail key)."""
    facts: dict[Fact, list[Provenance]] = defaultdict(list)
    for relation in ex.relations:
        head, tail = resolver.key(relation.head), resolver.key(relation.tail)
        if relation.predicate in SYMMETRIC_RELATIONS:
            head, tail = sorted((head, tail))
        if head and tail and head != tail:  # "RL ... reinforcement learning" is one entity
            facts[(head, relation.predicate, tail)].append(_relation_provenance(relation))
    return facts


def _relation_kept(head: str, predicate: str, tail: str, entities: dict[str, Entity]) -> bool:
    return head in entities and tail in entities and _in_domain(predicate, entities[head])


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
