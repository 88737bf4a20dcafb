"""Read what benchmarks/scale.py measured: the targets, the plots and a table.

Everything here works from the results dictionary as written to scale.json, so
`python -P benchmarks/scale.py --plot-only` redraws without measuring. A named query's
p50 is pooled over the runs of all its parameter samples (what a user's calls see); the
largest sample's own p50 is reported beside it (`largest_over` in the targets, the
"largest max" column of the table). The plots (matplotlib, Agg) put cost against quads
on log-log axes, one PNG per family, with the targets drawn as horizontal lines.
"""

from __future__ import annotations

import statistics
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

Scale = dict[str, Any]

LOOKUP_P50_MS = 5.0
NAMED_QUERY_P50_MS = 100.0
BUILD_S = 600.0
PEAK_MB = 8 * 1024.0
SPARQL_RATIO = 1.5
ENGINES = {"embedded": "embedded Oxigraph", "oxigraph_serve": "oxigraph serve", "rdflib": "rdflib"}
PUBLISHED = "published"  # the answers a build published, as the product serves them


def _get(entry: Scale, *keys: str) -> Any:
    value: Any = entry
    for key in keys:
        if not isinstance(value, dict) or key not in value:
            return None
        value = value[key]
    return value


def query_p50s(entry: Scale, engine: str, *, timeouts: bool = False) -> dict[str, float]:
    """Each named query's pooled p50 in ms on one engine: the queries measured there,
    and with ``timeouts`` those stopped at the time limit, counted at the limit (a lower
    bound)."""
    out = {}
    for name, figures in (entry.get("queries") or {}).items():
        measured = figures.get(engine) or {}
        if "p50_ms" in measured:
            out[name] = measured["p50_ms"]
        elif timeouts and "timeout_s" in measured:
            out[name] = measured["timeout_s"] * 1000
    return out


def largest_p50s(entry: Scale, engine: str) -> dict[str, float]:
    """Each named query's largest (first) sample's p50 in ms on one engine; one that
    overran the time limit counts as the limit."""
    out = {}
    for name, figures in (entry.get("queries") or {}).items():
        samples = (figures.get(engine) or {}).get("samples") or [{}]
        largest = samples[0]
        if "p50_ms" in largest:
            out[name] = largest["p50_ms"]
        elif largest.get("timeout_s") is not None:
            out[name] = largest["timeout_s"] * 1000
    return out


def _count(entry: Scale, engine: str, key: str) -> int:
    return sum(1 for f in (entry.get("queries") or {}).values() if key in (f.get(engine) or {}))


def _check(value: float | None, target: float, ok: Callable[[float], bool]) -> dict[str, Any]:
    return {"target": target, "value": value, "pass": None if value is None else ok(value)}


def check_targets(scales: list[Scale]) -> dict[str, Any]:
    """Pass or fail of each target at the largest scale built (by quads). The named
    queries' target is on their pooled p50s as the product answers them: a query asked
    with no parameters from the answer its build published ("published"), any other
    evaluated on the embedded store; "largest_over" lists the queries whose largest
    sample alone is over it (or overran the time limit). The same check with every call
    evaluated, and `/sparql` against an `oxigraph serve` preloading the product's malloc
    library, are given beside the targets ("also"), not counted in "all_pass"."""
    built = [s for s in scales if s.get("quads")]
    if not built:
        return {"error": "no scale was built"}
    top = max(built, key=lambda s: s["quads"])
    evaluated = _query_check(top, query_p50s(top, "embedded"), largest_p50s(top, "embedded"))
    served = _query_check(
        top,
        query_p50s(top, "embedded") | query_p50s(top, PUBLISHED),
        largest_p50s(top, "embedded") | largest_p50s(top, PUBLISHED),
    )
    served["published"] = sorted(query_p50s(top, PUBLISHED))
    checks = {
        "lookup_p50_ms": _check(
            _get(top, "api", "lookup", "p50_ms"), LOOKUP_P50_MS, lambda v: v < LOOKUP_P50_MS
        ),
        "named_query_p50_ms_as_served": served,
        "build_s": _check(_get(top, "build", "seconds"), BUILD_S, lambda v: v < BUILD_S),
        "build_peak_mb": _check(_get(top, "build", "peak_mb"), PEAK_MB, lambda v: v < PEAK_MB),
        "sparql_p50_ratio_to_oxigraph_serve": _check(
            _get(top, "api", "sparql_ratio_p50"), SPARQL_RATIO, lambda v: v <= SPARQL_RATIO
        ),
    }
    return {
        "scale": top["scale"],
        "quads": top["quads"],
        "checks": checks,
        "all_pass": all(c["pass"] is True for c in checks.values()),
        "also": {
            "named_query_p50_ms_evaluated_every_call": evaluated,
            "sparql_p50_ratio_to_oxigraph_serve_same_allocator": _check(
                _get(top, "api", "sparql_ratio_p50_same_allocator"),
                SPARQL_RATIO,
                lambda v: v <= SPARQL_RATIO,
            ),
        },
    }


def _query_check(top: Scale, p50s: dict[str, float], largest: dict[str, float]) -> dict[str, Any]:
    """The named queries' target on the given pooled p50s: the slowest, those over it,
    those whose largest sample is over it, and those not measured (a fail)."""
    wanted = [n for n, f in (top.get("queries") or {}).items()]
    unmeasured = sorted(set(wanted) - set(p50s))
    slowest = max(p50s.values()) if p50s else None
    check = _check(slowest, NAMED_QUERY_P50_MS, lambda v: v < NAMED_QUERY_P50_MS)
    check["over"] = sorted(n for n, v in p50s.items() if v >= NAMED_QUERY_P50_MS)
    check["largest_over"] = sorted(n for n, v in largest.items() if v >= NAMED_QUERY_P50_MS)
    if unmeasured:
        check["not_measured"] = unmeasured
        check["pass"] = False
    return check


# -- plots ------------------------------------------------------------------------


def _series(scales: list[Scale], value: Callable[[Scale], float | None]) -> tuple[list, list]:
    xs, ys = [], []
    for entry in scales:
        y = value(entry)
        if entry.get("quads") and y is not None and y > 0:
            xs.append(entry["quads"])
            ys.append(y)
    return xs, ys


def _axes(ax: Any, scales: list[Scale], ylabel: str, title: str) -> None:
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("quads")
    ax.set_ylabel(ylabel)
    ax.set_title(title, fontsize=10)
    ax.grid(True, which="both", alpha=0.25)
    for entry in scales:
        if entry.get("quads"):
            ax.axvline(entry["quads"], color="0.85", lw=0.8, zorder=0)
            ax.annotate(
                str(entry["scale"]),
                (entry["quads"], 1),
                xycoords=("data", "axes fraction"),
                xytext=(2, -10),
                textcoords="offset points",
                fontsize=7,
                color="0.4",
            )


def _target(ax: Any, y: float, label: str) -> None:
    ax.axhline(y, color="crimson", ls=":", lw=1.2, label=label)


def _line(
    ax: Any, scales: list[Scale], value: Callable[[Scale], Any], label: str, **kw: Any
) -> None:
    xs, ys = _series(scales, value)
    if xs:
        ax.plot(xs, ys, marker="o", ms=4, label=label, **kw)


def _at(*keys: str) -> Callable[[Scale], Any]:
    """The figure at ``keys`` of a scale's entry (None where there is none)."""
    return lambda entry: _get(entry, *keys)


def _embedded_p50(entry: Scale, name: str) -> float | None:
    return query_p50s(entry, "embedded").get(name)


def _agg(entry: Scale, engine: str, how: Callable[[list[float]], float]) -> float | None:
    values = list(query_p50s(entry, engine, timeouts=True).values())
    return how(values) if values else None


def draw_plots(results: dict[str, Any], folder: Path) -> list[Path]:
    """One PNG per family of figures; returns the files written."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    scales = [s for s in results["scales"] if s.get("quads")]
    folder.mkdir(parents=True, exist_ok=True)
    written = []

    def save(fig: Any, name: str) -> None:
        fig.tight_layout()
        path = folder / name
        fig.savefig(path, dpi=110)
        plt.close(fig)
        written.append(path)

    fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4.2))
    _line(left, scales, lambda s: _get(s, "build", "seconds"), "nhskg build")
    _line(left, scales, lambda s: _get(s, "synth", "seconds"), "nhskg synth", ls="--")
    _target(left, BUILD_S, f"target {BUILD_S:.0f} s")
    _axes(left, scales, "seconds", "Build wall time")
    _line(right, scales, lambda s: _get(s, "build", "peak_mb"), "nhskg build")
    _line(right, scales, lambda s: _get(s, "rdflib", "peak_mb"), "rdflib load + queries", ls="--")
    _line(right, scales, lambda s: _get(s, "network", "peak_mb"), "network analyses", ls="-.")
    _target(right, PEAK_MB, "target 8 GB")
    _axes(right, scales, "peak resident memory, MB", "Peak memory")
    for ax in (left, right):
        ax.legend(fontsize=8)
    save(fig, "scale-build.png")

    fig, ax = plt.subplots(figsize=(8, 5))
    for n, (engine, name) in enumerate(ENGINES.items()):
        colour = f"C{n}"
        _line(
            ax,
            scales,
            partial(_agg, engine=engine, how=statistics.median),
            f"{name}: median",
            color=colour,
        )
        _line(
            ax,
            scales,
            partial(_agg, engine=engine, how=max),
            f"{name}: slowest",
            color=colour,
            ls="--",
        )
    _target(ax, NAMED_QUERY_P50_MS, f"target {NAMED_QUERY_P50_MS:.0f} ms")
    _axes(
        ax,
        scales,
        "p50 per query (pooled over its parameter samples), ms",
        "Named queries: p50 over the queries, by engine\n"
        "(a query stopped at the time limit counts as the limit; failed queries are left out)",
    )
    ax.legend(fontsize=8)
    save(fig, "scale-queries.png")

    fig, ax = plt.subplots(figsize=(11, 6))
    names = sorted({n for s in scales for n in query_p50s(s, "embedded")})
    styles = ["-", "--", "-.", ":"]
    for i, name in enumerate(names):
        _line(
            ax,
            scales,
            partial(_embedded_p50, name=name),
            name,
            color=f"C{i % 10}",
            ls=styles[(i // 10) % len(styles)],
        )
    _target(ax, NAMED_QUERY_P50_MS, f"target {NAMED_QUERY_P50_MS:.0f} ms")
    _axes(ax, scales, "p50 pooled over samples, ms", "Each named query on embedded Oxigraph")
    ax.legend(fontsize=7, loc="center left", bbox_to_anchor=(1.01, 0.5))
    save(fig, "scale-queries-embedded.png")

    fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4.2))
    series = (  # (figures in "api", label, style), the same colours in both panels
        ("lookup", "lookup, warm", "-"),
        ("lookup_cold", "lookup, cold (each code once)", "--"),
        ("sparql", "API /sparql (each URL new)", "-"),
        ("oxigraph_serve", "oxigraph /query (the same)", "-"),
        ("oxigraph_serve_same_allocator", "oxigraph /query, the API's malloc", "--"),
        ("sparql_cached", "API /sparql, repeated URL (cached)", ":"),
    )
    for n, (key, label, style) in enumerate(series):
        for ax, figure in ((left, "p50_ms"), (right, "rps")):
            _line(
                ax,
                scales,
                _at("api", key, figure),
                label,
                color=f"C{n}",
                ls=style,
            )
    _target(left, LOOKUP_P50_MS, f"lookup target {LOOKUP_P50_MS:.0f} ms")
    _axes(left, scales, "p50, ms", "API, 16 clients: latency")
    _axes(right, scales, "requests per second", "API, 16 clients: throughput")
    for ax in (left, right):
        ax.legend(fontsize=7)
    save(fig, "scale-api.png")

    fig, ax = plt.subplots(figsize=(11, 5))
    analyses = list(dict.fromkeys(n for s in scales for n in _get(s, "network", "seconds") or {}))
    for i, name in enumerate(analyses):
        _line(
            ax,
            scales,
            _at("network", "seconds", name),
            name,
            color=f"C{i % 10}",
            ls=styles[(i // 10) % len(styles)],
        )
    _axes(ax, scales, "seconds (best of runs)", "Network analyses")
    ax.legend(fontsize=7, loc="center left", bbox_to_anchor=(1.01, 0.5))
    save(fig, "scale-network.png")
    return written


# -- table ------------------------------------------------------------------------


def _fmt(value: Any, spec: str = ",.0f") -> str:
    return "-" if value is None else format(value, spec)


def table(results: dict[str, Any]) -> str:
    """One line per scale, then the targets. Named queries by pooled p50 (median and
    max over the queries, per engine), and "largest max": the slowest largest sample's
    own p50 on the embedded store."""
    head = (
        "scale", "papers", "quads", "build s", "peak MB", "embedded p50 ms med/max",
        "largest max", "serve p50 med/max", "rdflib p50 med/max", "lookup p50", "lookup rps",
        "/sparql p50 api/oxi", "network load s",
    )  # fmt: skip
    rows = [head]
    for s in results["scales"]:
        pair = {
            e: f"{_fmt(_agg(s, e, statistics.median), '.1f')}/{_fmt(_agg(s, e, max), '.1f')}"
            for e in ENGINES
        }
        stopped, failed = _count(s, "rdflib", "timeout_s"), _count(s, "rdflib", "error")
        if stopped or failed:
            pair["rdflib"] += f" ({stopped} stopped, {failed} failed)"
        if "skipped" in (s.get("rdflib") or {}):
            pair["rdflib"] = "skipped"
        net = _get(s, "network", "seconds") or {}
        largest = list(largest_p50s(s, "embedded").values())
        rows.append(
            (
                str(s["scale"]),
                _fmt(s.get("papers")),
                _fmt(s.get("quads")),
                _fmt(_get(s, "build", "seconds"), ".1f"),
                _fmt(_get(s, "build", "peak_mb")),
                pair["embedded"],
                _fmt(max(largest) if largest else None, ".1f"),
                pair["oxigraph_serve"],
                pair["rdflib"],
                _fmt(_get(s, "api", "lookup", "p50_ms"), ".2f"),
                _fmt(_get(s, "api", "lookup", "rps")),
                f"{_fmt(_get(s, 'api', 'sparql', 'p50_ms'), '.1f')}/"
                f"{_fmt(_get(s, 'api', 'oxigraph_serve', 'p50_ms'), '.1f')}",
                _fmt(next((v for k, v in net.items() if k.startswith("load")), None), ".2f"),
            )
        )
    widths = [max(len(r[i]) for r in rows) for i in range(len(head))]
    lines = ["  ".join(c.rjust(w) for c, w in zip(r, widths, strict=True)) for r in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    targets = results.get("targets") or {}
    if "checks" in targets:
        lines.append(f"\ntargets at scale {targets['scale']} ({targets['quads']:,} quads):")
        for name, check in (targets["checks"] | targets.get("also", {})).items():
            verdict = {True: "pass", False: "FAIL", None: "not measured"}[check["pass"]]
            extra = f" over: {', '.join(check['over'])}" if check.get("over") else ""
            if check.get("largest_over"):
                extra += f"; largest sample over: {', '.join(check['largest_over'])}"
            lines.append(f"  {name:<36} {_fmt(check['value'], '.2f'):>10}  {verdict}{extra}")
    for s in results["scales"]:
        for stage, error in (s.get("errors") or {}).items():
            lines.append(f"scale {s['scale']}, {stage}: {error[:200]}")
    return "\n".join(lines)
