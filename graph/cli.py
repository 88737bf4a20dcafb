"""The `nhskg` command line.

    nhskg build                      build, validate and publish the graph
    nhskg validate [--format F]      validate the sources without publishing
    nhskg query --list               the named queries and their parameters
    nhskg query NAME --param k=v     run a named query
    nhskg sparql FILE|-              run any read-only SPARQL query
    nhskg stats                      instances per class in the published graph
    nhskg ingest PATH                propose evidenced records from a new document
    nhskg ingest evaluate            measure ingest on the curated documents
    nhskg review FILE                accept, edit or reject the candidates of nhskg ingest

Exit codes: 0 ok, 1 the data does not conform, 2 usage or runtime error. Errors
are one line on stderr, never a traceback.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from pydantic import ValidationError

from nhskg.graph.allocator import describe
from nhskg.graph.building.build import build, validate_sources
from nhskg.graph.building.dump import read_curated
from nhskg.graph.building.remote_publish import RemotePublishError
from nhskg.graph.curated.coverage import DocumentCoverage, coverage
from nhskg.graph.curated.schema import describe as describe_format
from nhskg.graph.curated.yamlio import CuratedFileError
from nhskg.graph.errors import IngestError, RdfFileError
from nhskg.graph.ingest.review_terminal import add_review_parser
from nhskg.graph.network.analysis import NetworkError
from nhskg.graph.network.cli import add_network_parser
from nhskg.graph.publish import NoPublishedGraph
from nhskg.graph.query.lookup import OrganisationIndex
from nhskg.graph.query.named_queries import ParameterError, QueryFileError
from nhskg.graph.query.query_worker import QueryFailed, QueryTimeout
from nhskg.graph.query.results import FORMATS, render
from nhskg.graph.query.service import QueryService, UnknownQuery, default_store
from nhskg.graph.query.sparql_guard import QueryRefused, decode
from nhskg.graph.query.text_table import WIDTH_HELP
from nhskg.graph.reference.landscape import load_landscape
from nhskg.graph.reference.readers import ReferenceFileError
from nhskg.graph.settings import Settings

OK, NONCONFORMING, ERROR = 0, 1, 2
EXPECTED_ERRORS = (
    ParameterError,
    QueryFileError,
    QueryRefused,
    UnknownQuery,
    ReferenceFileError,
    CuratedFileError,
    NoPublishedGraph,
    RdfFileError,
    IngestError,
    RemotePublishError,
    QueryTimeout,
    QueryFailed,
    NetworkError,
    SyntaxError,
    OSError,
)


class UsageError(Exception):
    """Bad command-line usage."""


def _progress(quiet: bool) -> Callable[[str], None]:
    return (lambda _m: None) if quiet else (lambda m: print(m, file=sys.stderr, flush=True))


def cmd_build(args: argparse.Namespace, settings: Settings) -> int:
    outcome = build(settings, _progress(args.quiet))
    if not outcome.published:
        print(outcome.report.as_table(limit=50), file=sys.stderr)
        return NONCONFORMING
    return OK


def cmd_validate(args: argparse.Namespace, settings: Settings) -> int:
    report = validate_sources(settings, _progress(args.quiet or args.format != "table"))
    if args.format == "json":
        print(report.as_json())
    elif args.format == "turtle":
        print(report.as_turtle())
    else:
        print(report.as_table(limit=args.limit))
    return OK if report.conforms else NONCONFORMING


def _params(pairs: Sequence[str]) -> dict[str, str]:
    params: dict[str, str] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key:
            raise UsageError(f"--param expects key=value, got {pair!r}")
        if key in params:
            raise UsageError(f"--param {key} given twice")
        params[key] = value
    return params


def _end(fmt: str) -> str:
    return "" if fmt in ("csv", "tsv") else "\n"


def cmd_query(args: argparse.Namespace, settings: Settings) -> int:
    service = QueryService(settings)
    if args.list:
        for q in service.library.values():
            print(f"{q.name}: {q.header.title}")
            print(f"    {q.header.description}")
            for p in q.header.params:
                print(f"    --param {p.describe()}")
        return OK
    if not args.name:
        raise UsageError("give a query name, or --list to see them")
    result = service.run(args.name, _params(args.param))
    print(render(result, args.format, width=args.width), end=_end(args.format))
    return OK


def cmd_sparql(args: argparse.Namespace, settings: Settings) -> int:
    if args.file == "-":
        raw = sys.stdin.buffer.read()
    else:
        with open(args.file, "rb") as handle:
            raw = handle.read()
    service = QueryService(settings)
    result = service.sparql(decode(raw))
    if isinstance(result, list):
        for triple in result:
            print(f"{triple} .")
        return OK
    print(render(result, args.format, width=args.width), end=_end(args.format))
    return OK


def cmd_stats(args: argparse.Namespace, settings: Settings) -> int:
    service = QueryService(settings)
    result = service.run("class-counts")
    print(render(result, args.format, width=args.width), end=_end(args.format))
    return OK


def cmd_coverage(args: argparse.Namespace, settings: Settings) -> int:
    catalog, land = load_landscape(settings.reference_dir)
    loaded = read_curated(settings, catalog, land)
    if loaded is None:
        raise UsageError(f"no curated data in {settings.data / 'curated'}")
    report = coverage(loaded[1])
    if args.document:
        report = [c for c in report if c.document.identifier.startswith(args.document)]
        if not report:
            raise UsageError(f"no document {args.document!r}")
    if args.format == "json":
        print(json.dumps([_coverage_json(c) for c in report], indent=2, ensure_ascii=False))
        return OK
    print(
        "A sentence is cited when statement quotes cover more than half of its words; "
        "excluded sentences (headings, labels) are listed in the curated file."
    )
    for c in report:
        cited, facts = len(c.cited_sentences), len(c.fact_bearing)
        print(
            f"{c.document.identifier}: {c.statements} statements; "
            f"{cited} of {facts} fact-bearing sentences cited ({c.ratio:.0%}); "
            f"{len(c.uncited)} uncited; {len(c.excluded_sentences)} excluded"
        )
        if args.uncited:
            for s in c.uncited:
                print(f"    uncited @{s.start}: {s.text[:110]}")
        if args.excluded:
            for s, e in c.excluded_sentences:
                print(f"    excluded @{s.start} ({e.reason}): {s.text[:90]}")
    total_facts = sum(len(c.fact_bearing) for c in report)
    total_cited = sum(len(c.cited_sentences) for c in report)
    if total_facts:
        print(
            f"all documents: {total_cited} of {total_facts} fact-bearing sentences cited "
            f"({total_cited / total_facts:.0%}); "
            f"{sum(len(c.excluded_sentences) for c in report)} excluded"
        )
    return OK


def _coverage_json(c: DocumentCoverage) -> dict[str, object]:
    return {
        "document": c.document.identifier,
        "statements": c.statements,
        "sentences": len(c.sentences),
        "fact_bearing": len(c.fact_bearing),
        "cited": len(c.cited_sentences),
        "coverage": round(c.ratio, 4),
        "uncited": [{"start": s.start, "end": s.end, "text": s.text} for s in c.uncited],
        "excluded": [
            {"start": s.start, "end": s.end, "text": s.text, "reason": e.reason}
            for s, e in c.excluded_sentences
        ],
    }


def cmd_format(args: argparse.Namespace, settings: Settings) -> int:
    print(describe_format())
    return OK


def cmd_resolve(args: argparse.Namespace, settings: Settings) -> int:
    service = QueryService(settings)
    index: OrganisationIndex = service.index
    iri = index.resolve("name", args.text)
    print(f"{index.describe(iri.value)}\t{iri.value}")
    return OK


def cmd_serve(args: argparse.Namespace, settings: Settings) -> int:
    import uvicorn

    from nhskg.api.app import create_app
    from nhskg.api.http_limits import protocol_class

    if args.host or args.port:  # the public base URL defaults to where it listens
        listen = {"host": args.host or settings.host, "port": args.port or settings.port}
        settings = settings.model_copy(update=listen)
    app = create_app(settings)  # fails here, not in a worker, if nothing is published
    host = args.host or settings.host
    port = args.port or settings.port
    allocator = describe(settings.query_preload)
    workers = "" if settings.store_url else f"; query workers allocate with {allocator}"
    if not settings.store_url:
        workers += f" and are {_workers_isolation(settings)}"
    print(
        f"nhskg: serving build {app.state.graph.build_id} on http://{host}:{port}/ "
        f"(API docs /docs, SPARQL /sparql{workers})",
        file=sys.stderr,
    )
    uvicorn.run(
        app,
        host=host,
        port=port,
        log_level="warning",
        http=protocol_class(settings),  # limits on each request's head
        timeout_keep_alive=settings.keep_alive_s,
        limit_concurrency=settings.max_connections,
    )
    return OK


def _workers_isolation(settings: Settings) -> str:
    """The query workers' barriers to the network, as a worker started to say them
    reports; when it has none, a loud warning on stderr and in the log."""
    import logging

    from nhskg.graph.query.query_worker import TimeLimitedStore
    from nhskg.graph.query.sandbox import announcement

    probe = default_store(settings, 1)
    assert isinstance(probe, TimeLimitedStore)
    try:
        isolation = probe.barriers()
    finally:
        probe.close()
    phrase, warning = announcement(isolation, allow_unisolated=settings.allow_unisolated_sparql)
    if warning:
        print(f"nhskg: {warning}", file=sys.stderr)
        log = logging.getLogger("nhskg")
        if log.hasHandlers():  # a log of the operator's besides stderr
            log.error(warning)
    return phrase


def _ask(prompt: str) -> str:
    """Ask at the terminal (ingest's missing title or date); end of input is no answer."""
    try:
        return input(prompt)
    except EOFError:
        return ""


def cmd_ingest(args: argparse.Namespace, settings: Settings) -> int:
    from nhskg.graph.ingest.metadata import Given
    from nhskg.graph.ingest.pipeline import ingest, summary

    given = Given(
        title=args.title,
        date=args.date,
        date_from=args.date_from,
        date_until=args.date_until,
        date_text=args.date_text,
        publisher=args.publisher,
        concerns=list(args.concerns),
    )
    ask = _ask if sys.stdin is not None and sys.stdin.isatty() else None
    done = ingest(Path(args.path), settings, given, ask=ask, progress=_progress(args.quiet))
    print(summary(done))
    return OK


def cmd_ingest_evaluate(args: argparse.Namespace, settings: Settings) -> int:
    from nhskg.graph.ingest.evaluate import evaluate, render, write

    result = evaluate(settings, only=args.document, progress=_progress(args.quiet))
    print(render(result, args.format))
    if args.out:
        write(result, Path(args.out), args.format)
    return OK


def cmd_synth(args: argparse.Namespace, settings: Settings) -> int:
    from nhskg.graph.synth import synthesise

    count = synthesise(args.scale, Path(args.output), settings.reference_dir, seed=args.seed)
    print(
        f"wrote {count} synthetic documents with their curated records to {args.output}/data; "
        f"build them with NHSKG_DATA_DIR={args.output}/data nhskg build",
        file=sys.stderr,
    )
    return OK


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="nhskg", description="The NHS partnership knowledge graph.")
    sub = p.add_subparsers(dest="command", metavar="COMMAND", required=True)

    b = sub.add_parser("build", help="build, validate and publish the graph")
    b.add_argument("--quiet", action="store_true", help="no progress messages")
    b.set_defaults(func=cmd_build)

    v = sub.add_parser("validate", help="validate the sources without publishing")
    v.add_argument("--format", choices=("table", "json", "turtle"), default="table")
    v.add_argument("--limit", type=int, default=None, help="show at most this many findings")
    v.add_argument("--quiet", action="store_true", help="no progress messages")
    v.set_defaults(func=cmd_validate)

    q = sub.add_parser("query", help="run a named query from queries/")
    q.add_argument("name", nargs="?", help="the query's name (its file name without .rq)")
    q.add_argument("--param", "-p", action="append", default=[], metavar="KEY=VALUE")
    q.add_argument("--format", "-f", choices=FORMATS, default="table")
    q.add_argument("--width", type=int, metavar="N", help=WIDTH_HELP)
    q.add_argument(
        "--list", action="store_true", help="list the named queries and their parameters"
    )
    q.set_defaults(func=cmd_query)

    s = sub.add_parser("sparql", help="run a read-only SPARQL query from a file or stdin (-)")
    s.add_argument("file", help="a .rq file, or - for standard input")
    s.add_argument("--format", "-f", choices=FORMATS, default="table")
    s.add_argument("--width", type=int, metavar="N", help=WIDTH_HELP)
    s.set_defaults(func=cmd_sparql)

    st = sub.add_parser("stats", help="instances per class in the published graph")
    st.add_argument("--format", "-f", choices=FORMATS, default="table")
    st.add_argument("--width", type=int, metavar="N", help=WIDTH_HELP)
    st.set_defaults(func=cmd_stats)

    c = sub.add_parser(
        "coverage", help="fact-bearing sentences of each document that statements cite"
    )
    c.add_argument("--document", help="one document, by its file name or the start of it (000)")
    c.add_argument(
        "--uncited", action="store_true", help="list the fact-bearing sentences no statement cites"
    )
    c.add_argument(
        "--excluded", action="store_true", help="list the excluded sentences with their reasons"
    )
    c.add_argument("--format", choices=("table", "json"), default="table")
    c.set_defaults(func=cmd_coverage)

    fm = sub.add_parser("format", help="the curated record format: record types and their fields")
    fm.set_defaults(func=cmd_format)

    add_network_parser(sub)

    ig = sub.add_parser(
        "ingest",
        help="propose evidenced records from a new document (text, HTML, PDF) for review",
        description="Store the document's text once in data/sources/ with its metadata, "
        "find the organisations it names and link them on its date, and write the records "
        "it proposes to data/curated/<document>.candidates.yaml for `nhskg review`. "
        "`nhskg ingest evaluate` measures the pipeline on the curated documents.",
    )
    ig.add_argument("path", help="a .txt, .md, .html or .pdf file")
    ig.add_argument("--title", help="the document's title (else read from it, or asked)")
    ig.add_argument("--date", help="its date: YYYY-MM-DD, YYYY-MM or YYYY (else read or asked)")
    ig.add_argument("--date-from", help="for a document dated only by a span: its first date")
    ig.add_argument("--date-until", help="... and its last date")
    ig.add_argument("--date-text", help="the document's own words for its date (2014/15)")
    ig.add_argument("--publisher", help="an ODS or ONS code, or a curated entity key")
    ig.add_argument(
        "--concerns",
        action="append",
        default=[],
        metavar="CODE",
        help="the partnership it is about (repeat for several)",
    )
    ig.add_argument("--quiet", action="store_true", help="no progress messages")
    ig.set_defaults(func=cmd_ingest)

    ie = sub.add_parser(
        "ingest evaluate",
        help="measure ingest on the curated documents, one left out at a time",
        description="Leave-one-document-out over the curated documents: for each, the "
        "pipeline runs on its text without its own aliases and entities, and is scored "
        "against its curated records (mention precision, recall and F1, linking accuracy, "
        "statement precision and recall), per document and micro-averaged overall.",
    )
    ie.add_argument("--format", choices=("text", "json"), default="text")
    ie.add_argument(
        "--out", metavar="FILE", help="also write the report here (JSON if it ends in .json)"
    )
    ie.add_argument("--document", help="only the documents whose file name starts with this")
    ie.add_argument("--quiet", action="store_true", help="no progress messages")
    ie.set_defaults(func=cmd_ingest_evaluate)

    sy = sub.add_parser("synth", help="write a synthetic landscape for scale tests")
    sy.add_argument("--scale", type=int, default=1, help="5 documents per unit of scale")
    sy.add_argument("--output", required=True, help="folder to write data/ into")
    sy.add_argument("--seed", type=int, default=42)
    sy.set_defaults(func=cmd_synth)

    sv = sub.add_parser("serve", help="serve the published graph: lookup API and SPARQL endpoint")
    sv.add_argument("--host", default=None, help="default: NHSKG_HOST (127.0.0.1)")
    sv.add_argument("--port", type=int, default=None, help="default: NHSKG_PORT (8000)")
    sv.set_defaults(func=cmd_serve)

    add_review_parser(sub)

    r = sub.add_parser("resolve", help="find the organisation a code, name or alias names")
    r.add_argument("text")
    r.set_defaults(func=cmd_resolve)
    return p


def main(argv: Sequence[str] | None = None) -> int:
    words = list(sys.argv[1:] if argv is None else argv)
    if words[:2] == ["ingest", "evaluate"]:  # a command of two words (a file: ./evaluate)
        words = ["ingest evaluate", *words[2:]]
    args = parser().parse_args(words)
    try:
        settings = Settings()
        code: int = args.func(args, settings)
        return code
    except UsageError as exc:
        print(f"nhskg {args.command}: {exc}", file=sys.stderr)
        return ERROR
    except ValidationError as exc:
        first = exc.errors()[0]
        field_name = "NHSKG_" + str(first["loc"][0]).upper() if first["loc"] else "settings"
        print(f"nhskg: setting {field_name}: {first['msg']}", file=sys.stderr)
        return ERROR
    except BrokenPipeError:
        return OK
    except EXPECTED_ERRORS as exc:
        print(f"nhskg {args.command}: {exc}", file=sys.stderr)
        return ERROR
    except KeyboardInterrupt:
        return ERROR
    except Exception as exc:  # a bug: say so in one line unless asked for the traceback
        if os.environ.get("NHSKG_DEBUG"):
            raise
        print(
            f"nhskg {args.command}: internal error ({type(exc).__name__}: {exc}); "
            "set NHSKG_DEBUG=1 to see the traceback",
            file=sys.stderr,
        )
        return ERROR


if __name__ == "__main__":
    sys.exit(main())
