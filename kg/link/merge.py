"""Merge mentions across papers into entities, and roles into assertions with provenance.

Mentions meet under their canonical key. An acronym joins its long form inside the paper that
defines it; elsewhere only when the corpus gives it a single long form. ``PPO`` defined as two
different things stays two entities, each carrying ``PPO`` as an alias.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace

from kg.about import EXTRACTOR_VERSION
from kg.extract.lexicon import container_name
from kg.link.normalize import FUNCTION_WORDS, canonical_key, clean_surface, singular, written_forms
from kg.link.specificity import HeadUsage, NameUsage, Specificity, modifier_breadth, name_shaped
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
#: A proper name's "Method" or "Concept" from the name and acronym rules is their default, not
#: evidence (a head noun such as "dataset" or "task" is): it weighs this much against the types the
#: recognizer or the gazetteer give the same name.
_DEFAULT_TYPE_WEIGHT = 0.2
_DEFAULT_TYPING_RULES = ("/name", "/abbreviation")
_DEFAULT_TYPES = frozenset({"Method", "Concept"})
#: When votes tie, the more specific type wins.
_TYPE_PRIORITY = {name: i for i, name in enumerate(("Dataset", "Method", "Task", "Metric", "Concept"))}
#: Roles that say more than "mentions"; a proposed entity is not also "used" (or beaten) by the same paper.
_EXCLUSIVE_WITH_PROPOSES = frozenset({"uses", "outperforms"})
#: The entity types a role's object may have after merging (within the ranges of ontology/kg.ttl).
_ROLE_RANGE = {
    "evaluatedOn": frozenset({"Dataset"}),
    "addresses": frozenset({"Task"}),
    # a paper applies methods, data and notions; a field or a metric it "uses" was typed wrong
    "uses": frozenset({"Method", "Dataset", "Concept"}),
}


#: An entity–entity relation: (head key, relation, tail key).
Fact = tuple[str, str, str]

#: An acronym written inside a longer name: "RL" in "offline RL", "LLMs" in "LLMs agents".
_ACRONYM = re.compile(r"[A-Z][A-Za-z]*[A-Z]s?")
#: Words for the kind of thing a name names: "BERT model", "MNIST benchmark", "F1 score".
_CLASS_WORDS = frozenset(
    """
    model architecture network framework algorithm method approach dataset benchmark corpus score
    metric
    """.split()
)
#: The word right before a mention, one space away.
_WORD_BEFORE = re.compile(r"([A-Za-z][A-Za-z-]*) $")

#: Share of a corpus's definitions of an acronym that makes one long form its meaning everywhere.
DOMINANT_SHARE = 0.8


@dataclass(frozen=True)
class LinkedCorpus:
    """Entities and assertions of a corpus, keyed by canonical entity key."""

    entities: tuple[Entity, ...]
    assertions: tuple[Assertion, ...]


class AcronymResolver:
    """Maps an acronym's key to the key of its long form, per paper and corpus-wide.

    Long forms of one acronym that differ only in function words or word order are one name
    ("reinforcement learning from / with human feedback", RLHF). Inside a longer name an acronym
    stands for its long form: "offline RL" is "offline reinforcement learning", not "RL".

    Reads each extraction once and keeps only titles and definitions, so it can be built from
    a stream of extractions.
    """

    def __init__(self, extractions: Iterable[PaperExtraction]) -> None:
        self.titles: dict[str, str] = {}
        self.local: dict[str, dict[str, str]] = defaultdict(dict)
        corpus: dict[str, Counter[str]] = defaultdict(Counter)
        written: dict[str, Counter[str]] = defaultdict(Counter)
        phrases: set[str] = set()
        for ex in extractions:
            self.titles[ex.paper.id] = ex.paper.title
            phrases.update(canonical_key(m.text) for m in ex.mentions if " " in m.text)
            for abbr in ex.abbreviations:
                short, long = canonical_key(abbr.short), canonical_key(abbr.long)
                if short and long and short != long:
                    self.local[ex.paper.id][short] = long
                    corpus[short][long] += 1
                    written[long][clean_surface(abbr.long)] += 1
        #: The long form written most often, by long-form key.
        self.long_text = {long: forms.most_common(1)[0][0] for long, forms in written.items()}
        #: Paraphrased long forms of one acronym, to the most used of them.
        self.same: dict[str, str] = {}
        for longs in corpus.values():
            groups: dict[tuple[str, ...], list[str]] = defaultdict(list)
            for long in longs:
                groups[_content_words(self.long_text[long])].append(long)
            for group in groups.values():
                best = min(group, key=lambda k: (-longs[k], k))
                self.same.update({long: best for long in group if long != best})
        # A bare acronym takes the corpus's long form when one long form clearly dominates:
        # "RL" is reinforcement learning even if one paper misspells its definition.
        self.corpus = {}
        for short, longs in corpus.items():
            merged: Counter[str] = Counter()
            for long, n in longs.items():
                merged[self.same.get(long, long)] += n
            (best, n), total = merged.most_common(1)[0], sum(merged.values())
            if n == total or (total >= 3 and n / total >= DOMINANT_SHARE):
                self.corpus[short] = best
        #: The keys of the multi-word names the corpus writes, for qualified names.
        self.phrases = {self.same.get(k, k) for k in phrases}

    def container(self, mention: Mention) -> str | None:
        """The benchmark named by a Dataset mention "<Name> suite/games/..." outside the title
        (where every word is capitalised): "the Atari suite" is the entity Atari."""
        if mention.label != "Dataset" or mention.sentence == self.titles.get(mention.paper_id):
            return None
        return container_name(mention.text)

    def qualified(self, mention: Mention, text: str) -> tuple[Mention, str]:
        """The mention and its key, the mention taking the word before it when together they are
        a name the corpus writes elsewhere: "RL" in "... offline RL algorithms" is "offline RL"
        (offline reinforcement learning, a name of its own), not plain RL. ``text`` is the
        paper's text."""
        key = self.key(mention)
        before = _WORD_BEFORE.search(text, max(0, mention.start - 40), mention.start)
        if before is None or before[1].lower() in FUNCTION_WORDS:
            return mention, key
        longer = replace(mention, text=f"{before[1]} {mention.text}", start=before.start(1))
        longer_key = self.key(longer)
        if longer_key in self.phrases and longer_key != key:
            return longer, longer_key
        return mention, key

    def key(self, mention: Mention) -> str:
        text = self.container(mention) or _name_of_class_phrase(mention.text)
        key = canonical_key(text)
        local = self.local.get(mention.paper_id, {})
        resolved = local.get(key) or self.corpus.get(key)
        if resolved is None:  # a defined long form keeps its key: "Family Offline-to-Online RL"
            resolved = key if key in self.long_text else self._expanded(text, local) or key
        return self.same.get(resolved, resolved)

    def _expanded(self, text: str, local: dict[str, str]) -> str | None:
        """The key of a multi-word name with its acronyms written out: "offline RL" ->
        "offline reinforcement learning"; None when it has no acronym with a known long form."""
        words = text.split()
        if len(words) < 2:
            return None
        expanded = False
        for i, word in enumerate(words):
            if _ACRONYM.fullmatch(word):
                long = local.get(acronym := canonical_key(word)) or self.corpus.get(acronym)
                if long is not None:
                    words[i] = self.long_text[long]
                    expanded = True
        return canonical_key(" ".join(words)) if expanded else None


def _name_of_class_phrase(text: str) -> str:
    """A name followed by the word for its kind is the name: "BERT model", "Seq2Seq models", "F1
    score", "F1-score" -> "BERT", "Seq2Seq", "F1" (not "Decision Transformer": "Decision" is no name)."""
    words = text.split()
    if len(words) == 1 and "-" in text:
        words = text.rsplit("-", 1)
    if len(words) == 2 and singular(words[1].lower()) in _CLASS_WORDS and name_shaped(words[0]):
        return words[0]
    return text


def _content_words(text: str) -> tuple[str, ...]:
    """The words of a long form that carry its meaning, in order of the alphabet: "reinforcement
    learning from human feedback" -> (feedback, human, learning, reinforcement)."""
    words = re.split(r"[^\w]+", text.casefold())
    return tuple(sorted({canonical_key(w) for w in words if w and w not in FUNCTION_WORDS}))


class _Names:
    """What the corpus says about one entity key, in a few counters: type votes, surface forms,
    other names, papers. Memory grows with distinct names and papers, not with mentions."""

    __slots__ = ("defaults", "names", "papers", "surfaces", "usage", "votes")

    def __init__(self) -> None:
        self.votes: Counter[str] = Counter()
        self.defaults = 0.0  # weight of the votes that are a rule's default type
        self.surfaces: Counter[str] = Counter()
        self.names: set[str] = set()
        self.papers: set[str] = set()
        self.usage = NameUsage()

    def add(self, mention: Mention, container: str | None) -> None:
        default = mention.extractor.endswith(_DEFAULT_TYPING_RULES) and mention.label in _DEFAULT_TYPES
        weight = mention.score * (_DEFAULT_TYPE_WEIGHT if default else 1.0)
        self.votes[mention.label] += weight
        self.defaults += weight if default else 0.0
        self.surfaces[clean_surface(mention.text)] += 1
        self.names.update(written_forms(mention.text))
        if container:
            self.names.add(container)
        self.papers.add(mention.paper_id)

    def absorb(self, other: _Names) -> None:
        """Take in what the corpus says under another key of the same name."""
        self.votes.update(other.votes)
        self.defaults += other.defaults
        self.surfaces.update(other.surfaces)
        self.names |= other.names
        self.papers |= other.papers
        self.usage.absorb(other.usage)


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


def _entity(key: str, names: _Names, heads: HeadUsage) -> Entity:
    """One entity from what its mentions said: type by score-weighted vote, label by frequency;
    other names (the bare names of "<Name> suite" mentions, the written forms of names with
    markup: ``M$^3$GPT``, ``M^3GPT``) become aliases too.

    Where a rule typed a name by default, the type the recognizer gives most names with the head
    noun of its long form outvotes that default ("UAV", unmanned aerial vehicle, is what vehicles
    are); the recognizer's and the gazetteer's own votes for the name still count."""
    votes = names.votes
    surfaces = names.surfaces
    long_forms = sorted((s for s in surfaces if " " in s), key=lambda s: (-surfaces[s], s))
    head_type = next(filter(None, map(heads.head_type, long_forms)), None) if names.defaults else None
    if head_type is not None:
        votes = votes + Counter({head_type: 2 * names.defaults})
    best = max(votes.values())
    etype = min((t for t, v in votes.items() if v == best), key=lambda t: _TYPE_PRIORITY.get(t, 99))
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
    heads = HeadUsage()
    support: Counter[Fact] = Counter()
    for ex in extractions():
        text, title = ex.paper.text, ex.paper.title
        for mention in ex.mentions:
            mention, key = resolver.qualified(mention, text)
            if mention.label in ENTITY_TYPES and key:
                entry = names[key]
                entry.add(mention, resolver.container(mention))
                entry.usage.add(mention, text, mention.sentence == title)
                heads.add(mention)
        proposed = set()
        for role in ex.roles:
            _, key = resolver.qualified(role.mention, text)
            if role.role != "mentions" and key in names:
                names[key].usage.roles += 1
                if role.role == "proposes":
                    proposed.add(key)
        for key in proposed:
            names[key].usage.proposed += 1
        support.update(_relation_facts(ex, resolver).keys())
    # "LIDAR" keeps its capitals in its key (the benchmark BEHAVIOR is not "behaviors"), but where
    # the corpus only ever writes the folded key as a name ("LiDAR"), the two are one name.
    for key in [k for k in names if k.isupper()]:
        folded = key.casefold()
        if folded in names and all(any(c.isupper() for c in s) for s in names[folded].surfaces):
            names[folded].absorb(names.pop(key))
            resolver.same[key] = folded
    if resolver.same:
        same = resolver.same
        support = Counter({(same.get(h, h), p, same.get(t, t)): n for (h, p, t), n in support.items()})
    merged = {key: _entity(key, names[key], heads) for key in sorted(names)}
    breadth, multiword = modifier_breadth(e.label for e in merged.values())
    specificity = Specificity({k: n.usage for k, n in names.items()}, heads, breadth, multiword)
    entities = {
        key: e
        for key, e in merged.items()
        if specificity.is_specific(key, e.label, len(e.papers), e.type, key in resolver.long_text)
    }
    entities = {
        key: replace(e, broader=broader) if (broader := _broader(e, entities, resolver)) else e
        for key, e in entities.items()
    }
    relation_support = {fact: n for fact, n in support.items() if _relation_kept(*fact, entities)}
    return CorpusIndex(resolver, entities, relation_support)


def paper_assertions(ex: PaperExtraction, index: CorpusIndex) -> list[Assertion]:
    """The assertions one paper makes: its roles (and mentions), then the relations it states."""
    resolver, entities = index.resolver, index.entities
    paper, text = ex.paper.id, ex.paper.text
    facts: dict[tuple[str, str], list[Provenance]] = defaultdict(list)
    for mention in ex.mentions:
        mention, key = resolver.qualified(mention, text)
        if mention.label in ENTITY_TYPES and key:
            facts[("mentions", key)].append(_provenance(mention, mention.score, mention.extractor))
    for role in ex.roles:
        if role.mention.label in ENTITY_TYPES:
            mention, key = resolver.qualified(role.mention, text)
            facts[(role.role, key)].append(_provenance(mention, role.score, role.extractor))
    proposed = {key for pred, key in facts if pred == "proposes"}

    def keep(pred: str, key: str) -> bool:
        entity = entities.get(key)
        if entity is None or (pred in _EXCLUSIVE_WITH_PROPOSES and key in proposed):
            return False
        # A mention typed Dataset in one sentence does not make a Method the thing evaluated on.
        return entity.type in _ROLE_RANGE.get(pred, (entity.type,))

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
    text = ex.paper.text
    for relation in ex.relations:
        _, head = resolver.qualified(relation.head, text)
        _, tail = resolver.qualified(relation.tail, text)
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
