"""A running server and the builds beside it: no build deletes the store a server
serves, and a server switches to each new build without a restart and without a
failed request.

Real builds of the mini fixture data (`nhskg build`, with NHSKG_KEEP_BUILDS=1, so every
older store is a candidate for pruning) beside a real `nhskg serve` on loopback, whose
query workers open the store folder by path whenever they start.
"""

from __future__ import annotations

import gc
import os
import signal
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from loopback import free_port, running, venv_command

from nhskg.api.state import ServedGraph
from nhskg.graph.building.build import build
from nhskg.graph.publish import BuildFolder, _remove_if_free, current, lease
from nhskg.graph.settings import Settings

TRUSTS = Path("reference") / "ods_etr_trusts_2024-12.csv"
NAME = "MILTON KEYNES UNIVERSITY HOSPITAL NHS FOUNDATION TRUST"
COUNT = "SELECT (COUNT(*) AS ?n) WHERE {{ ?s ?p ?o }} # {n}"


def rename_trust(data: Path, generation: int) -> str:
    """Give RD8 a name of this generation in the data; the name, as the API shows it."""
    path = data / TRUSTS
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    new = f"{NAME} GENERATION {generation}"
    path.write_text(
        "".join(
            f'"RD8","{new}",' + line.split(",", 2)[2] if line.startswith('"RD8"') else line
            for line in lines
        ),
        encoding="utf-8",
    )
    return new


def nhskg_build(env: dict[str, str], build_dir: Path) -> str:
    """Run `nhskg build`; the id of the build it published."""
    done = subprocess.run(
        [venv_command("nhskg"), "build"], env=env, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return current(build_dir).build_id


def stores(build_dir: Path) -> set[str]:
    return {p.name for p in (build_dir / "stores").iterdir()}


@pytest.fixture
def env(mini: Settings) -> dict[str, str]:
    return os.environ | {
        "NHSKG_DATA_DIR": str(mini.data),
        "NHSKG_BUILD_DIR": str(mini.build),
        "NHSKG_KEEP_BUILDS": "1",
        "NHSKG_RELOAD_CHECK_S": "0.5",
    }


@pytest.fixture
def server(env: dict[str, str], mini: Settings) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    nhskg_build(env, mini.build)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    command = [venv_command("nhskg"), "serve", "--port", str(port)]
    with running(command, base + "/api", env=env) as process:
        yield base, process


class Traffic:
    """A client looping lookups, named queries and /sparql (uncached ones among them)
    against the server until stopped; every answer that is not a 200 is kept."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.errors: list[str] = []
        self.sent: dict[str, int] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)

    def __enter__(self) -> Traffic:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join(timeout=60)

    def _loop(self) -> None:
        n = 0
        with httpx.Client(base_url=self.base, timeout=30) as client:
            while not self._stop.is_set():
                n += 1
                day = f"{2000 + n % 25}-{1 + n % 12:02d}-{1 + n % 28:02d}"
                for kind, url, params in (
                    ("lookup", "/api/organisations/RD8", {}),
                    ("search", "/api/organisations", {"q": "milton", "n": str(n)}),
                    ("named", "/api/queries/names", {"code": "RD8"}),
                    ("named-uncached", "/api/queries/shared-memberships", {"as_of": day}),
                    ("sparql", "/sparql", {"query": COUNT.format(n=n)}),
                ):
                    self.sent[kind] = self.sent.get(kind, 0) + 1
                    try:
                        response = client.get(url, params=params)
                    except httpx.HTTPError as error:
                        self.errors.append(f"{kind} {url}: {error!r}")
                        continue
                    if response.status_code != 200:
                        self.errors.append(f"{kind} {url}: {response.status_code} {response.text}")


def wait_for_build(base: str, build_id: str, *, wait_s: float = 60) -> None:
    deadline = time.monotonic() + wait_s
    while (served := httpx.get(base + "/api").json()["build"]) != build_id:
        assert time.monotonic() < deadline, f"still serving {served}, not {build_id}"
        time.sleep(0.2)


def names_of_rd8(base: str) -> list[str]:
    rows = httpx.get(base + "/api/queries/names", params={"code": "RD8"}).json()["rows"]
    return [str(row.get("name", "")) for row in rows]


def test_the_server_switches_to_each_new_build_under_traffic_without_a_failed_request(
    server: tuple[str, subprocess.Popen[bytes]], env: dict[str, str], mini: Settings
) -> None:
    base, process = server
    first = httpx.get(base + "/api").json()["build"]
    built = [first]
    with Traffic(base) as traffic:
        for generation in (1, 2, 3):
            name = rename_trust(mini.data, generation)
            built.append(nhskg_build(env, mini.build))
            wait_for_build(base, built[-1])
            assert any(name in n for n in names_of_rd8(base)), names_of_rd8(base)
            etag = httpx.get(base + "/api/organisations/RD8").headers["etag"]
            assert etag.startswith(f'"{built[-1]}-')
            time.sleep(1)  # traffic on the new build before the next
    assert process.poll() is None, "the server was never restarted"
    print(f"requests across 3 builds: {traffic.sent}; failed: {len(traffic.errors)}")
    assert traffic.errors == [], traffic.errors[:5]
    assert min(traffic.sent.values()) >= 20, traffic.sent
    assert len(set(built)) == 4
    # keep_builds=1: the current store and one more; the older ones were removed once
    # the server had let them go
    assert stores(mini.build) == set(built[-2:])


def worker_pids(pid: int) -> list[int]:
    children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    return [int(c) for c in children]


def test_a_build_never_deletes_the_store_a_running_server_serves(
    env: dict[str, str], mini: Settings
) -> None:
    first = nhskg_build(env, mini.build)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    command = [venv_command("nhskg"), "serve", "--port", str(port)]
    no_reload = env | {"NHSKG_RELOAD_CHECK_S": "0"}  # it serves its first build to the end
    with running(command, base + "/api", env=no_reload) as process:
        client = httpx.Client(base_url=base, timeout=30)
        assert client.get("/sparql", params={"query": COUNT.format(n=0)}).status_code == 200
        later = [nhskg_build(env, mini.build) for _ in range(2)]
        assert first in stores(mini.build), "pruned while served"
        assert stores(mini.build) == {first, *later}
        pids = worker_pids(process.pid)
        assert pids, "no query workers started"
        for pid in pids:  # the workers restart and open the store folder again
            os.kill(pid, signal.SIGKILL)
        for n, code in enumerate(("RD8", "RC9", "RNQ", "RNS"), start=1):
            assert client.get("/sparql", params={"query": COUNT.format(n=n)}).status_code == 200
            assert client.get(f"/api/organisations/{code}").status_code == 200
        assert client.get("/api").json()["build"] == first
        client.close()
    last = nhskg_build(env, mini.build)
    assert stores(mini.build) == {later[-1], last}, "a store let go is removed by a later build"


def test_a_request_in_flight_keeps_its_build_until_it_ends(mini: Settings) -> None:
    settings = mini.model_copy(update={"keep_builds": 1})
    assert build(settings).published
    served = ServedGraph(settings)
    try:
        in_flight = served.acquire()
        old = in_flight.graph
        assert build(settings).published
        assert served.check() and served.build_id != old.build_id
        assert not served.check(), "switched once per build"
        assert build(settings).published  # the old store is past keep_builds now
        assert old.index.candidates("RD8"), "the request's build still answers"
        assert old.sparql_service.sparql("ASK { ?s ?p ?o }") is True
        assert (settings.build / "stores" / old.build_id).is_dir()
        served.release(in_flight)
        deadline = time.monotonic() + 30
        while old.lease is not None and old.lease.held and time.monotonic() < deadline:
            time.sleep(0.05)
        assert build(settings).published
        assert not (settings.build / "stores" / old.build_id).exists()
    finally:
        served.close()


def test_no_lease_is_given_on_a_folder_being_pruned(tmp_path: Path) -> None:
    folder = BuildFolder(tmp_path / "stores" / "b1")
    folder.store.mkdir(parents=True)
    folder.manifest.write_text("{}", encoding="utf-8")
    held = lease(folder)
    assert held is not None
    assert not _remove_if_free(folder), "removed while leased"
    held.release()
    assert _remove_if_free(folder) and not folder.path.exists()
    assert lease(folder) is None


def test_a_build_switched_to_is_left_out_of_the_garbage_collectors_passes(
    mini: Settings,
) -> None:
    """As the first build is when a server starts: the index a new build warms is frozen,
    so no full collection walks it while requests wait."""
    settings = mini.model_copy(update={"keep_builds": 1})
    assert build(settings).published
    served = ServedGraph(settings)
    try:
        assert build(settings).published
        assert served.check()
        index = served.acquire().graph.index
        assert gc.is_tracked(index) and gc.get_freeze_count() > 0
        assert not any(o is index for o in gc.get_objects()), "the new build's index is collected"
    finally:
        gc.unfreeze()
        served.close()
