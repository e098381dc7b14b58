"""The gazetteer: known names of methods, datasets and metrics, kept as data in ``patterns/gazetteer.jsonl``.

One JSON object a line, in the shape of spaCy's EntityRuler patterns::

    {"label": "Dataset", "pattern": "GSM8K", "id": "gsm8k", "attr": "ORTH"}

- ``label``: the entity type, one of :data:`kg.types.ENTITY_TYPES`.
- ``pattern``: the name as written; tokenised like the text, so ``GPT-4`` matches ``GPT - 4``'s tokens.
- ``attr``: how the name is matched. ``"LOWER"`` in any case; ``"ORTH"`` in its own case only, for
  names whose other cases mean something else (``FID`` the metric, ``FiD`` a reader) or are common
  words, and for each written form of a name matched so (``GSM8K`` and ``GSM8k``).
- ``id``: the concept the entry names, a slug (:func:`concept_id`) shared by the variants of one
  name: the same name in another case, spacing or hyphenation (``Q-learning``, ``q-learning``;
  ``self play``, ``self-play``), or an alias whose id is the slug of the concept's own entry
  (``behaviour cloning`` -> ``behavior-cloning``).

Methods and datasets of several words also match their regular plural ("Decision Transformers").
The file is kept in the order of :func:`entry_key`; :func:`normalise_gazetteer` rewrites it so.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from kg.errors import InputError
from kg.types import ENTITY_TYPES

#: The gazetteer shipped with the package.
GAZETTEER = Path(__file__).parent / "patterns" / "gazetteer.jsonl"

#: Token attributes a pattern can be matched on (spaCy's PhraseMatcher ``attr``).
MATCH_ATTRS = ("ORTH", "LOWER")

_FIELDS = ("label", "pattern", "id", "attr")


@dataclass(frozen=True)
class GazetteerEntry:
    """One known name: its type, how it is written and matched, and the concept it names."""

    label: str
    pattern: str
    id: str
    attr: str = "ORTH"

    def forms(self) -> list[str]:
        """The written forms the entry matches: the pattern, and the plural of a multi-word
        method or dataset ("diffusion policy" -> "diffusion policies")."""
        if self.label in {"Method", "Dataset"} and " " in self.pattern:
            return [self.pattern, plural(self.pattern)]
        return [self.pattern]


def plural(phrase: str) -> str:
    """The regular English plural of a phrase's last word: "diffusion policy" -> "diffusion policies"."""
    if phrase.endswith(("s", "x", "z", "ch", "sh")):
        return phrase + "es"
    if phrase.endswith("y") and phrase[-2:-1] not in "aeiou":
        return phrase[:-1] + "ies"
    return phrase + "s"


def concept_id(name: str) -> str:
    """The slug of a name: case, accents, apostrophes and the spacing between words left out,
    ``+`` spelt out ("Fréchet Inception Distance" -> ``frechet-inception-distance``,
    "Cohen's kappa" -> ``cohens-kappa``, "MiniWoB++" -> ``miniwob-plus-plus``, "TD(λ)" -> ``td-λ``)."""
    text = "".join(c for c in unicodedata.normalize("NFKD", name) if not unicodedata.combining(c))
    text = re.sub(r"['’]", "", text.casefold()).replace("+", "-plus-")
    return re.sub(r"[\W_]+", "-", text).strip("-")


def entry_key(entry: GazetteerEntry) -> tuple[str, str, str, str, str]:
    """The file's order: by concept id, then pattern case-insensitively (ties: as written, label, attr)."""
    return (entry.id, entry.pattern.casefold(), entry.pattern, entry.label, entry.attr)


def read_gazetteer(path: Path = GAZETTEER) -> list[GazetteerEntry]:
    """The entries of a gazetteer file, checked; an entry without ``id`` or ``attr`` gets
    :func:`concept_id` of its pattern and ``"ORTH"``, as spaCy's own pattern files may omit them."""
    entries = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if line.strip():
            entries.append(_entry(line, f"{path}:{number}"))
    return entries


def _entry(line: str, where: str) -> GazetteerEntry:
    """One line of a gazetteer file as an entry; ``InputError`` naming ``where`` if it is not one."""
    try:
        row = json.loads(line)
    except json.JSONDecodeError as err:
        raise InputError(f"{where}: not JSON ({err.msg}); write one JSON object a line") from None
    if not isinstance(row, dict) or not isinstance(row.get("pattern"), str) or not row["pattern"].strip():
        raise InputError(f'{where}: no "pattern" string; write {{"label": ..., "pattern": "Name"}}')
    unknown = set(row) - set(_FIELDS)
    if unknown:
        fields = ", ".join(_FIELDS)
        raise InputError(f"{where}: unknown field {sorted(unknown)[0]!r}; the fields are {fields}")
    if row.get("label") not in ENTITY_TYPES:
        raise InputError(f"{where}: label {row.get('label')!r} is not one of {', '.join(ENTITY_TYPES)}")
    attr = row.get("attr", "ORTH")
    if attr not in MATCH_ATTRS:
        raise InputError(f"{where}: attr {attr!r} is not one of {', '.join(MATCH_ATTRS)}")
    if not isinstance(row.get("id", ""), str):
        raise InputError(f"{where}: id {row['id']!r} is not a string; write the concept's slug")
    return GazetteerEntry(row["label"], row["pattern"], row.get("id") or concept_id(row["pattern"]), attr)


def format_gazetteer(entries: Iterable[GazetteerEntry]) -> str:
    """The JSONL text of ``entries`` in the file's order, every field written."""
    lines = (
        json.dumps({name: getattr(entry, name) for name in _FIELDS}, ensure_ascii=False)
        for entry in sorted(entries, key=entry_key)
    )
    return "".join(line + "\n" for line in lines)


def normalise_gazetteer(path: Path = GAZETTEER) -> bool:
    """Rewrite a gazetteer file in its normal form (sorted, every field written); True if it changed."""
    text = format_gazetteer(read_gazetteer(path))
    if path.read_text(encoding="utf-8") == text:
        return False
    path.write_text(text, encoding="utf-8")
    return True
