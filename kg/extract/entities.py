"""The rule-based entity recognizer: names, abbreviations, gazetteer hits and typed noun phrases.

It writes the span group ``doc.spans[key]`` with the labels of :data:`kg.types.ENTITY_TYPES`,
``attrs["scores"]`` (one float per span, as spaCy's spancat does) and ``attrs["named"]`` (True
for proper names: the only spans that can be proposed, used or evaluated on). A trained model
can replace this component by writing the same span group.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span, SpanGroup, Token

from kg.extract.gazetteer import GAZETTEER, MATCH_ATTRS, read_gazetteer
from kg.extract.lexicon import (
    ADDRESS_VERBS,
    ADJECTIVAL_SUFFIXES,
    CONTAINER_HEADS,
    DATASET_HEADS,
    EVALUATIVE_MODIFIERS,
    GENERIC_NOUNS,
    METHOD_HEADS,
    METRIC_HEADS,
    NOT_NAMES,
    PROPOSE_VERBS,
    TASK_HEADS,
)
from kg.extract.naming import given_names, name_tokens

#: Scores by the rule that found a span: how often that rule is right, roughly.
SCORES = {
    "gazetteer": 0.95,
    "abbreviation": 0.9,
    "title": 0.96,
    "title-task": 0.93,
    "problem": 0.85,
    "list": 0.96,
    "given": 0.9,
    "benchmark": 0.92,
    "name": 0.7,
    "phrase": 0.55,
    "concept": 0.4,
}

_DATASET_SUFFIXES = ("bench", "eval", "world", "gym", "suite", "arena", "games", "qa")
_EVALUATION_CUES = frozenset(
    [
        "experiment",
        "evaluate",
        "evaluation",
        "result",
        "performance",
        "test",
        "benchmark",
        "achieve",
        "outperform",
        "surpass",
        "score",
        "improvement",
        "gain",
        "sota",
        "state-of-the-art",
        "demonstrate",
        "show",
        "validate",
    ]
)
_SINGULAR = re.compile(r"(?<=[a-z])(ies|s)$")


@dataclass
class Candidate:
    """A span the rules propose, before overlaps are resolved."""

    start: int
    end: int
    label: str
    score: float
    named: bool
    rule: str


def head_lemma(token: Token) -> str:
    """Lower-cased lemma of a head word; plural proper nouns are singularised by rule."""
    lemma = token.lemma_.lower()
    if token.tag_ in {"NNS", "NNPS"} and lemma == token.lower_:
        lemma = _SINGULAR.sub(lambda m: "y" if m.group(1) == "ies" else "", lemma)
    return lemma


def is_coined(text: str) -> bool:
    """A word shaped like a coined name: ``FamO2O``, ``PPO``, ``MuJoCo``, ``D4RL``, ``LLMs``."""
    if text in NOT_NAMES or len(text) < 2 or not text[0].isalnum():
        return False
    letters = [c for c in text if c.isalpha()]
    if not letters:
        return False
    inner_caps = sum(c.isupper() for c in text[1:])
    has_digit = any(c.isdigit() for c in text)
    return inner_caps >= 1 or (has_digit and len(letters) >= 1 and text[0].isupper())


def name_units(doc: Doc, start: int, end: int) -> list[tuple[int, int]]:
    """Maximal runs of tokens written without spaces and joined by hyphens or dots: ``GPT-3.5-Turbo``."""
    units: list[tuple[int, int]] = []
    i = start
    while i < end:
        tok = doc[i]
        if not any(c.isalnum() for c in tok.text):
            i += 1
            continue
        j = i + 1
        while (
            j < end
            and doc[j - 1].whitespace_ == ""
            and not doc[j].is_sent_start
            and not doc[j].text.startswith("'")
            and (doc[j].text in {"-", "+", "."} or any(c.isalnum() for c in doc[j].text))
        ):
            j += 1
        while j > i + 1 and doc[j - 1].text in {"-", "."}:
            j -= 1
        units.append((i, j))
        i = j
    return units


#: A model size written alone: "7B", "1.5B".
_SIZE = re.compile(r"\d+(?:\.\d+)?[BMKT]")


def unit_is_name(tokens: list[str]) -> bool:
    """Whether the tokens of a unit form a proper name rather than a modifier or a URL."""
    text = "".join(tokens)
    if "://" in text or text.startswith("www.") or "@" in text:
        return False
    words = [w for w in re.split(r"[-+]", text) if w]
    if not words or words[-1].lower() in ADJECTIVAL_SUFFIXES:
        return False
    if all(w in NOT_NAMES for w in words):
        return False
    if _SIZE.fullmatch(text):  # "1.5B and 7B parameter LRMs": a model size, not a name
        return False
    if len(words) > 1 and any(_is_name_piece(w) for w in words) and words[0].lower() != "e":
        return True  # "stream-x", "Q-Decomposition", "k-means", "GPT-4"
    return any(is_coined(w) for w in words)


def _has_name_unit(doc: Doc, start: int, end: int) -> bool:
    """Whether one of the written units of ``doc[start:end]`` is a name (``FineTuneRL setting``)."""
    return any(unit_is_name([t.text for t in doc[s:e]]) for s, e in name_units(doc, start, end))


def ends_in_name_piece(text: str) -> bool:
    """A hyphenated name whose last piece is a lone letter or a number: ``stream-x``, ``Best-of-N``."""
    *words, last = text.split("-")
    return bool(words) and all(words) and _is_name_piece(last)


def capitalised_name(span: Span) -> bool:
    """Two or more capitalised words inside a sentence of the abstract, written as a name is
    ("This paper introduces Personalized Path Recourse, ...", "the Ultimatum Game"), not a title's
    capitalised words nor a sentence's first word."""
    words = [t for t in span if t.is_alpha]
    return (
        len(words) >= 2
        and all(t.text[:1].isupper() for t in words)
        and not span[0].is_sent_start
        and span.start >= span.doc._.kg_title_end
    )


def lettered_name(text: str) -> bool:
    """A hyphenated name of capitalised pieces, one a lone capital letter: ``Q-Decomposition``,
    ``H-Infinity`` (not ``Q-function`` or ``Q-values``, which are terms)."""
    pieces = [p for p in re.split(r"[-+]", text) if p]
    return (
        len(pieces) > 1
        and all(p[:1].isupper() for p in pieces)
        and any(len(p) == 1 and p not in {"A", "I"} for p in pieces)
    )


def _is_name_piece(word: str) -> bool:
    """A piece of a hyphenated name that marks it as one: a lone letter or a number."""
    return (len(word) == 1 and word.isalpha() and word not in {"a", "A"}) or word.isdigit()


class EntityRecognizer:
    """Finds and types entity mentions with rules; see the module docstring for the output."""

    def __init__(self, nlp: Language, name: str, spans_key: str, patterns: str | None) -> None:
        self.name = name
        self.spans_key = spans_key
        # ORTH first: where a case-sensitive entry and a case-insensitive one match the same
        # words with the same score, the case-sensitive one is kept
        self.matchers = {attr: PhraseMatcher(nlp.vocab, attr=attr) for attr in MATCH_ATTRS}
        for entry in read_gazetteer(Path(patterns) if patterns else GAZETTEER):
            self.matchers[entry.attr].add(entry.label, [nlp.make_doc(form) for form in entry.forms()])

    def __call__(self, doc: Doc) -> Doc:
        title_end = doc._.kg_title_end
        candidates = [
            *self._gazetteer(doc),
            *self._abbreviations(doc),
            *self._title_name(doc, title_end),
            *_title_tasks(doc, title_end),
            *_problem_phrases(doc, title_end),
            *self._names(doc),
            *self._benchmark_names(doc),
            *self._listed_names(doc),
            *self._given_names(doc),
            *self._noun_phrases(doc),
        ]
        long_forms = [c for c in candidates if c.rule == "abbreviation"]
        candidates = [c for c in candidates if not _yields_to_long_form(c, long_forms)]
        chosen = _resolve_overlaps([_with_version(doc, c) for c in candidates])
        _harmonise_labels(doc, chosen)
        group = SpanGroup(
            doc,
            name=self.spans_key,
            spans=[Span(doc, c.start, c.end, label=c.label) for c in chosen],
        )
        group.attrs["scores"] = [c.score for c in chosen]
        group.attrs["named"] = [c.named for c in chosen]
        group.attrs["rules"] = [c.rule for c in chosen]
        doc.spans[self.spans_key] = group
        return doc

    # -- the rules -------------------------------------------------------------------------

    def _gazetteer(self, doc: Doc) -> list[Candidate]:
        found = []
        for matcher in self.matchers.values():
            for match_id, start, end in matcher(doc):
                label = doc.vocab.strings[match_id]
                # A gazetteer name inside a longer written unit ("GPT-4o-mini") is not itself.
                if start > 0 and doc[start - 1].whitespace_ == "" and doc[start - 1].text == "-":
                    continue
                if end < len(doc) and doc[end - 1].whitespace_ == "" and doc[end].text == "-":
                    continue
                found.append(Candidate(start, end, label, SCORES["gazetteer"], True, "gazetteer"))
        return found

    def _abbreviations(self, doc: Doc) -> list[Candidate]:
        found = []
        for long_form, short_form in doc._.abbreviations:
            long_span = _trim(long_form, keep_modifiers=True)
            if long_span is None:
                continue
            # a long form ends in its head noun, whatever the parse says ("supervised fine-tuning")
            label = (
                _phrase_label(long_span)
                or ("Method" if _is_title_cased(long_span) else None)
                or _phrase_label(long_span, root=long_span[-1])
                or "Concept"
            )
            # "the GRUE (General Reinforced-language Understanding Evaluation) benchmark"
            after = max(long_form.end, short_form.end)
            after += after < len(doc) and doc[after].text == ")"
            before_dataset_word = after < len(doc) and head_lemma(doc[after]) in DATASET_HEADS
            if before_dataset_word or _apposed_to_dataset(long_span):
                label = "Dataset"
            score = SCORES["abbreviation"]
            found.append(Candidate(long_span.start, long_span.end, label, score, True, "abbreviation"))
            found.append(Candidate(short_form.start, short_form.end, label, score, True, "abbreviation"))
        return found

    def _title_name(self, doc: Doc, title_end: int) -> list[Candidate]:
        """The paper's own name in its title: ``Name: what it is`` or ``The Name Benchmark ...``."""
        colon = next((t.i for t in doc[:title_end] if t.text == ":"), None)
        if colon is None or colon == 0:
            return self._title_head_name(doc, title_end)
        rest = doc[colon + 1 : title_end]
        if any(t.lower_ in _SURVEY_WORDS for t in rest[:3]):
            return []  # "Reinforcement Learning Enhanced LLMs: A Survey" names a topic
        label = "Dataset" if len(rest) and head_lemma(_first_head(rest)) in DATASET_HEADS else "Method"
        if "(" in doc[0:colon].text:  # "Video PreTraining (VPT): ..."
            return [
                Candidate(span.start, span.end, label, SCORES["title"], True, "title")
                for pair in doc._.abbreviations
                for span in pair
                if span.end <= colon
            ]
        units = name_units(doc, 0, colon)
        coined = [(s, e) for s, e in units if unit_is_name([t.text for t in doc[s:e]])]
        if doc[0].is_stop and coined:
            # "Towards QD-suite: ...", "A Tale of Two DRAGGNs: ...": only the coined name
            return [Candidate(s, e, label, SCORES["title"], True, "title") for s, e in coined]
        prefix = doc[0:colon]
        single_unit = len(units) == 1 and (
            any(t.text == "-" for t in prefix) or any(c.isdigit() for c in prefix.text)
        )
        # "Offline RL with Observation Histories: ...": a phrase with a preposition is a topic, even
        # with an acronym in it ("of" joins names: "Mixture of Surprises")
        if not single_unit and any(t.pos_ == "ADP" and t.text.islower() and t.lower_ != "of" for t in prefix):
            return []
        # "Agent Q": a short capitalised name with a lone capital letter in it
        lettered = len(prefix) <= 3 and any(_is_name_piece(t.text) and t.is_upper for t in prefix)
        if (
            len(prefix) > 6
            # "Towards X: ...", "A Tale of ...": a title opening on a stop word is no name, but one
            # hyphenated unit is, whatever its first word: "Make-An-Agent: ..."
            or (doc[0].is_stop and not single_unit)
            or not (single_unit or coined or lettered or _titled_name(prefix))
        ):
            return []
        # capitalised words the abstract writes in lower case are a common phrase, the paper's
        # subject, not a name ("Database Systems Course: ..." and "... a database systems course"),
        # unless the authors propose it so ("we propose utility engineering as a research agenda")
        abstract = doc[title_end:].text
        common_phrase = prefix.text.lower() in abstract and prefix.text not in abstract
        objects = {t.lower_ for t in doc if t.dep_ == "dobj" and t.head.lemma_.lower() in PROPOSE_VERBS}
        if common_phrase and not (single_unit or coined or lettered or prefix[-1].lower_ in objects):
            return []
        return [Candidate(0, colon, label, SCORES["title"], True, "title")]

    def _title_head_name(self, doc: Doc, title_end: int) -> list[Candidate]:
        """``The MineRL BASALT Competition on ...``: a name right before a benchmark-like head noun.

        Otherwise ``Guided Data Augmentation for Offline RL``: a capitalised noun phrase of three
        or more words before "for" names the method, unless it is a clause ("Teacher Forcing
        Recovers ..."), a gerund ("Learning ... for"), a stop word, or a field ("... Reinforcement
        Learning", "... Language Models").
        """
        start = 1 if title_end and doc[0].lower_ == "the" else 0
        end = start
        while end < title_end and (doc[end].text[:1].isupper() or doc[end].text == "-"):
            end += 1
        if end < title_end and start == 0 and doc[end].lower_ == "for":
            return _title_for_name(doc, end)
        if end >= title_end or end - start < 2 or head_lemma(doc[end - 1]) not in DATASET_HEADS:
            return []
        name_end = end - 1
        if not _has_name_unit(doc, start, name_end):
            return []
        return [Candidate(start, name_end, "Dataset", SCORES["title"], True, "title")]

    def _names(self, doc: Doc) -> list[Candidate]:
        """Coined names and acronyms anywhere; capitalised proper-noun runs outside the title."""
        found = []
        title_end = doc._.kg_title_end
        for start, end in name_units(doc, 0, len(doc)):
            if unit_is_name([t.text for t in doc[start:end]]):
                found.append(
                    Candidate(start, end, _name_label(doc, start, end), SCORES["name"], True, "name")
                )
        for sent in doc.sents:
            if sent.start < title_end:
                continue
            i = sent.start + 1
            while i < sent.end:
                if doc[i].tag_ in {"NNP", "NNPS"} and doc[i].text[:1].isupper():
                    j = i + 1
                    while j < sent.end and (
                        (doc[j].tag_ in {"NNP", "NNPS"} and doc[j].text[:1].isupper())
                        or (doc[j].text == "-" and doc[j - 1].whitespace_ == "")
                        or (doc[j - 1].text == "-" and doc[j - 1].whitespace_ == "")
                    ):
                        j += 1
                    while j > i and doc[j - 1].text == "-":
                        j -= 1
                    last = doc[j - 1].lower_ if j > i else ""
                    generic = j == i + 1 and head_lemma(doc[i]) in GENERIC_NOUNS
                    if (
                        j > i
                        and doc[i:j].text not in NOT_NAMES
                        and last not in ADJECTIVAL_SUFFIXES
                        and not generic
                    ):
                        label = _name_label(doc, i, j)
                        found.append(Candidate(i, j, label, SCORES["name"] - 0.1, True, "name"))
                    i = max(j, i + 1)
                else:
                    i += 1
        return found

    def _benchmark_names(self, doc: Doc) -> list[Candidate]:
        """Capitalised words right before a lower-case benchmark word, function words allowed
        between them: "on World of Bits benchmark", "21 MRE Mix datasets", "the Habitat simulator"."""
        found = []
        for word in doc[doc._.kg_title_end :]:
            # a name right before the word; "online RL in environments" names none
            if word.text not in _BENCHMARK_WORDS or word.i == 0 or not _capitalised(doc[word.i - 1]):
                continue
            start = word.i
            while start - 1 > word.sent.start and (
                _capitalised(doc[start - 1])
                or (doc[start - 1].text == "-" and not doc[start - 1].whitespace_)
                or (doc[start - 1].lower_ in _NAME_JOINERS and _capitalised(doc[start - 2]))
            ):
                start -= 1
            while start < word.i and not _capitalised(doc[start]):  # "MDPs in Procgen environments"
                start += 1
            name = doc[start : word.i].text
            # an acronym of a field in capitals is no benchmark: "RL benchmarks", "LLM datasets"
            acronym = start + 1 == word.i and re.fullmatch(r"[A-Z]+s?", name) is not None
            # "construct a Wikipedia dataset" describes a dataset by its source, it does not name one
            described = doc[start - 1].lower_ in {"a", "an"}
            if start < word.i and not (doc[start].is_sent_start or acronym or described or name in NOT_NAMES):
                found.append(Candidate(start, word.i, "Dataset", SCORES["benchmark"], True, "benchmark"))
        return found

    def _listed_names(self, doc: Doc) -> list[Candidate]:
        """Names listed after a colon that says what they are: "our stream-x algorithms: stream Q,
        stream AC, and stream TD", "three benchmarks: Atari, Procgen and DMC"."""
        found = []
        for colon in doc:
            intro = list_intro(colon)
            if intro is None:
                continue
            label = "Dataset" if head_lemma(intro) in DATASET_HEADS else "Method"
            items = _list_items(doc, colon.i + 1, colon.sent.end)
            if len(items) >= 2:
                found += [Candidate(s, e, label, SCORES["list"], True, "list") for s, e in items]
        return found

    def _given_names(self, doc: Doc) -> list[Candidate]:
        """What the authors name is a mention even when no other rule finds it: "define this to be
        the intrinsic dimension of ...", "which we refer to as stream barrier"."""
        found = []
        for head in given_names(doc):
            if head.pos_ not in {"NOUN", "PROPN"}:
                continue
            tokens = sorted(name_tokens(head))
            end = next((i for i in tokens if doc[i].text == "("), tokens[-1] + 1)  # "X (XX)": the pair
            if end - tokens[0] > 1 and doc[end - 1].lower_ in _KIND_WORDS:
                end -= 1  # "which we term the FineTuneRL setting" names FineTuneRL
            span = _trim(doc[tokens[0] : end])
            # one common word is no name: "we call our method X" names X, not "method"
            if span is not None and (len(span) > 1 or not span[0].is_lower):
                coined = _has_name_unit(doc, span.start, span.end)
                label = _phrase_label(span) or (
                    _name_label(doc, span.start, span.end) if coined else "Concept"
                )
                found.append(Candidate(span.start, span.end, label, SCORES["given"], True, "given"))
        return found

    def _noun_phrases(self, doc: Doc) -> list[Candidate]:
        found = []
        for chunk in doc.noun_chunks:
            span = _trim(chunk)
            if span is None:
                continue
            label = _phrase_label(span)
            if label == "Task" and head_lemma(span.root) in {"task", "problem"}:
                span = _trim(doc[span.start : span.end - 1])
                if span is None or span.root.pos_ not in {"NOUN", "PROPN"}:
                    continue
            if label is None:
                label = "Concept" if _is_concept(span) else None
            if label is None:
                continue
            score = SCORES["concept"] if label == "Concept" else SCORES["phrase"]
            found.append(Candidate(span.start, span.end, label, score, False, "phrase"))
        return found


# -- helpers ---------------------------------------------------------------------------------

#: Head nouns before a colon that announce a list of names of that kind.
_LIST_HEADS = (METHOD_HEADS | DATASET_HEADS | {"variant", "version", "agent", "instance"}) - {
    "learning",
    "optimization",
    "optimisation",
    "engineering",
    "tuning",
}
#: Nouns after a given name that say what kind of thing it is, not part of the name.
_KIND_WORDS = frozenset(
    {"problem", "issue", "setting", "phenomenon", "method", "framework", "approach", "task"}
)
#: Tokens that separate the items of a list; anything else that is not part of a name ends it.
_LIST_SEPARATORS = frozenset({",", "and", "or"})


#: Title words after which the rest of the title is what the paper is for: "... for Offline RL".
_PURPOSE_WORDS = frozenset({"for", "towards", "toward"})
#: Prepositions that end a title's task phrase: "Image Recognition at Scale", "Planning via Search".
_TASK_PHRASE_ENDS = frozenset(
    {"at", "with", "via", "using", "through", "by", "without", "beyond", "across", "under", "as", "is", "are"}
)


def _title_tasks(doc: Doc, title_end: int) -> list[Candidate]:
    """The problems a title says the paper is for: each conjunct of the phrase after "for" or
    "towards", or after "on" following a benchmark word ("The MineRL BASALT Competition on Learning
    from Human Feedback"), up to a colon or a preposition of manner: "Guided Data Augmentation for
    Offline Reinforcement Learning and Imitation Learning" addresses both."""
    start = None
    for tok in doc[1:title_end]:
        after_benchmark = tok.lower_ == "on" and head_lemma(doc[tok.i - 1]) in DATASET_HEADS
        if tok.lower_ in _PURPOSE_WORDS or after_benchmark:
            start = tok.i + 1
            break
    if start is None:
        return []
    end = start
    while end < title_end and doc[end].text != ":" and doc[end].lower_ not in _TASK_PHRASE_ENDS:
        end += 1
    found = []
    part_start = start
    for i in range(start, end + 1):
        if i == end or doc[i].lower_ == "and" or doc[i].text == ",":
            part = _without_leading_stop_words(doc[part_start:i])
            if 0 < len(part) <= 6 and any(t.pos_ in {"NOUN", "PROPN", "VERB"} for t in part):
                found.append(
                    Candidate(part.start, part.end, "Task", SCORES["title-task"], True, "title-task")
                )
            part_start = i + 1
    return found


#: Words that call what precedes them a problem: "Designing rewards is a longstanding challenge".
_PROBLEM_WORDS = frozenset(
    """
    challenging difficult hard challenge problem bottleneck open crucial critical important essential
    fundamental key unsolved nontrivial non-trivial difficulty
    """.split()
)
#: Longest problem phrase taken, in tokens.
_MAX_PROBLEM_TOKENS = 7


def _noun_phrase(span: Span) -> bool:
    """A name-like phrase: nouns and their modifiers, or a gerund with its object ("designing
    reward functions"); no clause ("coupling X with Y to ..."), no bare verb ("pretrain networks")."""
    first, rest = span[0], span[1:]
    if first.tag_ in {"VB", "VBP", "VBZ", "VBD"}:
        return False
    if any(t.pos_ in {"VERB", "AUX"} and t.tag_ != "VBN" for t in rest):
        return False
    return not any(t.pos_ in {"ADP", "SCONJ", "PART"} and t.lower_ not in {"of", "in"} for t in span)


def _without_leading_stop_words(span: Span) -> Span:
    """The span without the stop words and punctuation it opens with: "the X", ", and X"."""
    while len(span) and (span[0].is_stop or span[0].is_punct):
        span = span[1:]
    return span


def _problem_phrases(doc: Doc, title_end: int) -> list[Candidate]:
    """Problems the abstract states: the subject of "X is/remains challenging (a challenge, an open
    problem)", the X of "the problem of X" and "the X problem", and a gerund or task-headed object
    of "we address/study/tackle X"."""
    found = []
    for tok in doc[title_end:]:
        heads: list[Token] = []
        if tok.lemma_ in {"be", "remain"} and tok.dep_ == "ROOT":
            predicate = [c for c in tok.children if c.dep_ in {"acomp", "attr"}]
            if any(
                p.lower_ in _PROBLEM_WORDS or any(a.lower_ in _PROBLEM_WORDS for a in p.children)
                for p in predicate
            ):
                heads = [c for c in tok.children if c.dep_ in {"nsubj", "csubj"}]
        elif tok.lemma_ == "problem" and tok.pos_ == "NOUN":
            heads = [c for c in tok.children if c.dep_ == "prep" and c.lower_ == "of"]
            heads = [g for p in heads for g in p.children if g.dep_ in {"pobj", "pcomp"}]
            modifiers = [c for c in tok.lefts if c.dep_ in {"compound", "amod", "nmod"}]
            if any(c.dep_ == "compound" for c in modifiers) and not heads:
                start = min(c.left_edge.i for c in modifiers)  # "the continuous control problem"
                found.append(Candidate(start, tok.i, "Task", SCORES["problem"], True, "problem"))
        elif (
            tok.lemma_ in ADDRESS_VERBS and tok.pos_ == "VERB" and any(c.lower_ == "we" for c in tok.children)
        ):
            heads = [
                c for c in tok.children if c.dep_ == "dobj" and (c.tag_ == "VBG" or c.lemma_ in TASK_HEADS)
            ]
        for head in heads:
            span = _without_leading_stop_words(doc[head.left_edge.i : head.right_edge.i + 1])
            content = [t for t in span if t.lemma_ not in TASK_HEADS | GENERIC_NOUNS and not t.is_stop]
            pronoun = any(t.pos_ in {"PRON", "DET"} and t.lower_ != "the" for t in span)
            if 0 < len(span) <= _MAX_PROBLEM_TOKENS and content and not pronoun and _noun_phrase(span):
                found.append(Candidate(span.start, span.end, "Task", SCORES["problem"], True, "problem"))
    return found


def _has_alnum(token: Token) -> bool:
    return any(c.isalnum() for c in token.text)


def list_intro(colon: Token) -> Token | None:
    """The noun a colon introduces a list of names with ("our ... algorithms:"), if it is one."""
    if colon.text != ":" or colon.i == 0 or colon.i < colon.doc._.kg_title_end:
        return None
    intro = colon.doc[colon.i - 1]
    if intro.pos_ not in {"NOUN", "PROPN"} or head_lemma(intro) not in _LIST_HEADS:
        return None
    return intro


def _list_items(doc: Doc, start: int, end: int) -> list[tuple[int, int]]:
    """The leading items of ``doc[start:end]`` that look like names: one to four words, one of
    them capitalised, all-caps, coined or with a digit; the first item that is not ends the list."""
    items: list[tuple[int, int]] = []
    i = start
    while i < end:
        j = i
        while (
            j < end and doc[j].lower_ not in _LIST_SEPARATORS and (doc[j].text == "-" or _has_alnum(doc[j]))
        ):
            j += 1
        words = [t for t in doc[i:j] if t.text != "-"]
        if not 1 <= len(words) <= 4 or not any(
            t.text[:1].isupper() or is_coined(t.text) or any(c.isdigit() for c in t.text) for t in words
        ):
            break
        items.append((i, j))
        i = j
        while i < end and doc[i].lower_ in _LIST_SEPARATORS:
            i += 1
        if i == j:  # stopped on something that is neither a name nor a separator
            break
    return items


#: Last two words of a title phrase that make it a research field, not a method's name.
FIELD_ENDINGS = frozenset(
    {"reinforcement learning", "language models", "language model", "deep learning", "machine learning"}
)


#: Words after a title's colon that make what precedes it a topic: "...: A Survey".
_SURVEY_WORDS = frozenset({"survey", "review", "overview", "tutorial", "primer"})

#: First words of a title phrase that describe a topic or praise it ("Online Mechanism Design for ...").
_NOT_NAME_STARTS = frozenset(
    {
        "towards",
        "toward",
        "online",
        "offline",
        "efficient",
        "effective",
        "simple",
        "scalable",
        "fast",
        "better",
    }
)


def _titled_name(prefix: Span) -> bool:
    """A short capitalised name before a title's colon ("Gödel Agent: ...", "Information Maximizing
    Curriculum: ..."): two to four capitalised words, no function word, no verb, not a topic
    ("Beyond Reward: ...") and not a field ("... Reinforcement Learning")."""
    words = [t for t in prefix if t.text != "-"]
    return (
        2 <= len(words) <= 4
        and all(t.text[:1].isupper() or prefix.doc[t.i - 1].text == "-" for t in words)
        and not any(t.is_stop or t.tag_ in {"VBD", "VBN", "VBZ", "MD"} for t in words)
        and words[0].lower_ not in _NOT_NAME_STARTS | {"beyond"}
        and " ".join(t.lower_ for t in words[-2:]) not in FIELD_ENDINGS
    )


def _title_for_name(doc: Doc, end: int) -> list[Candidate]:
    """The title's leading phrase ``doc[:end]`` as a method name (see ``_title_head_name``)."""
    words = [t for t in doc[:end] if t.text != "-"]
    first = doc[0]
    if len(words) < 3 or (first.is_stop and not first.like_num) or first.lower_ in _NOT_NAME_STARTS:
        return []
    if first.lower_.endswith("ing") or first.tag_ in {"VB", "VBG"}:
        return []
    # a verb inside makes a clause; title case hides it from the tagger ("Teacher Forcing Recovers ...")
    if any(t.tag_ in {"VBZ", "VBD", "VBP"} or _third_person(t) for t in words[1:-1]):
        return []
    if " ".join(t.lower_ for t in words[-2:]) in FIELD_ENDINGS:
        return []
    return [Candidate(0, end, "Method", SCORES["title"], True, "title")]


def _third_person(token: Token) -> bool:
    """A capitalised word inside a title phrase shaped like a verb's -s form: "Recovers", "Meets"."""
    text = token.text
    return text[:1].isupper() and text[1:].islower() and text.endswith("s") and not text.endswith("ss")


def _first_head(span: Span) -> Token:
    """Head word of the first phrase of a title part: ``A Benchmark and Evaluation for ...`` -> Benchmark.

    Title-case parses are unreliable, so the phrase simply ends at the first function word.
    """
    last = span.root
    for tok in span:
        if tok.lower_ in {"for", "of", "and", "with", "via", "in", "on", "to", "from", "as", ","}:
            break
        if tok.is_alpha:
            last = tok
    return last


def _trim(span: Span, *, keep_modifiers: bool = False) -> Span | None:
    """Strip determiners, pronouns and praise from the front, punctuation from both ends.

    The span then grows to whole written words, so a phrase never starts or ends inside a
    hyphenated unit (``Offline-to-Online Reinforcement Learning``, ``well-known``).
    """
    doc = span.doc
    start, end = span.start, span.end
    while start > 0 and _glued(doc, start - 1):
        start -= 1
    while end < len(doc) and _glued(doc, end - 1) and doc[end].text not in {")", ","}:
        end += 1

    def droppable(tok: Token) -> bool:
        if tok.pos_ in {"DET", "PRON", "NUM", "PUNCT", "ADP", "CCONJ", "PART", "ADV", "SYM"}:
            return True
        if not any(c.isalnum() for c in tok.text):  # "%", "~"
            return True
        return tok.tag_ == "PRP$" or (not keep_modifiers and tok.lower_ in EVALUATIVE_MODIFIERS)

    moved = True
    while moved:
        moved = False
        while start < end and droppable(doc[start]) and not _glued(doc, start):
            start, moved = start + 1, True
        while start < end and _glued(doc, start) and doc[start].lower_ in EVALUATIVE_MODIFIERS | {"well"}:
            # "well-known", "state-of-the-art": drop the whole hyphenated modifier
            while start < end and _glued(doc, start):
                start += 1
            start, moved = start + 1, True
    while end > start and (doc[end - 1].is_punct and doc[end - 1].text not in {")", "+"}):
        end -= 1
    if start >= end:
        return None
    trimmed = doc[start:end]
    if any(t.pos_ == "PRON" or t.like_url or t.like_email for t in trimmed):
        return None
    if trimmed.text.lower() in EVALUATIVE_MODIFIERS:  # "state-of-the-art" on its own
        return None
    if trimmed.text.count("(") != trimmed.text.count(")"):
        return None
    return trimmed


def _glued(doc: Doc, i: int) -> bool:
    """Whether token ``i`` is written together with the next one through a hyphen or slash."""
    if i + 1 >= len(doc) or doc[i].whitespace_:
        return False
    return doc[i].text in {"-", "/"} or doc[i + 1].text in {"-", "/"}


def _is_title_cased(span: Span) -> bool:
    words = [t for t in span if t.is_alpha and t.lower_ not in {"of", "for", "and", "the", "to"}]
    return bool(words) and all(t.text[0].isupper() for t in words)


def _content_modifiers(span: Span, root: Token | None = None) -> list[Token]:
    root = span.root if root is None else root
    return [t for t in span if t != root and t.pos_ in {"NOUN", "PROPN", "VERB", "X"}]


def _phrase_label(span: Span, root: Token | None = None) -> str | None:
    """Type a noun phrase by its head word (``span.root`` unless given); None when it says nothing."""
    root = span.root if root is None else root
    lemma = head_lemma(root)
    text = root.lower_
    has_modifier = len(span) > 1
    if lemma in METRIC_HEADS or text in METRIC_HEADS:
        if lemma in {"score", "rate", "error"} and not has_modifier:
            return None
        return "Metric"
    if lemma in {"task", "problem"}:
        return "Task" if _content_modifiers(span, root) else None
    if lemma in TASK_HEADS or text in TASK_HEADS:
        return "Task"
    if lemma in METHOD_HEADS or text in METHOD_HEADS:
        if lemma in {"learning", "optimization", "fine-tuning", "finetuning", "tuning", "distillation"}:
            return "Method"
        return "Method" if _content_modifiers(span, root) else None
    if lemma in DATASET_HEADS:
        return "Dataset" if any(t.pos_ == "PROPN" for t in span if t != root) else None
    return None


def _is_concept(span: Span) -> bool:
    """A salient noun phrase: a non-generic common noun, or a generic head with real modifiers."""
    root = span.root
    if root.pos_ not in {"NOUN", "PROPN"}:
        return False
    lemma = head_lemma(root)
    if len(span) == 1:
        return (
            root.pos_ == "NOUN"
            and lemma not in GENERIC_NOUNS
            and len(root.text) >= 4
            and not root.is_stop
            and root.text.islower()
        )
    if lemma in GENERIC_NOUNS and lemma not in METHOD_HEADS:
        return bool(_content_modifiers(span))
    return True


def _name_label(doc: Doc, start: int, end: int) -> str:
    """Type a proper name by the noun after it, its own shape, and how the sentence uses it."""
    if end < len(doc):
        after = head_lemma(doc[end])
        if after in DATASET_HEADS:
            return "Dataset"
    pieces = re.split(r"[-\s]", doc[start:end].text)
    if any(p.lower().endswith(_DATASET_SUFFIXES) and not p.isupper() for p in pieces):
        return "Dataset"
    root = doc[start:end].root
    if _said_to_be_dataset(doc, end) or _apposed_to_dataset(doc[start:end]):
        return "Dataset"
    # "the DealOrNoDeal negotiation task", "MuJoCo locomotion tasks", "summarization and AntropicHH
    # tasks": a name of tasks is a benchmark (an acronym in capitals is not: "RL tasks" are a field)
    anchor = root
    while anchor.dep_ == "conj" and anchor.head.i < anchor.i:
        anchor = anchor.head
    if anchor.dep_ in {"compound", "amod", "nmod"} and not doc[start:end].text.isupper():
        noun = anchor.head
        while noun.dep_ == "compound" and noun.head.pos_ == "NOUN":  # "CommonGen text generation task"
            noun = noun.head
        if noun.pos_ == "NOUN" and head_lemma(noun) in DATASET_HEADS | {"task"}:
            return "Dataset"
    head = root.head
    if root.dep_ == "pobj" and head.lower_ in {"on", "across"}:
        governor = head.head
        if head_lemma(governor) in _EVALUATION_CUES or governor.lemma_.lower() in _EVALUATION_CUES:
            return "Dataset"
    return "Method"


_APPOSITION_MARKS = frozenset({",", "--", "—", "–", ":"})


def _apposed_to_dataset(span: Span) -> bool:
    """Whether a name stands in apposition to a benchmark word: "the commonly-used RLHF benchmark,
    Helpful and Harmless Assistant (HHA)"."""
    root = span.root
    return root.dep_ == "appos" and head_lemma(root.head) in DATASET_HEADS and root.head.i < span.start


def _said_to_be_dataset(doc: Doc, end: int) -> bool:
    """Whether the words after a name say it is a benchmark or an environment: "LIGHT (Urbanek et al.
    2019) -- a large-scale crowd-sourced fantasy text adventure game", "X, a benchmark of ..."."""
    i = end
    if i < len(doc) and doc[i].text == "(":  # a citation or an acronym in between
        i = next((j + 1 for j in range(i, min(i + 12, len(doc))) if doc[j].text == ")"), i)
    if not (i + 1 < len(doc) and doc[i].text in _APPOSITION_MARKS and doc[i + 1].lower_ in {"a", "an"}):
        return False
    for tok in doc[i + 2 : min(i + 14, len(doc))]:
        if tok.pos_ in {"VERB", "AUX", "ADP", "PUNCT"} and tok.text != "-" and tok.dep_ != "amod":
            return False
        if tok.pos_ in {"NOUN", "PROPN"} and head_lemma(tok) in DATASET_HEADS:
            return True
    return False


#: Words after a model's version that name its tier: "Claude 3.5 Sonnet", "Gemini 1.5 Pro".
_MODEL_TIERS = frozenset(
    {"Sonnet", "Opus", "Haiku", "Pro", "Flash", "Ultra", "Nano", "Turbo", "Instruct", "Chat"}
)
_VERSION = re.compile(r"^(?:II|III|IV|VI?|v?\d+(?:\.\d+)*|\d+(?:\.\d+)?[BMKT])$")


def name_without_version(span: Span) -> Span:
    """A name without the versions and sizes written after it: "BlenderBot 3" -> "BlenderBot"."""
    end = span.end
    while end - 1 > span.start and span.doc[end - 2].whitespace_ and _VERSION.match(span.doc[end - 1].text):
        end -= 1
    return span.doc[span.start : end]


def _with_version(doc: Doc, cand: Candidate) -> Candidate:
    """Grow a name over a following version or size (``Llama 3``, ``StarCraft II``, ``Llama-3 70B``)
    and a model tier after the version (``Claude 3.5 Sonnet``)."""
    end = cand.end
    while cand.named and end < len(doc) and doc[end - 1].whitespace_ and _VERSION.match(doc[end].text):
        end += 1
    # "Claude 3.5 Sonnet", "Gemini 1.5 Pro": a model's tier after its version is part of its name,
    # and so is one right after a known model's name ("Mistral Large", "Gemini Ultra")
    versioned_or_known = end > cand.end or (cand.rule == "gazetteer" and cand.label == "Method")
    tiers = _MODEL_TIERS if end > cand.end else _MODEL_TIERS | {"Large", "Medium", "Small"}
    if versioned_or_known and end < len(doc) and doc[end - 1].whitespace_ and doc[end].text in tiers:
        end += 1
    if end == cand.end:
        return cand
    return Candidate(cand.start, end, cand.label, cand.score, cand.named, cand.rule)


def _yields_to_long_form(cand: Candidate, long_forms: list[Candidate]) -> bool:
    """Whether a defined long form overrules ``cand``: a known name inside it is part of it
    ("Offline Experience Replay (OER)"), and a name the authors give with an acronym is that
    acronym's long form ("we call our algorithm offline experience replay (OER)")."""
    if cand.rule == "gazetteer":
        return any(
            a.start <= cand.start and cand.end <= a.end and a.end - a.start > cand.end - cand.start
            for a in long_forms
        )
    return cand.rule == "given" and any(a.start < cand.end and cand.start < a.end for a in long_forms)


#: Lower-case words after a benchmark's name: "the World of Bits benchmark".
_BENCHMARK_WORDS = CONTAINER_HEADS - {"games", "tasks"}
#: Function words inside a capitalised name: "World of Bits", "Dungeons and Dragons".
_NAME_JOINERS = frozenset({"of", "and", "the", "in", "&"})


def _capitalised(token: Token) -> bool:
    """A word written with a capital, not a function word: "World", "MRE", "D4RL", not "The"."""
    return token.text[:1].isupper() and not (token.is_stop and token.text.istitle()) and _has_alnum(token)


def _resolve_overlaps(candidates: list[Candidate]) -> list[Candidate]:
    """Keep the best of overlapping candidates: higher score first, then the longer span."""
    chosen: list[Candidate] = []
    taken: set[int] = set()
    for cand in sorted(candidates, key=lambda c: (-c.score, -(c.end - c.start), c.start)):
        if any(i in taken for i in range(cand.start, cand.end)):
            continue
        chosen.append(cand)
        taken.update(range(cand.start, cand.end))
    return sorted(chosen, key=lambda c: c.start)


def _harmonise_labels(doc: Doc, chosen: list[Candidate]) -> None:
    """Within one paper, the same name gets one label: the one of its best-scored mentions.

    Datasets also spread along coordination: ``on D4RL and NeoRL`` makes NeoRL a dataset.
    """
    by_text: dict[str, Counter] = {}
    by_name_rule: dict[str, Counter] = {}
    for c in chosen:
        # The title rule knows best what the paper's own name is.
        weight = 10 * c.score if c.rule == "title" else c.score
        text = doc[c.start : c.end].text.lower()
        by_text.setdefault(text, Counter())[c.label] += weight
        if c.rule == "name":
            by_name_rule.setdefault(text, Counter())[c.label] += c.score
    for text, votes in by_text.items():
        # A bare name's "Method" is only _name_label's default, its "Dataset" is evidence:
        # "the IMDB dataset" outvotes "the IMDB positive review".
        named = by_name_rule.get(text, Counter())
        if named["Dataset"] and named["Method"]:
            votes["Method"] -= named["Method"] / 2
    for c in chosen:
        votes = by_text[doc[c.start : c.end].text.lower()]
        c.label = votes.most_common(1)[0][0]
    dataset_roots = {doc[c.start : c.end].root.i for c in chosen if c.label == "Dataset"}
    for c in chosen:
        if c.named and c.rule == "name" and c.label == "Method":
            root = doc[c.start : c.end].root
            if (root.dep_ == "conj" and root.head.i in dataset_roots) or any(
                child.dep_ == "conj" and child.i in dataset_roots for child in root.children
            ):
                c.label = "Dataset"
