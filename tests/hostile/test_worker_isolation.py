"""The second barrier: query workers reach no network, whatever the SPARQL guard lets
through and however the server is started (as root, as root without CAP_SYS_ADMIN,
as a user that is not root).

A real listener on 127.0.0.1 counts the connections it is offered and answers each
with a secret. Queries that call it with ``SERVICE`` run on the product's own
unguarded path (``TimeLimitedStore.query(..., guard=False)``), in the same workers as
users' queries, so only the sandbox stands between them and the listener: they must
make no connection, and no error may carry the secret. Through a real `nhskg serve`,
the workers it starts are checked from /proc (their own network namespace, their
seccomp filter) and asked the same queries through /sparql.
"""

from __future__ import annotations

import ctypes.util
import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path

import httpx
import pytest
from loopback import CountingListener, free_port, running, venv_command, worker_pids

from nhskg.graph.loopback import LISTENER_ANSWERS
from nhskg.graph.publish import current
from nhskg.graph.query.query_worker import QueryFailed, TimeLimitedStore
from nhskg.graph.query.sparql_guard import QueryRefused
from nhskg.graph.settings import Settings

COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
NOBODY = 65534


class Listener(CountingListener):
    """The shared counting listener, with the SERVICE calls that would reach it."""

    def queries(self) -> list[str]:
        """SERVICE calls to this listener, in several shapes."""
        url = f"http://127.0.0.1:{self.port}/sparql"
        return [
            f"SELECT * WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }}",
            f"SELECT * WHERE {{ SERVICE SILENT <{url}> {{ ?s ?p ?o }} }}",
            f"PREFIX x: <http://localhost:{self.port}/> SELECT * WHERE {{ SERVICE x: {{ ?s ?p ?o }} }}",
            f"ASK {{ ?a ?b ?c . SERVICE <{url}> {{ ?s ?p ?o }} }}",
        ]


@pytest.fixture
def listener() -> Iterator[Listener]:
    served = Listener()
    yield served
    served.close()


def _succeeds(command: Sequence[str]) -> bool:
    return subprocess.run(list(command), capture_output=True).returncode == 0


def available(mode: str, start: Sequence[str] = ()) -> bool:
    """Whether this kernel lets a process started with ``start`` have the barrier at
    all, judged by other tools than ours (util-linux's unshare, the system's
    libseccomp)."""
    if mode == "netns":
        return _succeeds([*start, "unshare", "--net", "true"])
    if mode == "userns":
        return _succeeds([*start, "unshare", "--user", "--net", "true"])
    status = Path("/proc/self/status").read_text()
    return "Seccomp:" in status and ctypes.util.find_library("seccomp") is not None


def require(mode: str) -> None:
    """Skip when this kernel or user cannot have the barrier at all."""
    if not shutil.which("unshare"):
        pytest.skip("util-linux unshare is not installed to tell what the kernel allows")
    if not available(mode):
        reasons = {
            "netns": "this kernel or user has no network namespaces (unshare --net fails)",
            "userns": "this kernel allows no user namespaces (unshare --user --net fails)",
            "seccomp": "this kernel has no seccomp filters, or libseccomp.so.2 is missing",
        }
        pytest.skip(reasons[mode])


def confinement(pid: int) -> tuple[bool, int]:
    """Whether process ``pid`` has a network namespace other than ours, and its seccomp
    mode (2: a filter), as /proc tells."""
    own = os.readlink(f"/proc/{pid}/ns/net") != os.readlink("/proc/self/ns/net")
    status = Path(f"/proc/{pid}/status").read_text()
    found = re.search(r"^Seccomp:\s+(\d+)", status, re.MULTILINE)
    return own, int(found.group(1)) if found else 0


@pytest.fixture
def store_path(national: Settings) -> Path:
    return current(national.build).store


@pytest.mark.parametrize("mode", ["netns", "userns", "seccomp"])
def test_a_service_call_past_the_guard_makes_no_connection(
    store_path: Path, listener: Listener, mode: str
) -> None:
    require(mode)
    store = TimeLimitedStore(store_path, timeout_s=10, isolation=mode)
    try:
        isolation = store.barriers()
        assert isolation is not None and isolation.barriers == (mode,), isolation
        for query in listener.queries():
            try:
                store.query(query, guard=False)  # SERVICE SILENT answers, with nothing
            except QueryFailed as failed:
                assert listener.secret not in str(failed)
        [pid] = store.worker_pids()
        own_network, seccomp = confinement(pid)
        assert own_network == (mode != "seccomp") and (seccomp == 2) == (mode == "seccomp")
    finally:
        store.close()
    assert listener.connections == 0


def test_auto_puts_up_a_namespace_and_the_filter_together(store_path: Path) -> None:
    require("netns")
    require("seccomp")
    store = TimeLimitedStore(store_path, timeout_s=10)
    try:
        isolation = store.barriers()
        assert isolation is not None and isolation.barriers == ("netns", "seccomp"), isolation
        assert confinement(store.worker_pids()[0]) == (True, 2)
    finally:
        store.close()


@pytest.mark.parametrize("answer", list(LISTENER_ANSWERS))
def test_without_a_barrier_the_remote_answer_stays_out_of_the_error(
    store_path: Path, capfd: pytest.CaptureFixture[str], answer: str
) -> None:
    """The control: with no barrier the call does reach the listener, so the tests
    above could fail; the secret in its answer goes to the log, never to the caller."""
    listener = Listener(answer)
    store = TimeLimitedStore(store_path, timeout_s=10, isolation="none")
    try:
        with pytest.raises(QueryFailed) as failed:
            store.query(listener.queries()[0], guard=False)
    finally:
        store.close()
        listener.close()
    assert listener.connections == 1
    assert listener.secret not in str(failed.value)
    assert "Error: the query could not be evaluated" in str(failed.value)
    assert listener.secret in capfd.readouterr().err


def test_a_user_namespace_that_would_hide_the_store_is_not_entered(
    store_path: Path, listener: Listener
) -> None:
    """Root reads a store in another user's private folder by its capabilities, which do
    not reach into a user namespace: the worker stays out, and so has no barrier, runs
    the product's queries and refuses users' (rather than dying at every start)."""
    require("userns")
    if os.geteuid() != 0:
        pytest.skip("only root can read another user's private folder")
    home = Path(tempfile.mkdtemp(prefix="nhskg-private-"))
    shutil.copytree(store_path, home / "store")
    for path in [home, *home.rglob("*")]:
        os.chown(path, NOBODY, NOBODY)
    store = TimeLimitedStore(home / "store", timeout_s=10, isolation="userns")
    try:
        isolation = store.barriers()
        assert isolation is not None and isolation.barriers == ()
        assert "could not be read from a user namespace" in isolation.problems[0]
        assert store.query("ASK { ?s ?p ?o }", guard=False) is True
        with pytest.raises(QueryRefused, match="could not be isolated"):
            store.query(listener.queries()[0], guard=True)
    finally:
        store.close()
        shutil.rmtree(home)
    assert listener.connections == 0


def test_a_syntax_error_keeps_its_line_and_column(store_path: Path) -> None:
    store = TimeLimitedStore(store_path, timeout_s=10, isolation="none")
    try:
        with pytest.raises(QueryFailed, match=r"SyntaxError: error at 1:25: expected"):
            store.query("SELECT * WHERE { ?s ?p }", guard=False)
    finally:
        store.close()


def test_an_unisolated_worker_refuses_users_queries_but_runs_the_products(
    store_path: Path,
) -> None:
    store = TimeLimitedStore(store_path, timeout_s=10, isolation="none")
    try:
        with pytest.raises(QueryRefused) as refused:
            store.query("ASK { ?s ?p ?o }", guard=True)
        assert refused.value.status == 503
        assert "could not be isolated" in str(refused.value)
        assert "NHSKG_ALLOW_UNISOLATED_SPARQL" in str(refused.value)
        assert store.query("ASK { ?s ?p ?o }", guard=False) is True
    finally:
        store.close()


def test_the_operator_may_opt_in_to_unisolated_user_queries(store_path: Path) -> None:
    store = TimeLimitedStore(store_path, timeout_s=10, isolation="none", allow_unisolated=True)
    try:
        assert store.query("ASK { ?s ?p ?o }", guard=True) is True
    finally:
        store.close()


# Real servers. The interpreter of this environment may live where only root may look
# (pyenv under /root): the user that is not root keeps CAP_DAC_READ_SEARCH to reach it,
# and nothing else.
AS_ROOT: list[str] = []
WITHOUT_SYS_ADMIN = ["setpriv", "--inh-caps=-sys_admin", "--bounding-set=-sys_admin"]
AS_NOBODY = [
    "setpriv",
    f"--reuid={NOBODY}",
    f"--regid={NOBODY}",
    "--clear-groups",
    "--inh-caps=-all,+dac_read_search",
    "--ambient-caps=+dac_read_search",
    "--bounding-set=-all,+dac_read_search",
]
STARTS = {"root": AS_ROOT, "root-without-sys-admin": WITHOUT_SYS_ADMIN, "nobody": AS_NOBODY}


@pytest.fixture(scope="module")
def shared_build(national: Settings) -> Iterator[Path]:
    """A copy of the national build, in a folder of its own under /tmp (pytest's own
    are root's alone), that a user who is not root owns."""
    if os.geteuid() != 0 or not shutil.which("setpriv"):
        pytest.skip("starting servers as other users needs root and util-linux setpriv")
    home = Path(tempfile.mkdtemp(prefix="nhskg-hostile-"))
    try:
        build = home / "build"
        shutil.copytree(national.build, build, symlinks=True)
        for path in [home, *home.rglob("*")]:
            os.chown(path, NOBODY, NOBODY, follow_symlinks=False)
            if path.is_dir() and not path.is_symlink():
                path.chmod(0o755)  # readable by all, as a build usually is
        yield build
    finally:
        shutil.rmtree(home)


def served(
    build: Path, start: list[str], *, isolation: str = "auto"
) -> tuple[list[str], dict[str, str]]:
    port = free_port()
    env = os.environ | {
        "NHSKG_BUILD_DIR": str(build),
        "NHSKG_WORKER_ISOLATION": isolation,
        "NHSKG_QUERY_TIMEOUT_S": "10",
        "HOME": str(build.parent),
        "MPLCONFIGDIR": str(build.parent),
    }
    return [*start, venv_command("nhskg"), "serve", "--port", str(port)], env


@pytest.mark.parametrize("start", list(STARTS), ids=list(STARTS))
def test_nhskg_serve_isolates_its_workers_however_it_is_started(
    shared_build: Path, listener: Listener, capfd: pytest.CaptureFixture[str], start: str
) -> None:
    command, env = served(shared_build, STARTS[start])
    base = f"http://127.0.0.1:{command[-1]}"
    with running(command, base + "/api", env=env) as process:
        answered = httpx.get(base + "/sparql", params={"query": COUNT}, timeout=30)
        assert answered.status_code == 200, answered.text
        assert int(answered.json()["results"]["bindings"][0]["n"]["value"]) > 90_000
        for query in listener.queries():
            response = httpx.post(base + "/sparql", data={"query": query}, timeout=30)
            assert response.status_code >= 400 and listener.secret not in response.text
        confined = [confinement(pid) for pid in worker_pids(process.pid)]
    assert confined, "the server runs no query worker"
    namespaced = available("netns", STARTS[start]) or available("userns", STARTS[start])
    filtered = available("seccomp")
    assert namespaced or filtered, "this kernel offers no barrier at all"
    assert set(confined) == {(namespaced, 2 if filtered else 0)}, (start, confined)
    assert listener.connections == 0
    err = capfd.readouterr().err
    assert "are cut off from the network by" in err, err


def test_nhskg_serve_without_a_barrier_warns_and_refuses_user_sparql(
    shared_build: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    command, env = served(shared_build, AS_ROOT, isolation="none")
    base = f"http://127.0.0.1:{command[-1]}"
    with running(command, base + "/api", env=env):
        refused = httpx.get(base + "/sparql", params={"query": COUNT}, timeout=30)
        page = httpx.get(
            base + "/query/sparql", params={"query": COUNT}, headers={"Accept": "text/html"}
        )
        ccgs = {"type": "ccg", "as_of": "2020-01-01"}  # evaluated, not a published answer
        lookup = httpx.get(base + "/api/organisations", params=ccgs, timeout=30)
        # The product's own queries (queries/internal) are not a user's: still answered.
        network = httpx.get(base + "/api/network", params={"partnership": "QHG"}, timeout=60)
    assert refused.status_code == 503
    detail = refused.json()["error"]["detail"]
    assert "could not be isolated" in detail and "NHSKG_ALLOW_UNISOLATED_SPARQL" in detail
    assert page.status_code == 503 and "could not be isolated" in page.text
    assert lookup.status_code == 200 and lookup.json()["total"] > 100
    assert network.status_code == 200 and len(network.json()["nodes"]) > 5, network.text[:300]
    err = capfd.readouterr().err
    assert "WARNING" in err and "NOT isolated" in err and "NHSKG_ALLOW_UNISOLATED_SPARQL" in err
