"""An output folder whose files change together: each build writes a new *generation*.

    OUT/.generations/<id>/   kg.nq, store/, nodes.csv, ... of one build
    OUT/.current             symlink to the generation in use, switched by one rename
    OUT/kg.nq, OUT/store ... symlinks through .current, so every name shows that generation
    OUT/cache/               the extraction cache, shared by all generations
    OUT/.lock                held by the build writing the folder

A build writes its generation beside the current one and switches ``.current`` when every file
is complete, so after a kill at any moment the folder shows one whole build, the old or the
new. The previous generation is kept for readers that still have it open (a running
``kg serve``); older ones, and whatever a killed build left, are removed by the next build.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import time
from pathlib import Path

from kg.errors import KgError

GENERATIONS = ".generations"
CURRENT = ".current"
LOCK = ".lock"
#: The file a generation gets when it is committed.
COMPLETE = ".complete"
#: Folders of the output folder that are not part of a generation.
KEPT = frozenset({"cache", GENERATIONS})


class OutputFolder:
    """The output folder ``path``, locked for one writer while the ``with`` block runs."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)
        self._lock: int | None = None
        self._pending: list[Path] = []  # generations made and not committed

    # -- reading ----------------------------------------------------------------------------

    def current(self) -> Path | None:
        """The generation the folder shows, or None before the first build."""
        link = self.path / CURRENT
        return self.path / GENERATIONS / os.readlink(link).rsplit("/", 1)[-1] if link.is_symlink() else None

    # -- writing ----------------------------------------------------------------------------

    def __enter__(self) -> OutputFolder:
        self.path.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path / LOCK, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            raise KgError(
                f"{self.path}: another build is writing this folder; wait for it or use another --out"
            ) from None
        self._lock = fd
        self.clean()
        return self

    def __exit__(self, *exc: object) -> None:
        for generation in self._pending:  # the build failed before it committed
            _remove(generation)
        self._pending.clear()
        if self._lock is not None:
            fcntl.flock(self._lock, fcntl.LOCK_UN)
            os.close(self._lock)
            self._lock = None

    def new_generation(self) -> Path:
        """An empty folder for the next generation (not shown until :meth:`commit`)."""
        self._check_locked()
        now = time.time_ns()
        stamp = time.strftime("%Y%m%dT%H%M%S", time.gmtime(now // 1_000_000_000))
        name = f"{stamp}.{now % 1_000_000_000:09d}-{os.getpid()}"  # sorts in time order
        generation = self.path / GENERATIONS / name
        generation.mkdir(parents=True)
        self._pending.append(generation)
        return generation

    def commit(self, generation: Path) -> None:
        """Show ``generation``: switch ``.current`` to it in one rename, then point the names."""
        self._check_locked()
        self._pending.remove(generation)
        (generation / COMPLETE).touch()
        _fsync_tree(generation)
        _symlink(self.path / CURRENT, f"{GENERATIONS}/{generation.name}")
        names = {entry.name for entry in generation.iterdir() if not entry.name.startswith(".")}
        for name in sorted(names):
            target = self.path / name
            if target.is_symlink() and os.readlink(target) == f"{CURRENT}/{name}":
                continue
            if target.exists() and not target.is_symlink():
                self._retire(target)  # a file of an older kg, before generations
            _symlink(target, f"{CURRENT}/{name}")
        for entry in self.path.iterdir():  # names the new generation no longer has
            if (
                entry.is_symlink()
                and os.readlink(entry).startswith(f"{CURRENT}/")
                and entry.name not in names
            ):
                entry.unlink()
        self.clean()

    def clean(self) -> None:
        """Remove generations but the current and the previous one, and what killed builds left."""
        self._check_locked()
        generations = self.path / GENERATIONS
        current = self.current()
        keep = {current.name} if current else set()
        if generations.is_dir():
            older = sorted((g for g in generations.iterdir() if g.name not in keep), key=lambda g: g.name)
            finished = [g for g in older if (g / COMPLETE).exists()]
            if finished and current is not None:
                keep.add(finished[-1].name)  # the previous generation, for readers that have it open
            for entry in older:
                if entry.name not in keep:
                    _remove(entry)
        for entry in self.path.iterdir():
            if entry.name.startswith(".") and entry.name.endswith((".tmp", ".old", ".new")):
                _remove(entry)  # temporary files of an interrupted write

    def _retire(self, path: Path) -> None:
        aside = self.path / GENERATIONS / f"{path.name}.{os.getpid()}.old"
        aside.parent.mkdir(parents=True, exist_ok=True)
        os.rename(path, aside)
        _remove(aside)

    def _check_locked(self) -> None:
        if self._lock is None:
            raise KgError(f"{self.path}: write only inside `with OutputFolder(...)`")


def _symlink(path: Path, target: str) -> None:
    """Make ``path`` a symlink to ``target`` in one rename (readers see the old or the new link)."""
    tmp = path.with_name(f".{path.name}.new")
    tmp.unlink(missing_ok=True)
    os.symlink(target, tmp)
    os.replace(tmp, path)


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    else:
        path.unlink(missing_ok=True)


def _fsync_tree(folder: Path) -> None:
    """Flush every file of ``folder`` to disk before it is shown (a crash then shows whole files)."""
    for root, _dirs, files in os.walk(folder):
        for name in files:
            fd = os.open(os.path.join(root, name), os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)
