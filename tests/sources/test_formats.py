"""Tests of the format readers on their fixtures, the leniency rules, and malformed rows."""

from __future__ import annotations

import bz2
import gzip
import json
import lzma
import os
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kg.sources import read_corpus
from kg.sources.cleanup import clean_text
from kg.sources.fields import parse_date, parse_url
from kg.types import Paper
from tests.helpers import FIXTURES, SAMPLE

SOURCES = FIXTURES / "sources"
SETTINGS = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def one(folder: str) -> tuple[list[Paper], tuple[str, ...], tuple[str, ...]]:
    corpus = read_corpus([SOURCES / folder])
    return list(corpus.papers), corpus.problems, corpus.warnings


def write_jsonl(path: Path, rows: list[object]) -> Path:
    path.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")
    return path


# --- each format on its fixture --------------------------------------------------------------


def test_conference_jsonl_maps_venue_status_keywords_and_year() -> None:
    papers, problems, warnings = one("conference")
    assert (problems, warnings) == ((), ())
    first, anonymous, acl = papers
    assert first.title == "Sparse Reward Shaping with ℓ1 Penalties"  # LaTeX math cleaned
    assert (first.date, first.year, first.venue, first.status) == ("2024", 2024, "ICLR 2024", "Poster")
    assert first.keywords == ("reward shaping", "sparsity")
    assert first.authors == ("Ana Ruiz", "Tomás Novak")
    assert anonymous.authors == () and anonymous.status is None and anonymous.url
    assert acl.id == "acl2022:2022.acl-long.99"


def test_arxiv_snapshot_maps_first_version_date_authors_parsed_and_categories() -> None:
    papers, problems, _ = one("arxiv")
    assert problems == ()
    old, new = papers
    assert old.authors == ("C. Balázs", "E. L. Berger", "P. M. Nadolsky", "C. -P. Yuan")
    assert (old.date, old.arxiv_id, old.doi) == ("2007-04-02", "0704.0001", "10.1103/PhysRevD.76.013009")
    assert old.venue == "Phys.Rev.D76:013009,2007" and old.keywords == ("hep-ph",)
    assert old.title.endswith("at Tevatron and LHC energies")  # the snapshot's line break is spacing
    assert new.date == "2023-10-30"  # no versions: update_date
    assert new.authors == ("Ada Lovelace", "Alan Turing")  # from the authors string
    assert new.title == "Offline Policies for Q-Learning with Tabular Models"


def test_openalex_rebuilds_the_abstract_and_maps_locations() -> None:
    papers, problems, _ = one("openalex")
    assert problems == ()
    work, arxiv = papers
    assert (
        work.abstract
        == "Despite growing interest in Open Access (OA) in scholarly publishing, few studies measure it."
    )
    assert work.authors == ("Heather Piwowar", "Jason Priem", "Stefanie Haustein")
    assert (work.id, work.date, work.venue, work.doi) == (
        "W2741809807",
        "2018-02-13",
        "PeerJ",
        "10.7717/peerj.4375",
    )
    assert work.keywords == ("Open Access", "Citation")
    assert (arxiv.date, arxiv.arxiv_id, arxiv.abstract) == ("2023", "2303.04137", "")


def test_semantic_scholar_joins_abstracts_by_corpus_id() -> None:
    papers, problems, warnings = one("s2")
    assert problems == ()
    joined, title_only = papers
    assert joined.id == "CorpusId:215416146"
    assert joined.abstract.startswith("Language models pretrained on text")
    assert (joined.doi, joined.arxiv_id, joined.date) == (
        "10.18653/V1/2020.ACL-MAIN.740",
        "2004.10964",
        "2020-04-23",
    )
    assert joined.authors == ("Suchin Gururangan", "Ana Marasović")
    assert (title_only.abstract, title_only.date) == ("", "2021")
    assert warnings == ("1 abstracts match no paper read (by corpus id); ignored",)


def test_semantic_scholar_papers_alone_are_title_only(tmp_path: Path) -> None:
    corpus = read_corpus([SOURCES / "s2" / "papers.jsonl"])
    assert [p.abstract for p in corpus.papers] == ["", ""]


def test_bibtex_authors_accents_dates_and_bad_entries() -> None:
    papers, problems, warnings = one("bibtex")
    where = SOURCES / "bibtex" / "library.bib"
    dropout, offline = papers
    assert dropout.title == "Dropout as a Bayesian Approximation for Gödel Machines"
    assert dropout.authors == ("Jürgen Müller", "María García", "John von Neumann Jr.")
    assert dropout.abstract.startswith("We show that dropout in deep networks")
    assert "O(1/√n)" in dropout.abstract
    assert (dropout.date, dropout.doi, dropout.venue) == (
        "2019-05",
        "10.1234/jmlr.2019.0042",
        "Journal of Machine Learning Research",
    )
    assert dropout.keywords == ("Bayesian inference", "dropout")
    assert offline.authors == ("Ann Lee", "Bo Chen")  # "and others" left out
    assert (offline.arxiv_id, offline.url) == ("2106.01234", None)
    assert problems == (f"{where}:28: unreadable BibTeX entry (syntax error)", f"{where}:32: no usable title")
    assert warnings == (
        f"{where}:17: field 'url' 'https://arxiv.org/abs/2106.01234 v2' is not a valid URL"
        " (spaces or characters an IRI forbids); dropped",
    )


def test_atom_feed_entries() -> None:
    papers, problems, _ = one("atom")
    famo2o, old = papers
    assert (
        famo2o.title
        == "Train Once, Get a Family: State-Adaptive Balances for Offline-to-Online Reinforcement Learning"
    )
    assert (famo2o.id, famo2o.arxiv_id, famo2o.date) == ("2310.17966", "2310.17966", "2023-10-27")
    assert famo2o.authors == ("Shenzhi Wang", "Qisen Yang")
    assert (famo2o.doi, famo2o.venue, famo2o.keywords) == (
        "10.48550/arXiv.2310.17966",
        "NeurIPS 2023",
        ("cs.LG", "cs.AI"),
    )
    assert "α-balanced" in famo2o.abstract
    assert (old.arxiv_id, old.url) == ("hep-th/9901001", "http://arxiv.org/abs/hep-th/9901001v1")
    assert problems == (f"{SOURCES / 'atom' / 'query.xml'}:47: no usable title",)


def test_atom_feed_cut_off_keeps_entries_before_the_break(tmp_path: Path) -> None:
    text = (SOURCES / "atom" / "query.xml").read_text()
    path = tmp_path / "cut.xml"
    path.write_text(text[: text.index("<title>Strings")])
    corpus = read_corpus([path])
    assert [p.arxiv_id for p in corpus.papers] == ["2310.17966"]
    assert "not well-formed XML" in corpus.problems[0]


def test_openreview_v1_and_v2_notes() -> None:
    papers, problems, _ = one("openreview")
    assert problems == ()
    v1, v2, submitted = papers
    assert (v1.venue, v1.status, v1.date) == ("ICLR 2020", "Poster", "2019-09-25")
    assert v1.url == "https://openreview.net/forum?id=r1xMH1BtvB"
    assert v1.keywords == ("exploration", "reinforcement learning")
    assert (v2.title, v2.venue, v2.status, v2.date) == (
        "Tokenizer-Free Language Models at Scale",
        "ICLR 2024",
        "Oral",
        "2024-01-18",
    )
    assert v2.abstract.endswith("reading comprehension benchmarks.")  # <i> removed
    assert (submitted.venue, submitted.status) == ("ICLR 2024", None)


def test_csv_and_tsv_usual_column_names() -> None:
    papers, problems, warnings = one("csv")
    scopus, bad_year, wos = papers
    where = SOURCES / "csv" / "scopus.csv"
    assert scopus.authors == ("Soo Kim", "Jin Park")  # full names preferred
    assert (scopus.date, scopus.venue, scopus.doi) == (
        "2022",
        "Journal of Chemical Informatics",
        "10.1000/jci.2022.7",
    )
    assert (
        scopus.abstract
        == "Graph networks predict molecular properties from structure alone & beat fingerprints."
    )
    assert scopus.keywords == ("graph networks", "molecules")
    assert (bad_year.date, bad_year.url) == (None, None)
    assert (wos.authors, wos.date, wos.venue) == (
        ("John Smith", "Alice Doe"),
        "2019",
        "GLOBAL CHANGE BIOLOGY",
    )
    assert problems == (f"{where}:4: no usable title",)
    assert warnings == (
        f"{where}:3: field 'year' '20222' is not a year; dropped",
        f"{where}:3: field 'url' 'not a url' is not a valid URL"
        " (spaces or characters an IRI forbids); dropped",
    )


# --- content, compression and encodings -------------------------------------------------------


@pytest.mark.parametrize("opener", [gzip.open, bz2.open, lzma.open])
def test_compressed_files_and_format_chosen_by_content(tmp_path: Path, opener) -> None:
    path = tmp_path / "papers-export"  # no extension at all
    with opener(path, "wb") as handle:
        handle.write((SOURCES / "conference" / "papers.jsonl").read_bytes())
    corpus = read_corpus([path])
    assert len(corpus.papers) == 3 and corpus.problems == ()


def test_folder_reads_every_file_by_content(tmp_path: Path) -> None:
    (tmp_path / "refs").write_bytes((SOURCES / "bibtex" / "library.bib").read_bytes())
    (tmp_path / "feed.data").write_bytes((SOURCES / "atom" / "query.xml").read_bytes())
    corpus = read_corpus([tmp_path])
    assert {p.sources[0] for p in corpus.papers} == {"refs", "feed.data"}


def test_utf16_and_cp1252_files_are_decoded(tmp_path: Path) -> None:
    rows = "title,abstract\nNaïve Bayes Revisited,“Smart” quotes – and café.\n"
    utf16 = tmp_path / "utf16.csv"
    utf16.write_bytes(rows.encode("utf-16"))
    cp1252 = tmp_path / "cp1252.csv"
    cp1252.write_bytes(rows.encode("cp1252"))
    for path in (utf16, cp1252):
        (paper,) = read_corpus([path]).papers
        assert (paper.title, paper.abstract) == ("Naïve Bayes Revisited", "“Smart” quotes – and café.")
    assert read_corpus([cp1252]).warnings[0].startswith(f"{cp1252}: not UTF-8; read as ")


def test_page_dump_splits_on_newlines_only(tmp_path: Path) -> None:
    path = tmp_path / "page.txt"
    abstract = "One part\u2028two\x0bthree\x0cfour\x85five."
    path.write_text(f"Daily Papers\nA Title\n{abstract}\nSecond Title\nIts abstract.\n", encoding="utf-8")
    corpus = read_corpus([path])
    assert [(p.title, p.abstract) for p in corpus.papers] == [
        ("A Title", "One part two three four five."),
        ("Second Title", "Its abstract."),
    ]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_fifo_is_skipped_without_blocking(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.jsonl"
    os.mkfifo(fifo)
    write_jsonl(tmp_path / "a.jsonl", [{"title": "Kept"}])
    for paths in ([tmp_path], [fifo, tmp_path / "a.jsonl"]):
        corpus = read_corpus(paths)
        assert [p.title for p in corpus.papers] == ["Kept"]
        assert corpus.problems == (f"{fifo}: not a regular file (a FIFO, socket or device); skipped",)


def test_unreadable_path_is_one_problem_and_the_rest_is_read(tmp_path: Path) -> None:
    locked = write_jsonl(tmp_path / "locked.jsonl", [{"title": "Locked"}])
    locked.chmod(0)
    if os.access(locked, os.R_OK):
        pytest.skip("running as a user who reads any file")
    corpus = read_corpus([locked, SOURCES / "conference" / "papers.jsonl"])
    assert len(corpus.papers) == 3
    assert corpus.problems == (f"{locked}: cannot read (Permission denied)",)


# --- leniency rules ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "iso"),
    [
        ("2019", "2019"),
        ("2019-05", "2019-05"),
        ("2019-05-12", "2019-05-12"),
        ("2019-05-12T10:00:00+02:00", "2019-05-12"),
        ("May 2019", "2019-05"),
        ("12 May 2019", "2019-05-12"),
        ("May 12, 2019", "2019-05-12"),
        ("2019/05/12", "2019-05-12"),
        ("Mon, 2 Apr 2007 19:18:42 GMT", "2007-04-02"),
    ],
)
def test_dates_at_the_precision_given(text: str, iso: str) -> None:
    assert parse_date(text) == iso


def test_impossible_date_is_dropped_with_a_warning(tmp_path: Path) -> None:
    path = write_jsonl(
        tmp_path / "d.jsonl", [{"title": "Leap", "date": "2019-02-30"}, {"title": "Ok", "date": 2020}]
    )
    corpus = read_corpus([path])
    assert [(p.title, p.date) for p in corpus.papers] == [("Leap", None), ("Ok", "2020")]
    assert corpus.warnings == (f"{path}:1: field 'date' '2019-02-30' is not a date; dropped",)


@pytest.mark.parametrize(
    "url",
    [
        "/pdf/abc.pdf",
        "ftp://x.org/a",
        "https://x.org/a b",
        "https://x.org/<a>",
        "https://x.org/%zz",
        "http://",
        'https://x.org/"',
    ],
)
def test_invalid_urls_are_refused(url: str) -> None:
    with pytest.raises(ValueError):
        parse_url(url)


def test_doi_and_arxiv_ids_are_normalised(tmp_path: Path) -> None:
    path = write_jsonl(
        tmp_path / "ids.jsonl",
        [
            {"title": "T", "doi": "https://doi.org/10.1000/ABC", "arxiv_id": "arXiv:2101.00001v3"},
            {"title": "U", "doi": "nope"},
        ],
    )
    corpus = read_corpus([path])
    assert [(p.doi, p.arxiv_id) for p in corpus.papers] == [("10.1000/ABC", "2101.00001"), (None, None)]
    assert corpus.warnings == (f"{path}:2: field 'doi' 'nope' is not a DOI; dropped",)


def test_lone_surrogate_is_replaced_with_a_warning(tmp_path: Path) -> None:
    path = tmp_path / "s.jsonl"
    path.write_text('{"title": "Bad \\ud800 Title", "abstract": "ok"}\n')
    corpus = read_corpus([path])
    assert corpus.papers[0].title == "Bad \ufffd Title"
    assert corpus.warnings == (f"{path}:1: field 'title' has a lone surrogate; replaced by U+FFFD",)


def test_same_title_different_ids_stay_two_papers(tmp_path: Path) -> None:
    path = write_jsonl(
        tmp_path / "ids.jsonl",
        [
            {"id": "cpp", "title": "What is C++?"},
            {"id": "c", "title": "What is C?"},
            {"title": "What is C?", "abstract": "No id: merges with the first."},
            {"id": "c", "title": "what is c", "abstract": "Same id: merges."},
        ],
    )
    corpus = read_corpus([path])
    assert [(p.id, p.title) for p in corpus.papers] == [("cpp", "What is C++?"), ("c", "What is C?")]
    assert corpus.papers[0].abstract == "No id: merges with the first."
    assert corpus.warnings == (
        "ids.jsonl: 'What is C?' has id 'c', and id 'cpp' in ids.jsonl; kept as two papers",
    )


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        (r"\emph{conferrable} results", "conferrable results"),
        (r"$\ell_1$-regularised", "ℓ1-regularised"),
        (r"G{\"o}del and Erd\H{o}s", "Gödel and Erdős"),
        ("<jats:p>We <i>study</i> X &amp; Y.</jats:p>", "We study X & Y."),
        ("p < 0.05 and costs $5 more", "p < 0.05 and costs $5 more"),
        (r"50\% of the rest", "50% of the rest"),
        (r"\framework beats \cite{x} baselines", "framework beats baselines"),
    ],
)
def test_cleanup_examples(raw: str, clean: str) -> None:
    assert clean_text(raw) == clean


@given(
    st.lists(
        st.sampled_from([*"ab $\\{}<>_^&;#%~'\"`=.ucvH", *["\\emph{", "$x$", "<i>", "&amp;"]]), max_size=30
    ).map("".join)
)
@settings(max_examples=60, deadline=None)
def test_cleanup_leaves_no_markup_characters(text: str) -> None:
    cleaned = clean_text(text)
    assert not set(cleaned) & set("\\{}")
    assert all(cleaned[i + 1 :].lstrip()[:1].isdigit() for i, c in enumerate(cleaned) if c == "$")
    assert not re.search(r"<(?:i|/i|jats:p)>", cleaned)


def test_sample_reads_as_before() -> None:
    corpus = read_corpus([SAMPLE])
    assert (len(corpus.papers), corpus.n_read, corpus.problems, corpus.warnings) == (344, 390, (), ())


# --- malformed rows never escape, valid rows are kept ----------------------------------------

JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=8,
)
FIELDS = ["id", "title", "abstract", "date", "year", "authors", "url", "venue", "doi", "keywords", "status"]
VALID = {"title": "A Valid Paper Kept Whatever Else", "abstract": "Kept."}


def _check_valid_kept(path: Path) -> None:
    corpus = read_corpus([path])
    assert "A Valid Paper Kept Whatever Else" in [p.title for p in corpus.papers]
    assert all("\n" not in line for line in corpus.problems + corpus.warnings)


SHAPES = {
    "plain": {},
    "arxiv": {"authors_parsed": [], "versions": [], "categories": "cs.LG"},
    "openalex": {"abstract_inverted_index": {}, "authorships": []},
    "s2": {"corpusid": 1},
    "openreview": {"content": {}},
}


@pytest.mark.parametrize("shape", list(SHAPES))
@given(rows=st.lists(st.dictionaries(st.sampled_from(FIELDS), JSON_VALUES, max_size=6), max_size=5))
@SETTINGS
def test_json_readers_survive_malformed_rows(tmp_path: Path, shape: str, rows: list[dict]) -> None:
    base = SHAPES[shape]
    valid = {**base, **VALID} if shape != "openreview" else {"content": {"title": {"value": VALID["title"]}}}
    records = [{**base, **row} for row in rows] + [valid]
    if shape == "openreview":
        records = [{"content": row} for row in rows] + [valid]
    _check_valid_kept(write_jsonl(tmp_path / f"{shape}.jsonl", records))


@given(cells=st.lists(st.lists(st.text(max_size=15), min_size=1, max_size=6), max_size=5))
@SETTINGS
def test_csv_reader_survives_malformed_rows(tmp_path: Path, cells: list[list[str]]) -> None:
    path = tmp_path / "rows.csv"
    import csv as stdlib_csv
    import io

    buffer = io.StringIO()
    writer = stdlib_csv.writer(buffer)
    writer.writerow(["title", "abstract", "authors", "year", "url"])
    writer.writerows(cells)
    writer.writerow([VALID["title"], "Kept.", "", "", ""])
    path.write_text(buffer.getvalue(), encoding="utf-8")
    _check_valid_kept(path)


@given(
    entries=st.lists(
        st.lists(st.sampled_from([*'@{}=,"\\ a\n', *["title", "author", "@article{"]]), max_size=30).map(
            "".join
        ),
        max_size=4,
    )
)
@SETTINGS
def test_bibtex_reader_survives_malformed_entries(tmp_path: Path, entries: list[str]) -> None:
    path = tmp_path / "refs.bib"
    valid = "@article{valid,\n  title = {" + VALID["title"] + "},\n}\n"
    path.write_text(valid + "\n".join(entries), encoding="utf-8")
    corpus = read_corpus([path])  # what follows the valid entry may swallow nothing before it
    assert VALID["title"] in [p.title for p in corpus.papers]


@given(
    junk=st.lists(
        st.lists(
            st.sampled_from([*'<>/&;" a', *["<entry>", "</entry>", "<title>", "</title>"]]), max_size=30
        ).map("".join),
        max_size=4,
    )
)
@SETTINGS
def test_atom_reader_survives_malformed_entries(tmp_path: Path, junk: list[str]) -> None:
    path = tmp_path / "feed.xml"
    entry = f"<entry><title>{VALID['title']}</title><summary>Kept.</summary></entry>"
    path.write_text(
        f'<feed xmlns="http://www.w3.org/2005/Atom">{entry}{"".join(junk)}</feed>', encoding="utf-8"
    )
    corpus = read_corpus([path])
    assert VALID["title"] in [p.title for p in corpus.papers]


@given(lines=st.lists(st.text(max_size=30), max_size=8))
@SETTINGS
def test_page_dump_reader_survives_any_lines(tmp_path: Path, lines: list[str]) -> None:
    path = tmp_path / "page.txt"
    path.write_text(
        "Daily Papers\n\n" + "\n".join(lines) + f"\n\n{VALID['title']}\n\nKept.\n", encoding="utf-8"
    )
    try:
        corpus = read_corpus([path])
    except Exception as error:  # only the documented "no paper at all" error may escape
        raise AssertionError(error) from None
    assert corpus.papers
