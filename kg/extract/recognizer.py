"""The trained entity recognizer as a spaCy component, combined with the rule layer's names.

``kg_recognizer`` runs after ``kg_entities``: it reads the rule spans of ``doc.spans[key]``,
predicts SciERC spans sentence by sentence with the shipped model (:mod:`kg.extract.model`) and
writes the combined group back under the same key, with the attributes the rest of the pipeline
reads: ``scores``, ``named``, ``rules`` and ``scierc_labels``. The model's own predictions, with
their SciERC labels and before any rule is merged in, are kept in ``doc.spans["kg_scierc"]``:
that is what ``kg evaluate`` scores.

SciERC labels become graph types: Method, Task and Metric stay; OtherScientificTerm becomes
Concept; Material becomes Dataset when it names a dataset, benchmark, environment or corpus (its
head noun says so, it is a coined name, or the rules call it a dataset) and Concept otherwise;
Generic ("this approach") stays Generic, which is scored but never becomes a graph node.

``nested`` lets a predicted span sit inside another (SciERC annotates such pairs; off by default,
so that mentions never overlap). ``combine`` chooses what is written: ``"model"`` (the model's
spans only), ``"rules"`` (the rule spans untouched) or ``"union"`` (the rule layer's names —
gazetteer hits, abbreviations, title names, coined names like ``D4RL`` — and the model's spans
that do not overlap them).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from itertools import islice

from spacy.language import Language
from spacy.tokens import Doc, Span, SpanGroup

from kg.extract.entities import (
    capitalised_name,
    ends_in_name_piece,
    head_lemma,
    is_coined,
    lettered_name,
    name_units,
    name_without_version,
)
from kg.extract.labels import KG_TO_SCIERC, SCIERC_ATTR
from kg.extract.lexicon import DATASET_HEADS, is_paradigm
from kg.extract.model import DEFAULT_MODEL, load

MENTIONS_KEY = "kg_mentions"
#: The model's own predictions with SciERC labels, before the rules are merged in (for scoring).
SCIERC_KEY = "kg_scierc"
COMBINE_MODES = ("model", "rules", "union")

#: Per sentence, the model words' token ranges and encoder states (start, end projections), kept
#: for later components (the relation classifier reads them instead of running the encoder again).
if not Doc.has_extension("kg_word_states"):
    Doc.set_extension("kg_word_states", default=None)

#: Head nouns that say a span is a task without being part of its name.
_TASK_WORDS = frozenset({"task", "problem"})

#: SciERC label -> graph label (Material is decided per span, see :func:`graph_label`).
SCIERC_TO_KG = {
    "Method": "Method",
    "Task": "Task",
    "Metric": "Metric",
    "OtherScientificTerm": "Concept",
    "Generic": "Generic",
}


def _is_name(span: Span) -> bool:
    """One written unit shaped like a coined name: ``ImageNet``, ``D4RL``, ``GPT-4``, ``stream-x``,
    ``Q-Decomposition``."""
    span = name_without_version(span)  # "BlenderBot 3", "Llama-3 70B"
    units = name_units(span.doc, span.start, span.end)
    return len(units) == 1 and (
        any(is_coined(t.text) for t in span)
        or ends_in_name_piece(span.text)
        # in a title every word is capitalised: "Learning Q-Value Functions"
        or (lettered_name(span.text) and span.start >= span.doc._.kg_title_end)
    )


#: Head nouns that make a Material a dataset ("domain" is too loose for model spans).
_MATERIAL_DATASET_HEADS = DATASET_HEADS - {"domain"}
#: Head nouns that make any term a dataset ("environment" or "challenge" alone does not).
_DATASET_WORDS = frozenset({"dataset", "datasets", "benchmark", "benchmarks", "corpus", "suite", "testbed"})


def _ends_in_task_word(span: Span) -> bool:
    """Whether a span is a noun phrase plus a lower-case "task(s)" or "problem(s)" that is not part
    of a name: yes for "continuous control problems", no for "the Three-Body Problem"."""
    if len(span) < 2 or span[-1].text[:1].isupper() or head_lemma(span[-1]) not in _TASK_WORDS:
        return False
    last = span[-2]
    glued = last.i > span.start and span.doc[last.i - 1].text == "-"  # "inner-level problem"
    return last.pos_ in {"NOUN", "PROPN"} and not glued


def graph_label(span: Span, scierc: str, rule_label: str | None = None) -> str:
    """The graph type of a span the model labelled ``scierc``.

    A Material, term or measure whose head noun is a dataset word ("the D4RL benchmark") is a
    Dataset; so is a Material that is a coined name ("ImageNet").
    """
    head = span[-1]
    heads = {head_lemma(head), head.lower_}
    if scierc in {"Material", "OtherScientificTerm", "Metric"} and (
        heads & _DATASET_WORDS or rule_label == "Dataset"
    ):
        return "Dataset"
    if scierc in {"Material", "OtherScientificTerm", "Method"} and _proper_benchmark_name(span):
        return "Dataset"
    if scierc == "Material":
        return "Dataset" if heads & _MATERIAL_DATASET_HEADS or _is_name(span) else "Concept"
    return SCIERC_TO_KG.get(scierc, "Concept")


def _proper_benchmark_name(span: Span) -> bool:
    """A capitalised name whose head says it is a game, environment or benchmark, inside a sentence
    of the abstract: "the Ultimatum Game", "the Coin Game" (not "Atari games", a common plural, nor
    a title's capitalised words: "... as a Bayesian Game")."""
    return capitalised_name(span) and bool({head_lemma(span[-1]), span[-1].lower_} & DATASET_HEADS)


def model_words(sent: Span) -> tuple[list[str], list[tuple[int, int]]]:
    """The sentence as the model saw words in training, with each word's token range.

    SciERC keeps hyphenated and slashed compounds whole (``jail-breaking``, ``input/output``)
    where spaCy splits them; the pieces are glued back together for the model.
    """
    words: list[str] = []
    bounds: list[tuple[int, int]] = []
    doc = sent.doc
    for tok in sent:
        prev = doc[tok.i - 1] if tok.i > sent.start else None
        glued = prev is not None and not prev.whitespace_ and (tok.text in _GLUE or prev.text in _GLUE)
        if glued and words:
            words[-1] += tok.text
            bounds[-1] = (bounds[-1][0], tok.i + 1)
        else:
            words.append(tok.text)
            bounds.append((tok.i, tok.i + 1))
    return words, bounds


_GLUE = frozenset({"-", "/"})


class ModelRecognizer:
    """Adds the trained model's spans to the mention group; see the module docstring."""

    #: Rules whose names are kept as they are; other rule names must look coined (``D4RL``).
    TRUSTED_RULES = frozenset(
        {"gazetteer", "abbreviation", "title", "list", "given", "benchmark", "title-task", "problem"}
    )

    def __init__(
        self,
        nlp: Language,
        name: str,
        spans_key: str,
        model: str,
        combine: str,
        threads: int,
        nested: bool = False,
    ) -> None:
        if combine not in COMBINE_MODES:
            raise ValueError(f"combine must be one of {COMBINE_MODES}, not {combine!r}")
        self.name = name
        self.spans_key = spans_key
        self.model_name = model
        self.combine = combine
        self.threads = threads
        self.nested = nested
        self.model = load(model, threads) if combine != "rules" else None

    def __call__(self, doc: Doc) -> Doc:
        return next(iter(self.pipe([doc])))

    def pipe(self, docs: Iterable[Doc], batch_size: int = 32) -> Iterator[Doc]:
        docs = iter(docs)
        while batch := list(islice(docs, batch_size)):
            yield from self._annotate(batch)

    def _annotate(self, docs: list[Doc]) -> list[Doc]:
        if self.model is None:
            return docs
        sentences = [(d, model_words(sent)) for d, doc in enumerate(docs) for sent in doc.sents]
        states = self.model.encode([w for _, (w, _) in sentences])
        predictions = self.model.predict_states(states, nested=self.nested)
        for doc in docs:
            doc._.kg_word_states = []
        for (d, (_, bounds)), (start, end) in zip(sentences, states, strict=True):
            docs[d]._.kg_word_states.append((bounds, start, end))
        found: list[list[tuple[int, int, str, float]]] = [[] for _ in docs]
        for (d, (_, bounds)), spans in zip(sentences, predictions, strict=True):
            for s, e, label, p in spans:
                start, end = bounds[s][0], bounds[e][1]
                if docs[d][start].is_space or docs[d][end - 1].is_space:
                    continue
                found[d].append((start, end, label, p))
        for doc, spans in zip(docs, found, strict=True):
            own = SpanGroup(
                doc, name=SCIERC_KEY, spans=[Span(doc, s, e, label=lab) for s, e, lab, _ in spans]
            )
            own.attrs["scores"] = [p for *_, p in spans]
            doc.spans[SCIERC_KEY] = own
            self._write(doc, spans)
        return docs

    def _write(self, doc: Doc, predicted: list[tuple[int, int, str, float]]) -> None:
        rules = doc.spans[self.spans_key] if self.spans_key in doc.spans else SpanGroup(doc)
        r_scores = rules.attrs.get("scores", [1.0] * len(rules))
        r_named = rules.attrs.get("named", [False] * len(rules))
        r_rules = rules.attrs.get("rules", ["rules"] * len(rules))
        # The rule layer's names win where they meet a model span: they carry what roles need.
        names = []
        if self.combine == "union":
            names = [
                (span, score, rule)
                for span, score, is_named, rule in zip(rules, r_scores, r_named, r_rules, strict=True)
                # a capitalised run ("Collins", "Lincoln Laboratory") is not trusted on its own
                if is_named and (rule in self.TRUSTED_RULES or _is_name(span))
            ]
        model_label = {(s, e): label for s, e, label, _ in predicted}
        spans, scores, named, origin, scierc = [], [], [], [], []
        for span, score, rule in names:
            spans.append(Span(doc, span.start, span.end, label=span.label_))
            scores.append(score)
            named.append(True)
            origin.append(rule)
            # scored with the model's label where the model found the same span
            scierc.append(model_label.get((span.start, span.end), KG_TO_SCIERC.get(span.label_, span.label_)))
        for start, end, label, p in predicted:
            if any(span.start < end and start < span.end for span, _, _ in names):
                continue
            span = doc[start:end]
            kind = graph_label(span, label)
            if kind == "Task" and _ends_in_task_word(span):
                end -= 1  # "multi-step reasoning tasks" names the task "multi-step reasoning"
                span = doc[start:end]
            spans.append(Span(doc, start, end, label=kind))
            scores.append(p)
            named.append(_is_name(span) or (kind == "Dataset" and _proper_benchmark_name(span)))
            origin.append("model")
            scierc.append(label)
        # a learning paradigm is a problem setting, whatever typed it ("offline RL", "MARL")
        paradigm_acronyms = {short.text for long, short in doc._.abbreviations if is_paradigm(long.text)}
        for i, span in enumerate(spans):
            if is_paradigm(span.text) or span.text in paradigm_acronyms:
                spans[i] = Span(doc, span.start, span.end, label="Task")
        order = sorted(range(len(spans)), key=lambda i: (spans[i].start, -spans[i].end))
        group = SpanGroup(doc, name=self.spans_key, spans=[spans[i] for i in order])
        group.attrs["scores"] = [scores[i] for i in order]
        group.attrs["named"] = [named[i] for i in order]
        group.attrs["rules"] = [origin[i] for i in order]
        group.attrs[SCIERC_ATTR] = [scierc[i] for i in order]
        doc.spans[self.spans_key] = group


@Language.factory(
    "kg_recognizer",
    requires=["token.is_sent_start", "doc.spans"],
    assigns=["doc.spans", "doc._.kg_word_states"],
    default_config={
        "spans_key": MENTIONS_KEY,
        "model": DEFAULT_MODEL,
        "combine": "union",
        "threads": 2,  # sentences encoded at once, one thread each (throughput: docs/performance.md)
        "nested": False,
    },
)
def make_recognizer(
    nlp: Language, name: str, spans_key: str, model: str, combine: str, threads: int, nested: bool
) -> ModelRecognizer:
    return ModelRecognizer(nlp, name, spans_key, model, combine, threads, nested)
