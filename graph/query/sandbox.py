"""The query workers' second barrier: no way out to any network, however the server was
started (the SPARQL guard is the first; each must hold alone).

A worker calls :func:`isolate` before it opens the store and tells the server what it
got (an :class:`Isolation`). The barriers, strongest first: ``netns``, a network
namespace of its own, with no interface but a loopback that is down (needs
CAP_SYS_ADMIN, so root); else ``userns``, a user namespace with a network namespace in
it (any user, where the kernel allows unprivileged user namespaces; it maps the
worker's own uid and gid to themselves, so the store opens read-only as before); and on
top of either, ``seccomp``, a filter that refuses ``socket()`` for every address family
but AF_UNIX (the worker's pipe to the server is an AF_UNIX socket pair made before it),
``io_uring_setup`` (io_uring's requests would pass by the socket calls) and
``pidfd_getfd`` (a socket taken from another process). The filter is built with
pyseccomp: ctypes over the system's libseccomp.so.2 (Debian's libseccomp2), with the
API of libseccomp's own Python bindings, which are not published on PyPI; pure Python,
so nothing to compile, and libseccomp itself writes the BPF program, refuses calls made
through another architecture's ABI and loads the filter on every thread. Landlock's
network rules cover TCP bind and connect only (UDP, raw and netlink sockets pass), so
seccomp is the stronger choice. :func:`refusal` is what a worker with no barrier answers
a user's query with, unless the operator opted in to run it anyway.
"""

from __future__ import annotations

import ctypes
import errno
import os
import socket
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Literal

Mode = Literal["auto", "netns", "userns", "seccomp", "none"]
MODES: tuple[Mode, ...] = ("auto", "netns", "userns", "seccomp", "none")
CLONE_NEWNET = 0x40000000
CLONE_NEWUSER = 0x10000000
BARRIERS = {
    "netns": "a network namespace with no interfaces",
    "userns": "a user and network namespace with no interfaces",
    "seccomp": "a seccomp filter that refuses every socket but AF_UNIX",
}


@dataclass(frozen=True)
class Isolation:
    """What a worker set up (``barriers``, strongest first) for ``mode``, and why each
    barrier it tried and did not get failed (``problems``, one line each)."""

    mode: str
    barriers: tuple[str, ...] = ()
    problems: tuple[str, ...] = ()

    @property
    def isolated(self) -> bool:
        return bool(self.barriers)

    def describe(self) -> str:
        """The barriers in words, e.g. for `nhskg serve`'s first line."""
        if not self.barriers:
            return "no barrier to the network"
        return " and ".join(BARRIERS[name] for name in self.barriers)


class BarrierFailed(RuntimeError):
    """A barrier could not be set up here; the message says why."""


def isolate(mode: str, *, keep: Path | None = None) -> Isolation:
    """Put up the barriers ``mode`` asks for around this process, before it has threads.

    ``auto``: a network namespace, else a user and network namespace, and the seccomp
    filter on top (two layers where both can be had). ``netns``, ``userns``,
    ``seccomp``: that barrier alone (for tests and operators). ``none``: nothing.
    ``keep``: a file or folder the process must still read afterwards (the store).
    """
    if mode not in MODES:
        raise ValueError(f"worker isolation {mode!r}: expected one of {', '.join(MODES)}")
    if mode == "none":
        return Isolation(mode, problems=("NHSKG_WORKER_ISOLATION is none",))
    if not sys.platform.startswith("linux"):
        return Isolation(mode, problems=(f"no barrier is known on {sys.platform}",))
    barriers: list[str] = []
    problems: list[str] = []

    def attempt(name: str, setup: Callable[[], None]) -> None:
        try:
            setup()
            barriers.append(name)
        except (BarrierFailed, OSError, ImportError) as error:
            problems.append(f"{name}: {error}")

    # libseccomp is loaded first: in a user namespace, files the process could read
    # only by a capability (of the namespace it left) are out of reach.
    seccomp = _libseccomp() if mode in ("auto", "seccomp") else None
    if mode in ("auto", "netns"):
        attempt("netns", network_namespace)
    if mode == "userns" or (mode == "auto" and not barriers):
        attempt("userns", lambda: user_namespace(keep))
    if seccomp is not None:
        loaded = seccomp
        attempt("seccomp", lambda: socket_filter(loaded))
    return Isolation(mode, tuple(barriers), tuple(problems))


def _unshare(flags: int) -> None:
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.unshare(flags) != 0:
        code = ctypes.get_errno()
        raise BarrierFailed(f"unshare refused ({os.strerror(code)})")


def _no_interfaces() -> None:
    """Fail unless this network namespace has no interface but loopback (a fresh one)."""
    names = sorted(name for _, name in socket.if_nameindex() if name != "lo")
    if names:
        raise BarrierFailed(f"the network namespace has interfaces: {', '.join(names)}")


def network_namespace() -> None:
    """Move into a network namespace of our own (CAP_SYS_ADMIN needed)."""
    _unshare(CLONE_NEWNET)
    _no_interfaces()


def user_namespace(keep: Path | None = None) -> None:
    """Move into a user namespace of our own with a network namespace in it, our uid
    and gid mapped to themselves. The kernel allows it only while the process has one
    thread. There is no way back, and in it the capabilities of the namespace left
    behind no longer open files (root's reading of other users' files), so whether
    ``keep`` can still be read is tried first in a child process."""
    threads = len(os.listdir("/proc/self/task"))
    if threads > 1:
        raise BarrierFailed(f"the process already has {threads} threads")
    if keep is not None:
        _readable_in_user_namespace(keep)
    _enter_user_namespace()
    _no_interfaces()


def _enter_user_namespace() -> None:
    uid, gid = os.geteuid(), os.getegid()
    _unshare(CLONE_NEWUSER | CLONE_NEWNET)
    # Without the maps the kernel still checks files against our real ids; they only
    # keep getuid() and ownership as they were. The network is cut either way.
    try:
        Path("/proc/self/setgroups").write_text("deny")
        Path("/proc/self/uid_map").write_text(f"{uid} {uid} 1")
        Path("/proc/self/gid_map").write_text(f"{gid} {gid} 1")
    except OSError:
        pass


def _readable_in_user_namespace(path: Path) -> None:
    """Fail unless every file at ``path`` opens for reading from a user namespace."""
    reading, writing = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: say what went wrong, if anything, and exit at once
        os.close(reading)
        problem = ""
        try:
            _enter_user_namespace()
            for name in _files(path):
                os.close(os.open(name, os.O_RDONLY))
        except BaseException as error:  # anything at all is a reason to stay out
            problem = str(error) or type(error).__name__
        os.write(writing, problem.encode()[:4096])
        os._exit(0)
    os.close(writing)
    with os.fdopen(reading, "rb") as said:
        problem = said.read().decode(errors="replace")
    _, status = os.waitpid(pid, 0)
    if not problem and os.waitstatus_to_exitcode(status) != 0:
        problem = f"the trial exited with status {os.waitstatus_to_exitcode(status)}"
    if problem:
        raise BarrierFailed(f"the store could not be read from a user namespace ({problem})")


def _files(path: Path) -> Iterator[str]:
    """The files at ``path``: itself, or those in it at any depth."""
    if not path.is_dir():
        yield str(path)
        return
    for folder, _, names in os.walk(path, onerror=_raise):
        yield from (os.path.join(folder, name) for name in names)


def _raise(error: OSError) -> None:
    raise error


def _libseccomp() -> ModuleType | BarrierFailed:
    """pyseccomp (with the system's libseccomp loaded), or why it cannot be had."""
    try:
        import pyseccomp
    except (ImportError, RuntimeError) as error:  # RuntimeError: no libseccomp.so.2
        return BarrierFailed(f"libseccomp cannot be loaded ({error})")
    return pyseccomp


def socket_filter(seccomp: ModuleType | BarrierFailed) -> None:
    """Load the seccomp filter on every thread of this process, and check it holds."""
    if isinstance(seccomp, BarrierFailed):
        raise seccomp
    refuse = seccomp.ERRNO(errno.EACCES)
    rules = seccomp.SyscallFilter(seccomp.ALLOW)  # calls of another ABI: killed
    rules.set_attr(seccomp.Attr.CTL_TSYNC, 1)
    rules.add_rule(refuse, "socket", seccomp.Arg(0, seccomp.NE, socket.AF_UNIX))
    for call in ("io_uring_setup", "pidfd_getfd"):
        rules.add_rule(refuse, call)
    rules.load()
    for family in (socket.AF_INET, socket.AF_INET6, socket.AF_NETLINK):
        try:
            socket.socket(family, socket.SOCK_DGRAM).close()
        except PermissionError:
            continue
        raise BarrierFailed(f"the filter let a socket of {family.name} through")


def refusal(isolation: Isolation) -> str:
    """What a worker with no barrier answers a user's query with (status 503). Why the
    barriers failed is the operator's to read (`nhskg serve` says it, and the log)."""
    return (
        "user SPARQL is refused here: the query workers could not be isolated from the "
        f"network (NHSKG_WORKER_ISOLATION={isolation.mode}). The server's log says why; "
        "its operator may set NHSKG_ALLOW_UNISOLATED_SPARQL=true to run user SPARQL with "
        "the SPARQL guard as the only barrier"
    )


def announcement(isolation: Isolation | None, *, allow_unisolated: bool) -> tuple[str, str | None]:
    """For `nhskg serve`: the workers' barriers in a phrase, and a warning to give
    loudly (None if none is due)."""
    if isolation is None:
        return "of unknown isolation", "WARNING: no query worker started to say its isolation"
    if isolation.isolated:
        return f"cut off from the network by {isolation.describe()}", None
    why = "; ".join(isolation.problems)
    if allow_unisolated:
        consequence = (
            "NHSKG_ALLOW_UNISOLATED_SPARQL=true, so user SPARQL runs with the SPARQL guard as "
            "the only barrier"
        )
    else:
        consequence = (
            "user SPARQL (/sparql, /query/sparql) is refused with 503; set "
            "NHSKG_ALLOW_UNISOLATED_SPARQL=true to run it with the SPARQL guard as the only "
            "barrier"
        )
    warning = f"WARNING: the query workers are NOT isolated from the network ({why}); "
    return "NOT isolated from the network", warning + consequence
