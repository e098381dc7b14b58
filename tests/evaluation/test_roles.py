"""``kg evaluate --roles``: paper roles of the built sample graph scored against a hand-made gold file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kg.errors import InputError
from kg.evaluation.roles import evaluate_roles, load_gold
from tests.helpers import kg

FAMO2O = "Train Once, Get a Family: State-Adaptive Balances for Offline-to-Online Reinforcement Learning"
MDT = "Multimodal Diffusion Transformer: Learning Versatile Behavior from Multimodal Goals"

#: Two real sample papers and one that is not in the sample. Hand-computed against the graph:
#: FamO2O proposes FamO2O (alias "Family Offline-to-Online RL") and is evaluated on D4RL; RL, a
#: learning paradigm, is a problem setting, not a method it uses (and its one mention is no main task);
#: MDT proposes MDT, is evaluated on CALVIN and LIBERO, uses nothing named and addresses
#: "long-horizon manipulation".
GOLD = {
    "papers": [
        {
            "title": FAMO2O.upper(),  # titles match as paper keys: case and punctuation do not count
            "proposed": [{"name": "Family Offline-to-Online RL", "aliases": ["famo2o"]}],
            "uses_methods": [{"name": "reinforcement learning", "aliases": ["RL"]}],
            "benchmarks": [{"name": "D4RL", "aliases": []}, {"name": "NetHack", "aliases": []}],
            "tasks": ["offline-to-online fine-tuning"],
        },
        {
            "title": MDT,
            "proposed": [],
            "uses_methods": [{"name": "CLIP", "aliases": []}],
            "benchmarks": ["CALVIN", {"name": "libero", "aliases": []}],
            "tasks": ["long-horizon manipulation"],
        },
        {
            "title": "A Paper the Sample Does Not Have",
            "proposed": [{"name": "Ghost", "aliases": []}],
            "uses_methods": [],
            "benchmarks": [{"name": "Atari", "aliases": []}],
            "tasks": [],
        },
    ]
}


@pytest.fixture
def gold_file(tmp_path: Path) -> Path:
    path = tmp_path / "gold.json"
    path.write_text(json.dumps(GOLD), encoding="utf-8")
    return path


def test_evaluate_roles_hand_computed_figures(sample_kg, gold_file: Path) -> None:
    report = evaluate_roles(sample_kg, gold_file)
    # proposed: FamO2O found (by its alias, case-insensitively), Ghost not; edges FamO2O (right), MDT (wrong)
    assert report["proposed"] == {
        "recall": 0.5,
        "precision": 0.5,
        "found": 1,
        "gold": 2,
        "edges": 2,
        "right_edges": 1,
    }
    assert report["benchmarks"] == {"recall": 0.6, "found": 3, "gold": 5}  # D4RL, CALVIN, libero
    assert report["uses_methods"] == {"recall": 0.0, "found": 0, "gold": 2}  # neither RL nor CLIP
    assert report["tasks"] == {"recall": 0.5, "found": 1, "gold": 2}
    assert report["papers_missing"] == ["A Paper the Sample Does Not Have"]
    assert {"paper": MDT, "item": "CLIP"} in report["misses"]["uses_methods"]
    assert [w["entity"] for w in report["wrong_proposals"]] == ["mdt"]


def test_evaluate_roles_cli_json_and_table(sample_outputs: Path, gold_file: Path) -> None:
    done = kg("evaluate", "--roles", gold_file, "--graph", sample_outputs, "--format", "json")
    assert done.code == 0, done.stderr
    report = json.loads(done.stdout)
    assert (report["proposed"]["recall"], report["proposed"]["precision"]) == (0.5, 0.5)
    assert report["benchmarks"]["recall"] == 0.6
    table = kg("evaluate", "--roles", gold_file, "--graph", sample_outputs)
    assert table.code == 0, table.stderr
    assert "evaluatedOn" in table.stdout and "0.600" in table.stdout and "3 / 5" in table.stdout
    assert "3 gold papers, 1 not in the graph" in table.stdout


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{", "not a JSON file"),
        ('{"papers": []}', "non-empty list 'papers'"),
        ('{"papers": [{"name": "x"}]}', "paper 1: expected an object with a 'title'"),
        ('{"papers": [{"title": "T", "benchmarks": "D4RL"}]}', "'benchmarks' must be a list"),
        ('{"papers": [{"title": "T", "proposed": [{"name": "X", "aliases": "Y"}]}]}', "aliases of 'X'"),
    ],
)
def test_evaluate_roles_bad_gold_is_one_line_error(
    sample_outputs: Path, tmp_path: Path, content: str, message: str
) -> None:
    path = tmp_path / "gold.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(InputError, match=message.replace("(", r"\(")):
        load_gold(path)
    done = kg("evaluate", "--roles", path, "--graph", sample_outputs)
    assert done.code == 2
    assert len(done.lines) == 1 and done.lines[0].startswith("kg: error: ") and message in done.lines[0]


def test_evaluate_needs_exactly_one_gold(tmp_path: Path) -> None:
    done = kg("evaluate", cwd=tmp_path)
    assert done.code == 2 and "give one of --gold FILE" in done.stderr


def test_evaluate_roles_paper_without_role_edges_is_in_the_graph(sample_kg, tmp_path: Path) -> None:
    """A sample paper the rules link to nothing is scored as all misses, not reported missing."""
    (title,) = next(
        row
        for row in sample_kg.query(
            "SELECT ?title WHERE { ?p a kg:Paper ; dcterms:title ?title . FILTER NOT EXISTS "
            "{ ?p kg:proposes|kg:uses|kg:evaluatedOn|kg:addresses ?e } } ORDER BY ?title LIMIT 1"
        ).rows
    )
    path = tmp_path / "gold.json"
    item = {"name": "Nothing Linked", "aliases": []}
    path.write_text(json.dumps({"papers": [{"title": title, "proposed": [item]}]}), encoding="utf-8")
    report = evaluate_roles(sample_kg, path)
    assert report["papers_missing"] == []
    assert report["proposed"]["found"] == 0 and report["proposed"]["gold"] == 1
