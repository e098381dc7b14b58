"""The output folder: one generation at a time, switched at once, locked, cleaned up."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from kg.errors import KgError
from kg.export.folder import CURRENT, GENERATIONS, OutputFolder


def generation(folder: OutputFolder, **files: str) -> Path:
    new = folder.new_generation()
    for name, text in files.items():
        (new / name.replace("_", ".")).write_text(text, encoding="utf-8")
    return new


def test_folder_commit_shows_every_file_of_the_generation(tmp_path: Path) -> None:
    with OutputFolder(tmp_path) as folder:
        folder.commit(generation(folder, kg_nq="one", stats_json="1"))
    assert (tmp_path / "kg.nq").read_text() == "one"
    assert (tmp_path / "stats.json").read_text() == "1"
    assert os.readlink(tmp_path / "kg.nq") == f"{CURRENT}/kg.nq"


def test_folder_names_change_together_and_dropped_names_go(tmp_path: Path) -> None:
    with OutputFolder(tmp_path) as folder:
        folder.commit(generation(folder, kg_nq="one", kg_ttl="one"))
    with OutputFolder(tmp_path) as folder:
        folder.commit(generation(folder, kg_nq="two"))
    assert (tmp_path / "kg.nq").read_text() == "two"
    assert not (tmp_path / "kg.ttl").exists() and not (tmp_path / "kg.ttl").is_symlink()


def test_folder_uncommitted_generation_is_never_shown_and_is_removed(tmp_path: Path) -> None:
    with OutputFolder(tmp_path) as folder:
        folder.commit(generation(folder, kg_nq="one"))
    with pytest.raises(RuntimeError), OutputFolder(tmp_path) as folder:
        generation(folder, kg_nq="half")
        raise RuntimeError("killed")
    assert (tmp_path / "kg.nq").read_text() == "one"
    assert len(list((tmp_path / GENERATIONS).iterdir())) == 1


def test_folder_cleans_what_a_killed_build_left(tmp_path: Path) -> None:
    with OutputFolder(tmp_path) as folder:
        folder.commit(generation(folder, kg_nq="one"))
    dead = tmp_path / GENERATIONS / "19990101T000000-1"  # a build killed before it committed
    dead.mkdir()
    (tmp_path / ".kg.nq.x.tmp").write_text("half")
    with OutputFolder(tmp_path):
        pass
    assert not dead.exists() and not (tmp_path / ".kg.nq.x.tmp").exists()
    assert (tmp_path / "kg.nq").read_text() == "one"


def test_folder_keeps_the_previous_generation_only(tmp_path: Path) -> None:
    made = []
    for text in ("one", "two", "three"):
        with OutputFolder(tmp_path) as folder:
            made.append(generation(folder, kg_nq=text))
            folder.commit(made[-1])
    assert sorted(p.name for p in (tmp_path / GENERATIONS).iterdir()) == [made[1].name, made[2].name]


def test_folder_one_writer_at_a_time(tmp_path: Path) -> None:
    with OutputFolder(tmp_path), pytest.raises(KgError, match="another build"), OutputFolder(tmp_path):
        pass


def test_folder_replaces_the_files_of_an_older_layout(tmp_path: Path) -> None:
    (tmp_path / "kg.nq").write_text("old file")
    (tmp_path / "store").mkdir()
    (tmp_path / "store" / "CURRENT").write_text("old store")
    with OutputFolder(tmp_path) as folder:
        new = generation(folder, kg_nq="new")
        (new / "store").mkdir()
        folder.commit(new)
    assert (tmp_path / "kg.nq").read_text() == "new"
    assert (tmp_path / "store").is_symlink() and not (tmp_path / "store" / "CURRENT").exists()
