"""Named queries at one graph size: each query's cost over its parameter samples on
three engines.

The samples come from scale_params.py (`choose`: values spread over the graph, largest
first, each with the rows its first run gave on the embedded store). Each query is timed
on the embedded store through the product's query worker (`time_embedded`; the planned
bound text sent with ``planned=True``, stopped at the time limit; a sample whose first
run in `choose` overran the limit is not run again), on `oxigraph serve-read-only`
over HTTP with the same planned text (`time_served`) and on rdflib's in-memory store
parsed from the build's N-Quads dump, as written (`time_rdflib`). A query the build
published answers for is also timed as `QueryService.run` serves them (`time_published`:
with no parameters, or for a query published for every organisation, each sample's
organisation alone). On each engine every sample gets a warm-up run of its
own right before its timed runs (not `choose`'s run minutes earlier, so that every
engine is timed the same way), then timed runs within an equal share of the query's
time budget and of its most runs, at least MIN_RUNS a sample (one when the
warm-up alone took the share); p50_ms and p99_ms are over all the runs of all the
samples (pooled: what a user's calls see), "samples" holds each sample's own figures
and "largest" the first's. A sample that overruns the time limit ends the query's
measurement there: the query is recorded as timed out (`timeout_s`), with the samples
measured so far.

Run as a script (`python -P benchmarks/scale_queries.py rdflib SPEC OUT`) this module
is the rdflib child: rdflib holds about 2.5 KB a triple, so it loads in its own
process, whose peak memory is measured and then given back; each of its query runs
is stopped at a time limit, and a query rdflib cannot answer is recorded with its
error.
"""

from __future__ import annotations

import http.client
import json
import math
import signal
import statistics
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from functools import partial
from pathlib import Path
from typing import Any

from nhskg.graph.query.query_worker import QueryFailed, QueryTimeout
from nhskg.graph.query.service import QueryService
from nhskg.graph.query.store import GraphStore

sys.path.insert(0, str(Path(__file__).resolve().parent))
from procs import run_measured, tail
from scale_params import Sample, rows_of

MIN_RUNS = 3
JSON_RESULTS = "application/sparql-results+json"


class Overran(Exception):
    """A run stopped at the time limit."""


def p50_p99(seconds: list[float]) -> dict[str, float]:
    """Median and 99th percentile (nearest rank) in milliseconds."""
    ordered = sorted(seconds)
    rank = max(0, math.ceil(0.99 * len(ordered)) - 1)
    return {
        "p50_ms": round(statistics.median(ordered) * 1000, 2),
        "p99_ms": round(ordered[rank] * 1000, 2),
    }


def timed_runs(
    run: Callable[[], object], *, first_s: float, runs: int, budget_s: float, once: bool = False
) -> list[float]:
    """Up to ``runs`` timed runs after a warm-up run of ``first_s``: as many as fit in
    ``budget_s``, but at least MIN_RUNS (one when the warm-up run alone took the
    budget; none with ``once``, where the warm-up run itself is the one)."""
    if first_s >= budget_s and once:
        return [first_s]
    least = 1 if first_s >= budget_s else MIN_RUNS
    times: list[float] = []
    spent = 0.0
    while len(times) < runs and (len(times) < least or spent < budget_s):
        started = time.perf_counter()
        run()
        times.append(time.perf_counter() - started)
        spent += times[-1]
    return times


def time_samples(
    params: Sequence[Mapping[str, str]],
    run: Callable[[int], object],
    *,
    rows: Callable[[object], int],
    runs: int,
    budget_s: float,
    limit_s: float | None,
    overran: Sequence[bool] = (),
    errors: tuple[type[Exception], ...] = (),
    once: bool = False,
) -> dict[str, Any]:
    """One query on one engine over its samples, in order (``run(i)`` runs sample i and
    raises :class:`Overran` at the time limit; ``rows`` counts a warm-up run's answer):
    pooled p50_ms and p99_ms, runs, "samples" and "largest". Each sample's warm-up run is
    made here, right before its timed runs, except where ``overran`` says an earlier run
    of it overran the limit: it is not run again. An error of ``errors`` ends the query,
    recorded with its sample."""
    share = budget_s / max(1, len(params))
    most = max(MIN_RUNS, math.ceil(runs / max(1, len(params))))
    measured: list[dict[str, Any]] = []
    pooled: list[float] = []
    for i, given in enumerate(params):
        try:
            if i < len(overran) and overran[i]:
                raise Overran
            started = time.perf_counter()
            count = rows(run(i))
            first = time.perf_counter() - started
            times = timed_runs(partial(run, i), first_s=first, runs=most, budget_s=share, once=once)
        except Overran:
            measured.append({"params": dict(given), "timeout_s": limit_s})
            return {"timeout_s": limit_s, "samples": measured}
        except errors as error:
            measured.append(
                {"params": dict(given), "error": f"{type(error).__name__}: {error}"[:300]}
            )
            return {"error": measured[-1]["error"], "samples": measured}
        measured.append(
            {"params": dict(given), "rows": count, "first_ms": round(first * 1000, 2),
             "runs": len(times), **p50_p99(times)}
        )  # fmt: skip
        pooled += times
    if not measured:
        return {"error": "no samples"}
    return {**p50_p99(pooled), "runs": len(pooled), "samples": measured, "largest": measured[0]}


def _summary(figures: Mapping[str, Any]) -> str:
    if "p50_ms" not in figures:
        return "over the time limit" if "timeout_s" in figures else str(figures.get("error"))
    return (
        f"p50 {figures['p50_ms']:>9} ms, largest {figures['largest']['p50_ms']:>9} ms, "
        f"{len(figures['samples'])} samples"
    )


def _count(outcome: object) -> int:
    assert isinstance(outcome, int)
    return outcome


# -- engines ----------------------------------------------------------------------


def time_embedded(
    store: GraphStore,
    samples: Mapping[str, Sequence[Sample]],
    *,
    runs: int,
    budget_s: float,
    overran: Mapping[str, Sequence[bool]] | None = None,
    limit_s: float | None = None,
) -> dict[str, dict[str, Any]]:
    """Each query's planned samples on the embedded store through ``store`` (the
    product's query worker in the benchmark, so a run stops at the time limit; rows
    materialised); ``overran`` marks the samples whose first run in `choose` overran
    the limit, which are not run again."""
    out: dict[str, dict[str, Any]] = {}
    for name, kept in samples.items():

        def run(i: int, kept: Sequence[Sample] = kept) -> object:
            try:
                return store.query(kept[i].planned, planned=True)
            except QueryTimeout:
                raise Overran from None

        out[name] = time_samples(
            [s.params for s in kept],
            run,
            rows=rows_of,
            runs=runs,
            budget_s=budget_s,
            limit_s=limit_s,
            overran=(overran or {}).get(name, ()),
            errors=(QueryFailed,),
        )
        print(f"    embedded {name:<26} {_summary(out[name])}", file=sys.stderr)
    return out


def time_published(
    service: QueryService,
    samples: Mapping[str, Sequence[Sample]],
    *,
    runs: int,
    budget_s: float,
) -> dict[str, dict[str, Any]]:
    """The queries the build published answers for, through ``service.run`` as the
    product answers them: a parameterless one asked with no parameters, one published
    for every organisation (``# publish:``) over its samples, each asked with that
    organisation alone. The first run of each reads the answer from the build's folder
    ("first_ms"), the timed runs are served from memory (rows materialised)."""
    answers = service.answers
    listings = answers.names() if answers is not None else set()
    each = answers.keyed() if answers is not None else set()
    out: dict[str, dict[str, Any]] = {}
    for name, kept in samples.items():
        if name in listings and not any(s.params for s in kept):
            given: list[dict[str, str]] = [{}]
        elif name in each:
            key = service.query_file(name).header.publish
            given = [s.params for s in kept if set(s.params) == {key}]
        else:
            continue
        if not given:
            continue

        def run(i: int, name: str = name, given: list[dict[str, str]] = given) -> object:
            result = service.run(name, given[i])
            assert result.published, f"{name} {given[i]} was evaluated, not served"
            return result

        out[name] = time_samples(
            given, run, rows=rows_of, runs=runs, budget_s=budget_s, limit_s=None
        )
        print(f"    answers  {name:<26} {_summary(out[name])}", file=sys.stderr)
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


def _served_rows(body: object) -> int:
    assert isinstance(body, bytes)
    return len(json.loads(body)["results"]["bindings"])


def time_served(
    port: int,
    samples: Mapping[str, Sequence[Sample]],
    *,
    runs: int,
    budget_s: float,
    timeout_s: float = 600,
) -> dict[str, dict[str, Any]]:
    """Each query's samples sent to `oxigraph serve-read-only` (the answer read in
    full), planned and bound as the embedded store runs them."""
    served = ServedStore(port, timeout_s=timeout_s)
    out: dict[str, dict[str, Any]] = {}
    for name, kept in samples.items():

        def run(i: int, kept: Sequence[Sample] = kept) -> bytes:
            try:
                return served(kept[i].planned)
            except TimeoutError:  # stopped at the limit, as the embedded engine's runs are
                served.reconnect()
                raise Overran from None
            except (OSError, RuntimeError):
                served.reconnect()
                raise

        out[name] = time_samples(
            [s.params for s in kept],
            run,
            rows=_served_rows,
            runs=runs,
            budget_s=budget_s,
            limit_s=timeout_s,
            errors=(OSError, RuntimeError),
        )
        print(f"    served   {name:<26} {_summary(out[name])}", file=sys.stderr)
    return out


def time_rdflib(
    dump: Path,
    samples: Mapping[str, Sequence[Sample]],
    *,
    quads: int,
    limit: int,
    runs: int,
    budget_s: float,
    timeout_s: float,
    work: Path,
) -> dict[str, Any]:
    """Each query's samples, as written, on rdflib in a child process, unless the graph
    is over ``limit`` quads."""
    if quads > limit:
        return {
            "skipped": f"{quads:,} quads is over the rdflib limit of {limit:,} (rdflib "
            "needs about 2.5 KB of memory a triple and 45 s a million to parse)"
        }
    spec, out = work / "rdflib-spec.json", work / "rdflib-out.json"
    out.unlink(missing_ok=True)
    queries = {n: [{"params": s.params, "text": s.written} for s in k] for n, k in samples.items()}
    spec.write_text(
        json.dumps(
            {
                "dump": str(dump),
                "queries": queries,
                "runs": runs,
                "budget_s": budget_s,
                "timeout_s": timeout_s,
            }
        ),
        encoding="utf-8",
    )
    log = work / "rdflib.log"
    count = sum(len(k) for k in samples.values())
    whole = 120 + 120 * quads / 1e6 + count * 2 * timeout_s + len(samples) * 2 * budget_s
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
    """Parse the dump into rdflib, time each query; write what is done after each step.
    A warm-up run that took a sample's share of the budget is its one run (rdflib has
    no caches to warm)."""
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
        except _TimedOut:
            raise Overran from None
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)

    for name, kept in spec["queries"].items():
        texts = tuple(s["text"] for s in kept)

        def nth(i: int, texts: tuple[str, ...] = texts) -> int:
            return run(texts[i])

        result["queries"][name] = time_samples(
            [s["params"] for s in kept],
            nth,
            rows=_count,
            runs=spec["runs"],
            budget_s=spec["budget_s"],
            limit_s=timeout_s,
            errors=(Exception,),  # rdflib's own failures: recorded, not fatal
            once=True,
        )
        print(
            f"    rdflib   {name:<26} {_summary(result['queries'][name])}",
            file=sys.stderr,
            flush=True,
        )
        save()


if __name__ == "__main__":
    if len(sys.argv) != 4 or sys.argv[1] != "rdflib":
        sys.exit("usage: scale_queries.py rdflib SPEC.json OUT.json")
    rdflib_child(Path(sys.argv[2]), Path(sys.argv[3]))
