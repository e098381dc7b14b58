"""Reading SciERC gold documents (DyGIE JSON lines): tokens by sentence, entity and relation spans.

One document per line with ``sentences`` (lists of tokens), ``ner`` (per sentence,
``[start, end, label]`` with document-level token offsets, end inclusive) and optionally
``relations`` (per sentence, ``[head start, head end, tail start, tail end, label]``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from kg.errors import InputError

#: A gold or predicted entity: document-level token offsets (end inclusive) and a label.
Triple = tuple[int, int, str]

#: A gold or predicted relation: head start, head end, tail start, tail end (document-level token
#: offsets, end inclusive) and the relation label.
RelationTuple = tuple[int, int, int, int, str]


@dataclass(frozen=True)
class GoldDocument:
    """One document of a SciERC file: its tokens by sentence and its gold entity spans."""

    key: str
    sentences: tuple[tuple[str, ...], ...]
    entities: frozenset[Triple] = field(default_factory=frozenset)
    relations: frozenset[RelationTuple] = field(default_factory=frozenset)

    @property
    def words(self) -> list[str]:
        return [w for sent in self.sentences for w in sent]


def read_scierc(path: str | Path) -> list[GoldDocument]:
    """Read a DyGIE/SciERC JSON-lines file; malformed lines raise :class:`InputError`."""
    path = Path(path)
    if not path.is_file():
        raise InputError(f"{path}: no such file (expected SciERC/DyGIE JSON lines)")
    docs = []
    with path.open(encoding="utf-8") as fh:
        for lineno, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
                sentences = tuple(tuple(str(w) for w in s) for s in row["sentences"])
                n_words = sum(len(s) for s in sentences)
                entities = set()
                for sent in row.get("ner", []):
                    for start, end, label in sent:
                        if not 0 <= int(start) <= int(end) < n_words:
                            raise ValueError(f"span [{start}, {end}] outside the {n_words} tokens")
                        entities.add((int(start), int(end), str(label)))
                relations = set()
                for sent in row.get("relations", []):
                    for h_start, h_end, t_start, t_end, label in sent:
                        offsets = tuple(int(x) for x in (h_start, h_end, t_start, t_end))
                        if not all(0 <= x < n_words for x in offsets):
                            raise ValueError(f"relation {offsets} outside the {n_words} tokens")
                        relations.add((*offsets, str(label)))
            except (json.JSONDecodeError, KeyError, TypeError, ValueError) as exc:
                raise InputError(
                    f"{path}:{lineno}: not a SciERC document ({exc}); each line needs "
                    '"sentences" and "ner" with document-level [start, end, label] spans'
                ) from exc
            key = str(row.get("doc_key", lineno))
            docs.append(GoldDocument(key, sentences, frozenset(entities), frozenset(relations)))
    if not docs:
        raise InputError(f"{path}: no documents")
    return docs
