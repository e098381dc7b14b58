"""Text cleanup before extraction: HTML/JATS markup and LaTeX become the plain text they show.

Applied by :func:`kg.sources.corpus.make_paper` to every title and abstract, so the stored text
is the cleaned text and every evidence offset points into it. After cleanup no ``\\``, ``{`` or
``}`` is left, a ``$`` only where prose writes money (``$5``, ``US$ 3``), and a ``<`` only where it
starts no tag (``p < 0.05``).

Our own converter, not pylatexenc's: on the 7,190 abstracts with LaTeX among 70,000 real
conference abstracts, pylatexenc took 18 ms each (over two minutes in all), raised on 45 of them,
dropped unknown macros with their names (``\\framework`` is the name of a method), treated ``%``
as a comment (``50% of the rest`` lost its tail) and turned ``\\url`` into ``<url>``. This one is a
single pass over the special characters, knows the macros abstracts use, and keeps the name of
any other macro as a word.
"""

from __future__ import annotations

import html
import re
import unicodedata

_BLOCK_TAGS = "p|br|div|li|ul|ol|dl|dt|dd|tr|td|th|table|h[1-6]|hr|blockquote|section|sec|title|list-item"
_INLINE_TAGS = (
    "a|abbr|b|big|cite|code|del|dfn|em|font|i|img|ins|kbd|mark|q|s|samp|small|span|strike|strong|sub|sup"
    "|tt|u|var|wbr|html|body|head|article|abstract|italic|bold|sc|monospace|underline|inline-formula"
    "|disp-formula|tex-math|math|mi|mo|mn|ms|mtext|mrow|msub|msup|msubsup|mfrac|msqrt|mover|munder"
    "|caption|thead|tbody|tfoot|pre|label|xref|ext-link|uri|named-content|styled-content|break|p"
)
_ATTRIBUTES = r"""(?:\s+[\w:.-]+\s*=\s*(?:"[^"<>]*"|'[^'<>]*'|[^\s<>"']+))*\s*/?"""
#: A tag: any ``prefix:name`` (JATS, MathML), or a known HTML/JATS name whose attributes have values.
_TAG = re.compile(
    rf"</?(?:(?P<prefixed>[A-Za-z][\w.-]*:[A-Za-z][\w.-]*)(?:\s[^<>]*)?"
    rf"|(?P<name>{_BLOCK_TAGS}|{_INLINE_TAGS}){_ATTRIBUTES})>",
    re.IGNORECASE,
)
_BLOCK = re.compile(rf"(?:[\w.-]+:)?(?:{_BLOCK_TAGS})", re.IGNORECASE)
_DROPPED_ELEMENTS = re.compile(
    r"<(script|style)\b[^>]*>.*?</\1\s*>|<!--.*?-->|<(?:jats:)?title>\s*(?:abstract|summary)\s*</(?:jats:)?title>",
    re.IGNORECASE | re.DOTALL,
)
_ENTITY = re.compile(r"&(?:#\d+|#x[0-9a-fA-F]+|[A-Za-z][A-Za-z0-9]*);?")
_LATEX_SIGN = re.compile(r"[\\${}]")
_TEXT_SPECIAL = re.compile(r"[\\${}]")
_MATH_SPECIAL = re.compile(r"[\\${}_^]")
_INLINE_MATH = re.compile(
    r"\$\$(?P<display>.+?)\$\$|\$(?=[^\s$])(?P<inline>(?:[^$\\]|\\.){1,500}?)(?<!\s)\$", re.DOTALL
)
_MONEY = re.compile(r"[\d.,]+[kKmMbB]?\s+[A-Za-z]")
_MATH_SIGN = re.compile(r"[\\^_={}]")
_NAME = re.compile(r"[A-Za-z]+")
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x84\x86-\x9f]")

#: LaTeX accents (``\"o``, ``\c{c}``) as Unicode combining marks.
_ACCENTS = {
    "`": "\u0300", "'": "\u0301", "^": "\u0302", "~": "\u0303", "=": "\u0304", "u": "\u0306",
    ".": "\u0307", '"': "\u0308", "r": "\u030a", "H": "\u030b", "v": "\u030c", "d": "\u0323",
    "c": "\u0327", "k": "\u0328", "b": "\u0331",
}  # fmt: skip
#: Macros that stand for a character or a short text.
_SYMBOLS = {
    "ss": "ß", "o": "ø", "O": "Ø", "l": "ł", "L": "Ł", "ae": "æ", "AE": "Æ", "oe": "œ", "OE": "Œ",
    "aa": "å", "AA": "Å", "i": "ı", "j": "ȷ",
    "alpha": "α", "beta": "β", "gamma": "γ", "delta": "δ", "epsilon": "ϵ", "varepsilon": "ε",
    "zeta": "ζ", "eta": "η", "theta": "θ", "vartheta": "ϑ", "iota": "ι", "kappa": "κ", "lambda": "λ",
    "mu": "μ", "nu": "ν", "xi": "ξ", "pi": "π", "rho": "ρ", "sigma": "σ", "tau": "τ", "upsilon": "υ",
    "phi": "ϕ", "varphi": "φ", "chi": "χ", "psi": "ψ", "omega": "ω", "Gamma": "Γ", "Delta": "Δ",
    "Theta": "Θ", "Lambda": "Λ", "Xi": "Ξ", "Pi": "Π", "Sigma": "Σ", "Phi": "Φ", "Psi": "Ψ",
    "Omega": "Ω", "ell": "ℓ", "infty": "∞", "partial": "∂", "nabla": "∇", "leq": "≤", "le": "≤",
    "geq": "≥", "ge": "≥", "neq": "≠", "ne": "≠", "approx": "≈", "sim": "∼", "simeq": "≃",
    "equiv": "≡", "propto": "∝", "times": "×", "cdot": "·", "pm": "±", "mp": "∓", "div": "÷",
    "in": "∈", "notin": "∉", "subset": "⊂", "subseteq": "⊆", "cup": "∪", "cap": "∩",
    "forall": "∀", "exists": "∃", "neg": "¬", "wedge": "∧", "land": "∧", "vee": "∨", "lor": "∨",
    "to": "→", "rightarrow": "→", "leftarrow": "←", "Rightarrow": "⇒", "Leftarrow": "⇐",
    "leftrightarrow": "↔", "mapsto": "↦", "ll": "≪", "gg": "≫", "top": "⊤", "bot": "⊥",
    "prime": "′", "circ": "∘", "star": "⋆", "ast": "∗", "emptyset": "∅", "sum": "∑", "prod": "∏",
    "int": "∫", "ldots": "…", "dots": "…", "cdots": "⋯", "mid": "|", "vert": "|", "lvert": "|",
    "rvert": "|", "Vert": "‖", "|": "‖", "langle": "⟨", "rangle": "⟩", "textasciitilde": "~",
    "textbar": "|", "textbackslash": "", "textendash": "–", "textemdash": "—", "S": "§",
    "eg": "e.g.", "ie": "i.e.", "etal": "et al.", "wrt": "w.r.t.", "vs": "vs.", "etc": "etc.",
    "quad": " ", "qquad": " ", "newline": " ", "par": " ", "item": " ", "noindent": "",
    "left": "", "right": "", "big": "", "Big": "", "bigg": "", "Bigg": "", "bigl": "", "bigr": "",
    "displaystyle": "", "textstyle": "", "limits": "", "nolimits": "", "centering": "",
    "em": "", "bf": "", "it": "", "rm": "", "sc": "", "tt": "", "sf": "", "sl": "", "bfseries": "",
    "itshape": "", "scshape": "", "ttfamily": "", "normalfont": "", "small": "", "footnotesize": "",
    "large": "", "Large": "", "protect": "", "relax": "", "maketitle": "", "xspace": "",
}  # fmt: skip
#: Macros dropped together with their arguments.
_DROPPED = frozenset(
    "cite citep citet citealp citeauthor citeyear ref eqref autoref cref Cref label vspace hspace "
    "includegraphics bibliography bibliographystyle footnotemark thanks".split()
)
_SINGLE = {"\\": " ", "%": "%", "&": "&", "#": "#", "_": "_", "$": "$", ",": " ", ";": " ", ":": " ",
           " ": " ", "!": "", "-": "", "/": "", "@": "", "{": "", "}": "", "|": "‖"}  # fmt: skip


def clean_text(text: str) -> str:
    """``text`` without markup: tags and entities, LaTeX commands and math, runs of spacing.

    >>> clean_text(r"We study \\emph{conferrable} $\\ell_1$ in G{\\\"o}del &amp; <i>Escher</i>.")
    'We study conferrable ℓ1 in Gödel & Escher.'
    """
    if "<" in text or "&" in text:
        text = strip_html(text)
    if _LATEX_SIGN.search(text):
        text = latex_to_text(text)
    text = _CONTROL.sub("", text)
    return " ".join(text.split())


def strip_html(text: str) -> str:
    """``text`` with HTML/JATS/MathML tags removed (block tags leave a space) and entities decoded.

    >>> strip_html("<jats:p>H<sub>2</sub>O &lt; 5 &amp; x<y</jats:p>")
    ' H2O < 5 & x<y '
    """
    for _ in range(2):  # twice: an escaped tag (&lt;i&gt;) is a tag once decoded
        text = _DROPPED_ELEMENTS.sub(" ", text)
        text = _TAG.sub(_tag_replacement, text)
        if "&" not in text:
            break
        text = _ENTITY.sub(lambda match: html.unescape(match[0]), text)
    return text


def _tag_replacement(match: re.Match[str]) -> str:
    """A space for a block-level tag (``<p>``, ``<jats:p>``), nothing for an inline one."""
    name = match["prefixed"] or match["name"] or ""
    return " " if _BLOCK.fullmatch(name) or name.lower().endswith((":p", ":sec", ":title")) else ""


def latex_to_text(text: str, math: bool = False) -> str:
    """The text a LaTeX fragment shows: macros, accents, groups and ``$...$`` math converted.

    >>> latex_to_text(r"M$^3$GPT gets $10^{-3}$ error on $\\mathcal{O}(n)$ \\cite{x} for \\$5")
    'M^3GPT gets 10^-3 error on O(n)  for $5'
    """
    out: list[str] = []
    special = _MATH_SPECIAL if math else _TEXT_SPECIAL
    i, n = 0, len(text)
    while i < n:
        match = special.search(text, i)
        if match is None:
            out.append(text[i:])
            break
        start = match.start()
        out.append(text[i:start])
        char = text[start]
        i = start + 1
        if char == "\\":
            i, shown = _macro(text, i, math)
            out.append(shown)
        elif char == "$":
            if not math and (span := _INLINE_MATH.match(text, start)) and not _is_money(span["inline"]):
                out.append(latex_to_text(span["display"] or span["inline"], math=True))
                i = span.end()
            elif text[i:].lstrip()[:1].isdigit():
                out.append("$")  # money in prose: "$5", "US$ 3"
        elif char == "^":
            out.append("^")
        # "{", "}" and a subscript's "_" show nothing
    return "".join(out)


def _is_money(inline: str | None) -> bool:
    """True for a ``$...$`` span that is prose money rather than math: ``$10 per US$``."""
    return inline is not None and _MONEY.match(inline) is not None and not _MATH_SIGN.search(inline)


def _macro(text: str, i: int, math: bool) -> tuple[int, str]:
    """Convert the macro whose name starts at ``text[i]`` (after the backslash)."""
    if i >= len(text):
        return i, ""
    name_match = _NAME.match(text, i)
    if name_match is None:
        char = text[i]
        if char in _ACCENTS:
            return _accent(text, i + 1, _ACCENTS[char], math)
        if char in "([":  # \( ... \) and \[ ... \]: math
            close = text.find("\\" + (")" if char == "(" else "]"), i + 1)
            end = close if close >= 0 else len(text)
            return end + 2, latex_to_text(text[i + 1 : end], math=True)
        if char in ")]":
            return i + 1, ""
        if char == "$" and not text[i + 1 :].lstrip()[:1].isdigit():
            return i + 1, ""  # an escaped dollar that is not money
        return i + 1, _SINGLE.get(char, "")
    name, i = name_match[0], name_match.end()
    if len(name) == 1 and name in _ACCENTS:
        return _accent(text, i, _ACCENTS[name], math)
    if name in _SYMBOLS:
        if text[i : i + 2] == "{}":
            i += 2
        return i, _SYMBOLS[name]
    if name in _DROPPED:
        return _skip_arguments(text, i), ""
    if name in ("begin", "end"):
        return _skip_arguments(text, i, limit=1), " "
    if name == "href":
        i, _ = _argument(text, i)
        i, shown = _argument(text, i)
        return i, latex_to_text(shown, math)
    if name in ("frac", "dfrac", "tfrac"):
        i, top = _argument(text, i)
        i, bottom = _argument(text, i)
        return i, f"{_wrapped(latex_to_text(top, True))}/{_wrapped(latex_to_text(bottom, True))}"
    if name == "sqrt":
        i, arg = _argument(text, _skip_optional(text, i))
        return i, f"√{_wrapped(latex_to_text(arg, True))}"
    after = _skip_optional(text, i)
    if after < len(text) and text[after] == "{":  # \emph{x}, \mathcal{O}, \url{...}, \unknown{x}: x
        i, arg = _argument(text, after)
        return i, latex_to_text(arg, math)
    return i, name  # an unknown macro without argument: its name is the best guess (\framework)


def _accent(text: str, i: int, mark: str, math: bool) -> tuple[int, str]:
    """The letter after an accent macro (``\\"o``, ``\\c{c}``, ``\\'{\\i}``) with the accent on it."""
    while i < len(text) and text[i] == " ":
        i += 1
    if i < len(text) and text[i] == "{":
        i, arg = _argument(text, i)
        base = latex_to_text(arg, math)
    elif i < len(text) and text[i] == "\\":
        i, base = _macro(text, i + 1, math)
    elif i < len(text) and text[i].isalnum():
        base, i = text[i], i + 1
    else:
        base = ""  # an accent on nothing, or on markup ("\b$"): the markup stays markup
    base = {"ı": "i", "ȷ": "j"}.get(base, base)
    return i, unicodedata.normalize("NFC", base[:1] + mark + base[1:]) if base else ""


def _argument(text: str, i: int) -> tuple[int, str]:
    """The next argument at or after ``text[i]``: a balanced ``{...}`` group or one character."""
    while i < len(text) and text[i] == " ":
        i += 1
    if i >= len(text):
        return i, ""
    if text[i] != "{":
        if text[i] == "\\" and (name := _NAME.match(text, i + 1)):
            return name.end(), text[i : name.end()]
        return i + 1, text[i]
    depth = 0
    for j in range(i, len(text)):
        if text[j] == "\\":
            continue
        if text[j] == "{" and text[j - 1 : j] != "\\":
            depth += 1
        elif text[j] == "}" and text[j - 1 : j] != "\\":
            depth -= 1
            if depth == 0:
                return j + 1, text[i + 1 : j]
    return len(text), text[i + 1 :]  # unbalanced: the rest of the text


def _skip_optional(text: str, i: int) -> int:
    """The index after an optional ``[...]`` argument at ``text[i]``, if there is one."""
    if text[i : i + 1] == "[":
        close = text.find("]", i)
        return close + 1 if close >= 0 else i
    return i


def _skip_arguments(text: str, i: int, limit: int = 3) -> int:
    """The index after the optional and ``{...}`` arguments that follow a macro."""
    for _ in range(limit):
        i = _skip_optional(text, i)
        if text[i : i + 1] != "{":
            break
        i, _ = _argument(text, i)
    return i


def _wrapped(text: str) -> str:
    """``text`` in parentheses unless it is one symbol or number (for ``a/b`` and ``√x``)."""
    text = text.strip()
    return text if len(text) <= 1 or text.isalnum() else f"({text})"
