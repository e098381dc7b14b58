"""The cache's record format: decode(encode(x)) is x, and the record holds no paper."""

from __future__ import annotations

import pytest

from kg.cache import decode, encode
from kg.types import Abbreviation, Mention, Paper, PaperExtraction, RelationMention, Role
from tests.helpers import FAMO2O_TITLE

TITLES = [FAMO2O_TITLE, "REINFORCE++", "Learning to Generate Better Than Your LLM"]


@pytest.mark.parametrize("title", TITLES)
def test_codec_round_trips_real_extractions(extraction, title: str) -> None:
    ex = extraction(title)
    assert ex.mentions and ex.roles
    assert decode(encode(ex), ex.paper) == ex


def test_codec_round_trips_every_kind_of_record() -> None:
    paper = Paper(id="p", title="T", abstract="We use Foo Net (FN) with Bar. Lone surrogate \ud800 too.")
    foo = Mention("p", "Foo Net", "Method", 10, 17, "We use Foo Net (FN) with Bar.", 0.9, "foo net", "kg/x")
    bar = Mention("p", "Bar", "Dataset", 26, 29, "We use Foo Net (FN) with Bar.", 1.0, "", "kg/y")
    odd = Mention("p", "\ud800", "Concept", 48, 49, "Lone surrogate \ud800 too.", 0.5)
    ex = PaperExtraction(
        paper,
        (foo, bar, odd),
        (Abbreviation("p", "FN", "Foo Net", 10, 17, foo.sentence),),
        (Role("p", "uses", foo, 0.8, "kg/roles"),),
        (RelationMention(foo, bar, "usedFor", foo.sentence, 0.7, "kg/relations"),),
    )
    assert decode(encode(ex), paper) == ex


def test_codec_record_belongs_to_the_paper_it_is_decoded_for(extraction) -> None:
    ex = extraction(FAMO2O_TITLE)
    renamed = Paper(**{**ex.paper.__dict__, "id": "other-id", "venue": "ICML"})
    again = decode(encode(ex), renamed)
    assert again.paper is renamed
    assert {m.paper_id for m in again.mentions} == {"other-id"}
