"""How cost grows with the size of the graph: build, named queries, API, network analyses.

Run with `make bench`, or `.venv/bin/python -P benchmarks/scale.py` with options:
`--scales real,20,100,300,1000` (the default; `real` is the data/ folder, a number N a
synthetic landscape of 5·N papers written by `nhskg synth --scale N`; scale 20 made
about 300,000 quads, some 10,700 a unit over the reference data's 86,000, so 1000
should pass ten million), `--quick` (`real,20` with fewer runs and shorter limits, a
smoke run), `--work DIR` (where landscapes and builds go, /tmp/nhskg-bench by
default), `--plot-only` (redraw the plots and the table from scale.json).
For each scale, in this order:

1. build: `nhskg build` as a child process on the scale's data, wall time and peak
   memory (the synthesis is timed apart), quads and whatever else the manifest holds;
2. named queries: every query in queries/ over a sample of parameter values spread
   over that scale's graph, largest first (scale_params.py), p50/p99 pooled over the
   samples' runs and the largest sample's own (scale_queries.py), on the embedded store
   in process, on rdflib in memory (skipped above `--rdflib-limit` quads) and on
   `oxigraph serve-read-only`; and the parameterless ones also as the product serves
   them, from the answers the build published (graph/query/published_answers.py);
3. API: `nhskg serve` with 16 keep-alive clients, organisation lookups cold and warm,
   and `/sparql` against Oxigraph's own `/query` with the same queries: the
   neighbourhood of RC1 and API_QUERIES, each as written with its largest sample's
   values, as a user would send it (scale_api.py);
4. network: the analyses of benchmarks/network.py (without exports and drawing).

Writes benchmarks/results/scale.json after each scale (machine, options, per-scale
figures, and `targets`: pass or fail of each target at the largest scale), then the
plots and a table (scale_report.py). The API and the network analyses run with the
query time limit raised to `--query-timeout` so that slow queries at large scales are
measured rather than stopped.
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import sys
import time
import traceback
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from pathlib import Path
from typing import Any

from nhskg.graph.publish import current
from nhskg.graph.query.published_answers import PublishedAnswers
from nhskg.graph.query.query_worker import TimeLimitedStore
from nhskg.graph.query.service import QueryService
from nhskg.graph.settings import Settings

sys.path.insert(0, str(Path(__file__).resolve().parent))
from loadgen import free_port, oxigraph_read_only, oxigraph_ready, serving, venv_command
from procs import peak_mb, run_measured, tail
from scale_api import anchors, measure_api
from scale_common import API_QUERIES, api_codes, child_env, machine
from scale_params import Sample, choose
from scale_queries import time_embedded, time_published, time_rdflib, time_served
from scale_report import check_targets, draw_plots, table

RESULTS = Path(__file__).parent / "results"
DEFAULT_SCALES = "real,20,100,300,1000"
QUICK_SCALES = "real,20"
TIMING = {"runs": 20, "budget": 10.0, "rdflib_timeout": 30.0}
QUICK_TIMING = {"runs": 10, "budget": 2.0, "rdflib_timeout": 10.0}


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def stage(entry: dict[str, Any], name: str, fn: Callable[[], Any]) -> Any:
    """Run one stage; a failure is recorded under ``name`` and the scale goes on."""
    log(f"  {name} ...")
    started = time.perf_counter()
    try:
        return fn()
    except Exception as error:
        entry.setdefault("errors", {})[name] = f"{type(error).__name__}: {error}"[:500]
        log(traceback.format_exc())
        return None
    finally:
        log(f"  {name}: {time.perf_counter() - started:.1f} s")


def synthesise(label: str, folder: Path, *, reuse: bool) -> dict[str, Any]:
    marker = folder / "synth.json"
    if reuse and marker.exists() and (folder / "data").is_dir():
        return json.loads(marker.read_text(encoding="utf-8")) | {"reused": True}
    shutil.rmtree(folder / "data", ignore_errors=True)
    folder.mkdir(parents=True, exist_ok=True)
    run = run_measured(
        [venv_command("nhskg"), "synth", "--scale", label, "--output", str(folder)],
        log=folder / "synth.log",
    )
    if run.returncode != 0:
        raise RuntimeError(
            f"nhskg synth failed (exit {run.returncode}): {tail(folder / 'synth.log')}"
        )
    figures = {"seconds": run.seconds, "peak_mb": run.peak_mb}
    marker.write_text(json.dumps(figures), encoding="utf-8")
    return figures


def build(data: Path, build_dir: Path, folder: Path) -> dict[str, Any]:
    shutil.rmtree(build_dir, ignore_errors=True)
    build_dir.mkdir(parents=True)
    run = run_measured(
        [venv_command("nhskg"), "build"],
        env=child_env(data, build_dir),
        log=folder / "build.log",
    )
    if run.returncode != 0:
        raise RuntimeError(
            f"nhskg build failed (exit {run.returncode}): {tail(folder / 'build.log')}"
        )
    manifest = current(build_dir).read_manifest()
    graphs = manifest.pop("graphs", {})
    manifest["named_graphs"] = len(graphs) if isinstance(graphs, dict) else graphs
    return {"seconds": run.seconds, "peak_mb": run.peak_mb, "manifest": manifest}


def network_child(data: str, build_dir: str, timeout_s: float) -> dict[str, Any]:
    """In a process of its own (spawned): the analyses and that process's peak memory."""
    from network import measure

    settings = Settings(
        data_dir=Path(data), build_dir=Path(build_dir), query_timeout_s=timeout_s, store_url=None
    )
    figures = measure(settings, outputs=False)
    figures["peak_mb"] = peak_mb()
    figures["query_workers_peak_mb"] = peak_mb(resource.RUSAGE_CHILDREN)
    return figures


def measure_network(data: Path, build_dir: Path, timeout_s: float) -> dict[str, Any]:
    with ProcessPoolExecutor(max_workers=1, mp_context=get_context("spawn")) as pool:
        return pool.submit(network_child, str(data), str(build_dir), timeout_s).result()


def measure_scale(label: str, args: argparse.Namespace) -> dict[str, Any]:
    """Every stage at one scale; a stage that fails is recorded and the rest go on
    where they can (nothing after a failed synthesis or build)."""
    entry: dict[str, Any] = {"scale": label}
    if label == "real":
        folder, data = args.work / "real", Settings().data
        folder.mkdir(parents=True, exist_ok=True)
    else:
        folder = args.work / f"scale-{label}"
        data = folder / "data"
        entry["synth"] = stage(
            entry, "synth", lambda: synthesise(label, folder, reuse=args.reuse_synth)
        )
        if entry["synth"] is None:
            return entry
    entry["papers"] = len(list((data / "sources").glob("*.txt")))
    build_dir = folder / "build"
    earlier = args.earlier.get(label, {}).get("build")
    if args.reuse_build and earlier and (build_dir / "current").exists():
        entry["build"] = earlier | {"reused": True}  # its figures, from the results file
        log("  build: reused, with the figures measured when it was made")
    else:
        entry["build"] = stage(entry, "build", lambda: build(data, build_dir, folder))
    if entry["build"] is None:
        return entry
    entry["quads"] = entry["build"]["manifest"].get("quads")
    log(f"  {entry['papers']} papers, {entry['quads']:,} quads")
    settings = Settings(data_dir=data, build_dir=build_dir)
    published = current(build_dir)
    store = TimeLimitedStore(  # the product's query worker, with the product's allocator
        published.store,
        timeout_s=args.query_timeout,
        allocator=settings.query_preload,
    )
    service = QueryService(settings, store, PublishedAnswers(published.path))
    try:
        samples = measure_queries(entry, args, service, store, folder)
    finally:
        store.close()
    measure_served(entry, args, service, samples)
    entry["network"] = stage(
        entry, "network", lambda: measure_network(data, build_dir, args.query_timeout)
    )
    return entry


def measure_queries(
    entry: dict[str, Any],
    args: argparse.Namespace,
    service: QueryService,
    store: TimeLimitedStore,
    folder: Path,
) -> dict[str, list[Sample]]:
    """Choose parameter samples, time the named queries in process and on rdflib;
    returns the samples (their `oxigraph serve` figures are added by `measure_served`)."""
    chosen = stage(entry, "choose parameters", lambda: choose(service, store))
    queries, samples = chosen if chosen else ({}, {})
    entry["queries"] = queries
    timing = {"runs": args.runs, "budget_s": args.budget}
    overran = {  # the samples whose first run in `choose` overran the limit
        n: ["first_ms" not in s for s in q["samples"]] for n, q in queries.items() if n in samples
    }
    embedded = stage(
        entry,
        "embedded",
        lambda: time_embedded(
            store, samples, overran=overran, limit_s=args.query_timeout, **timing
        ),
    )
    published = stage(entry, "published", lambda: time_published(service, samples, **timing))
    rdf = stage(
        entry,
        "rdflib",
        lambda: time_rdflib(
            current(service.settings.build).dump,
            samples,
            quads=entry["quads"],
            limit=args.rdflib_limit,
            timeout_s=args.rdflib_timeout,
            work=folder,
            **timing,
        ),
    ) or {"error": "see errors"}
    on_rdflib = rdf.pop("queries", {})
    entry["rdflib"] = rdf
    for name in samples:
        queries[name]["embedded"] = (embedded or {}).get(name, {"error": "not measured"})
        if name in (published or {}):
            queries[name]["published"] = published[name]
        queries[name]["rdflib"] = on_rdflib.get(
            name, {"skipped": rdf.get("skipped", "not measured")}
        )
    return samples


def measure_served(
    entry: dict[str, Any],
    args: argparse.Namespace,
    service: QueryService,
    samples: dict[str, list[Sample]],
) -> None:
    """With `oxigraph serve-read-only` on the store: the named queries over HTTP (their
    planned texts); then, with the server started afresh (and a second one preloading
    the product's malloc library, see `scale_api.anchors`), the API against it, sent
    the API_QUERIES as written with each one's largest sample."""
    settings = service.settings
    port = free_port()
    server = oxigraph_read_only(current(settings.build).store, port)
    timing = {"runs": args.runs, "budget_s": args.budget}
    with serving(server, oxigraph_ready(port)):
        served = stage(
            entry,
            "oxigraph serve",
            lambda: time_served(port, samples, timeout_s=args.query_timeout, **timing),
        )
    for name in samples:
        entry["queries"][name]["oxigraph_serve"] = (served or {}).get(
            name, {"error": "not measured"}
        )
    org = service.index.resolve("org", "RC1").value
    names = [n for n in API_QUERIES if n in samples]
    sparql = [f"SELECT ?p ?o WHERE {{ <{org}> ?p ?o }} LIMIT 50"]
    sparql += [samples[n][0].written for n in names]
    entry["api_sparql_queries"] = ["neighbourhood of RC1", *names]
    env = child_env(
        settings.data,
        settings.build,
        NHSKG_QUERY_WORKERS="2",
        NHSKG_QUERY_TIMEOUT_S=str(args.query_timeout),
    )
    # Fresh servers: one that a timed-out query left busy would be a slow anchor.
    with anchors(current(settings.build).store, settings.query_preload) as (served, same):
        entry["api"] = stage(
            entry,
            "api",
            lambda: measure_api(env, served, api_codes(service), sparql, same_allocator_port=same),
        )


def write(results: dict[str, Any], path: Path) -> None:
    results["targets"] = check_targets(results["scales"])
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")


def order(entry: dict[str, Any]) -> tuple[int, int]:
    label = entry["scale"]
    return (0, 0) if label == "real" else (1, int(label))


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--scales", default=DEFAULT_SCALES, help=f"default {DEFAULT_SCALES}")
    p.add_argument("--quick", action="store_true", help=f"a smoke run: --scales {QUICK_SCALES}")
    p.add_argument("--work", type=Path, default=Path("/tmp/nhskg-bench"))
    p.add_argument("--results", type=Path, default=RESULTS, help="where scale.json and plots go")
    p.add_argument("--plot-only", action="store_true", help="redraw the plots from scale.json")
    p.add_argument("--merge", action="store_true", help="keep scales of scale.json not rerun")
    p.add_argument(
        "--reuse-synth", action="store_true", help="keep synthetic data already in --work"
    )
    p.add_argument(
        "--reuse-build",
        action="store_true",
        help="with --merge: keep a scale's build in --work and its figures in the results",
    )
    p.add_argument(
        "--runs",
        type=int,
        help="most timed runs per query and engine, shared by its samples, at least 3 a "
        "sample (20; quick 10)",
    )
    p.add_argument(
        "--budget",
        type=float,
        help="seconds per query and engine, shared by its samples (10; quick 2)",
    )
    p.add_argument("--rdflib-limit", type=int, default=1_500_000, help="most quads for rdflib")
    p.add_argument("--rdflib-timeout", type=float, help="seconds per rdflib run (30; quick 10)")
    p.add_argument("--query-timeout", type=float, default=120.0, help="API and network limit")
    args = p.parse_args(argv)
    for name, value in (QUICK_TIMING if args.quick else TIMING).items():
        if getattr(args, name) is None:
            setattr(args, name, value)
    path = args.results / "scale.json"
    if args.plot_only:
        drawn = json.loads(path.read_text(encoding="utf-8"))
        log("\n".join(str(f) for f in draw_plots(drawn, args.results)))
        print(table(drawn))
        return 0
    labels = (QUICK_SCALES if args.quick else args.scales).split(",")
    if any(label != "real" and not label.isdigit() for label in labels):
        p.error("--scales: 'real' or whole numbers, separated by commas")
    args.work = args.work.resolve()
    options = {
        k: (str(v) if isinstance(v, Path) else v)
        for k, v in vars(args).items()
        if k not in ("plot_only", "merge", "results")
    }
    results: dict[str, Any] = {"machine": machine(), "options": options, "scales": []}
    args.earlier = {}
    if args.merge and path.exists():
        kept = json.loads(path.read_text(encoding="utf-8"))["scales"]
        results["scales"] = [s for s in kept if s["scale"] not in labels]
        args.earlier = {s["scale"]: s for s in kept}
    for label in labels:
        log(f"scale {label}")
        started = time.perf_counter()
        try:
            entry = measure_scale(label, args)
        except Exception as error:  # e.g. a server that would not start
            log(traceback.format_exc())
            entry = {"scale": label, "errors": {"scale": f"{type(error).__name__}: {error}"}}
        entry["seconds"] = round(time.perf_counter() - started, 1)
        results["scales"] = sorted(
            [s for s in results["scales"] if s["scale"] != label] + [entry], key=order
        )
        write(results, path)
    log("\n".join(str(f) for f in draw_plots(results, args.results)))
    print(table(results))
    print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
