"""Plain, frozen dataclasses: the only contract between pipeline stages.

sources -> Paper -> extract -> Mention / Abbreviation / Role -> link -> Entity / Assertion -> graph
"""

from __future__ import annotations

from dataclasses import dataclass, field

#: The entity types of the ontology (``kg:Method`` ...); every Mention label is one of these.
ENTITY_TYPES: tuple[str, ...] = ("Method", "Dataset", "Task", "Metric", "Concept")

#: Paper-level roles: what a paper does with an entity (``kg:proposes`` ...).
ROLES: tuple[str, ...] = ("proposes", "uses", "evaluatedOn", "addresses", "outperforms", "mentions")

#: Relations between entities (``kg:usedFor`` ...; ``broader`` is ``skos:broader``), from SciERC's labels.
RELATIONS: tuple[str, ...] = (
    "usedFor",
    "evaluates",
    "featureOf",
    "broader",
    "partOf",
    "comparedWith",
    "conjunctionWith",
)

#: Relations that hold both ways; their assertions are stored once, arguments in key order.
SYMMETRIC_RELATIONS = frozenset({"comparedWith", "conjunctionWith"})

#: Separator between title and abstract in :attr:`Paper.text`; offsets refer to that text.
TITLE_SEPARATOR = "\n\n"


@dataclass(frozen=True)
class Paper:
    """One paper: title, abstract and what the listings said about it.

    ``date`` is ISO 8601 at the precision the source gives: ``2019``, ``2019-05`` or
    ``2019-05-12``. ``doi`` is the bare DOI (``10.1234/abc``), ``arxiv_id`` the arXiv identifier
    without version (``2310.17966``, ``hep-th/9901001``); ``status`` is a venue's decision
    (``Oral``, ``Poster``, ``Reject``) where the source gives one.
    """

    id: str
    title: str
    abstract: str
    date: str | None = None
    n_authors: int | None = None
    upvotes: int | None = None
    sources: tuple[str, ...] = ()
    authors: tuple[str, ...] = ()
    url: str | None = None
    venue: str | None = None
    doi: str | None = None
    arxiv_id: str | None = None
    keywords: tuple[str, ...] = ()
    status: str | None = None

    @property
    def year(self) -> int | None:
        """The year of :attr:`date`, the precision every source has."""
        return int(self.date[:4]) if self.date else None

    @property
    def text(self) -> str:
        """Title and abstract as one text; every character offset in the pipeline points into it."""
        if not self.abstract:
            return self.title
        return f"{self.title}{TITLE_SEPARATOR}{self.abstract}"


@dataclass(frozen=True)
class Mention:
    """A span of a paper's text that names an entity, with the evidence for it."""

    paper_id: str
    text: str
    label: str  # one of ENTITY_TYPES
    start: int  # character offsets into Paper.text, end exclusive
    end: int
    sentence: str
    score: float
    lemma: str = ""  # the text with its head word lemmatised ("policies" -> "policy")
    extractor: str = ""  # the component that found it, e.g. "kg_entities"

    @property
    def key_text(self) -> str:
        """The form used to decide which mentions name the same thing."""
        return self.lemma or self.text


@dataclass(frozen=True)
class Abbreviation:
    """A long form defined with its short form in one paper: ``Implicit Reward Model (IRM)``."""

    paper_id: str
    short: str
    long: str
    start: int  # offsets of the long form in Paper.text
    end: int
    sentence: str


@dataclass(frozen=True)
class Role:
    """What a paper does with something it mentions: proposes, uses, evaluatedOn, addresses."""

    paper_id: str
    role: str  # one of ROLES
    mention: Mention
    score: float
    extractor: str


@dataclass(frozen=True)
class RelationMention:
    """A relation between two mentions of one sentence (filled by the relation extractor)."""

    head: Mention
    tail: Mention
    predicate: str  # one of RELATIONS
    evidence: str
    score: float
    extractor: str


@dataclass(frozen=True)
class PaperExtraction:
    """Everything the extractor found in one paper."""

    paper: Paper
    mentions: tuple[Mention, ...] = ()
    abbreviations: tuple[Abbreviation, ...] = ()
    roles: tuple[Role, ...] = ()
    relations: tuple[RelationMention, ...] = ()


@dataclass(frozen=True)
class Provenance:
    """Where an assertion came from: paper, sentence, offsets, extractor, confidence."""

    paper_id: str
    sentence: str
    start: int
    end: int
    extractor: str
    version: str
    score: float


@dataclass(frozen=True)
class Entity:
    """A thing named in one or more papers, after merging: one node of the graph."""

    key: str  # canonical key, unique in the graph
    label: str  # preferred label: the most frequent surface form
    type: str  # one of ENTITY_TYPES
    aliases: tuple[str, ...] = ()
    papers: tuple[str, ...] = ()  # ids of the papers that mention it
    broader: tuple[str, ...] = ()  # keys of more general entities ("offline RL" -> "RL")


@dataclass(frozen=True)
class Assertion:
    """A fact of the graph: paper/entity ``predicate`` entity, with its evidence."""

    subject: str  # a paper id (ROLES) or an entity key (RELATIONS)
    predicate: str  # one of ROLES or RELATIONS
    object: str  # an entity key
    provenance: tuple[Provenance, ...] = field(default_factory=tuple)
    #: Distinct papers asserting the same (subject, predicate, object), counted once by link().
    support: int = 1
