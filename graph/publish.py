"""Atomic publication of built stores.

Each build writes into its own folder under ``build/stores/``. Only a build that
passed validation is published, by pointing the ``build/current`` symlink at it
with one atomic rename; readers that resolve ``current`` see the old store or the
new one, never a half-written one. A failed build is moved to ``build/failed/``
with its report and the last good store stays current.
"""

from __future__ import annotations

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
        shutil.rmtree(old, ignore_errors=True)
