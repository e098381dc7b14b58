"""Whether a merged name is specific enough to be an entity of the graph, from how the corpus uses it.

A graph whose hubs are "features", "3D" or "neural networks" answers nothing. The evidence is the
corpus's, not a list of words (decision record ``docs/decisions/entity-specificity.md``): a *name*
(capitals inside a word, letters with digits, written capitalised in running text, found by a
curated rule, proposed by its papers) is specific; a phrase is when papers build on it (a role, or
two papers) and it is neither a bare common noun nor a broad class ("deep neural networks": a
count noun whose every modifier modifies many names), and a plain phrase for a notion or a
measure or a dataset needs an acronym a paper gives it. Names mostly written in front of another
noun ("3D shapes", "RGB images") are attributes, and numbers with units are measurements.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, fields

from kg.extract.lexicon import ADJECTIVAL_SUFFIXES, DATASET_HEADS, METHOD_HEADS, METRIC_HEADS, TASK_HEADS
from kg.link.normalize import FUNCTION_WORDS, canonical_key, singular
from kg.types import Mention

#: Rules whose names are curated or given by the authors: a gazetteer entry, "we call it X", the
#: name in a paper's title, a listed or benchmark name.
CURATED_RULES = frozenset({"gazetteer", "given", "title", "list", "benchmark"})
#: A name written in front of another noun at least this often is an attribute ("3D", "RGB").
ATTRIBUTE_SHARE = 0.6
#: Uses a name needs before it can be judged an attribute: one paper's phrasing is not enough.
MIN_ATTRIBUTE_USES = 3
#: A head noun written in the plural at least this often names a class of things ("models").
COUNT_NOUN_SHARE = 0.3
#: A modifier of at least this share of the corpus's multi-word names is a broad one ("deep").
BROAD_MODIFIER_SHARE = 0.0025
#: Share of a name's mentions that must come from curated rules, or of its papers that must propose
#: it, for the list or the authors to vouch for it.
CURATED_SHARE = 0.25
#: The recognizer's extractor name: its types come from context, not from a name's shape.
RECOGNIZER_RULE = "/model"
#: Names with one head noun the recognizer must have typed, and the share one type needs, for
#: that type to stand for a name nothing else types ("UAV" for unmanned aerial vehicle).
MIN_HEAD_VOTES = 5
HEAD_TYPE_SHARE = 0.6
#: Types whose plain phrases (no capitals, no curated source) are vocabulary unless a paper gives
#: them an acronym: "loss function", "computational cost" and "public datasets" are not nodes,
#: "optimal transport (OT)" is.
PLAIN_NOTIONS = frozenset({"Concept", "Metric", "Dataset"})
#: Papers a plain phrase needs, unless a paper builds on it through a role.
MIN_PAPERS = 2

#: The noun after a name that says what kind of thing the name is: "the KITTI dataset" still
#: uses KITTI as a name, "3D shapes" does not.
_TYPE_NOUNS = METHOD_HEADS | DATASET_HEADS | TASK_HEADS | METRIC_HEADS | {"model", "models", "tasks"}
_NEXT_WORD = re.compile(r"(?:\s+|-)([A-Za-z][A-Za-z-]*)")
#: Measurements and ranges: "20Hz", "600mL", "5-10", "1080p", "3x3", "3D" (not "3DGS", a name).
_MEASUREMENT = re.compile(r"[\d.,]+\s*(?:[-–x×/]\s*[\d.,]+)?\s*(?![A-Z]{3})[A-Za-z%°µ]{0,3}")
#: Marks of formulas and statistics, never of a name: "F(2,58)=7.952,p=0.001".
_FORMULA = re.compile(r"[=<>≤≥±]")
_ADJECTIVE_ENDS = ADJECTIVAL_SUFFIXES | {"hard", "complete"}
_INNER_CAPITAL = re.compile(r"\w[A-Z]|[A-Za-z]\d|\d[A-Za-z]|\b[A-Z]-")


@dataclass
class NameUsage:
    """How the corpus writes one merged name: counts over its mentions and roles."""

    mentions: int = 0
    modifier: int = 0  # followed by a content word: "3D shapes", "RGB-based"
    plural: int = 0
    capitalised: int = 0  # capitalised in running text, not at the start of a sentence or in a title
    curated: int = 0
    roles: int = 0  # times a paper proposes, uses, is evaluated on or addresses it
    proposed: int = 0  # papers that propose it

    def absorb(self, other: NameUsage) -> None:
        """Add another key's counts to these."""
        for count in fields(self):
            setattr(self, count.name, getattr(self, count.name) + getattr(other, count.name))

    def add(self, mention: Mention, text: str, in_title: bool) -> None:
        """Count one mention; ``text`` is the paper's text its offsets point into."""
        self.mentions += 1
        words = mention.text.split()
        if words and singular(words[-1]) != words[-1]:
            self.plural += 1
        if not in_title and mention.text[:1].isupper() and not mention.sentence.startswith(mention.text):
            self.capitalised += 1
        if mention.extractor.rsplit("/", 1)[-1] in CURATED_RULES:
            self.curated += 1
        following = _NEXT_WORD.match(text, mention.end)
        if following:
            word = following[1]
            lower = word.lower()
            if lower[:1] == word[:1] and lower not in FUNCTION_WORDS and singular(lower) not in _TYPE_NOUNS:
                self.modifier += 1


@dataclass
class HeadUsage:
    """What the corpus says about the multi-word names ending in each head noun: how often they
    are written in the plural, and the types the recognizer gives them."""

    uses: Counter[str] = field(default_factory=Counter)
    plural: Counter[str] = field(default_factory=Counter)
    types: dict[str, Counter[str]] = field(default_factory=dict)

    def add(self, mention: Mention) -> None:
        words = mention.text.split()
        if len(words) < 2:
            return
        head = canonical_key(words[-1])
        if mention.extractor.endswith(RECOGNIZER_RULE):
            self.types.setdefault(head, Counter())[mention.label] += 1
        if not words[-1][:1].islower():
            return
        self.uses[head] += 1
        if singular(words[-1]) != words[-1]:
            self.plural[head] += 1

    def head_type(self, phrase: str) -> str | None:
        """The type the recognizer gives most names with this phrase's head noun ("unmanned aerial
        vehicle": what "vehicle" names are), when it gives one type to most of them."""
        words = phrase.split()
        votes = self.types.get(canonical_key(words[-1])) if len(words) > 1 else None
        if not votes:
            return None
        (best, n), total = votes.most_common(1)[0], sum(votes.values())
        return best if total >= MIN_HEAD_VOTES and n >= HEAD_TYPE_SHARE * total else None

    def is_count_noun(self, head: str) -> bool:
        uses = self.uses.get(head, 0)
        return uses > 0 and self.plural.get(head, 0) / uses >= COUNT_NOUN_SHARE


def modifier_breadth(labels: Iterable[str]) -> tuple[Counter[str], int]:
    """For each word, how many multi-word names it modifies (any word but the last), and how
    many multi-word names there are."""
    breadth: Counter[str] = Counter()
    names = 0
    for label in labels:
        words = label.split()
        if len(words) > 1:
            names += 1
            breadth.update({canonical_key(w) for w in words[:-1]})
    return breadth, names


def is_named(label: str, usage: NameUsage) -> bool:
    """A name rather than a phrase: a capital inside a word or letters with digits in its usual
    written form (``LiDAR``, ``CIFAR-10``, ``word2vec``), or mostly capitalised in running text.
    An acronym defined for a phrase does not make the phrase a name ("DNNs")."""
    return name_shaped(label) or usage.capitalised * 2 > usage.mentions


def name_shaped(text: str) -> bool:
    """Written as a name: a capital inside a word, letters with digits, or a lone capital before
    a hyphen (``LiDAR``, ``CIFAR-10``, ``word2vec``, ``Q-learning``)."""
    return bool(_INNER_CAPITAL.search(text))


def is_junk(label: str) -> bool:
    """A number with a unit, a range, a formula or a cut-off piece: "20Hz", "5-10",
    "F(2,58)=7.95", "SE(2"."""
    return bool(
        _FORMULA.search(label)
        or _MEASUREMENT.fullmatch(label)
        or not any(c.isalpha() for c in label)
        or label.count("(") != label.count(")")
        or label.count("[") != label.count("]")
    )


def is_adjective(label: str) -> bool:
    """A compound adjective: "NP-hard", "GPU-based"."""
    last = re.split(r"[-\s]", label)[-1]
    return "-" in label and last in _ADJECTIVE_ENDS


@dataclass(frozen=True)
class Specificity:
    """The corpus-wide evidence that decides which merged names become entities."""

    usage: Mapping[str, NameUsage]
    heads: HeadUsage
    breadth: Counter[str]
    names: int  # multi-word names in the corpus

    def is_specific(self, key: str, label: str, papers: int, kind: str, defined: bool) -> bool:
        """Whether the name of this key is kept as an entity (see the module's docstring).

        ``kind`` is its type; ``defined`` says whether a paper gave it an acronym."""
        usage = self.usage.get(key) or NameUsage()
        if is_junk(label) or is_adjective(label):
            return False
        if usage.curated >= CURATED_SHARE * usage.mentions or usage.proposed >= CURATED_SHARE * papers:
            return True
        if usage.mentions >= MIN_ATTRIBUTE_USES and usage.modifier >= ATTRIBUTE_SHARE * usage.mentions:
            return False
        if is_named(label, usage):
            return True
        words = label.split()
        if len(words) < 2:
            return False  # a bare common noun: "features", "graph", "robustness"
        if kind in PLAIN_NOTIONS and not defined:
            return False  # "loss function", "prior knowledge": vocabulary, not a named notion
        if not usage.roles and papers < MIN_PAPERS:
            return False
        return not self._broad_class(words)

    def _broad_class(self, words: list[str]) -> bool:
        """A count noun whose every modifier is a broad one or a compound adjective: "deep neural
        networks", "real-world datasets", "learning-based methods" (not "object detection", a
        process noun)."""
        if not self.heads.is_count_noun(canonical_key(words[-1])):
            return False
        floor = max(2.0, BROAD_MODIFIER_SHARE * self.names)
        return all(self.breadth[canonical_key(w)] >= floor or is_adjective(w) for w in words[:-1])
