"""Atomic publication of built stores.

Each build writes into its own folder under ``build/stores/``. Only a build that
passed validation is published, by pointing the ``build/current`` symlink at it
with one atomic rename; readers that resolve ``current`` see the old store or the
new one, never a half-written one. A failed build is moved to ``build/failed/``
with its report and the last good store stays current.

A server holds a *lease* on the build folder it serves: a shared ``flock`` on the
folder itself, kept while it serves that build and let go by the kernel if the server
dies. Pruning removes only a folder it can lock exclusively, so a build never deletes
a store a running server uses; a folder skipped for that is removed by a later build
once it is free.
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

STORE_FOLDER = "oxigraph"
DUMP_FILE = "graph.nq"
MANIFEST_FILE = "manifest.json"


class NoPublishedGraph(RuntimeError):
    """Nothing has been published yet: run `nhskg build` first."""


@dataclass(frozen=True)
class BuildFolder:
    path: Path

    @property
    def store(self) -> Path:
        return self.path / STORE_FOLDER

    @property
    def dump(self) -> Path:
        return self.path / DUMP_FILE

    @property
    def manifest(self) -> Path:
        return self.path / MANIFEST_FILE

    @property
    def build_id(self) -> str:
        return self.path.name

    def read_manifest(self) -> dict[str, object]:
        data: dict[str, object] = json.loads(self.manifest.read_text(encoding="utf-8"))
        return data


def new_build_folder(build_dir: Path, build_id: str) -> BuildFolder:
    folder = build_dir / "stores" / build_id
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    return BuildFolder(folder)


def current(build_dir: Path) -> BuildFolder:
    """The published build; NoPublishedGraph when there is none."""
    link = build_dir / "current"
    if not link.exists():
        raise NoPublishedGraph(f"no published graph in {build_dir}: run `nhskg build` first")
    return BuildFolder(link.resolve())


def current_target(build_dir: Path) -> str | None:
    """Where build/current points, read without resolving it (a cheap check for a new
    build); None when nothing is published."""
    try:
        return os.readlink(build_dir / "current")
    except OSError:
        return None


class Lease:
    """A shared lock on one build folder: while it is held, no build prunes the folder."""

    def __init__(self, folder: BuildFolder, fd: int) -> None:
        self.folder = folder
        self._fd: int | None = fd

    @property
    def held(self) -> bool:
        return self._fd is not None

    def release(self) -> None:
        """Let the folder go (closing the descriptor drops the lock); idempotent."""
        fd, self._fd = self._fd, None
        if fd is not None:
            os.close(fd)


def lease(folder: BuildFolder) -> Lease | None:
    """A lease on ``folder``; None when it is gone or being pruned."""
    try:
        fd = os.open(folder.path, os.O_RDONLY | os.O_DIRECTORY)
    except FileNotFoundError:
        return None
    try:
        fcntl.flock(fd, fcntl.LOCK_SH)  # waits while a build prunes it, which is brief
        # A pruned folder is unlinked (or, if pruning stopped half way, has lost its
        # manifest, which goes first): only a whole folder is served.
        if os.fstat(fd).st_nlink == 0 or not folder.manifest.is_file():
            os.close(fd)
            return None
    except BaseException:
        os.close(fd)
        raise
    return Lease(folder, fd)


def lease_current(build_dir: Path) -> Lease:
    """A lease on the published build (see :func:`lease`); NoPublishedGraph when there
    is none."""
    for _ in range(10):  # the folder current named was pruned meanwhile: read it again
        held = lease(current(build_dir))
        if held is not None:
            return held
    raise NoPublishedGraph(f"the published graph in {build_dir} kept being replaced")


def publish(build_dir: Path, folder: BuildFolder, *, keep: int) -> None:
    """Point build/current at ``folder`` atomically, then prune old builds."""
    link = build_dir / "current"
    tmp = build_dir / f".current-{os.getpid()}"
    if tmp.is_symlink() or tmp.exists():
        tmp.unlink()
    tmp.symlink_to(folder.path.relative_to(build_dir))
    os.replace(tmp, link)
    _prune(build_dir / "stores", keep_besides=folder.path, keep=keep)


def reject(build_dir: Path, folder: BuildFolder, report: str) -> Path:
    """Move a build that failed validation aside, with its report; return where."""
    failed = build_dir / "failed" / folder.build_id
    if failed.exists():
        shutil.rmtree(failed)
    failed.parent.mkdir(parents=True, exist_ok=True)
    shutil.rmtree(folder.store, ignore_errors=True)
    shutil.move(str(folder.path), failed)
    (failed / "validation-report.txt").write_text(report, encoding="utf-8")
    _prune(build_dir / "failed", keep_besides=failed, keep=2)
    return failed


def _prune(parent: Path, *, keep_besides: Path, keep: int) -> None:
    others = sorted(
        (p for p in parent.iterdir() if p.is_dir() and p.resolve() != keep_besides.resolve()),
        key=lambda p: p.stat().st_mtime,
        reverse=True,
    )
    for old in others[keep:]:
        _remove_if_free(BuildFolder(old))


def _remove_if_free(folder: BuildFolder) -> bool:
    """Remove ``folder`` unless a server holds a lease on it; whether it was removed."""
    try:
        fd = os.open(folder.path, os.O_RDONLY | os.O_DIRECTORY)
    except FileNotFoundError:
        return True
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False  # served: a later build removes it once it is free
        folder.manifest.unlink(missing_ok=True)  # first: a half-removed folder is never served
        shutil.rmtree(folder.path, ignore_errors=True)
        return not folder.path.exists()
    finally:
        os.close(fd)
