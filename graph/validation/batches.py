"""What the dump writer tells validation: the batches of the dump (the reference layer,
or a run of curated documents), where each lies in the file, and the closure
constraints tracked while it was written. Written by :mod:`nhskg.graph.building.dump`,
read by the layered validation and its worker pool."""

from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from nhskg.graph.validation.closure import ClosureTracker


@dataclass(frozen=True)
class Batch:
    """Quads written together: the reference layer, or a run of curated documents."""

    name: str
    digest: str  # sha256 of the batch's lines
    quads: int
    graphs: tuple[str, ...]
    offset: int  # where its lines start in the dump, in bytes
    size: int  # how many bytes they take

    def read(self, dump: Path) -> str:
        """The batch's lines, read back from the dump."""
        with dump.open("rb") as f:
            f.seek(self.offset)
            return f.read(self.size).decode("utf-8")


@dataclass
class DumpSummary:
    quads: int = 0
    digest: str = ""
    graphs: Counter[str] = field(default_factory=Counter)
    batches: list[Batch] = field(default_factory=list)
    counts: dict[str, str] = field(default_factory=dict)  # layer -> what it held
    closure: ClosureTracker = field(default_factory=ClosureTracker)
    # the running SHA-256 of every byte written so far, carried on by a later batch
    hasher: Any = field(default_factory=hashlib.sha256, repr=False, compare=False)
