"""spaCy factories of the project's components (exposed through the ``spacy_factories`` entry point)."""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc

from kg.extract.abbreviations import find_abbreviations
from kg.extract.entities import EntityRecognizer
from kg.extract.roles import tag_roles
from kg.types import TITLE_SEPARATOR

MENTIONS_KEY = "kg_mentions"

if not Doc.has_extension("kg_title_end"):
    Doc.set_extension("kg_title_end", default=0)
if not Doc.has_extension("abbreviations"):
    Doc.set_extension("abbreviations", default=[])
if not Doc.has_extension("kg_roles"):
    Doc.set_extension("kg_roles", default=[])


class TitleBoundary:
    """Marks the title as a sentence of its own (``Paper.text`` is title, blank line, abstract)."""

    def __call__(self, doc: Doc) -> Doc:
        cut = doc.text.find(TITLE_SEPARATOR)
        if cut < 0:
            doc._.kg_title_end = len(doc)
            return doc
        span = doc.char_span(cut, cut + len(TITLE_SEPARATOR), alignment_mode="expand")
        after = span.end if span is not None else len(doc)
        if after < len(doc):
            doc[after].is_sent_start = True
        title_end = span.start if span is not None else len(doc)
        doc._.kg_title_end = title_end
        return doc


class AbbreviationDetector:
    """Finds ``long form (SHORT)`` definitions; writes ``doc._.abbreviations`` as span pairs."""

    def __call__(self, doc: Doc) -> Doc:
        doc._.abbreviations = find_abbreviations(doc)
        return doc


class RoleTagger:
    """Tags mentions with what the paper does with them; writes ``doc._.kg_roles``."""

    def __init__(self, spans_key: str) -> None:
        self.spans_key = spans_key

    def __call__(self, doc: Doc) -> Doc:
        doc._.kg_roles = tag_roles(doc, self.spans_key)
        return doc


@Language.factory("kg_title", assigns=["token.is_sent_start", "doc._.kg_title_end"])
def make_title_boundary(nlp: Language, name: str) -> TitleBoundary:
    return TitleBoundary()


@Language.factory("kg_abbreviations", requires=["token.is_sent_start"], assigns=["doc._.abbreviations"])
def make_abbreviation_detector(nlp: Language, name: str) -> AbbreviationDetector:
    return AbbreviationDetector()


@Language.factory(
    "kg_entities",
    requires=["doc._.abbreviations", "token.pos", "token.dep"],
    assigns=["doc.spans"],
    default_config={"spans_key": MENTIONS_KEY, "patterns": None},
)
def make_entity_recognizer(
    nlp: Language, name: str, spans_key: str, patterns: str | None
) -> EntityRecognizer:
    return EntityRecognizer(nlp, name, spans_key, patterns)


@Language.factory(
    "kg_roles",
    requires=["doc.spans"],
    assigns=["doc._.kg_roles"],
    default_config={"spans_key": MENTIONS_KEY},
)
def make_role_tagger(nlp: Language, name: str, spans_key: str) -> RoleTagger:
    return RoleTagger(spans_key)
