"""What the authors give a name: "we call it X", "which we term X", "dubbed X", "define this to be X".

Shared by the entity rules (such a name is a mention even when the model misses it) and the role
rules (such a name is proposed).
"""

from __future__ import annotations

from spacy.tokens import Doc, Token

from kg.extract.lexicon import GENERIC_NOUNS, METHOD_HEADS, NAMING_VERBS, USE_VERBS

#: Dependency labels inside a name the authors give ("which we term human priors (e.g. ...)" names one thing).
_NAME_DEPS = frozenset({"compound", "amod", "nmod", "nummod", "det", "poss", "npadvmod", "punct"})
#: Adverbs that make "called X" a common usage rather than the authors' naming.
_HABITUAL = frozenset({"often", "usually", "commonly", "sometimes", "typically", "generally", "also", "so"})


def named_by_authors(doc: Doc) -> set[int]:
    """Token indices inside what the authors give a name: "we call it X", "which we term X",
    "dubbed X", "which we refer to as X", "define this to be the X", "we propose X to ..."."""
    return {i for head in given_names(doc) for i in name_tokens(head)}


def given_names(doc: Doc) -> list[Token]:
    """The head nouns of the names the authors give (see :func:`named_by_authors`)."""
    heads: list[Token] = []
    for tok in doc:
        if tok.pos_ != "VERB":
            continue
        # "a method dubbed X" names it; "predictive models, often called world models" does not
        habitual = any(c.dep_ == "advmod" and c.lower_ in _HABITUAL for c in tok.children)
        if habitual or not (_by_us(tok) or tok.dep_ == "acl") or _taken_up(tok):
            continue
        lemma = tok.lemma_.lower()
        objects = []
        if lemma in NAMING_VERBS:
            objects = [c for c in tok.children if c.dep_ in {"oprd", "xcomp", "attr", "dobj"}]
        elif lemma in {"refer", "define"}:
            for child in tok.children:
                if child.dep_ == "prep" and child.lower_ == "as":  # "refer to as X", "define ... as X"
                    objects += [g for g in child.children if g.dep_ == "pobj"]
                elif child.dep_ in {"xcomp", "ccomp", "advcl"} and child.lemma_ == "be":
                    # "define this to be X"
                    objects += [g for g in child.children if g.dep_ == "attr"]
        elif lemma == "propose" and _by_us(tok):  # "we introduce X" often brings in a known X
            objects = [c for c in tok.children if c.dep_ == "dobj" and _bare_name(c)]
        heads += [obj for obj in objects if obj.lower_ not in {"it", "this", "them"}]
    return heads


def _taken_up(verb: Token) -> bool:
    """Whether a naming verb names something the authors use rather than make: "by employing a
    behavioral psychology framework called OCEAN"."""
    noun = verb.head
    return verb.dep_ == "acl" and noun.dep_ == "dobj" and noun.head.lemma_.lower() in USE_VERBS


def _bare_name(head: Token) -> bool:
    """An object of "we propose" used without an article, as a name is: "we propose online prototype
    equilibrium to ...", "we propose optimistic forgetting, a novel ..." (not "we propose guided RL
    approaches", a plural, nor "we propose novel method", a kind of thing)."""
    tokens = name_tokens(head)
    return (
        head.tag_ in {"NN", "NNP"}
        and 2 <= len(tokens) <= 4
        and max(tokens) - min(tokens) == len(tokens) - 1
        and not any(head.doc[i].dep_ in {"det", "poss", "nummod"} for i in tokens)
        and not any(head.doc[i].lower_ in {"novel", "new"} for i in tokens)
        and head.lemma_.lower() not in GENERIC_NOUNS | METHOD_HEADS
    )


def name_tokens(head: Token) -> set[int]:
    """Token indices of a name given in text: the noun with its modifiers, not what follows it."""
    keep = {head.i}
    stack = [head]
    while stack:
        for child in stack.pop().children:
            if child.dep_ in _NAME_DEPS:
                keep.add(child.i)
                stack.append(child)
    return keep


def _by_us(verb: Token) -> bool:
    """Whether "we" is the subject of ``verb``, or of the sentence when ``verb`` is a coordinated verb
    without its own ("We increase ..., note at which ... appear, and define this to be ...")."""
    if verb.dep_ == "conj" and not subjects(verb):
        verb = verb.sent.root
    return any(c.lower_ == "we" for c in verb.children if c.dep_ == "nsubj")


def subjects(verb: Token) -> list[Token]:
    """The subjects of a verb, active or passive."""
    return [c for c in verb.children if c.dep_ in {"nsubj", "nsubjpass"}]
