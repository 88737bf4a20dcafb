"""Parameter samples for the named queries at one graph size: values spread over the graph.

Each required parameter draws from a pool of the values the graph holds, ranked by how
much the graph says about each (largest first, ties by IRI): partnerships and other
bodies by the `org:Membership` nodes that have them as `org:organization`;
organisations by the memberships that name them as `org:member` (RC1 and 04F, the
fixed choices of earlier runs, are added as extra values where the graph has them);
STPs by the footprint placements (`nhskg:FootprintPlacement`) `nhskg:within` them; and
documents by the evidence nodes that have them as `oa:hasSource`. IRIs become the codes
or keys the parameters take through the organisation index (`code_of`); documents go
by file name. From each pool SAMPLE_SIZE values are taken at evenly spaced ranks from
the largest to the smallest (:func:`spread`), so the largest is always the first
sample. Optional parameters stay unbound; a query with no required parameter has one
sample. A value the binder refuses is dropped, with the reason.

Every :class:`Sample` keeps two texts: as written with the values bound
(`QueryService.bound_text`: for rdflib, and for `/sparql` as a user would send it), and
planned with the values bound (`QueryService.planned_text`: exactly what the product
runs, for the embedded store with ``planned=True`` and for `oxigraph serve-read-only`).
Re-planning a bound text would put the bound VALUES block of a parameter UNION inside
LATERAL, which Oxigraph refuses.
"""

from __future__ import annotations

import math
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from nhskg.graph.namespaces import sparql_prefixes
from nhskg.graph.query.named_queries import Param, ParameterError, QueryFile
from nhskg.graph.query.query_worker import QueryFailed, QueryTimeout
from nhskg.graph.query.service import QueryService
from nhskg.graph.query.store import GraphStore, SelectResult

SAMPLE_SIZE = 7
EXTRA_ORGANISATIONS = ("RC1", "04F")
DAY, YEAR, ORGTYPE = "2019-04-01", "2017", "ccg"
FIXED = {"date": DAY, "year": YEAR, "orgtype": ORGTYPE}  # one value for other types

# Each pool: its values (?v) with how much the graph says about each (?n), largest first.
RANKINGS = {
    "partnership": "SELECT ?v (COUNT(?m) AS ?n) WHERE { ?m a org:Membership ; "
    "org:organization ?v } GROUP BY ?v ORDER BY DESC(?n) STR(?v)",
    "organisation": "SELECT ?v (COUNT(?m) AS ?n) WHERE { ?m a org:Membership ; "
    "org:member ?v } GROUP BY ?v ORDER BY DESC(?n) STR(?v)",
    "stp": "SELECT ?v (COUNT(?p) AS ?n) WHERE { ?p a nhskg:FootprintPlacement ; "
    "nhskg:within ?v } GROUP BY ?v ORDER BY DESC(?n) STR(?v)",
    "document": "SELECT ?v (COUNT(?e) AS ?n) WHERE { ?doc a nhskg:SourceDocument ; "
    "dcterms:identifier ?v . ?e oa:hasSource ?doc } GROUP BY ?v ORDER BY DESC(?n) STR(?v)",
}

T = TypeVar("T")


@dataclass(frozen=True)
class Sample:
    """One binding of a named query's required parameters, in both texts."""

    params: dict[str, str]
    written: str  # as written, bound: rdflib and /sparql
    planned: str  # as the product plans it, bound: embedded (planned=True), oxigraph serve


@dataclass
class Drawn:
    """A query's samples, largest first, and why any value was dropped or none found."""

    samples: list[Sample] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)
    skipped: str | None = None


def spread(ranked: Sequence[T], size: int = SAMPLE_SIZE) -> list[T]:
    """``size`` values at evenly spaced ranks of ``ranked``, from the first to the last
    (all of them when there are no more than ``size``)."""
    if len(ranked) <= size:
        return list(ranked)
    if size <= 1:
        return list(ranked[:size])
    last = len(ranked) - 1
    return [ranked[math.floor(i * last / (size - 1) + 0.5)] for i in range(size)]


def rank_pools(service: QueryService, store: GraphStore) -> dict[str, list[str]]:
    """Every pool's parameter values, largest first (see RANKINGS)."""
    code_of = service.index.code_of
    pools: dict[str, list[str]] = {}
    for pool, query in RANKINGS.items():
        result = store.query(sparql_prefixes() + query)
        assert isinstance(result, SelectResult)
        values = [row[0].value for row in result.rows if row[0] is not None]
        if pool != "document":  # organisations and bodies go by code or key
            values = [code_of[iri] for iri in values if iri in code_of]
        pools[pool] = list(dict.fromkeys(values))
    return pools


def pool_of(param: Param) -> str | None:
    """The pool a parameter draws from (None: a fixed value or none)."""
    if param.type == "org":
        return param.name if param.name in ("partnership", "stp") else "organisation"
    return "document" if param.name == "document" else None


def values_for(param: Param, pools: Mapping[str, list[str]], service: QueryService) -> list[str]:
    """The values a required parameter is sampled at, largest first."""
    pool = pool_of(param)
    if pool is None:
        return [FIXED[param.type]] if param.type in FIXED else []
    values = spread(pools.get(pool, []))
    if pool == "organisation":
        extra = [c for c in EXTRA_ORGANISATIONS if c not in values and service.index.candidates(c)]
        values += extra
    return values


def draw(query: QueryFile, pools: Mapping[str, list[str]], service: QueryService) -> Drawn:
    """The samples of one query: the i-th value of each required parameter together
    (the last, when a parameter has fewer), bound both ways."""
    required = [p for p in query.header.params if p.required]
    values = [values_for(p, pools, service) for p in required]
    missing = [p.name for p, found in zip(required, values, strict=True) if not found]
    if missing:
        return Drawn(skipped=f"no value found for {', '.join(missing)}")
    drawn = Drawn()
    for i in range(max((len(v) for v in values), default=1)):
        pairs = zip(required, values, strict=True)
        params = {p.name: found[min(i, len(found) - 1)] for p, found in pairs}
        try:
            written = service.bound_text(query.name, params)
            planned = service.planned_text(query.name, params)
        except ParameterError as error:
            drawn.refused.append(str(error))
            continue
        drawn.samples.append(Sample(params, written, planned))
    if not drawn.samples:
        drawn.skipped = "; ".join(drawn.refused[:2])
    return drawn


def draw_all(service: QueryService, store: GraphStore) -> dict[str, Drawn]:
    """Every named query's samples."""
    pools = rank_pools(service, store)
    return {name: draw(query, pools, service) for name, query in service.library.items()}


def largest_samples(
    service: QueryService, store: GraphStore, names: Sequence[str] | None = None
) -> dict[str, Sample]:
    """Each query's first (largest) sample, as `choose` keeps it, without running any."""
    drawn = draw_all(service, store)
    return {n: drawn[n].samples[0] for n in names or drawn if drawn[n].samples}


def rows_of(outcome: object) -> int:
    """How many rows a query's outcome holds (1 for an ASK or a graph)."""
    return len(outcome.rows) if isinstance(outcome, SelectResult) else 1


def choose(
    service: QueryService, store: GraphStore
) -> tuple[dict[str, dict[str, Any]], dict[str, list[Sample]]]:
    """For every named query: its samples, each with the rows its planned text gave on
    the embedded store and how long that first run took (or that it overran the time
    limit: the samples after it are not kept), or why it was skipped; and the samples
    kept. Values the binder refused are listed under "refused"; a query the store
    fails to evaluate is recorded with its "error" and not kept."""
    entries: dict[str, dict[str, Any]] = {}
    kept: dict[str, list[Sample]] = {}
    for name, drawn in draw_all(service, store).items():
        if drawn.skipped is not None:
            entries[name] = {"skipped": drawn.skipped}
            continue
        entry: dict[str, Any] = {"samples": []}
        measured: list[dict[str, Any]] = entry["samples"]
        for sample in drawn.samples:
            started = time.perf_counter()
            try:
                rows = rows_of(store.query(sample.planned, planned=True))
            except QueryTimeout:
                seconds = round(time.perf_counter() - started, 2)
                measured.append({"params": sample.params, "timeout_s": seconds})
                break  # the query is timed out; its smaller samples are not needed
            except QueryFailed as error:
                entry["error"] = str(error)[:300]
                measured.append({"params": sample.params, "error": entry["error"]})
                break
            ms = round((time.perf_counter() - started) * 1000, 2)
            measured.append({"params": sample.params, "rows": rows, "first_ms": ms})
        if "error" not in entry:
            kept[name] = drawn.samples[: len(measured)]
        if drawn.refused:
            entry["refused"] = drawn.refused
        if not any(s.get("rows") for s in measured) and "timeout_s" not in measured[-1]:
            entry["note"] = "no sample gave rows"
        entries[name] = entry
    return entries, kept
