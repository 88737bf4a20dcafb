"""The W3C SPARQL 1.1 test suite (tests/w3c-sparql11) as the measure of /sparql.

One store holds every test's data: each data file as a named graph of its own IRI (its
place in the W3C suite), the protocol tests' graphs under the names their manifest
gives, and one empty graph. It is published as a build folder and served by a real
``nhskg serve`` on loopback, so every query goes through the product's own endpoint:
the protocol parsing of api/routers/sparql.py, the guard (sparql_guard.py), the
time-limited query workers (TimeLimitedStore) and the result writers
(result_formats.py). Each query-evaluation test names its dataset with the protocol's
``default-graph-uri`` / ``named-graph-uri`` (its ``qt:data`` files as the default graph,
its ``qt:graphData`` files as the named graphs), unless its query has FROM / FROM NAMED
of its own, which the endpoint answers from the graphs the store holds. One server
serves the whole suite (a server per test would take minutes more, and would run the
same code).

Answers are compared with the expected results: SELECT as a bag of solutions with
blank nodes matched up to renaming (order is not checked), ASK by its boolean,
CONSTRUCT and DESCRIBE by graph isomorphism (rdflib), CSV results by their text. The
protocol tests (protocol/manifest.ttl) are replayed as their manifest writes the
requests. Every update test and every federated (SERVICE) test must be refused with a
4xx answer. Syntax tests: a positive one must not be refused as a syntax error, a
negative one must be (400).

Writes benchmarks/results/w3c-sparql11.json: counts passed / refused (by reason) /
failed, per directory, and every failure and refusal with its reason.

    .venv/bin/python -P benchmarks/w3c_sparql.py [--only DIR ...] [--out PATH]
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import re
import sys
import tempfile
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import httpx
import pyoxigraph as ox
import rdflib
from rdflib.compare import isomorphic
from rdflib.namespace import RDF, RDFS, XSD

ROOT = Path(__file__).resolve().parents[1]
SUITE = ROOT / "tests" / "w3c-sparql11"
RESULTS = ROOT / "benchmarks" / "results" / "w3c-sparql11.json"
W3C_BASE = "http://www.w3.org/2009/sparql/docs/tests/data-sparql11/"
EMPTY_GRAPH = "urn:nhskg:w3c:empty"

MF = rdflib.Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
QT = rdflib.Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-query#")
UT = rdflib.Namespace("http://www.w3.org/2009/sparql/tests/test-update#")
HT = rdflib.Namespace("http://www.w3.org/2011/http#")
CNT = rdflib.Namespace("http://www.w3.org/2011/content#")
RS = rdflib.Namespace("http://www.w3.org/2001/sw/DataAccess/tests/result-set#")

# The manifests the runner reads: query evaluation, result formats, update, federation,
# protocol. Not read: entailment regimes (the endpoint does simple entailment only), the
# graph store protocol and service descriptions (other protocols), not copied.
MANIFESTS = (
    "manifest-sparql11-query.ttl",
    "manifest-sparql11-results.ttl",
    "manifest-sparql11-update.ttl",
    "manifest-sparql11-fed.ttl",
)

# Why a test may be refused: the endpoint's documented refusals (docs/sparql-conformance.md).
REFUSAL_REASONS = {
    "update": "updates are not allowed: the endpoint is read-only",
    "service": "SERVICE is not allowed: queries run only on this graph",
    "graph not held": "the dataset names a graph the store does not hold (nothing is fetched)",
    "unknown function": "a function that is neither a SPARQL built-in nor an XSD cast",
    "guard limit": "a size or shape limit of the guard",
}


@dataclass
class Test:
    """One test of a manifest: its kind, query, data and expected result."""

    iri: str
    directory: str
    name: str
    kind: str  # QueryEvaluationTest, CSVResultFormatTest, UpdateEvaluationTest, ...
    query: Path | None = None
    data: list[Path] = field(default_factory=list)
    graph_data: list[Path] = field(default_factory=list)
    result: Path | None = None
    service: bool = False


@dataclass
class Outcome:
    test: str
    directory: str
    name: str
    status: str  # passed | refused | failed
    reason: str = ""
    detail: str = ""


def file_iri(path: Path) -> str:
    """A suite file's IRI: its place in the W3C suite (the manifests' base)."""
    return W3C_BASE + path.relative_to(SUITE).as_posix()


def local(iri: str) -> Path:
    """The suite file of an IRI read from a manifest parsed with base ``W3C_BASE``."""
    return SUITE / unquote(iri.removeprefix(W3C_BASE))


def manifest_files() -> list[Path]:
    found: list[Path] = []
    for name in MANIFESTS:
        graph = rdflib.Graph().parse(SUITE / name, format="turtle", publicID=W3C_BASE + name)
        for include in graph.objects(None, MF.include):
            for item in rdflib.collection.Collection(graph, include):
                found.append(local(str(item)))
    return found


def read_tests(manifest: Path) -> Iterator[Test]:
    graph = rdflib.Graph().parse(manifest, format="turtle", publicID=file_iri(manifest))
    directory = manifest.parent.name
    for head in graph.objects(None, MF.entries):
        for entry in rdflib.collection.Collection(graph, head):
            kind = str(graph.value(entry, RDF.type) or "").rsplit("#", 1)[-1]
            test = Test(str(entry), directory, str(graph.value(entry, MF.name) or entry), kind)
            action = graph.value(entry, MF.action)
            if action is not None and isinstance(action, rdflib.term.Node):
                if isinstance(action, rdflib.URIRef):  # a syntax test: the query itself
                    test.query = local(str(action))
                else:
                    query = graph.value(action, QT.query) or graph.value(action, UT.request)
                    test.query = local(str(query)) if query is not None else None
                    test.data = [local(str(d)) for d in graph.objects(action, QT.data)]
                    test.data += [local(str(d)) for d in graph.objects(action, UT.data)]
                    for g in graph.objects(action, QT.graphData):
                        test.graph_data.append(local(str(g)))
                    test.service = (action, QT.serviceData, None) in graph
            result = graph.value(entry, MF.result)
            if isinstance(result, rdflib.URIRef):
                test.result = local(str(result))
            yield test


# -- the store, served ---------------------------------------------------------------


def rdf_format(path: Path) -> ox.RdfFormat:
    fmt = ox.RdfFormat.from_extension(path.suffix.lstrip("."))
    if fmt is None:
        raise ValueError(f"no RDF format for {path.name}")
    return fmt


# The graph the protocol tests name as their default graph without giving its data (the
# suite's own endpoint held it): held empty, so the tests of the protocol's mechanics run.
PROTOCOL_EMPTY_GRAPHS = ("http://kasei.us/2009/09/sparql/data/data0.rdf",)


def protocol_graphs() -> dict[str, Path | None]:
    """The protocol tests' graphs: name (the manifest's label) to file."""
    manifest = SUITE / "protocol" / "manifest.ttl"
    graph = rdflib.Graph().parse(manifest, format="turtle", publicID=file_iri(manifest))
    names: dict[str, Path | None] = {iri: None for iri in PROTOCOL_EMPTY_GRAPHS}
    for node in graph.objects(None, UT.graphData):
        names[str(graph.value(node, RDFS.label))] = local(str(graph.value(node, UT.graph)))
    return names


def build_store(folder: Path, tests: list[Test]) -> list[str]:
    """Every data file of ``tests`` as a named graph of its IRI, the protocol graphs under
    their names, and the empty graph, in an on-disk Oxigraph store; the files that did
    not load, with why."""
    store = ox.Store(str(folder))
    problems: list[str] = []
    files = {p for t in tests if not t.service for p in (*t.data, *t.graph_data)}
    graphs: dict[str, Path | None] = {file_iri(p): p for p in files}
    graphs |= protocol_graphs()
    for name, path in sorted(graphs.items()):
        if path is None:
            store.add_graph(ox.NamedNode(name))
            continue
        try:
            store.load(
                path=str(path),
                format=rdf_format(path),
                base_iri=file_iri(path),
                to_graph=ox.NamedNode(name),
            )
            store.add_graph(ox.NamedNode(name))  # held even when the file is empty
        except (SyntaxError, ValueError, OSError) as error:
            problems.append(f"{path.relative_to(SUITE)}: {error}")
    store.add_graph(ox.NamedNode(EMPTY_GRAPH))
    store.flush()
    del store
    return problems


def publish_folder(build_dir: Path, tests: list[Test]) -> list[str]:
    """A build folder the server serves as its published build (build/current)."""
    folder = build_dir / "stores" / "w3c-sparql11"
    folder.mkdir(parents=True)
    problems = build_store(folder / "oxigraph", tests)
    (folder / "manifest.json").write_text(json.dumps({"build_id": "w3c-sparql11"}))
    (build_dir / "current").symlink_to(Path("stores") / "w3c-sparql11")
    return problems


# -- answers, compared ------------------------------------------------------------------

Term = tuple[str, ...]


NUMERIC = {
    str(XSD[name]): float if name in ("double", "float") else Decimal
    for name in [
        "double",
        "float",
        "decimal",
        "integer",
        "nonPositiveInteger",
        "negativeInteger",
        "long",
        "int",
        "short",
        "byte",
        "nonNegativeInteger",
        "unsignedLong",
        "unsignedInt",
        "unsignedShort",
        "unsignedByte",
        "positiveInteger",
    ]
}


def literal(value: str, datatype: str, language: str) -> Term:
    """A literal as compared: numbers by value within their datatype (the suite's results
    write some in other lexical forms than Oxigraph's canonical ones: 1.0 for 1, 3.0E4
    for 30000, 0 for false), everything else by its lexical form."""
    if datatype == str(XSD.boolean) and value.strip() in ("0", "1", "true", "false"):
        return ("literal", str(value.strip() in ("1", "true")).lower(), datatype, "")
    kind = NUMERIC.get(datatype)
    if kind is not None:
        try:
            number = kind(value.strip())
            return (
                "literal",
                repr(float(number)) if kind is float else str(number.normalize()),
                datatype,
                "",
            )
        except (ArithmeticError, ValueError):
            pass
    return ("literal", value, datatype, language.lower())


def from_ox(term: Any) -> Term:
    if isinstance(term, ox.NamedNode):
        return ("uri", term.value)
    if isinstance(term, ox.BlankNode):
        return ("bnode", term.value)
    if isinstance(term, ox.Literal):
        return literal(term.value, term.datatype.value, term.language or "")
    raise TypeError(f"unexpected term {term!r}")


def from_rdflib(term: Any) -> Term:
    if isinstance(term, rdflib.URIRef):
        return ("uri", str(term))
    if isinstance(term, rdflib.BNode):
        return ("bnode", str(term))
    if isinstance(term, rdflib.Literal):
        datatype = str(RDF.langString) if term.language else str(term.datatype or XSD.string)
        return literal(str(term), datatype, term.language or "")
    raise TypeError(f"unexpected term {term!r}")


Solutions = tuple[set[str], list[dict[str, Term]]]


def solutions_ox(results: Any) -> Solutions | bool:
    if isinstance(results, ox.QueryBoolean):
        return bool(results)
    names = [v.value for v in results.variables]
    rows = []
    for solution in results:
        rows.append({n: from_ox(solution[n]) for n in names if solution[n] is not None})
    return set(names), rows


def solutions_rdf(path: Path) -> Solutions | bool:
    """A result set written in RDF (the rs: vocabulary)."""
    graph = rdflib.Graph().parse(path, format="turtle" if path.suffix == ".ttl" else "xml")
    result_set = next(graph.subjects(RDF.type, RS.ResultSet))
    boolean = graph.value(result_set, RS.boolean)
    if boolean is not None:
        return bool(boolean.toPython())
    names = {str(v) for v in graph.objects(result_set, RS.resultVariable)}
    rows = []
    for solution in graph.objects(result_set, RS.solution):
        row = {}
        for binding in graph.objects(solution, RS.binding):
            row[str(graph.value(binding, RS.variable))] = from_rdflib(
                graph.value(binding, RS.value)
            )
        rows.append(row)
    return names, rows


def expected_solutions(path: Path) -> Solutions | bool:
    if path.suffix in (".ttl", ".rdf"):
        return solutions_rdf(path)
    fmt = {
        ".srx": ox.QueryResultsFormat.XML,
        ".srj": ox.QueryResultsFormat.JSON,
        ".tsv": ox.QueryResultsFormat.TSV,
    }[path.suffix]
    return solutions_ox(ox.parse_query_results(path=str(path), format=fmt))


def same_solutions(expected: Solutions, actual: Solutions) -> str:
    """'' when the two bags are equal up to blank node renaming, else how they differ."""
    (evars, erows), (avars, arows) = expected, actual
    if evars != avars:
        return f"variables {sorted(avars)}, expected {sorted(evars)}"
    if len(erows) != len(arows):
        return f"{len(arows)} solutions, expected {len(erows)}"
    has_bnodes = any(t[0] == "bnode" for row in (*erows, *arows) for t in row.values())
    if not has_bnodes:
        if Counter(_key(r) for r in erows) == Counter(_key(r) for r in arows):
            return ""
        missing = Counter(_key(r) for r in erows) - Counter(_key(r) for r in arows)
        return f"solutions differ; first missing: {dict(next(iter(missing)))}"
    if _match(erows, arows, 0, [False] * len(arows), {}, {}):
        return ""
    return "solutions differ (no blank node renaming matches them)"


def _key(row: dict[str, Term]) -> frozenset[tuple[str, Term]]:
    return frozenset(row.items())


def _match(
    erows: list[dict[str, Term]],
    arows: list[dict[str, Term]],
    i: int,
    used: list[bool],
    forward: dict[str, str],
    back: dict[str, str],
) -> bool:
    """Backtracking: each expected row matched to an unused actual row, blank nodes
    mapped one to one."""
    if i == len(erows):
        return True
    for j, arow in enumerate(arows):
        if used[j] or arow.keys() != erows[i].keys():
            continue
        f, b = dict(forward), dict(back)
        if all(_unify(erows[i][k], arow[k], f, b) for k in arow):
            used[j] = True
            if _match(erows, arows, i + 1, used, f, b):
                return True
            used[j] = False
    return False


def _unify(e: Term, a: Term, forward: dict[str, str], back: dict[str, str]) -> bool:
    if e[0] == "bnode" and a[0] == "bnode":
        return not (forward.setdefault(e[1], a[1]) != a[1] or back.setdefault(a[1], e[1]) != e[1])
    return e == a


def same_graph(expected: Path, body: bytes) -> str:
    want = rdflib.Graph().parse(
        expected,
        format="turtle" if expected.suffix == ".ttl" else "xml",
        publicID=file_iri(expected),
    )
    got = rdflib.Graph().parse(data=body, format="nt")
    if isomorphic(want, got):
        return ""
    return f"graph of {len(got)} triples, expected {len(want)} (not isomorphic)"


def same_csv(expected: Path, body: bytes) -> str:
    """CSV as a table: the same columns (in any order: SELECT * orders them as the engine
    does) and the same bag of rows, blank node labels aside."""

    def table(text: str) -> tuple[frozenset[str], Counter[frozenset[tuple[str, str]]]]:
        reader = csv.DictReader(io.StringIO(text, newline=""))
        rows = Counter(
            frozenset((k, re.sub(r"^_:.*", "_:b", v)) for k, v in row.items()) for row in reader
        )
        return frozenset(reader.fieldnames or ()), rows

    want, got = table(expected.read_text(encoding="utf-8")), table(body.decode("utf-8"))
    return "" if want == got else f"CSV differs: {body.decode()[:300]!r}"


def same_csv_bytes(one: bytes, other: bytes) -> bool:
    with tempfile.NamedTemporaryFile(suffix=".csv") as file:
        file.write(one)
        file.flush()
        return not same_csv(Path(file.name), other)


# -- running ------------------------------------------------------------------------------

ACCEPT = {
    ".srx": "application/sparql-results+xml",
    ".srj": "application/sparql-results+json",
    ".tsv": "text/tab-separated-values",
    ".csv": "text/csv",
    ".ttl": "application/n-triples",
    ".rdf": "application/n-triples",
}
ANY_FORMAT = "application/sparql-results+json, application/n-triples;q=0.9"
FROM_CLAUSE = re.compile(r"\bFROM\s+(NAMED\s+)?<", re.IGNORECASE)


def refusal_reason(message: str) -> str:
    """The kind of a refusal, from the endpoint's error message ('' if undocumented)."""
    lowered = message.lower()
    for marker, reason in (
        ("updates are not allowed", "update"),
        ("service is not", "service"),
        ("names no graph", "graph not held"),
        ("unknown function", "unknown function"),
        ("the limit is", "guard limit"),
        ("longer than", "guard limit"),
    ):
        if marker in lowered:
            return reason
    return ""


def error_message(response: httpx.Response) -> str:
    try:
        error = response.json()["error"]
        return f"{error.get('title', '')}: {error.get('detail', '')}"
    except (ValueError, KeyError, TypeError):
        return response.text[:300]


# Failures of the endpoint's own making, known and left for its code to fix (each
# with why); the pytest test fails on any other failure, and on one of these that passes.
PROTOCOL = W3C_BASE + "protocol/manifest#"
KNOWN_FAILURES: dict[str, str] = {}
# The results formats the runner reads an endpoint's answer in, by media type.
RESULTS_FORMATS = {
    "application/sparql-results+xml": ox.QueryResultsFormat.XML,
    "application/sparql-results+json": ox.QueryResultsFormat.JSON,
    "text/tab-separated-values": ox.QueryResultsFormat.TSV,
}


class Runner:
    def __init__(self, client: httpx.Client, store: ox.Store) -> None:
        self.client = client
        self.engine = store  # the same store, opened read-only: Oxigraph's own answers

    def post(self, form: list[tuple[str, str]], accept: str) -> httpx.Response:
        fields: dict[str, list[str]] = {}
        for name, value in form:
            fields.setdefault(name, []).append(value)
        return self.client.post("/sparql", data=fields, headers={"Accept": accept})

    def run(self, test: Test) -> Outcome:
        def done(status: str, reason: str = "", detail: str = "") -> Outcome:
            return Outcome(test.iri, test.directory, test.name, status, reason, detail)

        try:
            if test.kind in (
                "UpdateEvaluationTest",
                "PositiveUpdateSyntaxTest11",
                "NegativeUpdateSyntaxTest11",
            ):
                return self.refused_update(test, done)
            if test.query is not None and test.query.suffix == ".ru":
                return self.refused_update(test, done)
            if test.kind in ("PositiveSyntaxTest11", "NegativeSyntaxTest11"):
                return self.syntax(test, done)
            if test.kind in ("QueryEvaluationTest", "CSVResultFormatTest"):
                return self.evaluate(test, done)
            return done("failed", "not run", f"test kind {test.kind} has no runner")
        except Exception as error:
            return done("failed", "runner error", f"{type(error).__name__}: {error}")

    def refused_update(self, test: Test, done: Any) -> Outcome:
        assert test.query is not None
        text = test.query.read_text(encoding="utf-8")
        statuses = []
        for form in ([("update", text)], [("query", text)]):
            statuses.append(self.post(form, "application/sparql-results+json").status_code)
        direct = self.client.post(
            "/sparql", content=text.encode(), headers={"Content-Type": "application/sparql-update"}
        )
        statuses.append(direct.status_code)
        if all(400 <= s < 500 for s in statuses):
            return done("refused", "update", f"statuses {statuses}")
        return done("failed", "update answered", f"statuses {statuses}")

    def syntax(self, test: Test, done: Any) -> Outcome:
        assert test.query is not None
        text = f"BASE <{file_iri(test.query)}>\n" + test.query.read_text(encoding="utf-8")
        response = self.post([("query", text)], ANY_FORMAT)
        positive = test.kind.startswith("Positive")
        if positive:
            if response.status_code == 200:
                return done("passed")
            reason = refusal_reason(error_message(response))
            if reason:
                return done("refused", reason, error_message(response))
            return done("failed", "valid query refused", error_message(response))
        if response.status_code == 400:
            return done("passed")
        return done("failed", "invalid query not refused with 400", str(response.status_code))

    def evaluate(self, test: Test, done: Any) -> Outcome:
        assert test.query is not None and test.result is not None
        text = f"BASE <{file_iri(test.query)}>\n" + test.query.read_text(encoding="utf-8")
        form = [("query", text)]
        if not FROM_CLAUSE.search(text):
            default = [file_iri(p) for p in test.data] or [EMPTY_GRAPH]
            form += [("default-graph-uri", iri) for iri in default]
            form += [("named-graph-uri", file_iri(p)) for p in test.graph_data]
        accept = ACCEPT[test.result.suffix]
        if test.result.suffix in (".ttl", ".rdf") and str(RS) in test.result.read_text("utf-8"):
            accept = ACCEPT[".srx"]  # a result set written in RDF: compared as solutions
        response = self.post(form, accept)
        if test.service:
            if 400 <= response.status_code < 500:
                return done(
                    "refused",
                    refusal_reason(error_message(response)) or "service",
                    error_message(response),
                )
            return done("failed", "federated query answered", str(response.status_code))
        if response.status_code != 200:
            message = error_message(response)
            reason = refusal_reason(message)
            if reason and 400 <= response.status_code < 500:
                return done("refused", reason, message)
            return done("failed", f"HTTP {response.status_code}", message)
        media = response.headers.get("content-type", "").split(";")[0]
        if test.result.suffix == ".csv":
            difference = same_csv(test.result, response.content)
        elif media in ("application/n-triples", "text/turtle"):
            difference = same_graph(test.result, response.content)
        else:
            difference = self.compare_results(test.result, response.content, media)
        if not difference:
            return done("passed")
        engine = self.engine_difference(test, text, form, response.content, media)
        if engine:
            return done("failed", "oxigraph", f"{difference}; {engine}")
        return done("failed", "wrong answer", difference)

    def engine_difference(
        self, test: Test, text: str, form: list[tuple[str, str]], body: bytes, media: str
    ) -> str:
        """When Oxigraph, asked the same query on the same dataset in this process, gives
        the endpoint's answer and it is wrong too: what it answered ('' otherwise: the
        endpoint's answer is of its own making)."""
        assert test.result is not None
        default = [ox.NamedNode(v) for k, v in form if k == "default-graph-uri"]
        named = [ox.NamedNode(v) for k, v in form if k == "named-graph-uri"]
        if default or named:
            results = self.engine.query(text, default_graph=default, named_graphs=named)
        else:
            results = self.engine.query(text)
        if isinstance(results, ox.QueryTriples):
            nt = ox.serialize(results, format=ox.RdfFormat.N_TRIPLES) or b""
            wrong = same_graph(test.result, nt)
            same = wrong and isomorphic(
                rdflib.Graph().parse(data=nt, format="nt"),
                rdflib.Graph().parse(data=body, format="nt"),
            )
            return f"Oxigraph {ox.__version__} answers the same" if same else ""
        if test.result.suffix == ".csv":
            engine_csv = results.serialize(format=ox.QueryResultsFormat.CSV) or b""
            wrong = bool(same_csv(test.result, engine_csv))
            same = same_csv_bytes(engine_csv, body)
            return f"Oxigraph {ox.__version__} answers the same" if wrong and same else ""
        engine = solutions_ox(results)
        expected = expected_solutions(test.result)
        fmt = RESULTS_FORMATS[media]
        actual = solutions_ox(ox.parse_query_results(body, fmt))
        if isinstance(engine, bool) or isinstance(expected, bool) or isinstance(actual, bool):
            wrong, same = engine != expected, engine == actual
        else:
            wrong = bool(same_solutions(expected, engine))
            same = not same_solutions(engine, actual)
        return f"Oxigraph {ox.__version__} answers the same" if wrong and same else ""

    @staticmethod
    def compare_results(expected_path: Path, body: bytes, media: str) -> str:
        fmt = RESULTS_FORMATS[media]
        actual = solutions_ox(ox.parse_query_results(body, fmt))
        expected = expected_solutions(expected_path)
        if isinstance(expected, bool) or isinstance(actual, bool):
            return "" if expected == actual else f"answered {actual}, expected {expected}"
        return same_solutions(expected, actual)


# -- the protocol tests -----------------------------------------------------------------


def protocol_outcomes(client: httpx.Client) -> list[Outcome]:
    """Replay each protocol test's requests as its manifest writes them (the path's
    ``/sparql/`` is this endpoint's ``/sparql``) and check status, boolean and format."""
    manifest = SUITE / "protocol" / "manifest.ttl"
    graph = rdflib.Graph().parse(manifest, format="turtle", publicID=file_iri(manifest))
    outcomes = []
    for head in graph.objects(None, MF.entries):
        for entry in rdflib.collection.Collection(graph, head):
            name = str(graph.value(entry, MF.name))
            outcomes.append(_protocol_test(client, graph, entry, name))
    return outcomes


def _protocol_test(client: httpx.Client, graph: rdflib.Graph, entry: Any, name: str) -> Outcome:
    def done(status: str, reason: str = "", detail: str = "") -> Outcome:
        return Outcome(str(entry), "protocol", name, status, reason, detail)

    action = graph.value(entry, MF.action)
    requests = rdflib.collection.Collection(graph, graph.value(action, HT.requests))
    is_update = "update" in name.lower() and "query" not in name.lower()
    for request in requests:
        method = str(graph.value(request, HT.methodName))
        path = str(graph.value(request, HT.absolutePath)).replace("/sparql/", "/sparql", 1)
        headers = {}
        for header_list in graph.objects(request, HT.headers):
            for header in rdflib.collection.Collection(graph, header_list):
                headers[str(graph.value(header, HT.fieldName))] = str(
                    graph.value(header, HT.fieldValue)
                )
        body_node = graph.value(request, HT.body)
        body = b""
        if body_node is not None:
            encoding = str(graph.value(body_node, CNT.characterEncoding) or "UTF-8")
            body = str(graph.value(body_node, CNT.chars)).encode(encoding.replace("-", "_"))
        response = client.request(method, path, content=body or None, headers=headers)
        resp = graph.value(request, HT.resp)
        statuses = {
            str(s).rsplit("StatusCode", 1)[-1] for s in graph.objects(resp, MF.expectedStatus)
        }
        got = f"{str(response.status_code)[0]}xx"
        if got not in statuses:
            if is_update and response.status_code in (400, 403, 405):
                return done("refused", "update", f"HTTP {response.status_code}")
            reason = refusal_reason(error_message(response))
            if reason and 400 <= response.status_code < 500:
                return done("refused", reason, error_message(response))
            return done(
                "failed",
                f"HTTP {response.status_code}, expected {sorted(statuses)}",
                error_message(response),
            )
        if got != "2xx":
            continue
        expected_format = str(graph.value(resp, MF.expectedFormat) or "")
        media = response.headers.get("content-type", "").split(";")[0]
        if expected_format == "boolean":
            boolean = graph.value(resp, MF.expectedBoolean)
            fmt = {
                "application/sparql-results+xml": ox.QueryResultsFormat.XML,
                "application/sparql-results+json": ox.QueryResultsFormat.JSON,
            }.get(media)
            if fmt is None:
                return done("failed", "boolean in an unexpected format", media)
            answer = bool(ox.parse_query_results(response.content, fmt))
            if boolean is not None and answer != boolean.toPython():
                return done("failed", "wrong answer", f"answered {answer}, expected {boolean}")
        elif expected_format == "RDF" and media not in (
            "text/turtle",
            "application/n-triples",
            "application/rdf+xml",
        ):
            return done("failed", "not an RDF format", media)
        elif expected_format == "tabular" and media not in (
            "application/sparql-results+xml",
            "application/sparql-results+json",
            "text/csv",
            "text/tab-separated-values",
        ):
            return done("failed", "not a results format", media)
    return done("passed")


# -- the whole suite --------------------------------------------------------------------


def all_tests(only: list[str] | None = None) -> list[Test]:
    tests = [t for m in manifest_files() for t in read_tests(m)]
    if only:
        tests = [t for t in tests if t.directory in only]
    return tests


def classify_known(outcomes: list[Outcome]) -> None:
    """A known failure of the endpoint's own (KNOWN_FAILURES) says why."""
    for outcome in outcomes:
        if outcome.status == "failed" and outcome.test in KNOWN_FAILURES:
            outcome.detail = f"{outcome.reason}: {outcome.detail}"
            outcome.reason = "known: " + KNOWN_FAILURES[outcome.test]


def summarise(outcomes: list[Outcome]) -> dict[str, Any]:
    def counts(items: list[Outcome]) -> dict[str, Any]:
        refused = Counter(o.reason for o in items if o.status == "refused")
        return {
            "tests": len(items),
            "passed": sum(o.status == "passed" for o in items),
            "refused": sum(refused.values()),
            "refused_by_reason": dict(sorted(refused.items())),
            "failed": sum(o.status == "failed" for o in items),
            "failed_by_reason": dict(
                sorted(
                    Counter(
                        "oxigraph"
                        if o.reason == "oxigraph"
                        else "known"
                        if o.reason.startswith("known")
                        else "unexplained"
                        for o in items
                        if o.status == "failed"
                    ).items()
                )
            ),
        }

    directories = sorted({o.directory for o in outcomes})
    return {
        "total": counts(outcomes),
        "by_directory": {d: counts([o for o in outcomes if o.directory == d]) for d in directories},
        "refusal_reasons": REFUSAL_REASONS,
        "failures": [o.__dict__ for o in outcomes if o.status == "failed"],
        "refusals": [o.__dict__ for o in outcomes if o.status == "refused"],
    }


def run_suite(only: list[str] | None = None, *, protocol: bool = True) -> dict[str, Any]:
    """Build the store, serve it, run the tests; the summary."""
    from nhskg.graph.loopback import free_port, running, venv_command

    tests = all_tests(only)
    with tempfile.TemporaryDirectory(prefix="nhskg-w3c-") as tmp:
        build_dir = Path(tmp) / "build"
        problems = publish_folder(build_dir, tests)
        port = free_port()
        env = os.environ | {
            "NHSKG_BUILD_DIR": str(build_dir),
            "NHSKG_SPARQL_PER_CLIENT": "64",
            "NHSKG_SPARQL_KILLS_PER_CLIENT": "10000",
        }
        base = f"http://127.0.0.1:{port}"
        command = [venv_command("nhskg"), "serve", "--port", str(port)]
        with (
            running(command, base + "/api", env=env, quiet=True),
            httpx.Client(base_url=base, timeout=60) as client,
        ):
            runner = Runner(client, ox.Store.read_only(str(build_dir / "current" / "oxigraph")))
            outcomes = [runner.run(t) for t in tests]
            if protocol and (not only or "protocol" in only):
                outcomes += protocol_outcomes(client)
    classify_known(outcomes)
    summary = summarise(outcomes)
    summary["data_not_loaded"] = problems
    return summary


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", nargs="*", help="directories of the suite to run")
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from record import provenance

    summary = run_suite(args.only)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps({"provenance": provenance()} | summary, indent=2) + "\n")
    total = summary["total"]
    print(
        f"{total['tests']} tests: {total['passed']} passed, {total['refused']} refused "
        f"{total['refused_by_reason']}, {total['failed']} failed"
    )
    for failure in summary["failures"]:
        print(
            f"FAILED {failure['directory']}/{failure['name']}: {failure['reason']} "
            f"{failure['detail'][:200]}"
        )
    return 1 if total["failed"] else 0


if __name__ == "__main__":
    raise SystemExit(main())
