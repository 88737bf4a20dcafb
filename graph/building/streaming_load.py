"""Load the dump into a new store while the dump is being written.

Writing the dump is Python on one core; Oxigraph's bulk loader is Rust that can run
on another. :class:`StreamingLoad` starts a child process (this module, run as
``python -m nhskg.graph.building.streaming_load STORE``) that bulk-loads into a new store the
N-Quads it reads on its standard input; the build hands it each batch as the batch
is written to the dump, and waits for it once the dump is complete. The store holds
the same quads as a bulk load of the finished dump. The child then compacts the
store (Oxigraph's ``optimize``): a bulk load leaves overlapping files that make each
lookup of one node's triples several times slower.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path
from types import TracebackType

from nhskg.graph.query.store import OxigraphStore


class LoadFailed(RuntimeError):
    """The loading process stopped before the store was complete."""


class StreamingLoad:
    """A child process that bulk-loads into ``store_path`` what :meth:`write` sends."""

    def __init__(self, store_path: Path) -> None:
        self.store_path = store_path
        self._process = subprocess.Popen(
            [sys.executable, "-m", __name__, str(store_path)],
            stdin=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )

    def write(self, nquads: bytes) -> None:
        """Send N-Quads (whole lines) to the loader."""
        assert self._process.stdin is not None
        try:
            self._process.stdin.write(nquads)
        except BrokenPipeError:
            self._fail()

    def finish(self) -> float:
        """End the input and wait for the store to be complete; the seconds waited."""
        started = time.perf_counter()
        assert self._process.stdin is not None
        try:
            self._process.stdin.close()
        except BrokenPipeError:
            self._fail()
        if self._process.wait() != 0:
            self._fail()
        return time.perf_counter() - started

    def abort(self) -> None:
        """Stop the loader (the store it leaves is incomplete)."""
        if self._process.poll() is None:
            self._process.kill()
        self._process.wait()

    def _fail(self) -> None:
        self.abort()
        assert self._process.stderr is not None
        lines = self._process.stderr.read().decode("utf-8", "replace").strip().splitlines()
        raise LoadFailed(
            f"loading {self.store_path} stopped (exit {self._process.returncode})"
            + (f": {lines[-1]}" if lines else "")
        )

    def __enter__(self) -> StreamingLoad:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        if kind is not None:
            self.abort()


def load_stream(store_path: Path) -> None:
    """Bulk-load standard input (N-Quads) into a new store at ``store_path``, then compact it."""
    store = OxigraphStore.create(store_path)
    store.bulk_load_nquads(sys.stdin.buffer)
    store.optimize()


if __name__ == "__main__":
    load_stream(Path(sys.argv[1]))
