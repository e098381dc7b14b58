"""Paper-level roles: what the paper proposes, uses, is evaluated on and addresses.

Reads the mention span group written by the entity recognizer and writes ``doc._.kg_roles``,
a list of ``(span, role, score)``.
"""

from __future__ import annotations

from collections import Counter

from spacy.tokens import Doc, Span, SpanGroup, Token

from kg.extract.entities import FIELD_ENDINGS, capitalised_name, head_lemma, is_coined, list_intro
from kg.extract.lexicon import (
    ADDRESS_VERBS,
    AUTHOR_SUBJECTS,
    EVALUATIVE_MODIFIERS,
    NAMING_VERBS,
    OUTPERFORM_VERBS,
    PROPOSE_VERBS,
    TECHNIQUE_HEADS,
    container_name,
)
from kg.extract.naming import named_by_authors, subjects
from kg.types import ENTITY_TYPES

#: Dependency labels that stay inside the object of "we propose ..." (relative clauses do not).
_OBJECT_DEPS = frozenset(
    {
        "appos",
        "conj",
        "compound",
        "amod",
        "nmod",
        "det",
        "cc",
        "punct",
        "oprd",
        "attr",
        "nummod",
        "poss",
        "npadvmod",
        "acl",
    }
)

#: Heads of long forms that name a field or a model family rather than a contribution.
_PARADIGM_HEADS = frozenset({"learning", "model", "network", "intelligence", "agent", "processing", "system"})

ROLE_SCORES = {"proposes": 0.85, "evaluatedOn": 0.7, "uses": 0.6, "addresses": 0.6, "outperforms": 0.6}


def _object_tokens(head: Token) -> set[int]:
    """Token indices of a noun phrase with its appositions and coordinations, not its clauses."""
    keep = {head.i}
    stack = [head]
    while stack:
        tok = stack.pop()
        for child in tok.children:
            if child.dep_ in _OBJECT_DEPS and not (
                child.dep_ == "acl" and child.pos_ == "VERB" and child.tag_ != "VBN"
            ):
                keep.add(child.i)
                stack.append(child)
            elif child.dep_ == "acl" and child.lemma_ in NAMING_VERBS:
                keep.update(t.i for t in child.subtree)
    return keep


def _by_authors(verb: Token) -> bool:
    """Whether ``verb`` is done by the authors: "we propose", "this paper introduces"."""
    for child in verb.children:
        if child.dep_ in {"nsubj", "nsubjpass"} and child.lower_ in AUTHOR_SUBJECTS:
            return True
        if child.dep_ == "nsubj" and child.lemma_.lower() in AUTHOR_SUBJECTS:
            return True
    if verb.dep_ == "conj" and not subjects(verb) and verb.sent.root != verb:
        # "we find that ... can be more effective and thus propose X": the sentence's subject
        return _by_authors(verb.sent.root)
    if verb.dep_ == "advcl" and verb.tag_ == "VBG" and not subjects(verb) and verb.head.pos_ == "VERB":
        return _by_authors(verb.head)  # "We propose X, introducing the Goal Success Rate (GSR)"
    # "In this paper, a new method X is proposed"
    return verb.tag_ == "VBN" and any(
        c.dep_ == "prep" and any(g.lemma_.lower() in {"paper", "work"} for g in c.subtree)
        for c in verb.children
    )


#: Words that end the clause of "we propose ...": what follows is purpose, means or a new clause.
_CLAUSE_ENDS = frozenset({"which", "that", "where", "to", "by", "through", "using", "via", ";", ":", "."})


#: Adjectives with which authors call a thing their own new one.
_NEW = frozenset({"novel", "new"})


def _mixed_case(name: str) -> bool:
    """A coined acronym with lower-case letters inside (``CoERL``), unlike ``RL`` or ``RMs``."""
    core = name[:-1] if name.endswith("s") else name
    return is_coined(core) and any(c.islower() for c in core[1:])


def _proposes(verb: Token) -> bool:
    """Whether a token is the authors' verb of proposing: "we propose", "this paper introduces"."""
    return verb.lemma_.lower() in PROPOSE_VERBS and verb.pos_ in {"VERB", "AUX"} and _by_authors(verb)


def _bracketed_names(verb: Token) -> set[int]:
    """Token indices of the names the proposing clause defines in brackets, whatever the parse:
    "we introduce the Direct Preference for ... Optimization (D3PO) method to ...", "a new offline
    GCRL method, Generalizable ... RL (GOAT), by ..."."""
    doc = verb.doc
    inside: set[int] = set()
    i = verb.i + 1
    while i < verb.sent.end and doc[i].lower_ not in _CLAUSE_ENDS:
        if doc[i].text == "," and not (i + 1 < verb.sent.end and doc[i + 1].text[:1].isupper()):
            break
        # "a new method for the estimation of Mutual Information (MI)": what the method is for
        # ends it, a preposition inside a capitalised name ("Preference for Denoising") does not
        if doc[i].pos_ == "ADP" and not (doc[i - 1].text[:1].isupper() and doc[i + 1].text[:1].isupper()):
            break
        if doc[i].text == "(":
            close = next((j for j in range(i + 1, min(i + 4, verb.sent.end)) if doc[j].text == ")"), None)
            if close is not None and close == i + 2 and is_coined(doc[i + 1].text):
                inside.add(i + 1)
            i = close if close is not None else i
        i += 1
    return inside


def _proposal_objects(doc: Doc) -> set[int]:
    """Token indices inside what the authors propose, introduce or name."""
    inside: set[int] = set()
    for tok in doc:
        if _proposes(tok):
            objects = [
                c
                for c in tok.children
                if c.dep_ in {"dobj", "nsubjpass", "attr", "oprd"}
                # "we introduce an open-source modular library, RL4LMs (...)" parsed loose
                or (c.dep_ == "dep" and c.pos_ == "PROPN" and c.doc[c.i - 1].text == ",")
            ]
            if not objects:  # "we introduce and study X": the object hangs on the second verb
                objects = [
                    g for c in tok.children if c.dep_ == "conj" for g in c.children if g.dep_ == "dobj"
                ]
            for child in tok.children:
                if child.dep_ == "ccomp" and child.lemma_ in NAMING_VERBS:
                    # "we propose a ... algorithm called FEDEXP3" parsed as a clause
                    objects += [g for g in child.children if g.dep_ in {"nsubj", "dobj", "oprd"}]
            for obj in objects:
                inside |= _object_tokens(obj)
            # "we propose to use X" proposes nothing named
        elif tok.dep_ == "appos" and any(
            c.lower_ in {"novel", "new"} for c in tok.children if c.dep_ == "amod"
        ):
            # "SSL4RL, a novel framework that ..." proposes SSL4RL
            inside.add(tok.head.i)
            inside |= {c.i for c in tok.head.children if c.dep_ == "compound"}
        elif tok.dep_ == "appos" and any(
            c.lower_ in {"novel", "new"} for c in tok.head.children if c.dep_ == "amod"
        ):
            # "a new off-policy RL algorithm, TP-GRPO, which ..." proposes TP-GRPO
            inside |= _object_tokens(tok)
        elif tok.pos_ == "NOUN" and any(c.dep_ == "amod" and c.lower_ in _NEW for c in tok.children):
            # "a novel QWeb neural network architecture": the name before a novel kind of thing
            inside |= {
                g.i
                for c in tok.children
                if c.dep_ in {"compound", "amod", "nmod"}
                for g in c.subtree
                if g.pos_ == "PROPN"
            }
        elif tok.dep_ == "appos" and any(c.lower_ == "our" for c in tok.head.children):
            # "our method, X, ..."
            inside |= _object_tokens(tok)
        elif tok.pos_ == "PROPN" and any(c.dep_ == "poss" and c.lower_ == "our" for c in tok.children):
            # "our simple CAMA outperforms ...": a name the authors call theirs
            inside |= {tok.i} | {c.i for c in tok.children if c.dep_ == "compound"}
    return inside


def _own_list(span: Span, proposal_tokens: set[int]) -> bool:
    """Whether a listed name is one of the authors' own: "our stream-x algorithms: stream Q, ...",
    "we propose two variants: X-S and X-L"."""
    colon = next((t for t in reversed(span.doc[span.sent.start : span.start]) if t.text == ":"), None)
    intro = list_intro(colon) if colon is not None else None
    return intro is not None and (
        intro.i in proposal_tokens or any(c.lower_ == "our" for c in intro.subtree if c.i < intro.i)
    )


def _outperformed(doc: Doc, own: set[int]) -> set[int]:
    """Token indices inside what the paper's own method beats: "P3O outperforms PPO", "our
    approach surpasses ...", "we show that X outperforms ..."; ``own`` holds its proposals' tokens."""
    inside: set[int] = set()
    for tok in doc:
        if tok.pos_ != "VERB" or tok.lemma_.lower() not in OUTPERFORM_VERBS:
            continue
        clause = tok  # "..., outperforming X": the subject is the main clause's
        while clause.dep_ in {"advcl", "conj", "xcomp", "acl"} and not subjects(clause):
            clause = clause.head
        if any(t.i in own or t.lower_ in {"we", "our", "ours"} for s in subjects(clause) for t in s.subtree):
            for child in tok.children:
                if child.dep_ == "dobj":
                    inside |= _beaten_tokens(child)
    return inside


def _beaten_tokens(head: Token) -> set[int]:
    """The object of "outperforms ...", without where or how ("... on Room-2-Room", "in the trade-off")."""
    keep = {head.i}
    for child in head.children:
        where_or_how = child.dep_ == "prep" and child.lower_ not in {"of", "like", "as", "including"}
        if not where_or_how and child.dep_ != "relcl":
            keep |= _beaten_tokens(child)
    return keep


def _addressed(doc: Doc) -> set[int]:
    """Token indices inside the objects of "we address/tackle/study ..." and of title "for X"."""
    inside: set[int] = set()
    for tok in doc:
        if tok.lemma_.lower() in ADDRESS_VERBS and tok.pos_ == "VERB":
            for child in tok.children:
                if child.dep_ in {"dobj", "pobj", "prep"}:
                    inside |= {t.i for t in child.subtree}
    for tok in doc[: doc._.kg_title_end]:
        if tok.lower_ in {"for", "in", "of", "on", ":"} or tok.dep_ == "ROOT":
            inside |= {t.i for t in tok.subtree if t.i < doc._.kg_title_end}
    return inside


def _title_lead(doc: Doc) -> str:
    """The title up to its first colon, "for", "via", "with", "in" or "from", lower-cased."""
    words = []
    for tok in doc[: doc._.kg_title_end]:
        if tok.text == ":" or tok.lower_ in {"for", "via", "with", "in", "from", "by", "on"}:
            break
        words.append(tok.text_with_ws)
    return "".join(words).strip().lower()


def _used_before(span: Span, group: SpanGroup, title_end: int, first: int | None) -> bool:
    """Whether the abstract uses a name before ``first``, the start of its first proposing sentence
    (by default the name's own sentence): "online RL algorithms ... We propose an RL framework called
    MEX" builds on RL, it does not propose it."""
    key = span.text.lower()
    end = span.sent.start if first is None else first
    return any(other.text.lower() == key and title_end <= other.start and other.end <= end for other in group)


def _technique(span: Span) -> bool:
    """A lower-case technique named in the abstract: "adversarial training", "mutual information
    maximization" (a head that names a technique, with words that say which one)."""
    words = [t for t in span if not t.is_punct]
    return (
        len(span.text.split()) >= 2  # "fine-tuning" alone is any training
        and span.start >= span.doc._.kg_title_end
        and head_lemma(span[-1]) in TECHNIQUE_HEADS
        # capitalised words make a name, the paper's own or a known one ("Cooperative Prompt Optimization")
        and all(t.text.islower() or t.text.isupper() or not t.is_alpha for t in words)
        and not any(t.is_stop or t.lower_ in EVALUATIVE_MODIFIERS for t in words)
    )


def _describes_known_name(span: Span, known_names: set[str]) -> bool:
    """Whether a title name is a well-known name the abstract uses plus a common noun: "RLHF Workflow"."""
    *base, last = [t for t in span if not t.is_punct]
    shaped_like_noun = last.is_alpha and last.text[:1].isupper() and last.text[1:].islower()
    return bool(base) and shaped_like_noun and span.doc[base[0].i : last.i].text.lower() in known_names


#: Rules whose spans are what the paper says it is for: "... for Offline RL", "X remains challenging".
_PROBLEM_RULES = frozenset({"title-task", "problem"})


def _about_own_work(span: Span, title_end: int) -> bool:
    """Whether a span's sentence opens the abstract or speaks of the authors' own work ("we", "our")."""
    sentence = span.sent
    return sentence.start == title_end or any(t.lower_ in {"we", "our"} for t in sentence)


def tag_roles(doc: Doc, spans_key: str) -> list[tuple[Span, str, float]]:
    """Assign paper-level roles to the named mentions and task mentions of ``doc``."""
    group = doc.spans[spans_key]
    named = group.attrs.get("named", [False] * len(group))
    rules = group.attrs.get("rules", [""] * len(group))
    named_tokens = named_by_authors(doc)
    proposal_tokens = _proposal_objects(doc) | named_tokens
    abbreviations = doc._.abbreviations

    # Known names (gazetteer) and acronyms of common terms ("reinforcement learning (RL)") are
    # what a paper builds on; inside "we propose a novel offline RL algorithm" they are not new.
    # So is a lower-case term the paper defines outside what it proposes: "leveraged data
    # augmentation (DA)" before "we propose GuDA, a human-guided DA framework".
    common = {
        form.text.lower()
        for long, short in abbreviations
        if not any(c.isupper() for c in long.text[1:])
        and (
            not any(t.i in proposal_tokens for t in long)
            # "reinforcement learning (RL)" is a field; "cooperative coevolutionary reinforcement
            # learning (CoERL)" inside the proposal, with a coined acronym, is the contribution
            # (and so is one with a digit: "Reinforcement Learning for Language Models (RL4LMs)")
            or (
                long.root.lemma_.lower() in _PARADIGM_HEADS
                and not _mixed_case(short.text)
                and not any(ch.isdigit() for ch in short.text)
            )
        )
        for form in (long, short)
    }
    title_end = doc._.kg_title_end
    known_names = {
        span.text.lower()
        for span, rule in zip(group, rules, strict=True)
        if rule == "gazetteer" and span.start >= title_end
    }
    bracketed = {i for tok in doc if _proposes(tok) for i in _bracketed_names(tok)}
    first_proposal = min((doc[i].sent.start for i in proposal_tokens if i >= title_end), default=None)
    proposed: set[str] = set()
    titles: set[str] = set()
    for span, is_named, rule in zip(group, named, rules, strict=True):
        key = span.text.lower()
        if is_named and rule == "title" and span.label_ in {"Method", "Dataset"}:
            if not _describes_known_name(span, known_names):
                titles.add(key)
        elif rule == "gazetteer" or key in common:
            continue
        elif rule == "list" and _own_list(span, proposal_tokens):
            proposed.add(key)
        elif is_named and span.label_ != "Task" and any(t.i in bracketed for t in span):
            proposed.add(key)  # "(D3PO)" defined in the proposing clause
        elif span.label_ in {"Method", "Dataset", "Concept"} and all(t.i in named_tokens for t in span):
            proposed.add(key)  # what the authors name is theirs, a coined name or not
        elif (
            (is_named or capitalised_name(span))
            and span.label_ in {"Method", "Dataset"}
            and any(t.i in proposal_tokens for t in span)
            and not _used_before(span, group, title_end, first_proposal)
        ):
            proposed.add(key)
    # A proposed name built on another one is the proposal, the other its base:
    # "a Bayesian Adversarial Robust Dec-POMDP (BARDec-POMDP)" does not propose Dec-POMDP.
    proposed = {
        name for name in proposed if not any(len(name) > 2 and name in other != name for other in proposed)
    }
    proposed |= titles
    # The paper's name is the start of its title, defined with an acronym in the abstract:
    # "Exploratory Preference Optimization: ..." and "... Exploratory Preference Optimization (XPO)".
    lead = _title_lead(doc)
    for long_form, short_form in abbreviations:
        key = long_form.text.lower()
        # "reinforcement learning (RL)" after a title "Reinforcement Learning by ..." is the field
        field = long_form.text.islower() and key.endswith(tuple(FIELD_ENDINGS))
        if lead and key == lead and not field and long_form.start >= title_end:
            proposed |= {long_form.text.lower(), short_form.text.lower()}
    # An abbreviation pair is proposed together: "Implicit Reward Model (IRM)".
    # Not a form the abstract used before proposing anything ("goal-conditioned RL ... a new method,
    # Generalizable Offline goAl-condiTioned RL (GOAT)" proposes GOAT, not goal-conditioned RL).
    for long_form, short_form in abbreviations:
        if long_form.text.lower() in proposed or short_form.text.lower() in proposed:
            proposed |= {
                form.text.lower()
                for form in (long_form, short_form)
                if not _used_before(form, group, title_end, first_proposal)
            }

    addressed = _addressed(doc)
    own = {t.i for span in group if span.text.lower() in proposed for t in span}
    beaten = _outperformed(doc, own)
    # A task the abstract comes back to, or one its title names, is one of its main problems.
    title_words = f" {doc[:title_end].text.lower()} "
    task_counts = Counter(span.text.lower() for span in group if span.label_ == "Task")
    roles: list[tuple[Span, str, float]] = []
    for span, is_named, rule in zip(group, named, rules, strict=True):
        if span.label_ not in ENTITY_TYPES:
            continue  # "Generic" ("these pods") is recognised, never a mention: it takes no role
        key = span.text.lower()
        if key in proposed:
            roles.append((span, "proposes", ROLE_SCORES["proposes"]))
        # A paper's own benchmark is also what it reports results on; "the Atari suite" names one.
        if span.label_ == "Dataset" and (is_named or (span.start >= title_end and container_name(span.text))):
            roles.append((span, "evaluatedOn", ROLE_SCORES["evaluatedOn"]))
        elif (is_named or _technique(span)) and span.label_ == "Method" and key not in proposed:
            roles.append((span, "uses", ROLE_SCORES["uses"]))
            if any(t.i in beaten for t in span) and key not in common:  # a beaten baseline is used too
                roles.append((span, "outperforms", ROLE_SCORES["outperforms"]))
        if span.label_ == "Task" and (
            rule in _PROBLEM_RULES
            or task_counts[key] > 1
            or (span.start >= title_end and f" {key} " in title_words)
            or any(t.i in addressed for t in span)
            or _about_own_work(span, title_end)
        ):
            roles.append((span, "addresses", ROLE_SCORES["addresses"]))
    return roles
