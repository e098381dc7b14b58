"""Hyponymy from lexical patterns (Hearst, 1992): "X such as A, B and C", "X including A", "A and other X".

The relation classifier rarely finds SciERC's HYPONYM-OF (scores per relation: docs/quality.md);
these patterns, read off the words between two mentions of one sentence, add the common cases.
They work on plain word lists so the same code runs on spaCy sentences and on SciERC's tokens.
"""

from __future__ import annotations

from collections.abc import Sequence

#: Word sequences between a hypernym and its first hyponym ("methods such as PPO").
_CUES: frozenset[tuple[str, ...]] = frozenset(
    tuple(cue.split())
    for cue in (
        "such as",
        ", such as",
        "like",
        ", like",
        "including",
        ", including",
        "e.g.",
        "e.g. ,",
        ", e.g.",
        ", e.g. ,",
        "( e.g.",
        "( e.g. ,",
        ", namely",
        ": namely",
        "especially",
        ", especially",
        "in particular",
        ", in particular",
    )
)
#: Word sequences between a last hyponym and its hypernym ("PPO and other methods").
_TAIL_CUES: frozenset[tuple[str, ...]] = frozenset(
    tuple(cue.split()) for cue in ("and other", "or other", ", and other", ", or other")
)
#: Words that may separate the items of a list of hyponyms.
_SEPARATORS = frozenset({",", "and", "or", "as", "well"})
_BRACKETS = {"-lrb-": "(", "-rrb-": ")"}

#: A mention as word offsets into its sentence, end exclusive.
WordSpan = tuple[int, int]


def hyponym_pairs(words: Sequence[str], spans: Sequence[WordSpan]) -> list[tuple[int, int]]:
    """``(hyponym, hypernym)`` index pairs into ``spans`` that a pattern states, in one sentence."""
    lower = [_BRACKETS.get(w.lower(), w.lower()) for w in words]
    order = sorted(range(len(spans)), key=lambda i: spans[i])
    found: list[tuple[int, int]] = []
    for n, hyper in enumerate(order):
        rest = order[n + 1 :]
        if not rest:
            continue
        first = rest[0]
        if tuple(lower[spans[hyper][1] : spans[first][0]]) in _CUES:
            found.append((first, hyper))
            previous = first
            for item in rest[1:]:  # "..., B and C": the list goes on while only separators intervene
                between = lower[spans[previous][1] : spans[item][0]]
                if not between or not set(between) <= _SEPARATORS:
                    break
                found.append((item, hyper))
                previous = item
        if tuple(lower[spans[hyper][1] : spans[first][0]]) in _TAIL_CUES:
            found.append((hyper, first))  # here "hyper" is the hyponym: "PPO and other methods"
    return found
