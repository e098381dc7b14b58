"""Schwartz–Hearst abbreviation detection: ``long form (SHORT)`` and ``SHORT (long form)``.

Schwartz & Hearst (2003), "A simple algorithm for identifying abbreviation definitions in
biomedical text". Our own implementation on spaCy tokens, with one extension common in ML
names: a digit in the short form may stand for a word (``FamO2O`` = Offline-*to*-Online,
``SSL4RL`` = SSL *for* RL).
"""

from __future__ import annotations

import re

from spacy.tokens import Doc, Span

#: Words a digit inside a short form may stand for.
DIGIT_WORDS: dict[str, tuple[str, ...]] = {
    "2": ("to", "two"),
    "4": ("for", "four"),
    "3": ("three",),
}


def is_short_form_candidate(text: str) -> bool:
    """A plausible short form: 2–10 characters, one token-ish, starts alphanumeric, has a letter."""
    if not 2 <= len(text) <= 10 or " " in text:
        return False
    if not text[0].isalnum() or not any(c.isalpha() for c in text):
        return False
    # Require an upper-case letter or a digit: "(see)" or "(e.g.)" are not abbreviations.
    return any(c.isupper() for c in text) or any(c.isdigit() for c in text[1:])


#: Function words a long form may contain without a letter in the short form.
SKIPPABLE = frozenset({"of", "for", "from", "the", "and", "to", "in", "with", "on", "via", "a", "an"})

_WORD = re.compile(r"[^\W_]+")


def _normalised_short(short: str) -> str:
    """Lower-cased alphanumerics of a short form, without a plural ``s`` (``LLMs`` -> ``llm``)."""
    if short.endswith("s") and len(short) > 2 and short[-2].isupper():
        short = short[:-1]
    return "".join(ch for ch in short.lower() if ch.isalnum())


def _lower_keeping_length(text: str) -> str:
    """Lower-case character by character, so offsets stay valid ("İ" lower-cases to two characters)."""
    return "".join(ch.lower() if len(ch.lower()) == 1 else ch for ch in text)


def _initials_start(short: str, candidate: str) -> int | None:
    """Start of the fewest trailing words whose initials spell ``short`` (function words optional)."""
    words = [(m.start(), m.group().lower()) for m in _WORD.finditer(candidate)]

    def spells(wi: int, si: int) -> bool:
        if si == len(short):
            return wi == len(words)
        if wi == len(words):
            return False
        word = words[wi][1]
        if word in SKIPPABLE and spells(wi + 1, si):
            return True
        if word in DIGIT_WORDS.get(short[si], ()) or word[0] == short[si]:
            return spells(wi + 1, si + 1)
        return False

    for wi in range(len(words) - 1, -1, -1):
        word = words[wi][1]
        if (word not in SKIPPABLE or word[0] == short[0]) and spells(wi, 0):
            return words[wi][0]
    return None


def _char_match_start(short: str, text: str, word_start) -> int | None:
    """Schwartz–Hearst right-to-left character match; the first character must satisfy ``word_start``."""
    s_index, l_index = len(short) - 1, len(text) - 1
    while s_index >= 0:
        ch = short[s_index]
        while l_index >= 0:
            hit = next(
                (
                    w
                    for w in DIGIT_WORDS.get(ch, ())
                    if text.startswith(w, l_index - len(w) + 1) and word_start(l_index - len(w) + 1)
                ),
                None,
            )
            if hit is not None:
                l_index -= len(hit)
                break
            if text[l_index] == ch and (s_index > 0 or word_start(l_index)):
                l_index -= 1
                break
            l_index -= 1
        else:
            return None
        s_index -= 1
    return l_index + 1


def _capitals_start(short: str, candidate: str) -> int | None:
    """Where the long form starts when the authors capitalised its letters inside words
    ("Generalizable Offline goAl-condiTioned RL (GOAT)", "ImPlicit Self-ImprovemenT (PIT)"):
    the short form's letters matched right to left against capitals only. None without such a
    capital inside a word, or for short forms that are not all capitals."""
    letters = short[:-1] if short.endswith("s") else short
    if not (letters.isalpha() and letters.isupper()):
        return None
    i, inner = len(candidate) - 1, False
    for ch in reversed(letters):
        while i >= 0 and candidate[i] != ch:
            i -= 1
        if i < 0:
            return None
        inner = inner or (i > 0 and candidate[i - 1].isalpha())
        i -= 1
    if not inner:
        return None
    start = i + 1
    while start > 0 and candidate[start - 1].isalpha():
        start -= 1
    return start


def best_long_form(short: str, candidate: str) -> int | None:
    """Return where the long form for ``short`` starts in ``candidate`` (its left context).

    Tries, in order: the authors' capitals inside words (``goAl-condiTioned``); word initials
    (``proximal policy optimization`` = PPO); a character match whose first letter starts a
    whitespace-delimited word (``self-supervised learning`` = SSL); the original Schwartz–Hearst
    match, where a hyphen also starts a word. None when nothing fits.
    """
    s = _normalised_short(short)
    if not s:
        return None
    start = _capitals_start(short, candidate)
    if start is not None:
        return start
    c = _lower_keeping_length(candidate)
    start = _initials_start(s, c)
    if start is not None:
        return start
    for joiners in ("-/", ""):

        def word_start(i: int, joiners: str = joiners) -> bool:
            return i == 0 or (not c[i - 1].isalnum() and c[i - 1] not in joiners)

        start = _char_match_start(s, c, word_start)
        if start is not None:
            while start > 0 and c[start - 1].isalnum():
                start -= 1
            return start
    return None


def _long_form_span(doc: Doc, short: Span, window: Span) -> Span | None:
    """Find the long form for ``short`` among the last few words of ``window`` (its left context)."""
    n_chars = sum(1 for ch in short.text if ch.isalnum())
    max_words = min(n_chars + 5, n_chars * 2)
    first, n_words = window.end, 0
    while first > window.start and n_words < max_words and doc[first - 1].text not in {"(", ")"}:
        first -= 1
        n_words += not doc[first].is_punct
    if first == window.end:
        return None
    candidate = doc[first : window.end]
    start_char = best_long_form(short.text, candidate.text)
    if start_char is None:
        return None
    return doc.char_span(candidate.start_char + start_char, candidate.end_char, alignment_mode="expand")


def find_abbreviations(doc: Doc) -> list[tuple[Span, Span]]:
    """Return ``(long_form, short_form)`` span pairs defined in ``doc``."""
    pairs: list[tuple[Span, Span]] = []
    for sent in doc.sents:
        for tok in sent:
            if tok.text != "(":
                continue
            close = next((t for t in doc[tok.i + 1 : sent.end] if t.text == ")"), None)
            if close is None or close.i - tok.i - 1 == 0:
                continue
            inner = doc[tok.i + 1 : close.i]
            window = doc[sent.start : tok.i]
            # Drop trailing punctuation before the bracket ("model, (M)" is rare but harmless).
            while len(window) and window[-1].is_punct and window[-1].text not in "-":
                window = doc[window.start : window.end - 1]
            if is_short_form_candidate(inner.text) and len(inner) <= 4:
                long_span = _long_form_span(doc, inner, window)
                if long_span is not None and len(long_span.text) > len(inner.text):
                    pairs.append((long_span, inner))
            elif len(window) and len(inner) >= 2 and is_short_form_candidate(window[-1].text):
                # "SHORT (long form)": the short form is the single token before the bracket.
                short = doc[window.end - 1 : window.end]
                if best_long_form(short.text, inner.text) == 0:
                    pairs.append((inner, short))
    return pairs
