"""Paper-level roles on real sample abstracts: proposes, uses, evaluatedOn, addresses."""

from __future__ import annotations

import pytest

from kg.extract.pipeline import extract
from kg.types import ROLES, Paper, PaperExtraction


def role_texts(ex: PaperExtraction, role: str) -> set[str]:
    return {r.mention.text for r in ex.roles if r.role == role}


def proposed_in_title(ex: PaperExtraction) -> set[str]:
    return {r.mention.text for r in ex.roles if r.role == "proposes" and r.mention.end <= len(ex.paper.title)}


def test_roles_famo2o(extraction):
    ex = extraction("Train Once, Get a Family")
    assert {"FamO2O", "Family Offline-to-Online RL"} <= role_texts(ex, "proposes")
    assert "D4RL" in role_texts(ex, "evaluatedOn")
    assert "FamO2O" not in role_texts(ex, "uses")
    assert "D4RL" not in role_texts(ex, "proposes")
    # every mention of the paper's own method is a proposal, not just the defining one
    famo2o = [m for m in ex.mentions if m.text == "FamO2O"]
    assert len(famo2o) >= 3
    assert {r.mention for r in ex.roles if r.role == "proposes"} >= set(famo2o)


def test_roles_ssl4rl_proposes_its_name_not_what_it_builds_on(extraction):
    ex = extraction("SSL4RL")
    proposed = role_texts(ex, "proposes")
    assert "SSL4RL" in proposed
    assert not proposed & {"SSL", "self-supervised learning", "RL", "reinforcement learning"}
    # a learning paradigm is a problem setting the paper works in, not a method it uses
    assert "SSL" in role_texts(ex, "addresses")
    assert not role_texts(ex, "uses") & {"SSL", "RL"}


def test_roles_coined_term_is_proposed(extraction):
    """ "We coin the term Implicit Reward Model (IRM)": the pair is proposed; RLHF and LLMs are used."""
    ex = extraction("Beyond Training Objectives")
    assert {"Implicit Reward Model", "IRM"} <= role_texts(ex, "proposes")
    assert not role_texts(ex, "proposes") & {"RLHF", "LLMs", "LLM", "Large language models"}
    assert {"RLHF", "LLMs"} <= role_texts(ex, "uses")


def test_roles_mdt_proposes_and_evaluates(extraction):
    ex = extraction("Multimodal Diffusion Transformer")
    assert {"MDT", "Multimodal Diffusion Transformer"} <= role_texts(ex, "proposes")
    assert {"CALVIN", "LIBERO"} <= role_texts(ex, "evaluatedOn")
    assert "MDT" not in role_texts(ex, "uses")


@pytest.mark.parametrize(
    ("title_start", "name", "label"),
    [
        ("Uni-O4", "Uni-O4", "Method"),
        ("WebRL", "WebRL", "Method"),
        ("SSL4RL", "SSL4RL", "Method"),
        ("Text2Reward", "Text2Reward", "Method"),
        ("Meta-World: A Benchmark", "Meta-World", "Dataset"),
        ("D5RL", "D5RL", "Dataset"),
    ],
)
def test_roles_title_prefix_name_is_proposed(extraction, title_start, name, label):
    ex = extraction(title_start)
    assert ex.paper.title.startswith(f"{name}:")
    assert {(r.mention.text, r.mention.label) for r in ex.roles if r.role == "proposes"} >= {(name, label)}
    assert proposed_in_title(ex) == {name}


def test_roles_own_name_in_abstract_is_proposed_too(extraction):
    """The abstract writes ``Uni-o4``; it is the paper's own method all the same."""
    ex = extraction("Uni-O4")
    assert "Uni-o4" in role_texts(ex, "proposes")
    assert "Uni-o4" not in role_texts(ex, "uses")


@pytest.mark.parametrize(
    "title_start",
    [
        "Beyond Training Objectives",
        "Train Once, Get a Family",
        "The Alignment Ceiling",
        "Shaking the foundations",
        "One Solution is Not All You Need",
        "Life, uh, Finds a Way",
    ],
)
def test_roles_title_without_a_name_proposes_nothing_from_it(extraction, title_start):
    ex = extraction(title_start)
    assert ":" in ex.paper.title
    assert proposed_in_title(ex) == set()


@pytest.mark.parametrize(
    ("title_start", "names"),
    [
        ("Towards QD-suite", {"QD-suite"}),
        ("A Tale of Two DRAGGNs", {"DRAGGNs"}),
        # an abbreviation pair in the title is one name written twice
        ("Video PreTraining (VPT)", {"VPT", "Video PreTraining"}),
    ],
)
def test_roles_title_prefix_proposes_only_the_name(extraction, title_start, names):
    ex = extraction(title_start)
    assert names <= role_texts(ex, "proposes")
    assert proposed_in_title(ex) == names
    assert not names & role_texts(ex, "uses")


@pytest.mark.parametrize(
    "title_start",
    [
        "Train Once, Get a Family",
        "Beyond Training Objectives",
        "SSL4RL",
        "Uni-O4",
        "WebRL",
        "Meta-World: A Benchmark",
        "Multimodal Diffusion Transformer",
    ],
)
def test_roles_are_typed_and_point_at_mentions(extraction, title_start):
    ex = extraction(title_start)
    assert ex.roles
    # a concept is proposed only when the authors name it ("which we term semantic consistency")
    allowed = {"proposes": {"Method", "Dataset", "Concept"}, "uses": {"Method"}, "evaluatedOn": {"Dataset"}}
    allowed["addresses"], allowed["outperforms"] = {"Task"}, {"Method"}
    mentions = set(ex.mentions)
    for role in ex.roles:
        assert role.role in ROLES
        assert role.paper_id == ex.paper.id
        assert role.mention in mentions
        assert role.mention.label in allowed[role.role]
        assert 0 < role.score <= 1
    # one mention is never both proposed and used
    proposed = {r.mention for r in ex.roles if r.role == "proposes"}
    assert not [r.mention.text for r in ex.roles if r.role == "uses" and r.mention in proposed]


@pytest.mark.parametrize(
    ("title_start", "name"),
    [
        ("Two-Stage Constrained Actor-Critic for", "Two-Stage Constrained Actor-Critic"),
        ("Wasserstein Dependency Measure for", "Wasserstein Dependency Measure"),
        ("Multi-Objective Decision Transformers for", "Multi-Objective Decision Transformers"),
    ],
)
def test_roles_title_phrase_before_for_is_proposed(extraction, title_start, name):
    """``Name for Problem`` titles: a capitalised phrase of three or more words before "for"."""
    ex = extraction(title_start)
    assert proposed_in_title(ex) == {name}
    assert name not in role_texts(ex, "uses")


@pytest.mark.parametrize(
    "title_start",
    [
        "Learning Meta Representations for",  # a gerund: what the paper does, not a name
        "Teacher Forcing Recovers Reward Functions",  # a clause
        "Entity-Centric Reinforcement Learning for",  # a field
        "Hyperparameter Optimization for",  # two words: a topic
        "The Capacity for Moral",
    ],
)
def test_roles_title_before_for_that_is_no_name_proposes_nothing(extraction, title_start):
    assert proposed_in_title(extraction(title_start)) == set()


def test_roles_title_of_a_known_name_and_a_common_noun_proposes_nothing(extraction):
    """ "RLHF Workflow: ..." describes a workflow of RLHF, which the abstract uses; its model is new."""
    ex = extraction("RLHF Workflow")
    assert proposed_in_title(ex) == set()
    assert role_texts(ex, "proposes") == {"SFR-Iterative-DPO-LLaMA-3-8B-R"}
    assert {"RLHF", "SFT", "supervised fine-tuning"} <= role_texts(ex, "uses")  # long form typed by "tuning"


@pytest.mark.parametrize(
    ("title_start", "named"),
    [
        ("Semantics and Spatiality of Emergent", "semantic consistency"),  # "which we term ..."
        ("Streaming Deep Reinforcement Learning", "stream barrier"),  # "which we refer to as ..."
        ("Vision-Language Models are Zero-Shot", "VLM-RMs"),  # "which we call ..."
    ],
)
def test_roles_what_the_authors_name_is_proposed(extraction, title_start, named):
    assert named in role_texts(extraction(title_start), "proposes")


def test_roles_proposal_built_on_a_known_name_proposes_only_itself(extraction):
    """ "a Bayesian Adversarial Robust Dec-POMDP (BARDec-POMDP) framework": Dec-POMDP is its base."""
    ex = extraction("Byzantine Robust Cooperative")
    assert role_texts(ex, "proposes") == {"BARDec-POMDP"}


def test_roles_background_term_in_the_proposal_is_not_proposed(extraction):
    """DA is defined as "data augmentation (DA)" before "we propose ... GuDA, a human-guided DA framework"."""
    ex = extraction("Guided Data Augmentation for")
    assert {"Guided Data Augmentation", "GuDA"} <= role_texts(ex, "proposes")
    assert not {"DA", "data augmentation"} & role_texts(ex, "proposes")


@pytest.mark.parametrize(
    ("title_start", "beaten"),
    [
        (
            "Pairwise Proximal Policy Optimization",
            {"PPO"},
        ),  # "P3O outperforms PPO in the KL-Reward trade-off"
        ("SALMON", {"LLaMA-2-Chat-70b"}),  # "surpasses ... several AI systems, including LLaMA-2-Chat-70b"
    ],
)
def test_roles_baseline_the_paper_beats_is_outperformed_and_used(extraction, title_start, beaten):
    ex = extraction(title_start)
    assert role_texts(ex, "outperforms") == beaten
    assert beaten <= role_texts(ex, "uses")


def test_roles_outperforming_where_or_a_paradigm_is_not_a_baseline(extraction):
    """ "Our algorithm outperforms multiple baselines ... on ... (Room-2-Room)": a place, not a rival."""
    assert (
        role_texts(extraction("Inverse Reinforcement Learning with Natural Language Goals"), "outperforms")
        == set()
    )


def test_roles_names_listed_as_our_algorithms_are_proposed(extraction):
    """ "our stream-x algorithms: stream Q, stream AC, and stream TD" proposes all four; the classic
    TD and Q-learning of the first sentence are used."""
    ex = extraction("Streaming Deep Reinforcement Learning")
    assert {"stream-x", "stream Q", "stream AC", "stream TD"} <= role_texts(ex, "proposes")
    assert {"Q-learning", "TD"} <= role_texts(ex, "uses")
    assert not role_texts(ex, "proposes") & {"Q-learning", "TD", "RL"}


def test_roles_task_the_abstract_returns_to_is_addressed(extraction):
    ex = extraction("Agent Q")
    assert {"multi-step reasoning", "web navigation"} <= role_texts(ex, "addresses")


def test_roles_term_the_authors_define_is_proposed(extraction):
    """ "We ... define this to be the intrinsic dimension of the objective landscape": a mention even
    where the model finds none, and proposed; the benchmarks are evaluated on."""
    ex = extraction("Measuring the Intrinsic Dimension")
    assert "intrinsic dimension" in role_texts(ex, "proposes")
    assert {"MNIST", "CIFAR-10", "inverted pendulum"} <= role_texts(ex, "evaluatedOn")


def test_roles_known_name_inside_a_defined_long_form_stays_in_it(extraction):
    """ "we call our algorithm offline experience replay (OER)": the pair is proposed, and the
    gazetteer's "experience replay" does not cut the long form."""
    ex = extraction("Offline Experience Replay for Continual")
    assert {"offline experience replay", "OER"} <= role_texts(ex, "proposes")
    (long_form,) = [m for m in ex.mentions if m.text == "offline experience replay"]
    assert not [m for m in ex.mentions if long_form.start < m.start < long_form.end]
    assert "experience replay" in role_texts(ex, "uses")  # where the abstract names it alone


@pytest.mark.parametrize(
    ("title_start", "own", "background"),
    [
        # "existing ... online RL algorithms ... we propose an RL framework called Maximize to Explore (MEX)"
        ("One Objective to Rule Them All", "MEX", "RL"),
        # "... we propose a new discriminator-free method ReCOIL": named in a proposing sentence first
        ("Dual RL: Unification", "ReCOIL", "IL"),
    ],
)
def test_roles_name_used_before_the_proposal_is_not_proposed(extraction, title_start, own, background):
    ex = extraction(title_start)
    assert own in role_texts(ex, "proposes")
    assert background not in role_texts(ex, "proposes")


@pytest.mark.parametrize(
    ("title_start", "names"),
    [
        # "we introduce and study Decision-Pretrained Transformer (DPT)": the object hangs on "study"
        ("Supervised Pretraining Can Learn In-Context", {"Decision-Pretrained Transformer", "DPT"}),
        # "we propose a near-optimal federated bandit algorithm called FEDEXP3" (parsed as a clause)
        ("Doubly Adversarial Federated Bandits", {"FEDEXP3"}),
        # the title's lead "Online Prototype Learning for ..." defined with an acronym in the abstract
        ("Online Prototype Learning for Online Continual", {"online prototype learning", "OnPro"}),
    ],
)
def test_roles_proposals_the_parse_hides(extraction, title_start, names):
    assert names <= role_texts(extraction(title_start), "proposes")


def test_roles_field_in_the_title_lead_is_not_proposed(extraction):
    """ "Reinforcement Learning by Guided Safe Exploration": the abstract's "reinforcement
    learning (RL)" is the field, not the paper's name."""
    assert not role_texts(extraction("Reinforcement Learning by Guided Safe"), "proposes") & {
        "RL",
        "reinforcement learning",
    }


@pytest.mark.parametrize(
    ("title_start", "names", "not_proposed"),
    [
        # "we introduce the Direct Preference for Denoising Diffusion Policy Optimization (D3PO) method"
        ("Using Human Feedback to Fine-tune Diffusion", {"D3PO"}, set()),
        # "a new offline GCRL method, Generalizable Offline goAl-condiTioned RL (GOAT), by ..."
        ("What is Essential for Unseen Goal", {"GOAT"}, {"GCRL", "goal-conditioned RL"}),
        # "a novel cooperative coevolutionary reinforcement learning (CoERL) algorithm"
        ("Evolutionary Reinforcement Learning via Cooperative", {"CoERL"}, {"RL"}),
        # "a new method for the estimation of Mutual Information (MI)": what it is for, not its name
        ("MINDE", {"MINDE"}, {"MI", "Mutual Information"}),
    ],
)
def test_roles_name_defined_in_brackets_in_the_proposing_clause(extraction, title_start, names, not_proposed):
    proposed = role_texts(extraction(title_start), "proposes")
    assert names <= proposed
    assert not proposed & not_proposed


@pytest.mark.parametrize(
    ("title_start", "name"),
    [
        ("Gödel Agent", "Gödel Agent"),
        ("Information Maximizing Curriculum", "Information Maximizing Curriculum"),
    ],
)
def test_roles_short_capitalised_title_name_is_proposed(extraction, title_start, name):
    assert name in proposed_in_title(extraction(title_start))


@pytest.mark.parametrize(
    ("title_start", "prefix"),
    [
        ("Beyond Reward: Offline", "Beyond Reward"),
        ("Robot Fine-Tuning Made Easy", "Robot Fine-Tuning Made Easy"),
    ],
)
def test_roles_capitalised_topic_or_clause_before_a_colon_is_no_name(extraction, title_start, prefix):
    assert prefix not in proposed_in_title(extraction(title_start))


@pytest.mark.parametrize(
    ("title_start", "name"),
    [
        ("Online Prototype Learning for Online", "online prototype equilibrium"),
        ("Safe Reinforcement Learning with Minimal", "optimistic forgetting"),
    ],
)
def test_roles_bare_object_of_we_propose_is_a_name(extraction, title_start, name):
    """ "we propose online prototype equilibrium to ...": no article, so a name, and the paper's."""
    assert name in role_texts(extraction(title_start), "proposes")


def test_roles_we_introduce_a_known_technique_does_not_propose_it(extraction):
    """ "we introduce mutual information maximization to formalize ...": brought in, not new."""
    ex = extraction("Attention-Guided Contrastive Role")
    assert "mutual information maximization" not in {t.lower() for t in role_texts(ex, "proposes")}


def test_roles_name_said_to_be_a_game_is_a_benchmark(extraction):
    """ "Our agents operate in LIGHT (Urbanek et al. 2019) -- a ... text adventure game"."""
    ex = extraction("Situated Dialogue Learning")
    assert "LIGHT" in role_texts(ex, "evaluatedOn")
    assert "LIGHT" not in role_texts(ex, "uses")


def test_roles_coordinated_propose_takes_the_sentence_subject(extraction):
    """ "we find that ... can be more effective and thus propose Policy Regularization with Dataset
    Constraint (PRDC)": the pair is proposed."""
    proposed = role_texts(extraction("Policy Regularization with Dataset"), "proposes")
    assert {"PRDC", "Policy Regularization with Dataset Constraint"} <= proposed


def test_roles_model_names_keep_version_and_tier(extraction):
    """ "o1, Claude 3.5 Sonnet, Claude 3 Opus, Gemini 1.5 Pro, and Llama 3.1 405B" are the models used."""
    used = role_texts(extraction("Frontier Models are Capable"), "uses")
    assert {"o1", "Claude 3.5 Sonnet", "Claude 3 Opus", "Gemini 1.5 Pro", "Llama 3.1 405B"} <= used


def test_roles_named_games_of_the_evaluation_are_benchmarks(extraction):
    """ "the Ultimatum Game, matrix games, and the DealOrNoDeal negotiation task": two named benchmarks."""
    ex = extraction("Reward Design with Language Models")
    assert {"Ultimatum Game", "DealOrNoDeal"} <= role_texts(ex, "evaluatedOn")
    assert "DealOrNoDeal" not in role_texts(ex, "uses")


def test_roles_capitalised_game_in_a_title_is_not_a_benchmark(extraction):
    """ "... Multi-Agent Reinforcement Learning as a Bayesian Game": a formalism, not an environment."""
    ex = extraction("Byzantine Robust Cooperative")
    assert "Bayesian Game" not in role_texts(ex, "evaluatedOn")


def test_roles_a_name_called_a_dataset_once_is_a_dataset_throughout(extraction):
    """ "the IMDB positive review and CommonGen text generation task from the GRUE benchmark" and,
    later, "on the IMDB dataset": IMDB and CommonGen are benchmarks, not methods the paper uses."""
    ex = extraction("Learning to Generate Better Than Your LLM")
    assert {"IMDB", "CommonGen", "GRUE"} <= role_texts(ex, "evaluatedOn")
    assert not {"IMDB", "CommonGen"} & role_texts(ex, "uses")


def test_roles_control_suite_task_names_are_benchmarks(extraction):
    ex = extraction("Sample-Efficient Preference-based Reinforcement Learning with Dynamics")
    assert {"walker-walk", "cheetah-run", "quadruped-walk"} <= role_texts(ex, "evaluatedOn")


@pytest.mark.parametrize(
    ("title_start", "benchmark"),
    [
        ("Learning to Navigate the Web", "World of Bits"),  # "on World of Bits benchmark"
        ("Empirical Study of Mutual Reinforcement", "MRE Mix"),  # "21 MRE Mix datasets"
    ],
)
def test_roles_capitalised_name_before_a_benchmark_word_is_evaluated_on(extraction, title_start, benchmark):
    assert benchmark in role_texts(extraction(title_start), "evaluatedOn")


@pytest.mark.parametrize(
    ("title_start", "not_benchmark"),
    [
        ("The Benefits of Model-Based Generalization", "RL in"),  # "online RL in environments with ..."
        ("Sentence-to-Label Generation Framework", "Wikipedia"),  # "construct a Wikipedia dataset"
    ],
)
def test_roles_field_or_source_before_a_benchmark_word_is_none(extraction, title_start, not_benchmark):
    ex = extraction(title_start)
    assert not_benchmark not in role_texts(ex, "evaluatedOn") | role_texts(ex, "proposes")


def test_roles_library_benchmark_and_algorithm_the_paper_introduces(extraction):
    """ "we first introduce an open-source modular library, RL4LMs (Reinforcement Learning for
    Language Models)", "we present the GRUE (...) benchmark", "... NLPO (Natural Language Policy
    Optimization)": all three are the paper's, GRUE a benchmark it reports on."""
    ex = extraction("Is Reinforcement Learning (Not) for Natural Language")
    assert {"RL4LMs", "GRUE", "NLPO"} <= role_texts(ex, "proposes")
    assert "GRUE" in role_texts(ex, "evaluatedOn")


def test_roles_name_after_a_new_kind_of_thing_is_proposed(extraction):
    """ "integrated into a new off-policy RL algorithm, TP-GRPO, which ..."; "1.5B and 7B parameter
    LRMs" are model sizes, not benchmarks or methods."""
    ex = extraction("Good Learners Think Their Thinking")
    assert "TP-GRPO" in role_texts(ex, "proposes")
    assert not {"1.5B", "7B"} & (role_texts(ex, "evaluatedOn") | role_texts(ex, "uses"))


def test_roles_a_survey_proposes_nothing_by_its_title(extraction):
    ex = extraction("Reinforcement Learning Enhanced LLMs: A Survey")
    assert not proposed_in_title(ex)


def test_roles_name_the_authors_call_ours_is_proposed(extraction):
    """ "..., named Confidence-Aware Moving Average (CAMA)" and "our simple CAMA outperforms ..."."""
    ex = extraction("Online Continual Learning For Interactive Instruction")
    assert "CAMA" in role_texts(ex, "proposes")
    assert "CAMA" not in role_texts(ex, "uses")


@pytest.mark.parametrize(
    ("title_start", "name"),
    [
        # "This paper introduces Personalized Path Recourse, a novel method ...": capitalised words
        # as the object of the proposing verb, no coined token in them
        ("Personalized Path Recourse", "Personalized Path Recourse"),
        # "Make-An-Agent: ...": one hyphenated unit before the colon, though "Make" is a stop word
        ("Make-An-Agent", "Make-An-Agent"),
        # "we derive a hybrid preference optimization (HyPO) algorithm"
        ("The Importance of Online Data", "HyPO"),
        # "approximated with a novel QWeb neural network architecture"
        ("Learning to Navigate the Web", "QWeb"),
    ],
)
def test_roles_more_ways_of_proposing_a_name(extraction, title_start, name):
    ex = extraction(title_start)
    assert name in role_texts(ex, "proposes")
    assert name not in role_texts(ex, "uses")


def test_roles_lettered_name_is_used_and_participle_modifier_is_no_name(extraction):
    """ "subsumes algorithms such as Q-Learning, Log Q-Learning, and Q-Decomposition"; "LM-generated
    text" is a modifier, not a method the paper uses."""
    assert "Q-Decomposition" in role_texts(extraction("Orchestrated Value Mapping"), "uses")
    ex = extraction("Improving Language Models with Advantage-based Offline")
    assert not any(t.endswith("-generated") for r in ROLES for t in role_texts(ex, r))


@pytest.mark.parametrize(
    ("title_start", "benchmark"),
    [
        # "On the commonly-used RLHF benchmark, Helpful and Harmless Assistant (HHA), ..."
        ("Improving Language Models with Advantage-based Offline", "Helpful and Harmless Assistant"),
        # "outperforms prior art in summarization and AntropicHH tasks"
        ("BRAIn: Bayesian Reward-conditioned", "AntropicHH"),
    ],
)
def test_roles_benchmark_by_apposition_or_in_a_list_of_tasks(extraction, title_start, benchmark):
    ex = extraction(title_start)
    assert benchmark in role_texts(ex, "evaluatedOn")
    assert benchmark not in role_texts(ex, "uses")


@pytest.mark.parametrize(
    "title_start",
    [
        # a phrase with a preposition before the colon is the topic, acronym or not
        "Offline RL with Observation Histories",
        # capitalised in the title, "a ... database systems course" in the abstract: a subject
        "Database Systems Course",
    ],
)
def test_roles_title_topic_before_a_colon_proposes_nothing(extraction, title_start):
    assert not proposed_in_title(extraction(title_start))


def test_roles_lower_case_title_name_the_authors_propose_stays_proposed(extraction):
    """ "Utility Engineering: ..." and "we propose utility engineering as a research agenda"."""
    assert "Utility Engineering" in proposed_in_title(extraction("Utility Engineering"))


def test_roles_framework_called_x_that_the_authors_employ_is_used(extraction):
    """ "By employing a behavioral psychology framework called OCEAN (...)": OCEAN exists."""
    ex = extraction("AI Text-to-Behavior")
    assert "OCEAN" not in role_texts(ex, "proposes")
    assert "OCEAN" in role_texts(ex, "uses")


def test_roles_lower_case_technique_is_used(extraction):
    """ "can we detect it and remove it using ... adversarial training": a named technique in lower
    case is a method the paper uses; bare "fine-tuning" or a capitalised name is not this rule's."""
    assert "adversarial training" in role_texts(extraction("Sleeper Agents"), "uses")
    ex = extraction("Unleashing the Power of Pre-trained Language Models for Offline")
    assert "fine-tuning" not in role_texts(ex, "uses")


def test_roles_generic_span_sharing_a_proposed_name_takes_no_role():
    """A Generic span ("these pods") with the text of a proposed name is never a mention, so it
    takes no role; before, its role pointed at no mention and the paper's extraction raised."""
    from spacy.tokens import Span, SpanGroup

    from kg.extract.components import MENTIONS_KEY
    from kg.extract.pipeline import default_pipeline, doc_to_extraction
    from kg.extract.roles import tag_roles
    from kg.types import Paper

    paper = Paper(
        id="pods", title="Pods: Faster Planning", abstract="We propose Pods, a planner. Pods is fast."
    )
    nlp = default_pipeline()
    doc = nlp(paper.text)
    group = doc.spans[MENTIONS_KEY]
    assert "pods" in {s.text.lower() for s, role, _ in tag_roles(doc, MENTIONS_KEY) if role == "proposes"}
    last = [s for s in group if s.text == "Pods"][-1]
    spans = [Span(doc, s.start, s.end, label="Generic" if s == last else s.label_) for s in group]
    relabelled = SpanGroup(doc, name=MENTIONS_KEY, spans=spans)
    relabelled.attrs.update(group.attrs)
    doc.spans[MENTIONS_KEY] = relabelled
    doc._.kg_roles = tag_roles(doc, MENTIONS_KEY)
    assert all(span.label_ != "Generic" for span, _, _ in doc._.kg_roles)
    extraction = doc_to_extraction(paper, doc)
    assert "Pods" in {r.mention.text for r in extraction.roles if r.role == "proposes"}


# -- what a paper addresses --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("title_start", "tasks"),
    [
        ("Guided Data Augmentation for Offline", {"Offline Reinforcement Learning", "Imitation Learning"}),
        ("Flipping Coins to Estimate Pseudocounts", {"Exploration in Reinforcement Learning"}),
        ("The MineRL BASALT Competition", {"Learning from Human Feedback"}),
    ],
)
def test_roles_title_says_what_the_paper_is_for(extraction, title_start, tasks):
    """The phrase after "for" (or "on" after a benchmark word), each conjunct, is addressed."""
    ex = extraction(title_start)
    assert tasks <= role_texts(ex, "addresses")
    assert all(m.label == "Task" for m in ex.mentions if m.text in tasks)


def test_roles_problem_phrases_are_addressed_and_clauses_are_not():
    text = (
        "Designing reward functions is a longstanding challenge in robotics. We pretrain networks "
        "with it. We address the problem of motion retargeting. Coupling the observations with "
        "proprioception to predict actions remains difficult."
    )
    (ex,) = extract([Paper(id="p", title="A Study", abstract=text)])
    addressed = role_texts(ex, "addresses")
    assert {"Designing reward functions", "motion retargeting"} <= addressed
    assert not any(t.startswith(("pretrain", "Coupling")) for t in addressed)
