"""The examples in README.md and docs/ are run against the sample graph, so they cannot go stale.

Two kinds of example are checked, in a folder laid out like the repository after ``make run``
(``outputs/`` is the sample build of the ``sample_outputs`` fixture; ``data/``, ``docs/``, ``queries/``,
``benchmarks/`` and ``ontology/`` are the repository's):

* Python examples written as doctests (``>>> graph.stats()["papers"]`` then ``344``), one
  doctest per Markdown file, run with :mod:`doctest` from that folder;
* ``console`` code blocks: each ``$ COMMAND`` line is run by the shell (the virtualenv's ``kg``
  first on ``PATH``) and the lines below it must be its output, stdout and stderr together. A
  line ``...`` stands for any number of lines. Blocks marked ``bash`` are shown, not run.

A block that reads ``../shared/`` (data that is not part of the repository) runs only where that
folder exists. Timings and sizes cannot be checked: they live in docs/performance.md only.
"""

from __future__ import annotations

import doctest
import os
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.helpers import ROOT

DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]
SHARED = ROOT.parent / "shared"
OPTIONS = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE
_PARSER = doctest.DocTestParser()
_FENCE = re.compile(r"^```(\w*)[^\n]*\n(.*?)^```", re.MULTILINE | re.DOTALL)
_LINK = re.compile(r"\]\(([^)\s]+)\)")
_FENCE_LINE = re.compile(r"^```.*$", re.MULTILINE)


def _name(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


@dataclass(frozen=True)
class ConsoleExample:
    """One ``$ command`` of a console block and the output shown below it."""

    path: Path
    line: int
    command: str
    expected: tuple[str, ...]

    @property
    def id(self) -> str:
        return f"{_name(self.path)}:{self.line}"


def console_examples(path: Path) -> list[ConsoleExample]:
    """The commands of ``path``'s console blocks, each with the output the page shows."""
    text = path.read_text(encoding="utf-8")
    examples = []
    for fence in _FENCE.finditer(text):
        if fence.group(1) != "console":
            continue
        first_line = text.count("\n", 0, fence.start(2)) + 1
        command, start, output = None, 0, []
        for offset, line in enumerate(fence.group(2).splitlines()):
            if line.startswith("$ "):
                if command is not None:
                    examples.append(ConsoleExample(path, start, command, tuple(output)))
                command, start, output = line[2:], first_line + offset, []
            elif command is not None:
                output.append(line.rstrip())
        if command is not None:
            examples.append(ConsoleExample(path, start, command, tuple(output)))
    return examples


def matches(expected: list[str], actual: list[str]) -> bool:
    """Whether ``actual`` is ``expected`` line for line, a ``...`` line standing for any lines."""
    if not expected:
        return not actual
    if expected[0] == "...":
        return any(matches(expected[1:], actual[i:]) for i in range(len(actual) + 1))
    return bool(actual) and expected[0] == actual[0] and matches(expected[1:], actual[1:])


CONSOLE = [example for path in DOCS for example in console_examples(path)]


def python_examples(path: Path) -> str:
    """The page with its code fences blanked, so that a doctest's output ends where its block does."""
    return _FENCE_LINE.sub("", path.read_text(encoding="utf-8"))


DOCTESTED = [path for path in DOCS if _PARSER.get_examples(python_examples(path))]


@pytest.fixture(scope="module")
def checkout(sample_outputs: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder laid out like the repository after ``make run``, its outputs the sample build."""
    root = tmp_path_factory.mktemp("docs") / "main"
    root.mkdir()
    for name in ("data", "docs", "queries", "benchmarks", "ontology"):
        (root / name).symlink_to(ROOT / name)
    (root / "outputs").symlink_to(sample_outputs)
    if SHARED.is_dir():
        (root.parent / "shared").symlink_to(SHARED)
    return root


def test_docs_console_examples_found():
    """The pages do show console examples (a renamed fence would silently check nothing)."""
    assert len(CONSOLE) >= 10
    assert len(DOCTESTED) >= 2


@pytest.mark.parametrize("example", CONSOLE, ids=lambda e: e.id)
def test_docs_console_example_output(example: ConsoleExample, checkout: Path):
    if "../shared/" in example.command and not SHARED.is_dir():
        pytest.skip(f"{SHARED} is not here")
    env = {**os.environ, "COLUMNS": "200", "NO_COLOR": "1", "PYTHONIOENCODING": "utf-8"}
    env.pop("FORCE_COLOR", None)
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    done = subprocess.run(
        ["bash", "-c", example.command],
        cwd=checkout,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        encoding="utf-8",
        timeout=300,
    )
    actual = [line.rstrip() for line in done.stdout.rstrip("\n").splitlines()]
    expected = list(example.expected)
    while expected and not expected[-1]:
        expected.pop()
    shown = "\n".join(expected)
    assert matches(expected, actual), (
        f"{example.id}: $ {example.command}\n--- shown\n{shown}\n--- got\n{done.stdout}"
    )


@pytest.mark.parametrize("path", DOCTESTED, ids=_name)
def test_docs_python_examples(path: Path, checkout: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.chdir(checkout)
    test = _PARSER.get_doctest(python_examples(path), {}, _name(path), str(path), 0)
    runner = doctest.DocTestRunner(optionflags=OPTIONS)
    report: list[str] = []
    runner.run(test, out=report.append)
    assert runner.failures == 0, "".join(report)


@pytest.mark.parametrize("path", DOCS, ids=_name)
def test_docs_links_resolve(path: Path):
    """Every relative link of a page names a file or folder of the repository."""
    text = path.read_text(encoding="utf-8")
    broken = [
        target
        for target in _LINK.findall(text)
        if not re.match(r"[a-z]+:", target)
        and not target.startswith("#")
        and not (path.parent / target.split("#")[0]).exists()
    ]
    assert not broken, f"{_name(path)} links to missing files: {broken}"


@pytest.mark.parametrize("path", DOCS, ids=_name)
def test_docs_speak_of_the_project_only(path: Path):
    """User documentation tells what kg does, not how its development went."""
    words = re.findall(r"\b(sessions?|rounds?)\b", path.read_text(encoding="utf-8"), re.IGNORECASE)
    assert not words, f"{_name(path)} speaks of {sorted(set(words))}"
