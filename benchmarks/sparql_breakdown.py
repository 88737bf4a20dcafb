"""Where /sparql spends a lookup-sized request: the same organisation.rq texts timed piece
by piece, one request at a time, the pieces taking turns on each text so that a shared
machine's load falls on all of them alike.

- in process, on the published store opened read-only: the guard's parse
  (:func:`~nhskg.graph.query.sparql_guard.check_query`), the engine (pyoxigraph's
  ``query``, which evaluates a grouped query before it returns, and reading its rows),
  and writing the JSON results;
- the same text through a :class:`~nhskg.graph.query.query_worker.TimeLimitedStore` of one
  worker (at the API's SPARQL niceness): everything above plus the hand-off to the worker
  and back (pickling, the pipe, the worker's thread, the reply thread);
- the same text to a fresh ``nhskg serve`` (``GET /sparql``) and to ``oxigraph
  serve-read-only --union-default-graph`` on the same store: the whole request;
- ``ASK {}`` each way, whose engine time is nil: the fixed cost of a request.

Every text carries a closing comment naming its run, piece and number, so the response
cache never answers. The first pass over the texts warms every piece and is not counted.
Run it with the query workers' allocator preloaded (``LD_PRELOAD=libjemalloc.so.2``) so
that the in-process engine allocates as the workers do. The figures are printed (p50,
mean, p90 in ms); ``docs/performance.md`` ("Where /sparql spends a request") reads them.
"""

from __future__ import annotations

import argparse
import http.client
import os
import statistics
import sys
import time
import urllib.parse
from collections.abc import Callable
from pathlib import Path

from pyoxigraph import Store

from nhskg.graph.publish import current
from nhskg.graph.query import result_formats as rf
from nhskg.graph.query.named_queries import bind, load_query_file
from nhskg.graph.query.query_answer import Formats, capped
from nhskg.graph.query.query_worker import TimeLimitedStore
from nhskg.graph.query.service import QueryService
from nhskg.graph.query.sparql_guard import check_query
from nhskg.graph.query.store import USER_QUERY_BASE, OxigraphStore
from nhskg.graph.settings import Settings

sys.path.insert(0, str(Path(__file__).resolve().parent))
from loadgen import free_port, serving, venv_command
from scale_api import JSON_RESULTS, anchors

ASK = "ASK {}"
PIECES = (
    "guard",
    "engine",
    "write_json",
    "in_process_total",
    "worker_round_trip",
    "nhskg_http",
    "oxigraph_http",
    "ask_worker_round_trip",
    "ask_nhskg_http",
    "ask_oxigraph_http",
)


def lookup_texts(service: QueryService, count: int) -> list[str]:
    """organisation.rq bound to ``count`` ODS codes, evenly spaced in their sorted order."""
    codes = sorted(c for c in set(service.index.code_of.values()) if len(c) == 3 and c[0] in "R0Q")
    chosen = codes[:: max(1, len(codes) // count)][:count]
    query = load_query_file(service.settings.queries_dir / "organisation.rq")
    return [bind(query, {"code": c}, service.index.resolve) for c in chosen]


def getter(port: int) -> Callable[[str, str], None]:
    """A GET of ``endpoint?query=text`` on one kept-alive connection; not 200 fails."""
    conn = http.client.HTTPConnection("127.0.0.1", port)

    def get(endpoint: str, text: str) -> None:
        conn.request(
            "GET", f"{endpoint}?query={urllib.parse.quote(text)}", headers={"Accept": JSON_RESULTS}
        )
        reply = conn.getresponse()
        body = reply.read()
        if reply.status != 200:
            raise RuntimeError(f"{endpoint} on port {port}: {reply.status} {body[:300]!r}")

    return get


def measure(texts: list[str], api_port: int, oxigraph_port: int) -> dict[str, list[float]]:
    settings = Settings()
    path = current(settings.build).store
    store = OxigraphStore.open_read_only(path)
    engine = Store.read_only(str(path))
    formats = Formats("json", "turtle")
    worker = TimeLimitedStore(
        path,
        timeout_s=settings.query_timeout_s,
        threads=settings.query_threads,
        memory_mb=settings.query_memory_mb,
        niceness=settings.sparql_niceness,
        allocator=settings.query_preload,
        isolation=settings.worker_isolation,
        allow_unisolated=settings.allow_unisolated_sparql,
    )
    nhskg, oxigraph = getter(api_port), getter(oxigraph_port)
    run = time.time_ns()
    times: dict[str, list[float]] = {piece: [] for piece in PIECES}
    try:
        for counted in (False, True):
            for n, base in enumerate(texts):

                def text(piece: str, base: str = base, n: int = n, counted: bool = counted) -> str:
                    return f"{base}\n# {piece}, run {run}, pass {int(counted)}, request {n}\n"

                took: dict[str, float] = {}
                sparql = text("in process")
                t0 = time.perf_counter()
                check_query(sparql, holds_graph=store.holds_graph)
                t1 = time.perf_counter()
                results = engine.query(
                    sparql, use_default_graph_as_union=True, base_iri=USER_QUERY_BASE
                )
                variables = [v.value for v in results.variables]
                rows, truncated = capped(results, settings.max_rows)
                t2 = time.perf_counter()
                rf.json_results(variables, rows, truncated=truncated).encode("utf-8")
                t3 = time.perf_counter()
                took |= {"guard": t1 - t0, "engine": t2 - t1, "write_json": t3 - t2}
                took["in_process_total"] = t3 - t0
                steps: list[tuple[str, Callable[[], object]]] = [
                    (
                        "worker_round_trip",
                        lambda: worker.answer(text("worker"), formats, max_rows=settings.max_rows),
                    ),
                    ("nhskg_http", lambda: nhskg("/sparql", text("nhskg"))),
                    ("oxigraph_http", lambda: oxigraph("/query", text("oxigraph"))),
                    ("ask_worker_round_trip", lambda: worker.answer(text("worker", ASK), formats)),
                    ("ask_nhskg_http", lambda: nhskg("/sparql", text("nhskg", ASK))),
                    ("ask_oxigraph_http", lambda: oxigraph("/query", text("oxigraph", ASK))),
                ]
                for piece, step in steps:
                    started = time.perf_counter()
                    step()
                    took[piece] = time.perf_counter() - started
                if counted:
                    for piece, seconds in took.items():
                        times[piece].append(seconds)
    finally:
        worker.close()
    return times


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--codes", type=int, default=200, help="distinct lookups (default 200)")
    p.add_argument("--port", type=int, help="the API's port (the next one: Oxigraph's)")
    args = p.parse_args(argv)
    # This process keeps the allocator it was started with (for the in-process engine);
    # the servers start as shipped: nhskg's workers preload theirs, Oxigraph none.
    os.environ.pop("LD_PRELOAD", None)
    settings = Settings()
    service = QueryService(
        settings, store=OxigraphStore.open_read_only(current(settings.build).store)
    )
    texts = lookup_texts(service, args.codes)
    api_port = args.port or free_port()
    with anchors(current(settings.build).store, None, args.port and args.port + 1) as (oxi, _):
        api = [venv_command("nhskg"), "serve", "--port", str(api_port)]
        with serving(api, f"http://127.0.0.1:{api_port}/api"):
            times = measure(texts, api_port, oxi)
    for piece, seconds in times.items():
        ordered = sorted(seconds)
        print(
            f"{piece:22s} p50 {statistics.median(ordered) * 1000:7.3f} ms"
            f"  mean {statistics.fmean(ordered) * 1000:7.3f}"
            f"  p90 {ordered[int(len(ordered) * 0.9)] * 1000:7.3f}"
        )
    print(f"{len(texts)} lookups and {len(texts)} ASK each way, after one unmeasured pass")
    return 0


if __name__ == "__main__":
    sys.exit(main())
