"""Named queries at one graph size: parameter values that exist there, and each query's
cost on three engines.

`choose` gives every named query in queries/ values for its required parameters
(optional ones stay unbound) that name something in the graph measured: organisations
(RC1, 04C) and STPs (QHG, QK1) of the reference data, which every synthetic landscape
copies; partnerships (healthier-together in the real data, synth-0 in synthetic ones,
then the bodies the most source documents concern) and document file names found in
the graph. It tries the candidates in turn and keeps the first that gives rows on the
embedded store; a query no candidate can be bound for is recorded as skipped, with the
reason. Then each query is timed, after one warm-up run, on the embedded store through
the product's query worker (`time_embedded`; planned, and stopped at the time limit),
on `oxigraph serve-read-only` over HTTP with the same planned text (`time_served`) and
on rdflib's in-memory store parsed from the build's N-Quads dump, as written
(`time_rdflib`): up to a number of runs within a time budget per query and engine, at
least three (one when the warm-up alone took the budget).

Run as a script (`python -P benchmarks/scale_queries.py rdflib SPEC OUT`) this module
is the rdflib child: rdflib holds about 2.5 KB a triple, so it loads in its own
process, whose peak memory is measured and then given back; each of its query runs
is stopped at a time limit (recorded as `timeout_s`), and a query rdflib cannot answer
is recorded with its error.
"""

from __future__ import annotations

import http.client
import json
import math
import signal
import statistics
import sys
import time
from collections.abc import Callable, Mapping
from itertools import islice, product
from pathlib import Path
from typing import Any

from nhskg.graph.named_queries import Param, ParameterError, load_query_files
from nhskg.graph.namespaces import sparql_prefixes
from nhskg.graph.query_worker import QueryTimeout
from nhskg.graph.service import QueryService
from nhskg.graph.sparql_text import lateral_groups
from nhskg.graph.store import GraphStore, SelectResult

sys.path.insert(0, str(Path(__file__).resolve().parent))
from procs import run_measured, tail

PREFERRED_PARTNERSHIPS = ("healthier-together", "synth-0")
ORGANISATIONS = ("RC1", "04C")
STPS = ("QHG", "QK1")
DAY, YEAR, ORGTYPE = "2019-04-01", "2017", "ccg"
MAX_TRIALS = 6  # parameter combinations tried per query
MIN_RUNS = 3
JSON_RESULTS = "application/sparql-results+json"


def p50_p99(seconds: list[float]) -> dict[str, float]:
    """Median and 99th percentile (nearest rank) in milliseconds."""
    ordered = sorted(seconds)
    rank = max(0, math.ceil(0.99 * len(ordered)) - 1)
    return {
        "p50_ms": round(statistics.median(ordered) * 1000, 2),
        "p99_ms": round(ordered[rank] * 1000, 2),
    }


def sample(
    run: Callable[[], object], *, runs: int, budget_s: float, first_s: float | None = None
) -> dict[str, Any]:
    """One warm-up run (``first_ms``; ``first_s`` when the caller made it), then up to
    ``runs`` timed runs: as many as fit in ``budget_s``, but at least MIN_RUNS (one when
    the warm-up run alone took the budget)."""
    first = first_s
    if first is None:
        started = time.perf_counter()
        run()
        first = time.perf_counter() - started
    least = 1 if first >= budget_s else MIN_RUNS
    times: list[float] = []
    spent = 0.0
    while len(times) < runs and (len(times) < least or spent < budget_s):
        t = time.perf_counter()
        run()
        times.append(time.perf_counter() - t)
        spent += times[-1]
    return {"first_ms": round(first * 1000, 2), "runs": len(times), **p50_p99(times)}


def _rows(outcome: object) -> int:
    return len(outcome.rows) if isinstance(outcome, SelectResult) else 1


# -- parameters -------------------------------------------------------------------


def candidate_pools(service: QueryService, store: GraphStore) -> dict[str, list[str]]:
    """Partnerships and documents that exist in this graph, best candidates first."""
    index = service.index
    concerned = store.query(
        sparql_prefixes()
        + "SELECT ?body (COUNT(?doc) AS ?n) WHERE { ?doc a nhskg:SourceDocument ; "
        "nhskg:concerns ?body } GROUP BY ?body ORDER BY DESC(?n) ?body LIMIT 4"
    )
    documents = store.query(
        sparql_prefixes()
        + "SELECT ?id WHERE { ?doc a nhskg:SourceDocument ; dcterms:identifier ?id } "
        "ORDER BY ?id LIMIT 3"
    )
    assert isinstance(concerned, SelectResult) and isinstance(documents, SelectResult)
    partnerships = [key for key in PREFERRED_PARTNERSHIPS if index.candidates(key)]
    for body, _n in concerned.rows:
        if body is not None and body.value in index.code_of:
            partnerships.append(index.code_of[body.value])
    return {
        "partnership": list(dict.fromkeys(partnerships)),
        "document": [row[0].value for row in documents.rows if row[0] is not None],
    }


def _candidates(param: Param, pools: Mapping[str, list[str]]) -> list[str]:
    if param.type == "org":
        if param.name == "partnership":
            return pools["partnership"]
        if param.name == "stp":
            return list(STPS)
        return [*ORGANISATIONS, *pools["partnership"]]
    if param.name == "document":
        return pools["document"]
    return {"date": [DAY], "year": [YEAR], "orgtype": [ORGTYPE]}.get(param.type, [])


def choose(
    service: QueryService, store: GraphStore
) -> tuple[dict[str, dict[str, Any]], dict[str, str]]:
    """For every named query: what it was given, how many rows it gave on the embedded
    store and how long that first run took (or why it was skipped); and the bound text
    of each query kept."""
    pools = candidate_pools(service, store)
    entries: dict[str, dict[str, Any]] = {}
    texts: dict[str, str] = {}
    for query in load_query_files(service.settings.queries_dir):
        required = [p for p in query.header.params if p.required]
        options = [[(p.name, v) for v in _candidates(p, pools)] for p in required]
        missing = [p.name for p, values in zip(required, options, strict=True) if not values]
        if missing:
            entries[query.name] = {"skipped": f"no value found for {', '.join(missing)}"}
            continue
        kept: dict[str, Any] | None = None
        refusals: list[str] = []
        for combination in islice(product(*options), MAX_TRIALS):
            params = dict(combination)
            try:
                text = service.bound_text(query.name, params)
            except ParameterError as error:
                refusals.append(str(error))
                continue
            started = time.perf_counter()
            try:
                rows = _rows(store.query(text))
            except QueryTimeout:
                kept = {"params": params, "timeout_s": time.perf_counter() - started}
                texts[query.name] = text
                break  # the other candidates would take as long
            seconds = time.perf_counter() - started
            if kept is None or (rows and not kept.get("rows")):
                kept = {"params": params, "rows": rows, "first_ms": round(seconds * 1000, 2)}
                texts[query.name] = text
            if rows:
                break
        if kept is None:
            entries[query.name] = {"skipped": "; ".join(refusals[:2])}
        else:
            if not kept.get("rows") and "timeout_s" not in kept:
                kept["note"] = "no candidate value gave rows"
            entries[query.name] = kept
    return entries, texts


# -- engines ----------------------------------------------------------------------


def time_embedded(
    store: GraphStore,
    texts: Mapping[str, str],
    *,
    runs: int,
    budget_s: float,
    first_s: Mapping[str, float | None] | None = None,
    limit_s: float | None = None,
) -> dict[str, dict[str, Any]]:
    """Each query on the embedded store through ``store`` (the product's query worker in
    the benchmark, so a run stops at the time limit; rows materialised); ``first_s``
    are first runs already made (by `choose`), which serve as the warm-up (None: it
    overran the limit, and so is not run again)."""
    out: dict[str, dict[str, Any]] = {}
    for name, text in texts.items():
        first = (first_s or {}).get(name)
        try:
            if first is None and name in (first_s or {}):
                raise QueryTimeout  # `choose` saw it overrun already
            out[name] = sample(
                lambda text=text: store.query(text), runs=runs, budget_s=budget_s, first_s=first
            )
        except QueryTimeout:
            out[name] = {"timeout_s": limit_s}
            print(f"    embedded {name:<26} over the time limit", file=sys.stderr)
            continue
        print(f"    embedded {name:<26} p50 {out[name]['p50_ms']:>9} ms", file=sys.stderr)
    return out


class ServedStore:
    """POSTs queries to a SPARQL endpoint's /query over one keep-alive connection."""

    def __init__(self, port: int, *, timeout_s: float = 600) -> None:
        self.port, self.timeout_s = port, timeout_s
        self.reconnect()

    def reconnect(self) -> None:
        self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=self.timeout_s)

    def __call__(self, text: str) -> bytes:
        self.connection.request(
            "POST",
            "/query",
            body=text.encode("utf-8"),
            headers={"Content-Type": "application/sparql-query", "Accept": JSON_RESULTS},
        )
        response = self.connection.getresponse()
        body = response.read()
        if response.status != 200:
            raise RuntimeError(f"/query answered {response.status}: {body[:200]!r}")
        return body

    def rows(self, text: str) -> int:
        return len(json.loads(self(text))["results"]["bindings"])


def time_served(
    port: int, texts: Mapping[str, str], *, runs: int, budget_s: float, timeout_s: float = 600
) -> dict[str, dict[str, Any]]:
    """Each query sent to `oxigraph serve-read-only` (the answer read in full), planned
    as the embedded store runs it (:func:`lateral_groups`)."""
    served = ServedStore(port, timeout_s=timeout_s)
    out: dict[str, dict[str, Any]] = {}
    for name, plain in texts.items():
        text = lateral_groups(plain)
        try:
            started = time.perf_counter()
            rows = served.rows(text)
            first = time.perf_counter() - started
            figures = sample(
                lambda text=text: served(text), runs=runs, budget_s=budget_s, first_s=first
            )
        except TimeoutError:  # stopped at the limit, as the embedded engine's runs are
            out[name] = {"timeout_s": timeout_s}
            served.reconnect()
            continue
        except (OSError, RuntimeError) as error:
            out[name] = {"error": str(error)[:300]}
            served.reconnect()
            continue
        out[name] = {"rows": rows, **figures}
        print(f"    served   {name:<26} p50 {out[name]['p50_ms']:>9} ms", file=sys.stderr)
    return out


def time_rdflib(
    dump: Path,
    texts: Mapping[str, str],
    *,
    quads: int,
    limit: int,
    runs: int,
    budget_s: float,
    timeout_s: float,
    work: Path,
) -> dict[str, Any]:
    """Each query on rdflib in a child process, unless the graph is over ``limit`` quads."""
    if quads > limit:
        return {
            "skipped": f"{quads:,} quads is over the rdflib limit of {limit:,} (rdflib "
            "needs about 2.5 KB of memory a triple and 45 s a million to parse)"
        }
    spec, out = work / "rdflib-spec.json", work / "rdflib-out.json"
    out.unlink(missing_ok=True)
    spec.write_text(
        json.dumps(
            {
                "dump": str(dump),
                "queries": dict(texts),
                "runs": runs,
                "budget_s": budget_s,
                "timeout_s": timeout_s,
            }
        ),
        encoding="utf-8",
    )
    log = work / "rdflib.log"
    whole = 120 + 120 * quads / 1e6 + len(texts) * (2 * timeout_s + 2 * budget_s)
    child = run_measured(
        [sys.executable, "-P", __file__, "rdflib", str(spec), str(out)],
        log=log,
        timeout_s=whole,
    )
    result: dict[str, Any] = json.loads(out.read_text(encoding="utf-8")) if out.exists() else {}
    result["peak_mb"] = child.peak_mb
    result["seconds"] = child.seconds
    if child.returncode != 0:
        why = f"stopped after {whole:.0f} s" if child.timed_out else f"exit {child.returncode}"
        result["error"] = f"the rdflib child failed ({why}): {tail(log, 5)}"
    return result


class _TimedOut(Exception):
    pass


def _alarm(signum: int, frame: object) -> None:
    raise _TimedOut


def rdflib_child(spec_path: Path, out_path: Path) -> None:
    """Parse the dump into rdflib, time each query; write what is done after each step."""
    import rdflib

    spec = json.loads(spec_path.read_text(encoding="utf-8"))
    timeout_s = float(spec["timeout_s"])
    result: dict[str, Any] = {"queries": {}}

    def save() -> None:
        out_path.write_text(json.dumps(result), encoding="utf-8")

    started = time.perf_counter()
    dataset = rdflib.Dataset(default_union=True)
    dataset.parse(spec["dump"], format="nquads")
    result["parse_s"] = round(time.perf_counter() - started, 2)
    save()
    signal.signal(signal.SIGALRM, _alarm)

    def run(text: str) -> int:
        signal.setitimer(signal.ITIMER_REAL, timeout_s)
        try:
            return len(list(dataset.query(text)))
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)

    for name, text in spec["queries"].items():
        try:
            started = time.perf_counter()
            rows = run(text)
            first = time.perf_counter() - started
            if first >= spec["budget_s"]:  # one run is all the budget allows: no caches to warm
                figures = {"first_ms": round(first * 1000, 2), "runs": 1, **p50_p99([first])}
            else:
                figures = sample(
                    lambda text=text: run(text),
                    runs=spec["runs"],
                    budget_s=spec["budget_s"],
                    first_s=first,
                )
            result["queries"][name] = {"rows": rows, **figures}
        except _TimedOut:
            result["queries"][name] = {"timeout_s": timeout_s}
        except Exception as error:  # rdflib's own failures: recorded, not fatal
            result["queries"][name] = {"error": f"{type(error).__name__}: {error}"[:300]}
        print(f"    rdflib   {name:<26} {result['queries'][name]}", file=sys.stderr, flush=True)
        save()


if __name__ == "__main__":
    if len(sys.argv) != 4 or sys.argv[1] != "rdflib":
        sys.exit("usage: scale_queries.py rdflib SPEC.json OUT.json")
    rdflib_child(Path(sys.argv[2]), Path(sys.argv[3]))
