"""Canonical keys: the form under which surface variants of one name meet.

``Pre-training``, ``pretraining`` and ``pre training`` share a key; so do ``policies`` and
``policy``, ``LLMs`` and ``LLM``, ``M$^3$GPT`` and ``M3GPT``. Keys are for matching only; labels
shown to people keep their surface form.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_LATEX_COMMAND = re.compile(r"\\(?:mathrm|mathbf|mathit|text|textbf|textit|operatorname)\s*")
_LATEX_NOISE = re.compile(r"[$^{}\\]")
_SEPARATORS = re.compile(r"[\s\-‐‑‒–—_/·.]+")
_POSSESSIVE = re.compile(r"['’][sS]$")
#: One word of four or more letters, all capitals: a name that may also spell a common word.
_SHOUTED_WORD = re.compile(r"([A-Z]{4,})s?")
_KEEP_S = ("ss", "us", "is", "ics", "ous", "sis")
#: English function words: determiners, pronouns, prepositions, conjunctions, auxiliaries. They
#: carry no meaning of a name ("learning from / with feedback") and never qualify one ("the RL").
FUNCTION_WORDS = frozenset(
    """
    a an the this that these those its their our your his her my some any each every all both no
    such other another which what whose who whom it they we you i he she them us me one ones
    of in on at by for from with without to into onto over under via per than as about across
    after before between among through during within against toward towards upon beyond along
    and or nor but yet so if then else when while where whether though although because since
    is are was were be been being am do does did done has have had having can could may might
    must shall should will would not also only just very more most less least much many few
    here there how why up down out off again further once same own too above below
    """.split()
)
#: A version number's trailing ".0": "AlpacaEval 2.0" is "AlpacaEval 2".
_POINT_ZERO = re.compile(r"(?<=\d)\.0\b(?!\.\d)")
_ISATION = re.compile(r"isation|isations|ise(?=d|s|r)", re.IGNORECASE)
#: British spellings and their American forms, in keys only: "modelling", "dialogue", "behaviour".
_BRITISH = (
    (re.compile(r"(?<=[a-z]e)ll(?=ing|ed)", re.IGNORECASE), "l"),
    (re.compile(r"(?<=log)ue\b", re.IGNORECASE), ""),
    (re.compile(r"(?<=[a-z]{3})our\b", re.IGNORECASE), "or"),
    (re.compile(r"(?<=[a-z]{2}[^aeiou])tre\b", re.IGNORECASE), "ter"),
)
#: Plurals and singulars the suffix rules get wrong.
_IRREGULAR = {
    "bias": "bias",
    "biases": "bias",
    "analyses": "analysis",
    "hypotheses": "hypothesis",
    "axes": "axis",
    "matrices": "matrix",
    "indices": "index",
    "vertices": "vertex",
    "criteria": "criterion",
    "phenomena": "phenomenon",
    "gas": "gas",
    "atlas": "atlas",
    "canvas": "canvas",
}


def singular(word: str) -> str:
    """Singularise an English plural noun by rule (``policies`` -> ``policy``, ``LLMs`` -> ``LLM``).

    All-capital words (``MCTS``) are acronyms and stay as they are.
    """
    lower = word.lower()
    if lower in _IRREGULAR:
        irregular = _IRREGULAR[lower]
        return irregular if word.islower() else word[: len(irregular)]
    if lower.endswith("ies") and len(word) > 4:
        return word[:-3] + ("Y" if word[-3].isupper() else "y")
    if word.isupper() or len(word) <= 3 or not lower.endswith("s") or lower.endswith(_KEEP_S):
        return word
    if lower.endswith(("sses", "ches", "shes", "xes")):
        return word[:-2]
    return word[:-1]


def clean_surface(text: str) -> str:
    """Unicode-normalise a surface form and strip LaTeX-ish markup and stray whitespace."""
    text = unicodedata.normalize("NFKC", text)
    text = _LATEX_COMMAND.sub("", text)
    text = _LATEX_NOISE.sub("", text)
    return " ".join(text.split())


def written_forms(text: str) -> tuple[str, ...]:
    """The forms a name with LaTeX-ish markup is written in, besides its cleaned label: as in the
    paper (``M$^3$GPT``) and as typed in plain text (``M^3GPT``); nothing for a name without markup."""
    text = " ".join(unicodedata.normalize("NFKC", text).split())
    if not _LATEX_NOISE.search(text):
        return ()
    typed = re.sub(r"[${}]", "", _LATEX_COMMAND.sub("", text))
    label = clean_surface(text)
    return tuple(dict.fromkeys(form for form in (text, typed) if form != label))


@lru_cache(maxsize=1 << 18)
def canonical_key(text: str) -> str:
    """The matching key of a name: cleaned, case-folded, British spellings American, last word
    singular, no separators, no ".0" after a version number; a single word in capitals of four or
    more letters keeps its case."""
    text = _POINT_ZERO.sub("", _POSSESSIVE.sub("", clean_surface(text)))
    if shouted := _SHOUTED_WORD.fullmatch(text):
        return shouted[1]  # "BEHAVIOR" (a benchmark) is not "behaviors"; "DRAGGNs" is "DRAGGN"
    text = _ISATION.sub(lambda m: m.group().replace("s", "z").replace("S", "Z"), text)
    for british, american in _BRITISH:
        text = british.sub(american, text)
    words = text.split(" ")
    if words and words[-1]:
        last_parts = re.split(r"(-)", words[-1].casefold())
        last_parts[-1] = singular(last_parts[-1])
        words[-1] = "".join(last_parts)
    return _SEPARATORS.sub("", " ".join(words)).casefold()
