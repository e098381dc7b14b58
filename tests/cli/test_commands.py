"""The ``kg`` command line (kg.cli), run as a subprocess exactly as a user runs it.

Queries run on the sample outputs written once by the ``sample_outputs`` fixture; builds use
two or three real sample abstracts written to a JSON-lines file, so each takes seconds.
"""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from rdflib import Dataset, Graph, Literal

from kg import KnowledgeGraph
from kg.vocab import DCTERMS, KG, RDF
from tests.helpers import (
    ERROR_PREFIX,
    FAMO2O_TITLE,
    HOSTILE_ID,
    HOSTILE_TITLE_PREFIX,
    INLINE_FAMO2O,
    QUERIES,
    ROOT,
    SAFE_RL_TITLE,
    UNI_O4_TITLE,
    Run,
    kg,
)


def write_jsonl(path: Path, rows: list[dict]) -> Path:
    path.write_text("".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows), encoding="utf-8")
    return path


def record(paper, **changes) -> dict:
    """A JSON-lines row with the title and abstract of a real sample paper."""
    return {"title": paper.title, "abstract": paper.abstract, **changes}


def test_import_kg_loads_no_heavy_library(tmp_path: Path) -> None:
    code = "import sys, kg; print(sorted({'spacy', 'pandas', 'rdflib', 'pyoxigraph'} & set(sys.modules)))"
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr[-500:]
    assert done.stdout.strip() == "[]"


def test_cli_example_query_by_name_from_any_folder(sample_outputs: Path, tmp_path: Path) -> None:
    run = kg("query", "top-benchmarks", "--graph", sample_outputs, "-f", "csv", cwd=tmp_path)
    assert run.code == 0, run.stderr
    assert run.stdout.splitlines()[0].startswith("benchmark")
    missing = kg("query", "no-such-example.rq", "--graph", sample_outputs, cwd=tmp_path)
    assert missing.code == 2 and "papers-on-d4rl" in missing.stderr


def test_cli_missing_graph_names_where_it_looked_and_how_to_build(tmp_path: Path) -> None:
    run = kg("stats", cwd=tmp_path)
    assert run.code == 2
    (line,) = run.lines
    assert "outputs/store/" in line and "outputs/kg.nq" in line and "kg build PAPERS --out outputs" in line


def test_cli_reading_commands_do_not_import_spacy(tmp_path: Path) -> None:
    code = "import sys, kg.cli, kg.api; print(sorted({'spacy', 'thinc', 'torch'} & set(sys.modules)))"
    command = [sys.executable, "-c", code]
    done = subprocess.run(command, cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-500:]
    assert done.stdout.strip() == "[]"


# --- kg query ----------------------------------------------------------------------------------


EXAMPLES = sorted(QUERIES.glob("*.rq"))


def test_cli_example_queries_exist() -> None:
    assert len(EXAMPLES) >= 6, [p.name for p in EXAMPLES]


@pytest.mark.parametrize("path", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_cli_query_example_file(sample_outputs: Path, path: Path) -> None:
    run = kg("query", path.relative_to(ROOT), "--graph", sample_outputs, "--format", "json")
    assert run.code == 0, run.stderr
    assert run.stderr == ""
    rows = json.loads(run.stdout)
    assert isinstance(rows, list) and rows, f"{path.name} finds nothing in the sample graph"


def test_cli_query_example_by_name(sample_outputs: Path) -> None:
    if not EXAMPLES:
        pytest.skip("no example queries yet")
    # The shortest file: most likely a quick query (some examples take seconds on the sample).
    path = min(EXAMPLES, key=lambda p: (len(p.read_text(encoding="utf-8")), p.name))
    by_name = kg("query", path.stem, "-g", sample_outputs, "-f", "csv")
    by_path = kg("query", path, "-g", sample_outputs, "-f", "csv")
    assert by_name.code == by_path.code == 0, by_name.stderr
    assert by_name.stdout == by_path.stdout


def test_cli_query_papers_on_d4rl_lists_famo2o(sample_outputs: Path) -> None:
    path = QUERIES / "papers-on-d4rl.rq"
    if not path.is_file():
        pytest.skip("queries/papers-on-d4rl.rq not written yet")
    run = kg("query", path, "-g", sample_outputs, "-f", "json")
    assert run.code == 0, run.stderr
    assert any(row["title"].startswith(FAMO2O_TITLE) for row in json.loads(run.stdout))


def test_cli_query_json(sample_outputs: Path) -> None:
    run = kg("query", INLINE_FAMO2O, "-g", sample_outputs, "--format", "json")
    assert run.code == 0, run.stderr
    rows = json.loads(run.stdout)
    assert {"role": "proposes", "label": "FamO2O"} in rows
    assert {"role": "evaluatedOn", "label": "D4RL"} in rows


def test_cli_query_csv(sample_outputs: Path) -> None:
    run = kg("query", INLINE_FAMO2O, "-g", sample_outputs, "-f", "csv")
    assert run.code == 0, run.stderr
    rows = list(csv.reader(io.StringIO(run.stdout)))
    assert rows[0] == ["role", "label"]
    assert ["proposes", "FamO2O"] in rows and ["evaluatedOn", "D4RL"] in rows


def test_cli_query_table(sample_outputs: Path, sample_kg: KnowledgeGraph) -> None:
    run = kg("query", INLINE_FAMO2O, "-g", sample_outputs, "--format", "table")
    assert run.code == 0, run.stderr
    famo2o = [line for line in run.stdout.splitlines() if "FamO2O" in line]
    d4rl = [line for line in run.stdout.splitlines() if "D4RL" in line]
    assert famo2o and "proposes" in famo2o[0]
    assert d4rl and "evaluatedOn" in d4rl[0]
    assert run.stdout.strip().splitlines()[-1] == f"{len(sample_kg.sparql(INLINE_FAMO2O))} rows"


def test_cli_query_is_the_api_answer(sample_outputs: Path, sample_kg: KnowledgeGraph) -> None:
    query = "SELECT ?label ?papers WHERE { ?e a kg:Dataset ; skos:prefLabel ?label ; kg:support ?papers }"
    run = kg("query", query, "-g", sample_outputs / "kg.nq", "-f", "json")
    assert run.code == 0, run.stderr
    expected = sample_kg.sparql(query).to_dict("records")
    key = lambda r: (r["label"], r["papers"])  # noqa: E731
    assert sorted(json.loads(run.stdout), key=key) == sorted(expected, key=key)


@pytest.mark.parametrize(("fmt", "expected"), [("json", '{"boolean": true}\n'), ("csv", "boolean\nTrue\n")])
def test_cli_query_ask(sample_outputs: Path, fmt: str, expected: str) -> None:
    run = kg(
        "query", "ASK { ?p kg:evaluatedOn ?d . ?d skos:prefLabel 'D4RL' }", "-g", sample_outputs, "-f", fmt
    )
    assert (run.code, run.stdout) == (0, expected), run.stderr


def test_cli_query_construct(sample_outputs: Path) -> None:
    query = "CONSTRUCT { ?p kg:evaluatedOn ?d } WHERE { ?p kg:evaluatedOn ?d . ?d skos:prefLabel 'D4RL' }"
    run = kg("query", query, "-g", sample_outputs, "-f", "csv")
    assert run.code == 0, run.stderr
    rows = list(csv.reader(io.StringIO(run.stdout)))
    assert rows[0] == ["subject", "predicate", "object"]
    assert len(rows) > 2
    assert {r[2] for r in rows[1:]} == {"https://w3id.org/kg/id/entity/d4rl"}


def test_cli_query_table_prints_values_verbatim(sample_outputs: Path) -> None:
    text = "[bold]Lo[/bold]RA [/x] x[1]"
    run = kg("query", f'SELECT ("{text}" AS ?title) WHERE {{}}', "-g", sample_outputs)
    assert run.code == 0, run.stderr[-300:]
    assert text in run.stdout


# --- kg stats ----------------------------------------------------------------------------------


def test_cli_stats(sample_outputs: Path, sample_kg: KnowledgeGraph) -> None:
    run = kg("stats", "--graph", sample_outputs)
    assert run.code == 0, run.stderr
    lines = dict(line.rsplit(None, 1) for line in run.stdout.splitlines() if line.strip())
    numbers = sample_kg.stats()
    assert int(lines["papers"]) == numbers["papers"]
    # the papers' graphs and three shared ones: entities, ontology, statistics
    assert int(lines["graphs"]) == numbers["graphs"] == numbers["papers"] + 3
    assert int(lines["triples"]) == numbers["triples"]
    for etype, n in numbers["entities"].items():
        assert int(lines[etype]) == n, etype
    for relation, n in numbers["edges"].items():
        assert int(lines[relation]) == n, relation


def test_cli_stats_reads_the_build_numbers_without_loading_the_graph(sample_outputs: Path) -> None:
    """`kg stats` on an output folder prints its stats.json; it imports neither kg.api nor pandas."""
    code = (
        "import sys; sys.argv = ['kg', 'stats', '--graph', sys.argv[1]]\n"
        "from kg.cli import main\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "print(sorted({'kg.api', 'pandas', 'networkx'} & set(sys.modules)))"
    )
    done = subprocess.run([sys.executable, "-c", code, str(sample_outputs)], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[-1] == "[]"
    assert "papers    344" in done.stdout


def test_cli_stats_of_a_graph_file_counts(sample_outputs: Path, sample_kg: KnowledgeGraph) -> None:
    run = kg("stats", "--graph", sample_outputs / "kg.nq")
    assert run.code == 0, run.stderr
    assert f"triples   {sample_kg.stats()['triples']}" in run.stdout


# --- bad input ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    make: Callable[[Path, Path], list[str]]  # (tmp folder, sample outputs) -> kg arguments
    says: str  # a fragment the error line must contain
    build: bool = False


def _file(name: str, content: bytes) -> Callable[[Path, Path], list[str]]:
    def make(tmp: Path, _outputs: Path) -> list[str]:
        (tmp / name).write_bytes(content)
        return ["build", str(tmp / name), "--out", str(tmp / "out")]

    return make


def _graph_file(name: str, content: str) -> Callable[[Path, Path], list[str]]:
    def make(tmp: Path, _outputs: Path) -> list[str]:
        (tmp / name).write_text(content, encoding="utf-8")
        return ["stats", "--graph", str(tmp / name)]

    return make


BAD = {
    "missing-path": Case(
        lambda tmp, _: ["build", str(tmp / "missing.jsonl"), "-o", str(tmp / "out")],
        "missing.jsonl: no such file",
        build=True,
    ),
    "empty-file": Case(_file("empty.jsonl", b""), "empty.jsonl: file is empty", build=True),
    "blank-file": Case(_file("blank.csv", b"\n  \n\n"), "blank.csv: file is empty", build=True),
    "binary-file": Case(_file("papers.jsonl", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), "binary", build=True),
    "no-papers-dump": Case(
        _file("banner.txt", b"Daily Papers\nbyAK and the research community\n"),
        "banner.txt: no papers found",
        build=True,
    ),
    "no-papers-jsonl": Case(
        _file("untitled.jsonl", b'{"abstract": "No title here."}\n'), "title", build=True
    ),
    "unsupported-type": Case(_file("paper.pdf", b"%PDF-1.7\n"), "not a recognised format", build=True),
    "empty-folder": Case(lambda tmp, _: ["build", str(tmp), "-o", str(tmp / "out")], "holds no", build=True),
    "malformed-sparql": Case(
        lambda _, outputs: ["query", "SELECT * WHERE { ?s ?p", "-g", str(outputs)], "malformed SPARQL query"
    ),
    "missing-query-file": Case(
        lambda tmp, outputs: ["query", str(tmp / "nothing.rq"), "-g", str(outputs)], "no such query file"
    ),
    "query-missing-graph": Case(
        lambda tmp, _: ["query", "SELECT * WHERE { ?s ?p ?o }", "-g", str(tmp / "no-graph")], "no graph at"
    ),
    "stats-missing-graph": Case(lambda tmp, _: ["stats", "-g", str(tmp / "no-graph")], "no graph at"),
    "stats-invalid-rdf": Case(_graph_file("kg.nq", "not rdf\n"), "kg.nq: not valid RDF"),
}


@pytest.fixture(scope="module")
def bad_run(sample_outputs: Path, tmp_path_factory) -> Callable[[str], Run]:
    """Run each bad-input case once; both tests below read the same run."""
    runs: dict[str, Run] = {}

    def run(name: str) -> Run:
        if name not in runs:
            tmp = tmp_path_factory.mktemp(name)
            runs[name] = kg(*BAD[name].make(tmp, sample_outputs), cwd=tmp)
        return runs[name]

    return run


@pytest.mark.parametrize("name", BAD)
def test_cli_bad_input_is_one_error_line_and_exit_2(bad_run, name: str) -> None:
    run = bad_run(name)
    assert "Traceback" not in run.stderr, run.stderr[-800:]
    assert run.code == 2
    assert len(run.lines) == 1, run.lines
    (line,) = run.lines
    assert line.startswith(ERROR_PREFIX)
    assert BAD[name].says in line
    assert run.stdout == ""


@pytest.mark.parametrize("name", list(BAD))
def test_cli_bad_input_stderr_is_exactly_one_line(bad_run, name: str) -> None:
    run = bad_run(name)
    assert run.stderr.splitlines() == run.lines[:1], repr(run.stderr[:300])


@pytest.mark.parametrize(
    "args",
    [["query", "ASK {}", "--format", "xml"], ["no-such-command"], ["query"]],
    ids=["bad-option", "bad-command", "missing-argument"],
)
def test_cli_usage_error_has_no_traceback(args: list[str], tmp_path: Path) -> None:
    run = kg(*args, cwd=tmp_path)
    assert "Traceback" not in run.stderr, run.stderr[-300:]
    assert run.code == 2


def test_cli_query_failing_service_is_one_error_line(sample_outputs: Path) -> None:
    # Oxigraph refuses port 9 itself: no request is sent anywhere.
    run = kg("query", "SELECT * WHERE { SERVICE <http://127.0.0.1:9/s> { ?s ?p ?o } }", "-g", sample_outputs)
    assert "Traceback" not in run.stderr, run.stderr[-300:]
    assert run.code == 2
    assert [line for line in run.lines if line.startswith(ERROR_PREFIX)] == run.lines[:1]


# --- kg build ----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def mixed_build(sample_paper, tmp_path_factory) -> tuple[Run, Path]:
    """A batch of a good JSON-lines file with two real papers and a binary file."""
    tmp = tmp_path_factory.mktemp("mixed")
    good = write_jsonl(
        tmp / "good.jsonl", [record(sample_paper(FAMO2O_TITLE)), record(sample_paper(SAFE_RL_TITLE))]
    )
    bad = tmp / "scan.jsonl"
    bad.write_bytes(b"\x00\x01\x02\x03 not text")
    out = tmp / "out"
    return kg("build", good, bad, "--out", out, cwd=tmp), out


def test_cli_build_mixed_batch_keeps_the_good_papers(mixed_build) -> None:
    run, out = mixed_build
    assert "Traceback" not in run.stderr
    assert "2 papers" in run.stdout
    errors = [line for line in run.lines if line.startswith(ERROR_PREFIX)]
    assert len(errors) == 1 and "scan.jsonl" in errors[0]
    titles = KnowledgeGraph.load(out).papers()["title"].tolist()
    assert sorted(t[:20] for t in titles) == sorted([FAMO2O_TITLE[:20], SAFE_RL_TITLE[:20]])


def test_cli_build_mixed_batch_exits_0_and_lists_the_problem(mixed_build) -> None:
    run, out = mixed_build
    assert run.code == 0
    (line,) = (out / "problems.txt").read_text(encoding="utf-8").splitlines()
    assert line.startswith("input: ") and "scan.jsonl" in line


def test_cli_build_strict_exits_1_when_anything_could_not_be_used(sample_paper, tmp_path: Path) -> None:
    good = write_jsonl(tmp_path / "good.jsonl", [record(sample_paper(FAMO2O_TITLE))])
    (tmp_path / "bad.jsonl").write_text('{"title": ""}\n', encoding="utf-8")
    run = kg("build", good, tmp_path / "bad.jsonl", "--out", tmp_path / "out", "--strict", cwd=tmp_path)
    assert run.code == 1 and "1 papers built" in run.stdout


@pytest.mark.parametrize("kind", ["file", "brackets"])
def test_cli_build_checks_the_output_folder_first(kind: str, sample_paper, tmp_path: Path) -> None:
    """An --out that cannot take the outputs fails at once; rich markup in it is printed as is."""
    good = write_jsonl(tmp_path / "good.jsonl", [record(sample_paper(FAMO2O_TITLE))])
    out = tmp_path / ("taken.txt" if kind == "file" else "out[/]")
    if kind == "file":
        out.write_text("not a folder", encoding="utf-8")
    run = kg("build", good, "--out", out, cwd=tmp_path)
    assert "Traceback" not in run.stderr
    if kind == "file":
        assert run.code == 2 and run.lines == [f"kg: error: --out {out}: is a file, not a folder"]
    else:
        assert run.code == 0 and f"to {out}/" in run.stdout


@pytest.fixture(scope="module")
def hostile_build(sample_paper, tmp_path_factory) -> tuple[Run, Path, dict]:
    """Three real papers: one with a script tag in its title and an id with spaces and quotes,
    one as it is, and one whose abstract is empty."""
    tmp = tmp_path_factory.mktemp("hostile")
    famo2o = sample_paper(FAMO2O_TITLE)
    rows = [
        record(famo2o, title=HOSTILE_TITLE_PREFIX + famo2o.title, id=HOSTILE_ID),
        record(sample_paper(SAFE_RL_TITLE)),
        record(sample_paper(UNI_O4_TITLE), abstract=""),
    ]
    source = write_jsonl(tmp / "hostile papers.jsonl", rows)
    out = tmp / "out dir"
    return kg("build", source, "-o", out, cwd=tmp), out, {"famo2o": rows[0], "empty": rows[2]}


def test_cli_build_hostile_input_succeeds(hostile_build) -> None:
    run, out, _ = hostile_build
    assert run.code == 0, run.stderr[-800:]
    assert "Traceback" not in run.stderr
    assert "3 papers" in run.stdout
    assert not [line for line in run.lines if line.startswith(ERROR_PREFIX)]
    assert {p.name for p in out.iterdir()} >= {"kg.nt", "kg.nq", "kg.ttl", "kg.jsonld", "explorer.html"}


def test_cli_build_warns_about_empty_abstract(hostile_build) -> None:
    run, out, rows = hostile_build
    (warning,) = run.lines
    assert warning.startswith("kg: warning: 1 ") and "no abstract" in warning
    papers = KnowledgeGraph.load(out).papers()
    assert rows["empty"]["title"] in papers["title"].tolist()


def test_cli_build_empty_abstract_paper_has_title_but_no_abstract(hostile_build) -> None:
    _, out, rows = hostile_build
    graph = Graph().parse(out / "kg.nt", format="nt")
    (paper,) = graph.subjects(DCTERMS.title, Literal(rows["empty"]["title"]))
    assert (paper, RDF.type, KG.Paper) in graph
    assert list(graph.objects(paper, DCTERMS.abstract)) == []


def test_cli_build_hostile_title_and_id_are_valid_rdf(hostile_build) -> None:
    _, out, rows = hostile_build
    graph = Graph().parse(out / "kg.nt", format="nt")
    (paper,) = graph.subjects(DCTERMS.title, Literal(rows["famo2o"]["title"]))
    assert graph.value(paper, DCTERMS.identifier) == Literal(HOSTILE_ID)
    assert not set(str(paper)) & set(' "<>{}|\\^`'), str(paper)
    proposed = {str(graph.value(e, KG.entityKey)) for e in graph.objects(paper, KG.proposes)}
    assert "familyofflinetoonlinerl" in proposed


@pytest.mark.parametrize(
    ("name", "fmt"),
    [("kg.ttl", "turtle"), ("kg.jsonld", "json-ld"), ("kg.nq", "nquads"), ("kg.trig", "trig")],
)
def test_cli_build_hostile_outputs_parse(hostile_build, name: str, fmt: str) -> None:
    _, out, rows = hostile_build
    dataset = Dataset()
    dataset.parse(out / name, format=fmt)
    titles = {str(o) for _, _, o, _ in dataset.quads((None, DCTERMS.title, None, None))}
    assert rows["famo2o"]["title"] in titles


def test_cli_build_hostile_title_is_escaped_in_explorer(hostile_build) -> None:
    _, out, rows = hostile_build
    titles = KnowledgeGraph.load(out).papers()["title"].tolist()
    assert rows["famo2o"]["title"] in titles  # what markup cleaning leaves is still hostile
    page = (out / "explorer.html").read_text(encoding="utf-8")
    assert "alert(1)" in page
    assert HOSTILE_TITLE_PREFIX.strip() not in page


def test_cli_build_reads_a_latin1_file_with_a_warning(tmp_path: Path) -> None:
    source = tmp_path / "latin1.jsonl"
    source.write_bytes(
        '{"title": "Caf\xe9 Policies", "abstract": "We study caf\xe9 robots."}\n'.encode("latin-1")
    )
    run = kg("build", source, "--out", tmp_path / "out", cwd=tmp_path)
    assert run.code == 0 and "1 papers built" in run.stdout
    assert [line for line in run.lines if "not UTF-8" in line and line.startswith("kg: warning: ")]
    assert KnowledgeGraph.load(tmp_path / "out").papers()["title"].tolist() == ["Caf\xe9 Policies"]


def test_cli_build_then_query_and_stats(hostile_build) -> None:
    _, out, _ = hostile_build
    run = kg("query", "SELECT ?id WHERE { ?p dcterms:identifier ?id }", "-g", out, "-f", "json")
    assert run.code == 0, run.stderr
    assert HOSTILE_ID in {row["id"] for row in json.loads(run.stdout)}
    stats = kg("stats", "-g", out)
    assert stats.code == 0, stats.stderr
    assert "papers    3" in stats.stdout.splitlines()
    assert "graphs    6" in stats.stdout.splitlines()
