"""Which memory allocator the query workers run with.

Oxigraph allocates and frees memory for nearly every solution it joins, and in a
Python process that memory comes from glibc's malloc, which took about a fifth of a
query worker's CPU time in a profile. Worse, a worker that has answered a query with a
large answer stays slower for every query after it: at 10 million quads one
organisation's evidence took 94 ms in a fresh process and 117 ms after NHS England's
(42,783 rows), its heap fragmented. With jemalloc preloaded the same query took 68 ms,
before and after, and the SPARQL endpoint's workers spent about 15% less CPU a query.

So the query workers (:mod:`nhskg.graph.query.query_worker`) start with jemalloc in
``LD_PRELOAD`` where the system has it (Debian's libjemalloc2, which ``make setup``
installs when it runs as root). ``NHSKG_QUERY_ALLOCATOR`` chooses: ``auto`` (jemalloc
if found, else the system's malloc), ``system``, or the path of a malloc library to
preload instead.
"""

from __future__ import annotations

import ctypes.util
import os
from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path

JEMALLOC = "libjemalloc.so.2"
CHOICES = ("auto", "system")


@lru_cache(maxsize=1)
def _system_jemalloc() -> str | None:
    """jemalloc's shared library as the dynamic loader finds it, if the system has it."""
    return ctypes.util.find_library("jemalloc")


def check_setting(setting: str) -> str:
    """``setting`` itself if it is 'auto', 'system' or a file; ValueError if not."""
    if setting in CHOICES or Path(setting).is_file():
        return setting
    raise ValueError(
        f"{setting!r} is not a file; give 'auto', 'system' or the path of a malloc "
        f"library to preload (such as {JEMALLOC})"
    )


def preloaded_library(setting: str) -> str | None:
    """What the workers preload for ``setting``: a library name or path, or None for
    the system's malloc."""
    if setting == "system":
        return None
    if setting == "auto":
        return _system_jemalloc()
    return check_setting(setting)


def describe(library: str | None) -> str:
    """The allocator in a few words, for the server's first message."""
    if library is None:
        return "the system's malloc"
    return Path(library).name


def environment(library: str | None, base: Mapping[str, str] | None = None) -> dict[str, str]:
    """``base`` (the current environment by default) with ``library`` first in
    LD_PRELOAD; unchanged for None."""
    env = dict(os.environ if base is None else base)
    if library is not None:
        env["LD_PRELOAD"] = " ".join(p for p in (library, env.get("LD_PRELOAD", "")) if p)
    return env


def mapped_allocator(pid: int) -> str | None:
    """The preloadable allocator (jemalloc, mimalloc or tcmalloc) mapped into process
    ``pid``, read from /proc; None if none is."""
    try:
        maps = Path(f"/proc/{pid}/maps").read_text()
    except OSError:
        return None
    for line in maps.splitlines():
        name = line.rsplit("/", 1)[-1] if "/" in line else ""
        if name.startswith(("libjemalloc", "libmimalloc", "libtcmalloc")):
            return name
    return None
