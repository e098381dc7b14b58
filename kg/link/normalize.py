"""Canonical keys: the form under which surface variants of one name meet.

``Pre-training``, ``pretraining`` and ``pre training`` share a key; so do ``policies`` and
``policy``, ``LLMs`` and ``LLM``, ``M$^3$GPT`` and ``M3GPT``. Keys are for matching only; labels
shown to people keep their surface form.
"""

from __future__ import annotations

import re
import unicodedata

_LATEX_COMMAND = re.compile(r"\\(?:mathrm|mathbf|mathit|text|textbf|textit|operatorname)\s*")
_LATEX_NOISE = re.compile(r"[$^{}\\]")
_SEPARATORS = re.compile(r"[\s\-‐‑‒–—_/·.]+")
_POSSESSIVE = re.compile(r"['’]s$")
_KEEP_S = ("ss", "us", "is", "ics", "ous", "sis")


def singular(word: str) -> str:
    """Singularise an English plural noun by rule (``policies`` -> ``policy``, ``LLMs`` -> ``LLM``)."""
    lower = word.lower()
    if len(word) <= 3 or not lower.endswith("s") or lower.endswith(_KEEP_S):
        return word
    if lower.endswith("ies") and len(word) > 4:
        return word[:-3] + ("Y" if word[-3].isupper() else "y")
    if lower.endswith(("sses", "ches", "shes", "xes")):
        return word[:-2]
    return word[:-1]


def clean_surface(text: str) -> str:
    """Unicode-normalise a surface form and strip LaTeX-ish markup and stray whitespace."""
    text = unicodedata.normalize("NFKC", text)
    text = _LATEX_COMMAND.sub("", text)
    text = _LATEX_NOISE.sub("", text)
    return " ".join(text.split())


def canonical_key(text: str) -> str:
    """The matching key of a name: cleaned, case-folded, last word singular, no separators."""
    text = _POSSESSIVE.sub("", clean_surface(text))
    words = text.split(" ")
    if words and words[-1]:
        last_parts = re.split(r"(-)", words[-1])
        last_parts[-1] = singular(last_parts[-1])
        words[-1] = "".join(last_parts)
    return _SEPARATORS.sub("", " ".join(words)).casefold()
