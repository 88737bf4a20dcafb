"""Replay the hostile test's attacks beside legitimate traffic, and say what each cost.

Run on demand after a build: ``.venv/bin/python -P benchmarks/hostile.py`` (about five
minutes; ``--seconds N`` per phase, ``--only NAME`` for one attack). It starts one
``nhskg serve`` on the published graph, then runs a quiet phase and one phase per
attack. In every phase, from this process:

- legitimate lookups: 8 keep-alive clients from 127.0.0.1 looping over organisation
  lookups (``/api/organisations/{code}``), latency p50/p99 and errors;
- legitimate SPARQL: one client from 127.0.0.3 sending a small distinct query (a
  different LIMIT each time, so no cache answers it) every 250 ms; each must answer 200.

The attacker runs in a child process from a loopback address of its own (127.0.0.10
and up, one an attack, so the server's per-client limits tell it apart from the
analysts, as they would a remote attacker, and one attack's record does not meet the
next's), bounded in
requests and time. What it records: how its requests were answered (status counts; a
5xx for a client's error is a failure), connections that reached a listener the
attacks name (zero is the target), and the server's peak resident memory (its process
and the query workers, from /proc). Results go to ``benchmarks/results/hostile.json``
with the machine, date, command and commit; the targets are checked and printed.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing
import sys
import threading
import time
import urllib.parse
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

from nhskg.graph.loopback import CountingListener, children
from nhskg.graph.publish import current
from nhskg.graph.query.lookup import OrganisationIndex
from nhskg.graph.query.store import OxigraphStore
from nhskg.graph.settings import Settings

sys.path.insert(0, str(Path(__file__).resolve().parent))
from loadgen import free_port, load_until, serving, venv_command
from record import provenance

RESULTS = Path(__file__).parent / "results" / "hostile.json"
LOOKUP_CLIENTS = 8
ATTACKER = "127.0.0.2"  # each attack's process takes its own (see _attacker)
ANALYST = "127.0.0.3"
P99_TARGET_MS = 50.0
SERVER_RSS_BOUND_MB = 600.0  # the server process (workers apart: each has its own cap)


# ---- the attacks: each a coroutine run in the attacker's process -------------------


async def _request(
    port: int, raw: bytes, *, read: bool = True, timeout: float = 30
) -> tuple[int, bytes]:
    """One request on a fresh connection from the attacker's address: (status, body)."""
    reader, writer = await asyncio.open_connection(
        "127.0.0.1", port, local_addr=(ATTACKER, 0), limit=2**24
    )
    try:
        writer.write(raw)
        await writer.drain()
        if not read:
            return 0, b""
        data = await asyncio.wait_for(reader.read(), timeout)
    except (TimeoutError, ConnectionError):
        return -1, b""
    finally:
        writer.close()
    head, _, body = data.partition(b"\r\n\r\n")
    try:
        return int(head.split(b" ", 2)[1]), body
    except (IndexError, ValueError):
        return -1, body


def _label(status: int, body: bytes) -> int | str:
    """A status, or for a 503 that reports a query's time limit, "503 time limit": the
    answer to a valid query that overran, not a client's error answered as a 5xx."""
    if status == 503 and b'"query time limit"' in body:
        return "503 time limit"
    return status


def _get(path: str, host: str = "127.0.0.1") -> bytes:
    return f"GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n".encode("latin-1")


def _post_form(path: str, form: dict[str, str]) -> bytes:
    body = urllib.parse.urlencode(form).encode()
    head = (
        f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
        f"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {len(body)}\r\n\r\n"
    )
    return head.encode() + body


def _sparql_get(query: str, **extra: str) -> bytes:
    return _get("/sparql?" + urllib.parse.urlencode({"query": query, **extra}))


async def _loop(
    send: Callable[[int], bytes],
    port: int,
    clients: int,
    until: float,
    statuses: Counter[int | str],
) -> None:
    async def client(c: int) -> None:
        i = 0
        while time.monotonic() < until and i < 5000:
            status, body = await _request(port, send(c * 100_000 + i))
            statuses[_label(status, body)] += 1
            i += 1

    await asyncio.gather(*(client(c) for c in range(clients)))


def attack_service_bypass(
    port: int, listener: int, until: float, statuses: Counter[int | str]
) -> None:
    endpoint = f"<http://127.0.0.1:{listener}/>"
    queries = [
        f"SELECT * {{ BIND(1 AS ?x) .SERVICE {endpoint} {{ ?a ?b ?c }} }}",
        f"SELECT * {{ # c\rSERVICE {endpoint} {{ ?a ?b ?c }} }}",
        f"SELECT * {{ SERVICE SILENT {endpoint} {{ ?a ?b ?c }} }}",
        f"SELECT * FROM {endpoint} {{ ?a ?b ?c }}",
    ]
    asyncio.run(_loop(lambda i: _sparql_get(queries[i % len(queries)]), port, 2, until, statuses))


def attack_tiny_timeout(
    port: int, listener: int, until: float, statuses: Counter[int | str]
) -> None:
    query = "SELECT (COUNT(*) AS ?n) { ?s ?p ?o . ?s ?q ?r }"
    send = lambda i: _post_form(f"/sparql?timeout=0.001&n={i}", {"query": query})  # noqa: E731
    asyncio.run(_loop(send, port, 4, until, statuses))


def attack_long_code(port: int, listener: int, until: float, statuses: Counter[int | str]) -> None:
    send = lambda i: _get("/api/organisations/" + "A" * 2000 + str(i))  # noqa: E731
    asyncio.run(_loop(send, port, 12, until, statuses))


def attack_flat_expression(
    port: int, listener: int, until: float, statuses: Counter[int | str]
) -> None:
    query = "SELECT * { BIND(1 AS ?a) FILTER(" + " || ".join(["?a"] * 15000) + ") }"
    send = lambda i: _post_form(f"/sparql?n={i}", {"query": query})  # noqa: E731
    asyncio.run(_loop(send, port, 2, until, statuses))


def attack_large_answers(
    port: int, listener: int, until: float, statuses: Counter[int | str]
) -> None:
    query = "SELECT * { ?s ?p ?o } LIMIT 2150"
    send = lambda i: _sparql_get(query, n=str(i))  # noqa: E731
    asyncio.run(_loop(send, port, 4, until, statuses))


def attack_page_rows(port: int, listener: int, until: float, statuses: Counter[int | str]) -> None:
    query = "CONSTRUCT WHERE { ?s ?p ?o } LIMIT 25000"
    send = lambda i: _get(  # noqa: E731
        "/query/sparql?" + urllib.parse.urlencode({"query": query, "n": str(i)})
    )
    asyncio.run(_loop(send, port, 4, until, statuses))


def attack_host_header(
    port: int, listener: int, until: float, statuses: Counter[int | str]
) -> None:
    async def run() -> None:
        while time.monotonic() < until:
            status, _ = await _request(port, _get("/sparql?x=1", host="attacker.example"))
            statuses[status] += 1
            _, plain = await _request(port, _get("/sparql?x=1"))
            if b"attacker.example" in plain:
                statuses["poisoned answers"] += 1  # a client was told the forged host
            await asyncio.sleep(0.05)

    asyncio.run(run())


def attack_slow_headers(
    port: int, listener: int, until: float, statuses: Counter[int | str]
) -> None:
    """200 idle connections and 16 unfinished 8 MB headers, held open."""

    async def run() -> None:
        held = []
        for _ in range(200):
            held.append(await asyncio.open_connection("127.0.0.1", port, local_addr=(ATTACKER, 0)))
        for _ in range(16):
            reader, writer = await asyncio.open_connection(
                "127.0.0.1", port, local_addr=(ATTACKER, 0)
            )
            writer.write(b"GET /api HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: ")
            try:
                for _ in range(8):
                    writer.write(b"a" * 1_000_000)
                    await asyncio.wait_for(writer.drain(), 2)
            except (TimeoutError, ConnectionError):
                statuses["refused mid-header"] += 1  # the server stopped reading
            held.append((reader, writer))
        while time.monotonic() < until:
            await asyncio.sleep(0.5)
        closed = 0
        for reader, _writer in held:
            if reader.at_eof() or _writer.is_closing():
                closed += 1
            else:
                try:
                    data = await asyncio.wait_for(reader.read(1), 0.01)
                    closed += data == b""
                except (TimeoutError, ConnectionError):
                    pass
        statuses["closed by the server"] = closed  # by the end of the phase

    asyncio.run(run())


ATTACKS: dict[str, Callable[[int, int, float, Counter[int | str]], None]] = {
    "service-bypass": attack_service_bypass,
    "tiny-timeout": attack_tiny_timeout,
    "long-organisation-code": attack_long_code,
    "flat-expression": attack_flat_expression,
    "distinct-large-answers": attack_large_answers,
    "page-row-cap": attack_page_rows,
    "host-header": attack_host_header,
    "slow-and-huge-headers": attack_slow_headers,
}


def _attacker(name: str, port: int, listener: int, seconds: float, out: Any) -> None:
    """One attack, from an address of its own (127.0.0.10 and up, one an attack): what
    one attack leaves in the server's per-client table does not meet the next."""
    global ATTACKER
    ATTACKER = f"127.0.0.{10 + sorted(ATTACKS).index(name)}"
    statuses: Counter[int | str] = Counter()
    ATTACKS[name](port, listener, time.monotonic() + seconds, statuses)
    out.put(dict(statuses))


# ---- the legitimate traffic and what the phase measured -----------------------------


def _rss_mb(pids: list[int]) -> float:
    total = 0
    for pid in pids:
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            pass
    return round(total / 1024, 1)


async def _analyst(port: int, until: float) -> dict[str, Any]:
    statuses: Counter[int | str] = Counter()
    i = 0
    while time.monotonic() < until:
        query = f"SELECT ?s WHERE {{ ?s a <http://www.w3.org/ns/org#Organization> }} LIMIT {i + 1}"
        reader, writer = await asyncio.open_connection("127.0.0.1", port, local_addr=(ANALYST, 0))
        writer.write(_sparql_get(query))
        data = await reader.read()
        writer.close()
        statuses[int(data.split(b" ", 2)[1])] += 1
        i += 1
        await asyncio.sleep(0.25)
    return {"sent": sum(statuses.values()), "failed": sum(statuses.values()) - statuses[200]}


def phase(
    name: str | None, port: int, pid: int, paths: list[str], seconds: float
) -> dict[str, Any]:
    listener = CountingListener()
    queue: Any = multiprocessing.Queue()
    attacker = None
    if name is not None:
        attacker = multiprocessing.Process(
            target=_attacker, args=(name, port, listener.port, seconds, queue), daemon=True
        )
        attacker.start()
    peak = [0.0, 0.0]  # the server process alone; with its query workers
    stop = threading.Event()

    def watch() -> None:
        while not stop.is_set():
            peak[0] = max(peak[0], _rss_mb([pid]))
            peak[1] = max(peak[1], _rss_mb([pid, *children(pid)]))
            time.sleep(0.2)

    threading.Thread(target=watch, daemon=True).start()
    until = time.monotonic() + seconds

    async def both() -> tuple[dict[str, Any], dict[str, Any]]:
        return await asyncio.gather(
            load_until(port, paths, LOOKUP_CLIENTS, until), _analyst(port, until)
        )

    lookups, analyst = asyncio.run(both())
    statuses: dict[int | str, int] = {}
    if attacker is not None:
        attacker.join(seconds + 60)
        statuses = queue.get(timeout=5) if not queue.empty() else {}
        if attacker.is_alive():
            attacker.kill()
    stop.set()
    listener.close()
    server_errors = sum(
        n for status, n in statuses.items() if isinstance(status, int) and 500 <= status < 600
    )
    result = {
        "lookups": lookups,
        "legitimate_sparql": analyst,
        "attack_statuses": {str(k): v for k, v in sorted(statuses.items(), key=str)},
        "attack_5xx": server_errors,
        "outbound_connections": listener.connections,
        "server_peak_rss_mb": peak[0],
        "server_and_workers_peak_rss_mb": peak[1],
    }
    result["targets_met"] = bool(
        lookups.get("p99_ms", 1e9) < P99_TARGET_MS
        and not lookups.get("errors")
        and analyst["failed"] == 0
        and server_errors == 0
        and listener.connections == 0
        and not statuses.get("poisoned answers")
        and peak[0] < SERVER_RSS_BOUND_MB
    )
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=20, help="length of each phase")
    parser.add_argument("--only", choices=sorted(ATTACKS), action="append")
    args = parser.parse_args()
    settings = Settings()
    folder = current(settings.build)
    index = OrganisationIndex.build(
        OxigraphStore.open_read_only(folder.store), settings.queries_dir
    )
    codes = sorted(index.codes)[:200]
    paths = [f"/api/organisations/{urllib.parse.quote(code)}" for code in codes]
    port = free_port()
    results: dict[str, Any] = {"machine": provenance(), "phases": {}}
    with serving(
        [venv_command("nhskg"), "serve", "--port", str(port)], f"http://127.0.0.1:{port}/api"
    ) as pid:
        phase(None, port, pid, paths, 5)  # warm the caches and start the workers
        for name in [None, *(args.only or ATTACKS)]:
            label = name or "quiet"
            print(f"{label}...", file=sys.stderr, flush=True)
            results["phases"][label] = outcome = phase(name, port, pid, paths, args.seconds)
            print(f"  {json.dumps(outcome)}", file=sys.stderr, flush=True)
    results["all_targets_met"] = all(p["targets_met"] for p in results["phases"].values())
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {RESULTS}; all targets met: {results['all_targets_met']}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
