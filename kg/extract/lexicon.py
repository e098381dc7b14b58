"""Word lists the rule layer reasons with: head nouns per entity type, generic words, cue verbs."""

from __future__ import annotations

import re

#: Head nouns (lemmas) of noun phrases that name a method.
METHOD_HEADS = frozenset(
    """
    model framework algorithm architecture network optimizer transformer encoder decoder
    technique mechanism module estimator learning optimization optimisation fine-tuning
    finetuning pretraining pre-training distillation regularization planner controller critic
    policy method approach tuning engineering
    """.split()
)

#: Head nouns of phrases that name a dataset, benchmark, environment or simulator.
DATASET_HEADS = frozenset(
    """
    dataset datasets benchmark benchmarks suite environment environments simulator corpus
    testbed gym competition challenge arena leaderboard collection domain games game
    """.split()
)

#: Head nouns of phrases that name a task or problem.
TASK_HEADS = frozenset(
    """
    task problem recognition classification detection extraction generation segmentation
    translation reasoning planning control navigation manipulation synthesis reconstruction
    prediction retrieval summarization summarisation answering parsing exploration alignment
    recommendation understanding estimation tracking localization decision-making modeling
    modelling forecasting captioning grounding completion editing transfer adaptation imitation
    coordination interpretation
    """.split()
)

#: Head nouns of phrases that name an evaluation measure.
METRIC_HEADS = frozenset(
    """
    accuracy score rate error precision recall f1 f1-score bleu rouge perplexity regret latency
    auc throughput win-rate meteor cider mse rmse mae
    """.split()
)

#: Nouns that never form a concept on their own (and are stripped as heads of "X approach").
GENERIC_NOUNS = frozenset(
    """
    approach method methods work paper study result results performance way idea problem task
    setting case number lot variety range set type kind part aspect issue challenge limitation
    advantage benefit effect impact role fact question insight finding findings analysis
    experiment experiments evaluation improvement gain ability capability need use application
    field area community research literature state end goal term solution design process
    component framework model models system systems step stage level manner instance example
    series amount degree extent order form level quality variant version option thing one ones
    others other order addition contrast terms cost time times contribution contributions line
    lines direction directions practice detail details success baseline baselines art sota
    property properties observation observations evidence implication implications hand source
    sources factor factors strategy technique technologies technology tool tools paradigm family
    notion concept concepts purpose effectiveness efficiency feasibility scalability generality
    variety majority promise turn year years progress website code codes data parameter
    parameters online offline real-world length figure table section appendix dimension while
    lack absence presence top bottom front back side light view interest attention focus basis
    account respect means mean regard light sense point way hand couple pair dozen thousand
    million billion
    """.split()
)

#: Modifiers that praise or count rather than name; stripped from the front of a phrase.
EVALUATIVE_MODIFIERS = frozenset(
    """
    a an the this that these those our their its his her my your such each every any all some
    many several various different diverse multiple numerous few new novel simple effective
    efficient existing proposed previous prior recent current standard typical general key main
    important significant substantial remarkable impressive strong powerful robust promising
    superior better best good great large small high low first second third final other same
    certain particular specific extensive comprehensive wide broad whole entire overall
    potential possible additional further more most less well-known popular common traditional
    conventional classical classic state-of-the-art so-called respective corresponding
    underlying original fundamental crucial critical unified versatile competitive considerable
    challenging both either own
    """.split()
)

#: Last words of a hyphenated unit that make it a modifier, not a name ("ID-based").
ADJECTIVAL_SUFFIXES = frozenset(
    """
    based like level free specific aware guided conditioned driven style wise scale agnostic
    centric oriented augmented efficient time step shot order informed only dependent
    independent friendly grained agnostic ready rich constrained regularized generated labelled
    labeled annotated assisted powered enabled induced inspired trained tuned written
    """.split()
)

#: Words that look like acronyms but are not names.
NOT_NAMES = frozenset(
    """
    I II III IV V VI A AI US UK EU OK TV ID IDs AND OR NOT USA CPU GPU GPUs TPU TPUs RAM PhD API
    APIs URL HTTP HTML JSON SOTA Q&A
    """.split()
)

#: Verbs with which authors introduce their own contribution.
PROPOSE_VERBS = frozenset(
    """
    propose introduce present develop design coin devise build create construct release
    establish contribute offer unveil derive
    """.split()
)

#: Verbs with which authors take up something that exists: "by employing a framework called OCEAN".
USE_VERBS = frozenset("use employ adopt utilize utilise leverage apply follow".split())

#: Verbs that give a name to the contribution: "we call it X", "dubbed X".
NAMING_VERBS = frozenset(
    """
    call name dub term
    """.split()
)

#: Subjects that mean the authors of the paper.
AUTHOR_SUBJECTS = frozenset(
    """
    we paper work study article i
    """.split()
)

#: Verbs whose object is a problem the paper addresses.
ADDRESS_VERBS = frozenset(
    """
    address tackle solve study investigate consider focus improve enable facilitate
    """.split()
)

#: Verbs with which a paper reports beating a baseline: "P3O outperforms PPO".
OUTPERFORM_VERBS = frozenset(
    """
    outperform surpass beat exceed outmatch
    """.split()
)

#: Head nouns that hold a named benchmark rather than name it: "the Atari suite" is Atari.
CONTAINER_HEADS = frozenset(
    """
    suite benchmark benchmarks dataset datasets games environment environments simulator tasks
    """.split()
)


#: Words that, before "learning" or "RL", make a learning paradigm or field ("offline reinforcement
#: learning", "multi-agent RL", "self-supervised learning"): a problem setting papers work in, not a
#: method they use (the role guidelines leave such paradigms out of the methods a paper uses).
PARADIGM_MODIFIERS = frozenset(
    """
    reinforcement deep offline online inverse imitation multi agent multiagent meta task multitask
    transfer self supervised unsupervised semi weakly representation continual lifelong federated
    active hierarchical model based free goal conditioned safe robust preference few zero shot
    curriculum machine distributed cooperative decentralized decentralised episodic off on policy
    batch objective risk sensitive constrained to sim real
    """.split()
)

#: Acronyms of learning paradigms, written without their long form as often as with it.
PARADIGM_ACRONYMS = frozenset({"RL", "DRL", "MARL", "IRL", "MBRL", "HRL", "GCRL", "PbRL", "MTRL", "SSL"})

#: Head nouns (lemmas) of lower-case names of techniques a paper can use: "adversarial training",
#: "mutual information maximization", "symbolic inverse planning", "KL regularization".
TECHNIQUE_HEADS = frozenset(
    """
    training maximization maximisation minimization minimisation optimization optimisation planning
    inference regularization regularisation search sampling distillation decomposition augmentation
    shaping cloning replay relabeling relabelling fine-tuning finetuning tuning pruning quantization
    normalization descent ascent iteration programming bootstrapping ensembling prompting decoding
    scalarization supervision
    """.split()
)


def container_name(text: str) -> str | None:
    """The name inside "<Name> suite/benchmark/games/...": "Atari suite" -> "Atari"; else None.

    >>> container_name("DM Control Suite"), container_name("offline benchmarks")
    ('DM Control', None)
    """
    words = text.split()
    if len(words) < 2:  # a bare word (or nothing) holds no name
        return None
    *name, head = words
    if head.lower() not in CONTAINER_HEADS:
        return None
    return " ".join(name) if all(word[:1].isupper() or word[:1].isdigit() for word in name) else None


def is_paradigm(text: str) -> bool:
    """A learning paradigm or field: "reinforcement learning", "offline RL", "multi-agent
    reinforcement learning", "MARL" (not "Q-learning" or "contrastive learning", which are methods)."""
    if text.rstrip("s") in PARADIGM_ACRONYMS:
        return True
    words = re.split(r"[\s\-]+", text.lower())
    return (
        len(words) >= 2
        and words[-1] in {"learning", "rl"}
        and all(w in PARADIGM_MODIFIERS for w in words[:-1])
    )
