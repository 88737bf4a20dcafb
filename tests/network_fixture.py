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
        iri(body) if not body.startswith(("contract", "joint-working")) else ID_BASE + body,
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


def national_fixture_data() -> NetworkData:
    """The fixture network with a national body and ties other than membership.

    Added to :func:`fixture_data`:
    - N (NHS England, type nhs-england) hosts P3 from 2017-01-01 (open).
    - J joint working, part of P1, 2017: B and N parties.
    - K2 contract, part of P3, 2018-04-01 to 2019-03-31: P3 itself commissioner, D provider.

    Two-mode paths (each thing one node), all dates:
    A to H: A-P1-B-J-N-P3-H, 6 hops (through K2 it is A-P1-G-P2-D-K2-P3-H, 7).
    P1 to P3: P1-B-J-N-P3, 4 hops (through K2, P1-G-P2-D-K2-P3, 5).
    On 2015-06-01 A (with P1, W, B, C, G: 6 nodes) and H (with P3, I: 3 nodes) are
    apart; the view has 9 nodes, 8 links (A, B, C, G in P1; A, B in W; H, I in P3)
    and 2 components.
    Brokers over every tie: C and G (P1, P2 as members), D (P2 member; P3 as K2's
    provider), N (P1 as J's party; P3 as its host); by membership only C and G.
    """
    base = fixture_data()
    extra = [
        _tie("N", "P3", "hosts", "stated", "2017-01-01", None, "h-n-p3"),
        _tie("B", "joint-working/J", "party", "stated", "2017-01-01", "2017-12-31", "j"),
        _tie("N", "joint-working/J", "party", "stated", "2017-01-01", "2017-12-31", "j"),
        _tie("P3", "contract/K2", "commissioner", "stated", "2018-04-01", "2019-03-31", "k2"),
        _tie("D", "contract/K2", "provider", "stated", "2018-04-01", "2019-03-31", "k2"),
    ]
    ties = base.ties + extra
    nodes = dict(base.nodes)
    nodes[iri("N")] = NodeInfo("NHS England", "N", "", "")
    nodes[ID_BASE + "joint-working/J"] = NodeInfo("joint working", "J", "joint-working", "")
    nodes[ID_BASE + "contract/K2"] = NodeInfo("contract", "K2", "contract", "contract")
    types = dict(base.types)
    types[iri("N")] = [Period("nhs-england", "NHS England", date(2013, 4, 1), None, rank=1)]
    regions = dict(base.regions)
    parts = dict(base.parts)
    parts[ID_BASE + "joint-working/J"] = {iri("P1")}
    parts[ID_BASE + "contract/K2"] = {iri("P3")}
    evidence = {
        t.statement: [("doc.txt", f"quote for {t.statement.rsplit('/', 1)[-1]}")] for t in ties
    }
    return NetworkData(ties, nodes, types, regions, parts, Evidence.known(evidence))
