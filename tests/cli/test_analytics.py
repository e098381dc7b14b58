"""``kg trends``, ``co-usage``, ``compare``, ``similar`` and ``communities`` on the sample outputs,
run as a user runs them."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from kg import KnowledgeGraph
from tests.helpers import ERROR_PREFIX, kg


def rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_cli_trends_writes_the_api_table_and_a_picture(sample_outputs, sample_kg: KnowledgeGraph, tmp_path):
    table, picture = tmp_path / "trends.csv", tmp_path / "trends.png"
    run = kg(
        "trends", "-g", sample_outputs, "--min-papers", "2", "--top", "5", "-o", table, "--plot", picture
    )
    assert run.code == 0, run.stderr
    expected = sample_kg.trends(top=5, min_papers=2)
    written = rows(table)
    assert [row["label"] for row in written] == expected["label"].tolist()
    assert {row["trend"] for row in written} == {"rising", "declining"}
    assert [float(row["slope"]) for row in written] == expected["slope"].tolist()
    assert picture.read_bytes().startswith(b"\x89PNG")
    assert expected["label"].iloc[0] in run.stdout


def test_cli_compare_writes_json_with_lists_and_evidence(sample_outputs, tmp_path):
    out = tmp_path / "compare.json"
    run = kg("compare", "IQL", "offline reinforcement learning", "-g", sample_outputs, "-o", out)
    assert run.code == 0, run.stderr
    records = json.loads(out.read_text(encoding="utf-8"))
    assert [r["label"] for r in records] == ["IQL", "offline RL"]
    assert isinstance(records[1]["benchmarks"], list) and records[1]["benchmarks"]
    assert all(r["evidence"] for r in records)
    assert "property" in run.stdout and "benchmarks" in run.stdout


def test_cli_similar_names_a_paper_by_title(sample_outputs, sample_kg: KnowledgeGraph, tmp_path):
    title = "A Mixture of Surprises for Unsupervised Reinforcement Learning"
    out = tmp_path / "similar.csv"
    run = kg("similar", title, "-g", sample_outputs, "--top", "3", "-o", out)
    assert run.code == 0, run.stderr
    assert [r["title"] for r in rows(out)] == sample_kg.similar(title, top=3)["title"].tolist()


def test_cli_co_usage_and_communities(sample_outputs, tmp_path):
    picture = tmp_path / "co-usage.svg"
    run = kg("co-usage", "-g", sample_outputs, "--columns", "Task", "--top", "6", "--plot", picture)
    assert run.code == 0, run.stderr
    assert "<svg" in picture.read_text(encoding="utf-8")
    out = tmp_path / "communities.csv"
    run = kg("communities", "-g", sample_outputs, "--top", "40", "-o", out)
    assert run.code == 0, run.stderr
    written = rows(out)
    assert len(written) <= 40 and {r["community"] for r in written} >= {"0", "1"}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["trends", "--type", "Model"], "unknown entity type 'Model'"),
        (["similar", "D4RL"], "an entity, not a paper"),
        (["compare", "IQL", "no such method anywhere"], "no paper or entity is called"),
        (["trends", "--min-papers", "2", "-o", "trends.txt"], "write the table as .csv or .json"),
        (["co-usage", "--plot", "heat.gif"], "a picture is written as"),
    ],
)
def test_cli_analytics_bad_input_is_one_error_line(sample_outputs, tmp_path, args, message):
    run = kg(*args, "-g", sample_outputs, cwd=tmp_path)
    assert run.code == 2
    assert run.lines == [run.lines[0]] and run.lines[0].startswith(ERROR_PREFIX)
    assert message in run.lines[0]
