"""`/sparql` against `oxigraph serve-read-only` like for like, and the first requests a
fresh server answers (on demand: `make bench`, or `--quick` for a run of a few minutes).

On one published build of the national graph (built here unless ``--build-dir`` holds
one), three servers read the same store: a fresh `nhskg serve` as shipped (its response
cache on), `oxigraph serve-read-only --union-default-graph` as shipped, and, where the
product's query workers preload a malloc library (jemalloc), a second Oxigraph server
preloading it too (scale_api.py's `anchors`). Measured:

- `sparql`: queries/organisation.rq bound to each of ``--codes`` distinct ODS codes, the
  same texts to the API's `/sparql` and to each Oxigraph's `/query`, every text sent
  once per server (each carries a comment naming its round, client count and number,
  so no request repeats an earlier URL and the response cache never answers), at 1 and
  at 16 clients, the servers taking turns in ``--rounds`` rounds (the first server of a
  round rotates); per round p50, p99 and requests per second, and the ratios
  nhskg / oxigraph of each round, summarised as their lowest, median and highest;
- `sparql_planned`: the same, with organisation.rq as the product plans it (each
  OPTIONAL and UNION in a LATERAL, :mod:`nhskg.graph.query.sparql_text`): a lookup-sized
  query of about 0.5 ms of engine time, where the text as written takes about 20 ms, so
  what each server adds to a request shows;
- `lookup_cold`: `GET /api/organisations/{code}` for every organisation of the lookup
  index once, after a fresh start, with 1 client; then again after a second fresh start
  with 16 clients;
- `page_cold`: the same for each organisation's HTML page, `GET /organisations/{code}`,
  on two more fresh starts (1 client, then 16), so no lookup before it has filled the
  server's caches;
- `partners_as_of`: on that second server, `GET /api/queries/partners` with an
  organisation and an `as_of` day, each pair once (distinct days spread over the
  graph's years), at 1 and at 16 clients: evaluated, never a published or cached answer;
- `page_as_of`: on one more fresh server, `GET /organisations/{code}?as_of=...` for the
  same (organisation, day) pairs as `partners_as_of`, each once, half at 1 client and
  half at 16: the page on a day, whose partners, names and evidence are those of the day;
- `listings`: on a third fresh server, the filtered listings, each request once:
  `GET /api/organisations` with no type or one of the six types with the most
  organisations, an `as_of` day of its own and, in turn, no other
  filter, a region, a partnership, a period open or `evidenced_only` (the keys from the
  listing's own facets), at 1 and at 16 clients; and `GET /api/partnerships?type=...`
  once for each type an organisation has (its only filter), at 1 client.

``--organisations N`` asks `lookup_cold` and `page_cold` for N organisations spread
evenly over the index instead of all of them (at 10M a cold lookup evaluates the
per-organisation queries the build's budget left out, seconds each for some).

``--only`` picks some of `sparql`, `lookup_cold`, `page_cold`, `partners`, `page_as_of`,
`listings` (for example
``--only partners,listings --build-dir /tmp/nhskg-10m/build --data-dir
/tmp/nhskg-10m/data`` on a large build made beforehand).

Writes benchmarks/results/sparql-like-for-like.json (or ``--out``).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from collections.abc import Mapping, Sequence
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from nhskg.graph.allocator import describe
from nhskg.graph.publish import NoPublishedGraph, current
from nhskg.graph.query.named_queries import bind, load_query_file
from nhskg.graph.query.service import QueryService
from nhskg.graph.query.store import OxigraphStore

sys.path.insert(0, str(Path(__file__).resolve().parent))
from loadgen import each_once, free_port, serving, venv_command
from one_build import parser, settings_of, write
from record import provenance
from scale_api import JSON_RESULTS, anchors
from scale_common import child_env, machine

RESULTS = Path(__file__).parent / "results" / "sparql-like-for-like.json"
CLIENT_COUNTS = (1, 16)
FULL = {"codes": 400, "rounds": 5, "days": 800}
QUICK = {"codes": 200, "rounds": 3, "days": 200}
FIRST_DAY = date(2013, 4, 1)  # the CCGs and NHS England begin
LAST_DAY = date(2026, 3, 31)
PER_CLIENT_LIMITS = ("NHSKG_SPARQL_PER_CLIENT", "NHSKG_SPARQL_KILLS_PER_CLIENT")
QUERY_WORKERS = "2"  # as scale_api.py and api.py serve on two cores

LEAVES_OUT = {
    "sparql": "the per-client limits of SPARQL queries at once and running or "
    "stopped (raised to 16: the clients share one address); the SPARQL workers run "
    "at their shipped niceness (10), Oxigraph at 0, so other work on a shared "
    "machine slows the API's more; "
    "one query shape (organisation.rq bound to one code), answered in JSON; "
    "the load generator runs on the same two cores as the servers; the servers' "
    "start-up and the first request of each (ready checks) are not timed; the API's "
    "response cache is on as shipped but never hit (every URL is new), so its cost of "
    "keeping each answer is included",
    "lookup_cold": "the organisation's HTML page (only the JSON route); the index the "
    "server builds at start (it is built before the first request); later requests "
    "for the same code (answered from the response cache)",
    "page_cold": "the page with as_of (its partners evaluated on the day); the index "
    "the server builds at start; later requests for the same page (the response cache)",
    "partners_as_of": "partners without as_of (a published answer); requests repeating "
    "a pair (cached)",
    "page_as_of": "the page without as_of (page_cold); requests repeating a pair (the "
    "response cache); the index the server builds at start",
    "listings": "the listings without a filter (published answers); text search (q); "
    "the /organisations HTML page; the first request of the server (it reads the "
    "listing table and the facet index; timed on its own as listings_first_ms)",
}
SECTIONS = ("sparql", "lookup_cold", "page_cold", "partners", "page_as_of", "listings")
# The filters the organisations listing's requests take in turn (beside type and as_of).
LISTING_FILTERS = ("", "region", "partnership", "open_from", "evidenced_only")
LISTING_TYPES = 6  # the organisation types listed, beside no type at all


def distinct_texts(texts: Sequence[str], label: str) -> list[str]:
    """``texts`` each made a new request: a closing comment names ``label`` and its
    place, so the same query asked in another round or at another client count is a
    new URL (the answer is the same; Oxigraph ignores the comment)."""
    return [f"{text}\n# {label}, request {n}\n" for n, text in enumerate(texts)]


def turn_order(servers: Sequence[str], round_number: int) -> list[str]:
    """The servers in the order a round measures them: each round starts one later, so
    none is always measured first (or last) on a machine that warms or tires."""
    shift = round_number % len(servers)
    return [*servers[shift:], *servers[:shift]]


def ratio_spread(
    rounds: Sequence[Mapping[str, Mapping[str, Any]]], numerator: str, denominator: str, figure: str
) -> dict[str, Any] | None:
    """``figure`` of ``numerator`` over that of ``denominator``, round by round (each
    ratio from one round, the two servers measured one after the other): the ratios, their lowest,
    median and highest; None when a round lacks the figure for either or either
    counted a failed request (its figures are then not of the same requests)."""
    ratios = []
    for measured in rounds:
        top = measured.get(numerator, {})
        bottom = measured.get(denominator, {})
        if top.get("errors") or bottom.get("errors"):
            return None
        if not top.get(figure) or not bottom.get(figure):
            return None
        ratios.append(round(top[figure] / bottom[figure], 2))
    if not ratios:
        return None
    return {
        "per_round": ratios,
        "min": min(ratios),
        "median": round(statistics.median(ratios), 2),
        "max": max(ratios),
    }


def spread_days(count: int, first: date = FIRST_DAY, last: date = LAST_DAY) -> list[str]:
    """``count`` distinct days from ``first`` to ``last``, evenly spaced, ISO-written."""
    if count < 1:
        raise ValueError(f"--days must be at least 1, not {count}")
    span = (last - first).days
    if count > span + 1:
        raise ValueError(f"--days {count}: only {span + 1} days from {first} to {last}")
    step = span / max(1, count - 1)
    return [(first + timedelta(days=round(k * step))).isoformat() for k in range(count)]


def spread_codes(codes: Sequence[str], count: int) -> list[str]:
    """``count`` of ``codes`` (sorted first), evenly spaced; all of them if fewer."""
    ordered = sorted(codes)
    step = max(1, len(ordered) // max(1, count))
    return ordered[::step][:count]


def _say(name: str, figures: Any) -> Any:
    print(f"  {name:<44} {figures}", file=sys.stderr)
    return figures


def _ports(first: int | None) -> list[int]:
    if first is None:
        return [free_port() for _ in range(4)]
    return [first + n for n in range(4)]


def _ensure_build(settings: Any, env: Mapping[str, str]) -> str:
    """The published build's store, building it first when there is none."""
    try:
        return str(current(settings.build).store)
    except NoPublishedGraph:
        print(f"no build in {settings.build}: running nhskg build", file=sys.stderr)
        subprocess.run([venv_command("nhskg"), "build"], env=dict(env), check=True)
        return str(current(settings.build).store)


def measure_sparql(
    api_port: int,
    anchor_ports: Mapping[str, int],
    texts: Sequence[str],
    rounds: int,
    *,
    label: str = "as written",
) -> dict[str, Any]:
    """Every text to each server once per round and client count, the servers in turn."""
    endpoints = {"nhskg": (api_port, "/sparql")} | {
        name: (port, "/query") for name, port in anchor_ports.items()
    }
    out: dict[str, Any] = {}
    for clients in CLIENT_COUNTS:
        measured_rounds: list[dict[str, Any]] = []
        for r in range(rounds):
            unique = distinct_texts(texts, f"{label}, round {r}, {clients} clients")
            measured: dict[str, Any] = {}
            for name in turn_order(list(endpoints), r):
                port, endpoint = endpoints[name]
                paths = [f"{endpoint}?query={urllib.parse.quote(t)}" for t in unique]
                figures = each_once(port, paths, clients, accept=JSON_RESULTS, strict=False)
                measured[name] = _say(f"{label}, {clients} clients, round {r}, {name}", figures)
            measured_rounds.append(measured)
        ratios = {
            f"nhskg/{anchor}_{figure}": ratio_spread(measured_rounds, "nhskg", anchor, figure)
            for anchor in anchor_ports
            for figure in ("p50_ms", "p99_ms", "rps")
        }
        out[f"{clients}_clients"] = {"rounds": measured_rounds, "ratios": ratios}
    return out


def measure_cold_and_partners(
    env: Mapping[str, str],
    port: int,
    codes: Sequence[str],
    days: Sequence[str],
    *,
    with_lookups: bool = True,
    with_partners: bool = True,
) -> dict[str, Any]:
    """Two fresh starts of `nhskg serve`: every lookup once at 1 client on the first, at
    16 on the second, then partners with as_of (each pair once) on the second (each
    part only if asked for)."""
    command = [venv_command("nhskg"), "serve", "--port", str(port)]
    lookups = [f"/api/organisations/{urllib.parse.quote(c)}" for c in codes]
    partners = [
        f"/api/queries/partners?organisation={urllib.parse.quote(c)}&as_of={d}"
        for c, d in day_pairs(codes, days)
    ]
    half = len(partners) // 2
    out: dict[str, Any] = {"organisations": len(codes), "partners_requests": len(partners)}
    if with_lookups:
        with serving(command, f"http://127.0.0.1:{port}/api", env=env):
            out["lookup_cold_1_client"] = _say(
                "lookup, cold, 1 client", each_once(port, lookups, 1, strict=False)
            )
    with serving(command, f"http://127.0.0.1:{port}/api", env=env):
        if with_lookups:
            out["lookup_cold_16_clients"] = _say(
                "lookup, cold, 16 clients", each_once(port, lookups, 16, strict=False)
            )
        if not with_partners:
            return out
        out["partners_as_of_1_client"] = _say(
            "partners as_of, 1 client", each_once(port, partners[:half], 1, strict=False)
        )
        out["partners_as_of_16_clients"] = _say(
            "partners as_of, 16 clients", each_once(port, partners[half:], 16, strict=False)
        )
    return out


def _clients(count: int, space: str = " ") -> str:
    """ "1 client", "16 clients" (with ``space`` between: "16_clients" in a key)."""
    return f"{count}{space}client{'s' if count > 1 else ''}"


def day_pairs(codes: Sequence[str], days: Sequence[str]) -> list[tuple[str, str]]:
    """Organisation k on day k (cycling through the codes): every pair different."""
    return [(codes[k % len(codes)], day) for k, day in enumerate(days)]


def measure_pages_on_a_day(
    env: Mapping[str, str], port: int, codes: Sequence[str], days: Sequence[str]
) -> dict[str, Any]:
    """After a fresh start, the page of each (organisation, day) pair of the partners
    requests once: the first half at 1 client, the second at 16."""
    command = [venv_command("nhskg"), "serve", "--port", str(port)]
    pages = [f"/organisations/{urllib.parse.quote(c)}?as_of={d}" for c, d in day_pairs(codes, days)]
    half = len(pages) // 2
    out: dict[str, Any] = {"page_as_of_requests": len(pages)}
    with serving(command, f"http://127.0.0.1:{port}/api", env=env):
        for clients, part in ((1, pages[:half]), (16, pages[half:])):
            out[f"page_as_of_{_clients(clients, '_')}"] = _say(
                f"page as_of, {_clients(clients)}",
                each_once(port, part, clients, accept="text/html", strict=False),
            )
    return out


def measure_pages_cold(env: Mapping[str, str], port: int, codes: Sequence[str]) -> dict[str, Any]:
    """Each organisation's page once after a fresh start at 1 client, then again after a
    second fresh start at 16."""
    command = [venv_command("nhskg"), "serve", "--port", str(port)]
    pages = [f"/organisations/{urllib.parse.quote(c)}" for c in codes]
    out: dict[str, Any] = {}
    for clients in CLIENT_COUNTS:
        with serving(command, f"http://127.0.0.1:{port}/api", env=env):
            out[f"page_cold_{_clients(clients, '_')}"] = _say(
                f"page, cold, {_clients(clients)}",
                each_once(port, pages, clients, accept="text/html", strict=False),
            )
    return out


def listing_paths(
    types: Sequence[str], days: Sequence[str], facets: Mapping[str, Sequence[str]]
) -> list[str]:
    """`/api/organisations` requests, each with a type (or none) and a day of its own,
    and in turn one more filter of LISTING_FILTERS (a region or partnership from
    ``facets``, a period open from the year before the day, or evidenced_only)."""
    kinds = [None, *types]
    paths = []
    for k, day in enumerate(days):
        params = {"as_of": day, "limit": "20"}
        if kinds[k % len(kinds)]:
            params["type"] = str(kinds[k % len(kinds)])
        extra = LISTING_FILTERS[k % len(LISTING_FILTERS)]
        if extra in ("region", "partnership") and facets.get(extra):
            keys = facets[extra]
            params[extra] = keys[(k // len(LISTING_FILTERS)) % len(keys)]
        elif extra == "open_from":
            params["open_from"] = f"{int(day[:4]) - 1}{day[4:]}"
        elif extra == "evidenced_only":
            params["evidenced_only"] = "true"
        paths.append(f"/api/organisations?{urllib.parse.urlencode(params)}")
    return paths


def measure_listings(
    env: Mapping[str, str], port: int, types: Sequence[str], days: Sequence[str]
) -> dict[str, Any]:
    """On a fresh `nhskg serve`: the listing's facets (one request, not timed with the
    rest), the first filtered listing on its own, then the filtered listings of
    :func:`listing_paths`, half at 1 client and half at 16, then the partnerships of
    each type once."""
    command = [venv_command("nhskg"), "serve", "--port", str(port)]
    out: dict[str, Any] = {}
    with serving(command, f"http://127.0.0.1:{port}/api", env=env):
        with urllib.request.urlopen(
            f"http://127.0.0.1:{port}/api/organisations?limit=1", timeout=600
        ) as response:
            facets = json.load(response)["facets"]
        keys = {f: [v["key"] for v in facets.get(f, [])] for f in ("region", "partnership")}
        # the types with the most organisations (the listing's facet counts, most first):
        # the heaviest listings, not the many types a handful of bodies have
        every_type = [v["key"] for v in facets.get("type", []) if v["key"] in types]
        types = every_type[:LISTING_TYPES]
        paths = listing_paths(types, days, keys)
        first = each_once(port, paths[:1], 1, strict=False)
        out["listings_first_ms"] = _say("listings, first request", first.get("p50_ms"))
        rest = paths[1:]
        half = len(rest) // 2
        out["listings_requests"] = len(rest)
        out["listings_1_client"] = _say(
            "listings, 1 client", each_once(port, rest[:half], 1, strict=False)
        )
        out["listings_16_clients"] = _say(
            "listings, 16 clients", each_once(port, rest[half:], 16, strict=False)
        )
        partnerships = [f"/api/partnerships?type={t}" for t in every_type]
        out["partnerships_by_type_1_client"] = _say(
            "partnerships by type, 1 client", each_once(port, partnerships, 1, strict=False)
        )
    return out


def main(argv: list[str] | None = None) -> int:
    p = parser(__doc__, RESULTS)
    p.add_argument("--quick", action="store_true", help="fewer codes, rounds and days")
    p.add_argument("--codes", type=int, help="ODS codes bound into organisation.rq")
    p.add_argument("--rounds", type=int, help="rounds of the servers taking turns")
    p.add_argument("--days", type=int, help="partners requests, each on its own day")
    p.add_argument(
        "--organisations",
        type=int,
        help="cold lookups and pages: this many organisations, evenly spaced (default: all)",
    )
    p.add_argument("--port", type=int, help="first of four loopback ports (default: free ones)")
    p.add_argument(
        "--only",
        default=",".join(SECTIONS),
        help=f"comma-separated parts to run, of {', '.join(SECTIONS)} (default: all)",
    )
    args: argparse.Namespace = p.parse_args(argv)
    only = {part.strip() for part in args.only.split(",") if part.strip()}
    if not only or only - set(SECTIONS):
        p.error(f"--only takes some of {', '.join(SECTIONS)}: got {args.only!r}")
    plan = QUICK if args.quick else FULL
    counts = {k: getattr(args, k) or v for k, v in plan.items()}
    settings = settings_of(args)
    env = child_env(settings.data, settings.build, NHSKG_QUERY_WORKERS=QUERY_WORKERS)
    store_path = Path(_ensure_build(settings, env))
    service = QueryService(settings, store=OxigraphStore.open_read_only(store_path))
    every_code = sorted(set(service.index.code_of.values()))
    cold_codes = spread_codes(every_code, args.organisations or len(every_code))
    ods = [c for c in every_code if len(c) == 3 and c[0] in "R0Q"]
    codes = spread_codes(ods, counts["codes"])
    organisation = load_query_file(settings.queries_dir / "organisation.rq")
    texts = [bind(organisation, {"code": c}, service.index.resolve) for c in codes]
    # The same lookups as the product runs them (planned: each OPTIONAL and UNION in a
    # LATERAL): about 0.5 ms of engine where the text as written takes about 20, so the
    # servers' own cost a request is not lost in the engine's.
    planned = [service.planned_text("organisation", {"code": c}) for c in codes]
    days = spread_days(counts["days"])
    api_port, anchor_port, same_port, cold_port = _ports(args.port)
    started = time.monotonic()
    report: dict[str, Any] = {
        **provenance(),
        "machine": machine(),
        "quick": args.quick,
        "quads": current(settings.build).read_manifest()["quads"],
        "query_workers": int(QUERY_WORKERS),
        "query_allocator": describe(settings.query_preload),
        "sparql_codes": len(codes),
        "rounds": counts["rounds"],
        "cache": "the API's response cache on, as shipped; every request a new URL "
        "(a numbered comment in each SPARQL text; each lookup code and each "
        "partners (organisation, as_of) pair asked once per fresh server)",
        "sparql_server_settings": {
            **{k: max(CLIENT_COUNTS) for k in PER_CLIENT_LIMITS},
            "sparql_niceness": settings.sparql_niceness,
        },
        "load_before": [round(x, 2) for x in os.getloadavg()],
        "leaves_out": LEAVES_OUT,
    }
    print(f"{len(codes)} codes, {counts['rounds']} rounds, {len(days)} days", file=sys.stderr)
    report["parts"] = sorted(only, key=SECTIONS.index)
    if "sparql" in only:
        with anchors(store_path, settings.query_preload, anchor_port, same_port) as (
            port,
            same,
        ):
            anchor_ports = {"oxigraph": port} | ({"oxigraph_same_allocator": same} if same else {})
            api = [venv_command("nhskg"), "serve", "--port", str(api_port)]
            # The 16 clients share one loopback address, which the API allows 4 SPARQL
            # queries at once (and 6 running or stopped) by default: here they stand for
            # 16 people.
            sparql_env = env | {k: str(max(CLIENT_COUNTS)) for k in PER_CLIENT_LIMITS}
            with serving(api, f"http://127.0.0.1:{api_port}/api", env=sparql_env):
                report["sparql"] = measure_sparql(api_port, anchor_ports, texts, counts["rounds"])
                report["sparql_planned"] = measure_sparql(
                    api_port, anchor_ports, planned, counts["rounds"], label="planned"
                )
    if only & {"lookup_cold", "partners"}:
        report |= measure_cold_and_partners(
            env,
            cold_port,
            cold_codes,
            days,
            with_lookups="lookup_cold" in only,
            with_partners="partners" in only,
        )
    if "listings" in only:
        report |= measure_listings(env, cold_port, sorted(service.orgtypes), days)
    if "page_cold" in only:
        report |= measure_pages_cold(env, cold_port, cold_codes)
    if "page_as_of" in only:
        report |= measure_pages_on_a_day(env, cold_port, cold_codes, days)
    report["load_after"] = [round(x, 2) for x in os.getloadavg()]
    report["seconds"] = round(time.monotonic() - started, 1)
    write(args.out, report)
    return 0


if __name__ == "__main__":
    sys.exit(main())
