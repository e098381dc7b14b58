"""Tests of kg.sources: the sample page dumps, JSON lines and CSV exports, keys and ids."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from kg.errors import InputError
from kg.sources import Corpus, jsonl, paper_id, paper_key, read_corpus
from kg.sources.corpus import MAX_FIELD_CHARS, Report, make_paper, merge_papers
from kg.sources.hf_daily import read_hf_daily
from kg.sources.textio import read_lines
from kg.types import Paper
from tests.helpers import FIXTURES, SAMPLE

SOURCES = FIXTURES / "sources"
F000 = "000_5b9f30ee31c1f852.txt"
F001 = "001_15fa9ac84e8962a8.txt"
F002 = "002_d005b75cac7dc259.txt"
F003 = "003_9559707d0c49584f.txt"
FAMO2O = "Train Once, Get a Family: State-Adaptive Balances for Offline-to-Online Reinforcement Learning"
# Written out here rather than imported, so the test does not share the parser's own list.
BOILERPLATE = {
    "new",
    "Get trending papers in your email inbox once a day!",
    "Get trending papers in your email inbox!",
    "Subscribe",
    "Daily Papers",
    "byAK and the research community",
    "·",
}
BARE_DATE = re.compile(r"[A-Z][a-z]{2} \d{1,2}(, \d{4})?( \d+)?")


@pytest.fixture(scope="module")
def sample() -> Corpus:
    return read_corpus([SAMPLE])


def by_title(corpus: Corpus, title: str) -> Paper:
    (paper,) = [p for p in corpus.papers if p.title == title]
    return paper


def read_file(path: Path) -> tuple[list[Paper], list[str]]:
    report = Report()
    return list(read_hf_daily(path, read_lines(path, "utf-8", report.warning), report)), report.problems


# --- the sample corpus -------------------------------------------------------------------


def test_hf_daily_sample_counts(sample: Corpus) -> None:
    # 390 title/abstract records in the four dumps; 42 titles repeat (38 twice, 4 three times).
    assert sample.n_read == 390
    assert len(sample.papers) == 344
    assert sample.problems == ()
    assert len({p.id for p in sample.papers}) == 344


@pytest.mark.parametrize(
    ("name", "count", "first", "last"),
    [
        (
            F000,
            189,
            "Language Representations Can be What Recommenders Need: Findings and Potentials",
            "Goal Space Abstraction in Hierarchical Reinforcement Learning via Set-Based "
            "Reachability Analysis",
        ),
        (
            F001,
            98,
            "Empirical Study of Mutual Reinforcement Effect and Application in Few-shot Text "
            "Classification Tasks via Prompt",
            "Secrets of RLHF in Large Language Models Part II: Reward Modeling",
        ),
        (
            F002,
            66,
            FAMO2O,
            "Digi-Q: Learning Q-Value Functions for Training Device-Control Agents",
        ),
        (
            F003,
            37,
            "SSL4RL: Revisiting Self-supervised Learning as Intrinsic Reward for Visual-Language Reasoning",
            "Aligning Language Models with Preferences through f-divergence Minimization",
        ),
    ],
)
def test_hf_daily_file_counts_and_ends(name: str, count: int, first: str, last: str) -> None:
    papers, problems = read_file(SAMPLE / name)
    assert problems == []
    assert len(papers) == count
    assert (papers[0].title, papers[-1].title) == (first, last)


def test_hf_daily_titles_and_abstracts_stay_aligned(sample: Corpus) -> None:
    # In the sample every title is under 150 characters and every abstract over 400: a record
    # shifted by one line would pair an abstract as a title or a title as an abstract.
    assert max(len(p.title) for p in sample.papers) < 150
    assert min(len(p.abstract) for p in sample.papers) > 400


def test_hf_daily_no_boilerplate_becomes_a_paper(sample: Corpus) -> None:
    for paper in sample.papers:
        assert paper.title not in BOILERPLATE
        assert not BARE_DATE.fullmatch(paper.title)
        assert not paper.title.startswith("Subscribe")
        assert "•" not in paper.title + paper.abstract
        assert "authors" not in paper.title.split()


def test_hf_daily_layout_1_famo2o_record(sample: Corpus) -> None:
    paper = by_title(sample, FAMO2O)
    assert paper.abstract.startswith(
        "Offline-to-online reinforcement learning (RL) is a training paradigm that combines"
    )
    assert paper.abstract.endswith("available at https://github.com/LeapLabTHU/FamO2O.")
    assert paper.sources == (F002,)
    assert (paper.date, paper.n_authors, paper.upvotes) == (None, None, None)
    assert paper.id == paper_id(FAMO2O)


def test_hf_daily_glued_subscribe_title(sample: Corpus) -> None:
    paper = by_title(
        sample, "Language Representations Can be What Recommenders Need: Findings and Potentials"
    )
    assert paper.abstract.startswith("Recent studies empirically indicate that language models")
    assert paper.sources == (F000,)


@pytest.mark.parametrize(
    ("title", "date", "n_authors", "upvotes"),
    [
        ("Measuring the Intrinsic Dimension of Objective Landscapes", "2018-04-24", 4, None),
        (
            "SSL4RL: Revisiting Self-supervised Learning as Intrinsic Reward for Visual-Language Reasoning",
            None,
            11,
            None,
        ),  # "Oct 18": no year, no date
        (
            "MiniMax-Speech: Intrinsic Zero-Shot Text-to-Speech with a Learnable Speaker Encoder",
            None,
            20,
            4,
        ),  # "May 12 4"
        ("DeAL: Decoding-time Alignment for Large Language Models", "2024-02-05", 9, 1),
        # an organisation instead of "• N authors": "antgroup Ant Group" / "·" / "Oct 16 2"
        (
            "Information Gain-based Policy Optimization: A Simple and Effective Approach for "
            "Multi-Turn LLM Agents",
            None,
            None,
            2,
        ),
        # no metadata tail at all
        (
            "GTAlign: Game-Theoretic Alignment of LLM Assistants for Mutual Welfare",
            None,
            None,
            None,
        ),
    ],
)
def test_hf_daily_layout_2_metadata(
    sample: Corpus, title: str, date: str | None, n_authors: int | None, upvotes: int | None
) -> None:
    paper = by_title(sample, title)
    assert (paper.date, paper.n_authors, paper.upvotes) == (date, n_authors, upvotes)
    assert len(paper.abstract) > 400


def test_hf_daily_layout_2_metadata_with_full_date_and_upvotes(sample: Corpus) -> None:
    paper = by_title(sample, "Secrets of RLHF in Large Language Models Part I: PPO")
    assert paper.abstract.startswith("Large language models (LLMs) have formulated a blueprint")
    assert paper.abstract.endswith("release technical reports, reward models and PPO codes")
    assert (paper.date, paper.n_authors, paper.upvotes) == ("2023-07-10", 27, 1)
    assert paper.sources == (F000, F003)


@pytest.mark.parametrize(
    ("title", "sources"),
    [
        ("Discovering Temporally-Aware Reinforcement Learning Algorithms", (F000, F002, F003)),
        ("Behavior Alignment via Reward Function Optimization", (F000, F001, F003)),
        ("Foundation Policies with Hilbert Representations", (F000, F002, F003)),
        ("Reward Design with Language Models", (F000, F001)),
    ],
)
def test_hf_daily_repeated_paper_lists_every_source(
    sample: Corpus, title: str, sources: tuple[str, ...]
) -> None:
    assert by_title(sample, title).sources == sources


def test_hf_daily_merge_takes_metadata_from_the_file_that_has_it(sample: Corpus) -> None:
    # Listed without metadata in 000 and 002, with "• 6 authors · Feb 8, 2024" in 003.
    paper = by_title(sample, "Discovering Temporally-Aware Reinforcement Learning Algorithms")
    assert (paper.date, paper.n_authors) == ("2024-02-08", 6)


# --- page-dump layouts on small fixtures -------------------------------------------------


def test_hf_daily_blocks_fixture() -> None:
    papers, problems = read_file(SOURCES / "blocks.txt")
    assert problems == []
    got = [(p.title, p.abstract, p.date, p.n_authors, p.upvotes) for p in papers]
    assert got == [
        ("Short", "A short title is still a title; this is its abstract.", None, 2, None),
        ("Title Only Paper", "", "2024-03-01", 3, 5),  # upvotes on a line of their own
        ("Org Paper", "An abstract of a paper listed under an organisation.", None, None, 2),
        ("Last Paper Without Tail", "Its abstract.", None, None, None),
    ]  # "Feb 30, 2024" is no date: None


@pytest.mark.parametrize(
    ("first_line", "title"),
    [
        ("SubscribeLanguage Models Are Few-Shot Learners", "Language Models Are Few-Shot Learners"),
        ("Subscribe3D Gaussian Splatting", "3D Gaussian Splatting"),
        ("Subscriber Churn Prediction", "Subscriber Churn Prediction"),
        ("Subscribe to Everything", "Subscribe to Everything"),
    ],
)
def test_hf_daily_lines_layout_unglues_subscribe(tmp_path: Path, first_line: str, title: str) -> None:
    path = tmp_path / "page.txt"
    banner = "Get trending papers in your email inbox once a day!\n"
    path.write_text(f"{banner}{first_line}\nFirst abstract.\nLast Title Alone\n", encoding="utf-8")
    papers, problems = read_file(path)
    assert problems == []
    assert [(p.title, p.abstract) for p in papers] == [
        (title, "First abstract."),
        ("Last Title Alone", ""),
    ]


def test_hf_daily_long_line_above_separator_is_an_abstract(tmp_path: Path) -> None:
    path = tmp_path / "page.txt"
    abstract = "An abstract printed right above the separator, " * 3
    path.write_text(f"Daily Papers\n\nA Title\n\n{abstract}\n·\nOct 1, 2024\n")
    papers, problems = read_file(path)
    assert problems == []
    assert [(p.title, p.abstract, p.date) for p in papers] == [("A Title", abstract.strip(), "2024-10-01")]


def test_hf_daily_metadata_without_paper_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "page.txt"
    path.write_text("Daily Papers\n\n  • 4 authors\n·\nOct 1\n\nA Title\n\nAn abstract.\n")
    papers, problems = read_file(path)
    assert [p.title for p in papers] == ["A Title"]
    assert problems == [f"{path}:3: metadata with no paper above it; ignored"]


# --- JSON lines and CSV ------------------------------------------------------------------


def test_jsonl_good_rows_land_and_bad_rows_are_reported() -> None:
    corpus = read_corpus([SOURCES / "papers.jsonl"])
    where = SOURCES / "papers.jsonl"
    assert [p.title for p in corpus.papers] == [
        "Train once, get a family: state-adaptive balances for offline to online reinforcement learning",
        '"Quoted" & Title',  # the script element and the entity are markup, not title
        "Numeric Id",
        "Author String",
        "Bad Date",
        "No Abstract Field",
        "Good Second Row",
    ]
    assert corpus.problems == (
        f"{where}:3: invalid JSON (Expecting value, column 1)",
        f"{where}:4: item 1: expected a JSON object, got a string",
        f"{where}:4: item 2: expected a JSON object, got a string",
        f"{where}:5: missing field 'title'",
        f"{where}:6: no usable title",
    )
    assert corpus.warnings == (f"{where}:9: field 'date' 'yesterday' is not a date; dropped",)
    first, hostile, numeric, author, bad_date, no_abstract, good = corpus.papers
    assert first.id == "famo2o-2023"
    assert first.authors == ("Shenzhi Wang", "Qisen Yang")
    assert (first.date, first.n_authors, first.url) == ("2023-10-27", 2, "https://example.org/famo2o")
    assert hostile.abstract == "Hostile text stays verbatim & unescaped."
    assert re.fullmatch(r"[A-Za-z0-9._~-]+", hostile.id)
    assert numeric.id == "7"  # a number where text is expected is text
    assert author.authors == ("A. Author",)  # an authors string is split, not refused
    assert bad_date.date is None
    assert no_abstract.abstract == ""
    assert (good.authors, good.n_authors) == (("Ann Lee", "Bo Chen"), 2)  # listed twice, kept once
    assert good.date == "2024-02-06"
    assert good.sources == ("papers.jsonl",)


def test_csv_good_rows_land_and_bad_rows_are_reported() -> None:
    corpus = read_corpus([SOURCES / "papers.csv"])
    where = SOURCES / "papers.csv"
    assert corpus.problems == (
        f"{where}:5: 2 fields where the header has 6",
        f"{where}:6: no usable title",
        f"{where}:8: unreadable row (',' expected after '\"')",
    )
    assert corpus.warnings == (f"{where}:7: field 'date' '2024-13-01' is not a date; dropped",)
    sparse, comma, bad_date, after = corpus.papers
    assert sparse.title == "Sparse Rewards for Robots"
    assert sparse.abstract == "An abstract, with a comma and a line break."  # spacing collapsed
    assert sparse.authors == ("J. Doe", "R. Roe")  # "Last, First" names separated by ";"
    assert (sparse.date, sparse.n_authors, sparse.url) == ("2024-02-06", 2, "https://example.org/a")
    assert sparse.id == paper_id("Sparse Rewards for Robots")  # empty id cell: derived id
    assert comma.id == "p-2"
    assert comma.authors == ("Ann Lee", "Bo Chen")
    assert (comma.date, comma.url) == (None, None)
    assert (bad_date.id, bad_date.date) == ("p-5", None)  # the date is dropped, not the paper
    assert (after.id, after.title) == ("p-7", "After the Bad Rows")


def test_csv_summary_column_is_the_abstract() -> None:
    corpus = read_corpus([SOURCES / "no_abstract.csv"])
    assert [(p.title, p.abstract) for p in corpus.papers] == [("A Paper", "Its summary.")]


def test_csv_without_title_column_names_file_and_columns(tmp_path: Path) -> None:
    path = tmp_path / "sheet.csv"
    path.write_text("Name,Summary\nA Paper,Its summary.\n")
    with pytest.raises(InputError) as raised:
        read_corpus([path])
    assert str(raised.value) == f"{path}: no title column (columns found: 'Name', 'Summary')"


def test_csv_without_abstract_column_is_title_only_with_a_warning(tmp_path: Path) -> None:
    path = tmp_path / "titles.csv"
    path.write_text("Title,Year\nOnly a Title,2020\n")
    corpus = read_corpus([path, SAMPLE / F002])
    assert len(corpus.papers) == 67
    assert corpus.problems == ()
    assert corpus.warnings == (f"{path}: no abstract column; its papers are title-only",)
    assert (corpus.papers[0].title, corpus.papers[0].abstract, corpus.papers[0].date) == (
        "Only a Title",
        "",
        "2020",
    )


def test_csv_without_title_column_leaves_other_files_alone(tmp_path: Path) -> None:
    path = tmp_path / "sheet.csv"
    path.write_text("Name,Summary\nA Paper,Its summary.\n")
    corpus = read_corpus([path, SAMPLE / F002])
    assert len(corpus.papers) == 66
    assert corpus.problems == (f"{path}: no title column (columns found: 'Name', 'Summary')",)


def test_jsonl_duplicate_of_page_dump_is_merged() -> None:
    corpus = read_corpus([SAMPLE / F002, SOURCES / "papers.jsonl"])
    assert corpus.n_read == 66 + 7
    assert len(corpus.papers) == 66 + 6
    paper = by_title(corpus, FAMO2O)  # the title first seen is kept
    assert paper.sources == (F002, "papers.jsonl")
    assert paper.id == "famo2o-2023"  # an id given by a source beats the derived one
    assert paper.abstract.endswith("https://github.com/LeapLabTHU/FamO2O.")  # the longest
    assert paper.date == "2023-10-27"
    assert paper.authors == ("Shenzhi Wang", "Qisen Yang")


@pytest.mark.parametrize("name", ["long.jsonl", "long.csv"])
def test_sources_overlong_field_is_dropped_with_a_warning(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    long_abstract = "x" * (MAX_FIELD_CHARS + 1)
    if name.endswith(".csv"):
        path.write_text(f"title,abstract\nToo Long,{long_abstract}\nFine,Short.\n")
        line = 2  # after the header
    else:
        rows = [{"title": "Too Long", "abstract": long_abstract}, {"title": "Fine", "abstract": ""}]
        path.write_text("".join(json.dumps(row) + "\n" for row in rows))
        line = 1
    corpus = read_corpus([path])
    assert [(p.title, p.abstract) for p in corpus.papers] == [
        ("Too Long", ""),
        ("Fine", "Short." if line == 2 else ""),
    ]
    assert corpus.problems == ()
    assert corpus.warnings == (
        f"{path}:{line}: field 'abstract' '100,001 characters' is longer than 100,000 characters; dropped",
    )


def test_jsonl_overlong_line_is_skipped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(jsonl, "MAX_LINE_CHARS", 64)
    path = tmp_path / "rows.jsonl"
    long_row = json.dumps({"title": "Long", "abstract": "y" * 200})
    path.write_text(f'{long_row}\n{{"title": "Short", "abstract": "ok"}}\n')
    corpus = read_corpus([path])
    assert [p.title for p in corpus.papers] == ["Short"]
    assert corpus.problems == (f"{path}:1: line longer than 64 characters",)


@pytest.mark.parametrize(
    ("name", "rows"),
    [
        (
            "rows.jsonl",
            [
                '{"title": "First", "abstract": "%s"}',
                "Caf\xe9",
                '{"title": "Last", "abstract": ""}',
            ],
        ),
        ("rows.csv", ["title,abstract", 'First,"%s"', "Caf\xe9,x", "Last,"]),
    ],
)
def test_sources_bad_utf8_after_the_first_bytes(tmp_path: Path, name: str, rows: list[str]) -> None:
    # One bad byte never rejects a file: it becomes U+FFFD, with a warning naming the line.
    path = tmp_path / name
    text = "".join(row.replace("%s", "p" * 70_000) + "\n" for row in rows)
    path.write_bytes(text.encode("latin-1"))  # "é" becomes the lone byte 0xE9
    corpus = read_corpus([path])
    line = len(rows) - 1
    assert corpus.warnings == (f"{path}:{line}: bytes that are not utf-8 replaced by U+FFFD",)
    if name.endswith(".csv"):
        assert [p.title for p in corpus.papers] == ["First", "Caf\ufffd", "Last"]
        assert corpus.problems == ()
    else:  # the line was no JSON anyway
        assert [p.title for p in corpus.papers] == ["First", "Last"]
        assert corpus.problems == (f"{path}:{line}: invalid JSON (Expecting value, column 1)",)


def test_json_array_file_is_read_with_line_numbers(tmp_path: Path) -> None:
    path = tmp_path / "papers.json"
    path.write_text('[\n{"title": "A", "abstract": "B"},\n{"abstract": "no title"},\n{"title": "C"}\n]\n')
    corpus = read_corpus([path])
    assert [p.title for p in corpus.papers] == ["A", "C"]
    assert corpus.problems == (f"{path}:3: missing field 'title'",)


def test_jsonl_problems_are_capped_per_file(tmp_path: Path) -> None:
    path = tmp_path / "rows.jsonl"
    path.write_text("{}\n" * 25 + '{"title": "Kept", "abstract": ""}\n')
    corpus = read_corpus([path])
    assert [p.title for p in corpus.papers] == ["Kept"]
    assert len(corpus.problems) == 21
    assert corpus.problems[-1] == f"{path}: 5 more problems not listed"


# --- files that cannot be read -----------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "content", "problem"),
    [
        ("empty.txt", b"", ": file is empty"),
        ("blank.csv", b"  \n\n", ": file is empty"),
        (
            "binary.jsonl",
            b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\xe0\xff\xd8\xc3\x00",
            ": binary file (not text in any known encoding)",
        ),
        ("header.csv", b"title,abstract\n", ": no papers found"),
        (
            "notes.md",
            b"# Notes\n",
            ": not a recognised format (expected one of json, atom, bibtex, csv, hf-daily)",
        ),
    ],
)
def test_sources_unreadable_file_is_a_problem(
    tmp_path: Path, name: str, content: bytes, problem: str
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    corpus = read_corpus([path, SAMPLE / F003])
    assert corpus.problems == (f"{path}{problem}",)
    assert len(corpus.papers) == 37
    with pytest.raises(InputError) as raised:  # alone, it is an error with that one line
        read_corpus([path])
    assert str(raised.value) == f"{path}{problem}"


def test_sources_missing_path_is_a_problem(tmp_path: Path) -> None:
    missing = tmp_path / "nope.jsonl"
    corpus = read_corpus([missing, SOURCES / "papers.csv"])
    assert corpus.problems[0] == f"{missing}: no such file or directory"
    assert len(corpus.papers) == 4


def test_sources_nothing_readable_joins_every_reason(tmp_path: Path) -> None:
    (tmp_path / "empty.csv").write_bytes(b"")
    with pytest.raises(InputError) as raised:
        read_corpus([tmp_path / "nope.txt", tmp_path / "empty.csv"])
    assert str(raised.value) == (
        f"{tmp_path / 'nope.txt'}: no such file or directory; {tmp_path / 'empty.csv'}: file is empty"
    )
    with pytest.raises(InputError, match="no input paths given"):
        read_corpus([])


def test_sources_directory_is_sorted_flat_and_read_once(tmp_path: Path) -> None:
    row = '{{"title": "{}", "abstract": "An abstract."}}\n'
    (tmp_path / "b.jsonl").write_text(row.format("From B"))
    (tmp_path / "a.jsonl").write_text(row.format("From A"))
    (tmp_path / "notes.md").write_text("not read")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "c.jsonl").write_text(row.format("From C"))
    corpus = read_corpus([tmp_path, tmp_path / "a.jsonl"])
    assert [p.title for p in corpus.papers] == ["From A", "From B"]
    assert corpus.n_read == 2  # a.jsonl named twice, read once
    assert read_corpus(str(tmp_path)).papers == corpus.papers  # a single path works too


def test_sources_problem_messages_are_one_line(tmp_path: Path) -> None:
    path = tmp_path / "bad\nname.jsonl"
    path.write_text('{"title": "T", "abstract": "A"}\n{"title": []}\n{"title": "U", "url": "x y"}\n')
    corpus = read_corpus([path])
    (problem,) = corpus.problems
    (warning,) = corpus.warnings
    assert "\n" not in problem + warning
    assert problem.endswith(":2: no usable title (field 'title' is list, not text)")
    assert warning.endswith(
        ":3: field 'url' 'x y' is not a valid URL (spaces or characters an IRI forbids); dropped"
    )


# --- keys, ids and merging ---------------------------------------------------------------


def test_corpus_paper_id_is_pinned() -> None:
    # Pinned so that a change of the id scheme (or a salted hash) shows up as a failure.
    assert paper_id("Reward Design with Language Models") == ("reward-design-with-language-models-859f080f")
    assert paper_id("Gödel Agent").startswith("godel-agent-")  # ASCII slug
    assert paper_id("Gödel Agent") == paper_id("GÖDEL  agent")
    assert paper_id("Gödel Agent") != paper_id("Godel Agent")  # accents are not folded
    assert paper_id("Any title", given="  arxiv:2303.00001 ") == "arxiv:2303.00001"
    assert paper_id("Any title", given="   ") == paper_id("Any title")


def test_corpus_paper_key_tells_different_titles_apart() -> None:
    assert paper_key("Offline RL") != paper_key("Online RL")
    assert paper_key("???") != paper_key("!!!")  # titles without letters keep their marks


def test_corpus_merge_combines_metadata() -> None:
    problems: list[str] = []
    first = make_paper("Some Title", "Short.", "b.txt", upvotes=3)
    second = make_paper("some-title", "A longer abstract.", "a.csv", upvotes=7, authors=["B", "A"])
    third = make_paper("SOME TITLE", "", "b.txt", date="2024-01-02", n_authors=5, authors=["A", "C"])
    (paper,) = merge_papers([first, second, third], problems.append)
    assert paper == Paper(
        id=paper_id("Some Title"),
        title="Some Title",
        abstract="A longer abstract.",
        date="2024-01-02",
        n_authors=2,  # the first count known: two names in a.csv
        upvotes=7,
        sources=("a.csv", "b.txt"),
        authors=("B", "A", "C"),
        url=None,
    )
    assert problems == []


def test_corpus_merge_resolves_an_id_given_to_two_titles() -> None:
    problems: list[str] = []
    one = make_paper("First Title", "", "x.jsonl", given_id="same")
    two = make_paper("Second Title", "", "y.jsonl", given_id="same")
    papers = merge_papers([one, two], problems.append)
    assert [p.id for p in papers] == ["same", paper_id("Second Title")]
    assert problems == [
        f"y.jsonl: id 'same' is given to two different titles; 'Second Title' gets "
        f"'{paper_id('Second Title')}'"
    ]


WORDS = st.lists(
    st.text(st.characters(categories=["Lu", "Ll", "Nd"]), min_size=1, max_size=8),
    min_size=1,
    max_size=8,
)


@given(st.text(min_size=1, max_size=300))
def test_corpus_paper_id_is_safe_and_deterministic(title: str) -> None:
    derived = paper_id(title)
    assert re.fullmatch(r"[A-Za-z0-9._~-]+", derived)
    assert len(derived) <= 48 + 1 + 8
    assert derived == paper_id(title) and paper_key(title) == paper_key(title)


@given(WORDS, st.lists(st.sampled_from([" ", "  ", "-", " - ", "\t", "\u00a0"]), min_size=8))
def test_corpus_paper_key_ignores_case_spacing_and_hyphens(words: list[str], separators: list[str]) -> None:
    plain = " ".join(words)
    variant = "".join(w + s for w, s in zip(words, separators, strict=False)).upper()
    # Only case pairs that Unicode calls caseless-equal ("ı".upper() is "I", which is not).
    assume(plain.upper().casefold() == plain.casefold())
    assert paper_key(variant) == paper_key(plain.lower())
    assert paper_id(f"  {variant}  ") == paper_id(plain)
