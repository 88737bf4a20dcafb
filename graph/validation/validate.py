"""Validate a graph: SHACL shapes (pyshacl) plus SPARQL violation checks.

Both kinds of finding land in one :class:`Report` with the same fields: severity,
focus node and its label, path, message, and the shape or check that raised it.
A report prints as a table, as JSON, or as a SHACL validation report in Turtle.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Collection, Iterable
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path

import rdflib
from pyshacl import validate as shacl_validate
from rdflib.namespace import RDF as R_RDF
from rdflib.namespace import RDFS as R_RDFS
from rdflib.namespace import SH as R_SH
from rdflib.namespace import SKOS as R_SKOS

from nhskg.graph.errors import RdfFileError
from nhskg.graph.namespaces import compact
from nhskg.graph.query.named_queries import QueryFile, load_query_files
from nhskg.graph.query.store import GraphStore, SelectResult
from nhskg.graph.validation import shacl_sparql

NHSKG_NAME = rdflib.URIRef("https://w3id.org/nhskg/def#name")
SEVERITIES = ("Violation", "Warning", "Info")


@dataclass(frozen=True)
class Finding:
    severity: str
    focus: str
    focus_label: str
    path: str
    message: str
    source: str
    value: str = ""


def finding_order(finding: Finding) -> tuple[int, str, str, str]:
    """How SHACL findings are listed: by severity, then shape, focus node and value."""
    return (SEVERITIES.index(finding.severity), finding.source, finding.focus, finding.value)


@dataclass
class Report:
    findings: list[Finding] = field(default_factory=list)

    @property
    def conforms(self) -> bool:
        return not any(f.severity == "Violation" for f in self.findings)

    def counts(self) -> dict[str, int]:
        return {s: sum(1 for f in self.findings if f.severity == s) for s in SEVERITIES}

    def as_table(self, *, limit: int | None = None) -> str:
        if not self.findings:
            return "Conforms: no findings."
        shown = self.findings if limit is None else self.findings[:limit]
        headers = ("severity", "focus", "path", "message")
        rows = [
            (
                f.severity,
                f"{compact(f.focus)}" + (f" ({f.focus_label})" if f.focus_label else ""),
                compact(f.path) if f.path else "",
                f.message
                + (f" [value: {f.value}]" if f.value and f.value not in f.message else ""),
            )
            for f in shown
        ]
        widths = [min(60, max(len(h), *(len(r[i]) for r in rows))) for i, h in enumerate(headers)]
        lines = ["  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True))]
        lines.append("  ".join("-" * w for w in widths))
        for r in rows:
            cells = [
                c if len(c) <= w or i == 3 else c[: w - 1] + "…"
                for i, (c, w) in enumerate(zip(r, widths, strict=True))
            ]
            lines.append("  ".join(c.ljust(w) for c, w in zip(cells, widths, strict=True)).rstrip())
        counts = self.counts()
        summary = ", ".join(
            f"{n} {s.lower()}{'s' if n != 1 else ''}" for s, n in counts.items() if n
        )
        more = f" (showing {len(shown)})" if len(shown) < len(self.findings) else ""
        lines.append(f"\n{'Conforms' if self.conforms else 'Does not conform'}: {summary}{more}.")
        return "\n".join(lines)

    def as_json(self) -> str:
        return json.dumps(
            {
                "conforms": self.conforms,
                "counts": self.counts(),
                "findings": [asdict(f) for f in self.findings],
            },
            indent=2,
            ensure_ascii=False,
        )

    def as_turtle(self) -> str:
        g = rdflib.Graph()
        g.bind("sh", R_SH)
        report = rdflib.URIRef("urn:nhskg:validation-report")
        g.add((report, R_RDF.type, R_SH.ValidationReport))
        g.add((report, R_SH.conforms, rdflib.Literal(self.conforms)))
        for i, f in enumerate(self.findings):
            r = rdflib.URIRef(f"urn:nhskg:validation-report:result:{i}")
            g.add((report, R_SH.result, r))
            g.add((r, R_RDF.type, R_SH.ValidationResult))
            g.add((r, R_SH.resultSeverity, R_SH[f.severity]))
            g.add((r, R_SH.focusNode, _term(f.focus)))
            if f.path:
                g.add((r, R_SH.resultPath, rdflib.URIRef(f.path)))
            g.add((r, R_SH.resultMessage, rdflib.Literal(f.message)))
            g.add((r, R_SH.sourceShape, rdflib.URIRef(f.source)))
            if f.value:
                g.add((r, R_SH.value, _term(f.value)))
        return g.serialize(format="turtle")


def _term(text: str) -> rdflib.term.Node:
    return (
        rdflib.URIRef(text)
        if text.startswith(("http://", "https://", "urn:"))
        else rdflib.Literal(text)
    )


def load_shapes(shapes_dir: Path) -> rdflib.Graph:
    shapes = rdflib.Graph()
    for path in sorted(shapes_dir.glob("*.ttl")):
        try:
            shapes.parse(path, format="turtle")
        except SyntaxError as error:  # rdflib's BadSyntax is a SyntaxError
            raise RdfFileError(path, error) from error
    return shapes


def _label(data: rdflib.Graph, node: rdflib.term.Node) -> str:
    """The node's first label by kind, the least where it has several (a stable choice)."""
    for p in (R_SKOS.prefLabel, R_RDFS.label, NHSKG_NAME):
        labels = [str(o) for o in data.objects(node, p)]
        if labels:
            return min(labels)
    return ""


def shacl_findings(data: rdflib.Graph, shapes: rdflib.Graph, store: GraphStore) -> list[Finding]:
    """SHACL Core by pyshacl on ``data``; SHACL-SPARQL constraints on ``store`` (same triples)."""
    findings = core_findings(data, shacl_sparql.without_sparql(shapes))
    findings += sparql_constraint_findings(shapes, store, lambda iri: _label(data, iri))
    return sorted(findings, key=finding_order)


def pyshacl_report(data: rdflib.Graph, shapes: rdflib.Graph) -> rdflib.Graph:
    """pyshacl's validation report graph for ``data``, as the build runs it: no
    inference, every result, warnings allowed, SHACL Core only (no advanced features)."""
    _conforms, results, _text = shacl_validate(
        data,
        shacl_graph=shapes,
        inference="none",
        abort_on_first=False,
        allow_warnings=True,
        meta_shacl=False,
        advanced=False,
    )
    assert isinstance(results, rdflib.Graph)
    return results


def core_findings(data: rdflib.Graph, shapes: rdflib.Graph) -> list[Finding]:
    """SHACL Core by pyshacl (``shapes`` without sh:sparql constraints) on ``data``."""
    results = pyshacl_report(data, shapes)
    findings = []
    for r in results.subjects(R_RDF.type, R_SH.ValidationResult):
        focus = results.value(r, R_SH.focusNode)
        severity = results.value(r, R_SH.resultSeverity)
        shape = results.value(r, R_SH.sourceShape)
        message = results.value(r, R_SH.resultMessage)
        if isinstance(shape, rdflib.term.Node) and shapes.value(shape, R_SH.message) is not None:
            message = shapes.value(shape, R_SH.message)
        value = results.value(r, R_SH.value)
        path = results.value(r, R_SH.resultPath)
        findings.append(
            Finding(
                severity=str(severity).rsplit("#", 1)[-1] if severity else "Violation",
                focus=str(focus),
                focus_label=_label(data, focus) if focus is not None else "",
                path=str(path) if isinstance(path, rdflib.URIRef) else "",
                message=str(message or "constraint not met"),
                source=str(shape or ""),
                value=str(value) if value is not None else "",
            )
        )
    return findings


def sparql_constraint_findings(
    shapes: rdflib.Graph,
    store: GraphStore,
    label: Callable[[rdflib.URIRef], str] | None = None,
    *,
    skip: Collection[str] = (),
) -> list[Finding]:
    """The shapes' sh:sparql constraints (but those in ``skip``), each run once on the store."""
    findings = [
        finding
        for constraint in shacl_sparql.collect(shapes)
        if constraint.constraint not in skip
        for finding in sparql_constraint_rows(constraint, store)
    ]
    if label is None:
        from nhskg.graph.validation.shacl_compile import focus_labels  # it builds on this module

        labels = focus_labels(store, {f.focus for f in findings})
        return [replace(f, focus_label=labels.get(f.focus, "")) for f in findings]
    return [
        replace(f, focus_label=label(rdflib.URIRef(f.focus)) if f.focus else "") for f in findings
    ]


def sparql_constraint_rows(
    constraint: shacl_sparql.SparqlConstraint, store: GraphStore
) -> list[Finding]:
    """What one sh:sparql constraint finds on the store (focus labels left empty)."""
    findings = []
    for row in shacl_sparql.evaluate(store, constraint):
        focus_term = row.get("this")
        value_term = row.get("value")
        path_term = row.get("path")
        findings.append(
            Finding(
                severity=constraint.severity,
                focus=getattr(focus_term, "value", ""),
                focus_label="",
                path=getattr(path_term, "value", "") or constraint.path,
                message=shacl_sparql.fill(constraint.message, row),
                source=constraint.constraint,
                value=getattr(value_term, "value", ""),
            )
        )
    return findings


def check_findings(store: GraphStore, checks: Iterable[QueryFile]) -> list[Finding]:
    """Run each violation check; every row it returns is a finding."""
    findings = []
    for check in checks:
        result = store.query(check.text)
        assert isinstance(result, SelectResult), f"{check.path}: a check must be a SELECT query"
        for row in result.dicts():
            focus = row.get("focus")
            message = row.get("message")
            value = row.get("value")
            label = row.get("label")
            findings.append(
                Finding(
                    severity=check.header.severity,
                    focus=focus.value if focus is not None else "",
                    focus_label=label.value if label is not None else "",
                    path="",
                    message=message.value if message is not None else check.header.title,
                    source=f"check:{check.name}",
                    value=value.value if value is not None else "",
                )
            )
    return findings


def load_checks(queries_dir: Path) -> list[QueryFile]:
    return load_query_files(queries_dir / "checks")
