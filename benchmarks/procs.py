"""Child processes measured one at a time: wall time and peak memory of each.

`run_measured` starts a command and reaps it with ``os.wait4``, whose resource usage
is that one child's (and the children it waited for): ``ru_maxrss`` is its own peak
resident set, not the largest of every child this process ever had, as
``RUSAGE_CHILDREN`` would give.
"""

from __future__ import annotations

import os
import resource
import signal
import subprocess
import time
from collections.abc import Mapping, Sequence
from contextlib import nullcontext
from dataclasses import dataclass
from pathlib import Path


def peak_mb(who: int = resource.RUSAGE_SELF) -> float:
    """Peak resident memory in MB of this process (or, with ``resource.RUSAGE_CHILDREN``,
    the largest of its reaped children)."""
    return round(resource.getrusage(who).ru_maxrss / 1024, 1)


@dataclass(frozen=True)
class Measured:
    returncode: int
    seconds: float
    peak_mb: float
    timed_out: bool = False


def run_measured(
    args: Sequence[str],
    *,
    env: Mapping[str, str] | None = None,
    log: Path | None = None,
    timeout_s: float | None = None,
) -> Measured:
    """Run ``args`` to the end (or kill it after ``timeout_s``), output to ``log``."""
    with log.open("wb") if log else nullcontext(subprocess.DEVNULL) as out:
        started = time.perf_counter()
        process = subprocess.Popen(
            list(args), env=dict(env) if env else None, stdout=out, stderr=subprocess.STDOUT
        )
        deadline = None if timeout_s is None else time.monotonic() + timeout_s
        timed_out = False
        while True:
            pid, status, usage = os.wait4(process.pid, 0 if deadline is None else os.WNOHANG)
            if pid:
                break
            if deadline is not None and time.monotonic() > deadline:
                timed_out = True
                os.kill(process.pid, signal.SIGKILL)
                deadline = None  # now wait for it to go
                continue
            time.sleep(0.1)
        seconds = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)  # reaped here, not by Popen
    return Measured(
        process.returncode, round(seconds, 2), round(usage.ru_maxrss / 1024, 1), timed_out
    )


def tail(path: Path, lines: int = 15) -> str:
    """The last lines of a log, to say why a child failed."""
    if not path.exists():
        return ""
    return "\n".join(path.read_text(encoding="utf-8", errors="replace").splitlines()[-lines:])
