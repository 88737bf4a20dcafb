"""A small partnership network whose answers are worked out by hand.

Organisations (type, region): A, B ccg (R1); C nhs-trust, G foundation-trust, D
nhs-trust, E council, H, I nhs-trust (R2); F ccg (R1).

Bodies and ties:
- P1 partnership, 2015-01-01 to 2016-12-31: A, B, G stated; C resolved.
- W workstream of P1, 2015: A and B lead it.
- P2 partnership, from 2016-01-01 (open): C, D, G stated.
- K contract, 2017-04-01 to 2022-03-31: D provider, E commissioner.
- P3 partnership, from 2015-01-01: H, I stated.
- S (an STP): A and F in its footprint (reference data), from 2018-04-01.

One-mode view, all dates, no footprints (9 + 1 links):
A-B 2 (P1, W), A-C 1, A-G 1, B-C 1, B-G 1, C-G 2 (P1, P2), C-D 1, G-D 1, D-E 1; H-I 1.
"""

from __future__ import annotations

from datetime import date

from nhskg.graph.network.evidence import Evidence
from nhskg.graph.network.fetch import ID_BASE, NetworkData, NodeInfo, Period, Tie

ORG = ID_BASE + "org/"


def iri(key: str) -> str:
    return ORG + key


def _tie(org: str, body: str, rel: str, basis: str, start: str, end: str | None, st: str) -> Tie:
    return Tie(
        iri(org),
        iri(body) if not body.startswith("contract") else ID_BASE + body,
        rel,
        basis,
        date.fromisoformat(start),
        date.fromisoformat(end) if end else None,
        ID_BASE + "statement/" + st,
    )


def fixture_data() -> NetworkData:
    ties = [
        _tie("A", "P1", "member", "stated", "2015-01-01", "2016-12-31", "m-a-p1"),
        _tie("B", "P1", "member", "stated", "2015-01-01", "2016-12-31", "m-b-p1"),
        _tie("G", "P1", "member", "stated", "2015-01-01", "2016-12-31", "m-g-p1"),
        _tie("C", "P1", "member", "resolved", "2015-01-01", "2016-12-31", "m-c-p1"),
        _tie("A", "W", "leads", "stated", "2015-01-01", "2015-12-31", "l-a-w"),
        _tie("B", "W", "leads", "stated", "2015-01-01", "2015-12-31", "l-b-w"),
        _tie("C", "P2", "member", "stated", "2016-01-01", None, "m-c-p2"),
        _tie("D", "P2", "member", "stated", "2016-01-01", None, "m-d-p2"),
        _tie("G", "P2", "member", "stated", "2016-01-01", None, "m-g-p2"),
        _tie("D", "contract/K", "provider", "stated", "2017-04-01", "2022-03-31", "k"),
        _tie("E", "contract/K", "commissioner", "stated", "2017-04-01", "2022-03-31", "k"),
        _tie("H", "P3", "member", "stated", "2015-01-01", None, "m-h-p3"),
        _tie("I", "P3", "member", "stated", "2015-01-01", None, "m-i-p3"),
        _tie("A", "S", "in footprint", "reference", "2018-04-01", None, "fp-a"),
        _tie("F", "S", "in footprint", "reference", "2018-04-01", None, "fp-f"),
    ]
    kinds = {
        "A": ("Alpha CCG", "ccg"),
        "B": ("Beta CCG", "ccg"),
        "C": ("Gamma Trust", "nhs-trust"),
        "G": ("Golf Foundation Trust", "foundation-trust"),
        "D": ("Delta Trust", "nhs-trust"),
        "E": ("Echo Council", "council"),
        "F": ("Foxtrot CCG", "ccg"),
        "H": ("Hotel Trust", "nhs-trust"),
        "I": ("India Trust", "nhs-trust"),
        "P1": ("Partnership One", "partnership"),
        "P2": ("Partnership Two", "partnership"),
        "P3": ("Partnership Three", "partnership"),
        "W": ("Workstream W", "workstream"),
        "S": ("STP S", "stp"),
    }
    nodes = {iri(k): NodeInfo(label, k, "", "") for k, (label, _) in kinds.items()}
    nodes[ID_BASE + "contract/K"] = NodeInfo("contract", "contract/K", "contract", "contract")
    start = date(2013, 4, 1)
    types = {
        iri(k): [Period(t, t.replace("-", " "), start, None, rank=1)] for k, (_, t) in kinds.items()
    }
    regions = {
        iri(k): [
            Period(
                ORG + ("R1" if k in "ABF" else "R2"),
                "Region " + ("One" if k in "ABF" else "Two"),
                start,
                None,
            )
        ]
        for k in "ABCDEFGHI"
    }
    parts = {iri("W"): {iri("P1")}}
    evidence = {
        t.statement: [("doc.txt", f"quote for {t.statement.rsplit('/', 1)[-1]}")] for t in ties
    }
    return NetworkData(ties, nodes, types, regions, parts, Evidence.known(evidence))
