"""A paper's extraction as compact bytes and back, without the paper itself.

The record holds no paper id or metadata: a cached extraction depends only on the paper's text,
so renaming a paper or changing its venue reuses it. Each sentence is stored once and mentions
refer to it by index; roles and relations refer to their mentions by index. Decoding gives
records equal to the ones encoded (:func:`decode` ∘ :func:`encode` is the identity).
"""

from __future__ import annotations

import json
import zlib

from kg.types import Abbreviation, Mention, Paper, PaperExtraction, RelationMention, Role

#: Bumped when the layout below changes; part of every cache key.
CODEC_VERSION = 1


def encode(extraction: PaperExtraction) -> bytes:
    """The extraction of one paper as zlib-compressed JSON."""
    sentences: dict[str, int] = {}

    def sentence(text: str) -> int:
        return sentences.setdefault(text, len(sentences))

    index = {mention: i for i, mention in enumerate(extraction.mentions)}
    record = {
        "m": [
            [m.text, m.label, m.start, m.end, sentence(m.sentence), m.score, m.lemma, m.extractor]
            for m in extraction.mentions
        ],
        "a": [[a.short, a.long, a.start, a.end, sentence(a.sentence)] for a in extraction.abbreviations],
        "r": [[index[r.mention], r.role, r.score, r.extractor] for r in extraction.roles],
        "e": [
            [index[r.head], index[r.tail], r.predicate, sentence(r.evidence), r.score, r.extractor]
            for r in extraction.relations
        ],
    }
    record["s"] = list(sentences)
    # ASCII JSON: any string survives, even a lone surrogate that UTF-8 cannot hold
    return zlib.compress(json.dumps(record, separators=(",", ":")).encode("ascii"), 1)


def decode(data: bytes, paper: Paper) -> PaperExtraction:
    """The extraction encoded in ``data``, for ``paper``."""
    record = json.loads(zlib.decompress(data))
    sentences = record["s"]
    pid = paper.id
    mentions = tuple(
        Mention(pid, text, label, start, end, sentences[s], score, lemma, extractor)
        for text, label, start, end, s, score, lemma, extractor in record["m"]
    )
    return PaperExtraction(
        paper=paper,
        mentions=mentions,
        abbreviations=tuple(
            Abbreviation(pid, short, long, start, end, sentences[s])
            for short, long, start, end, s in record["a"]
        ),
        roles=tuple(
            Role(pid, role, mentions[m], score, extractor) for m, role, score, extractor in record["r"]
        ),
        relations=tuple(
            RelationMention(mentions[h], mentions[t], predicate, sentences[s], score, extractor)
            for h, t, predicate, s, score, extractor in record["e"]
        ),
    )
