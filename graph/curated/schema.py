"""The curated record format: every record type, its fields, and the terms they become.

One table drives the loader (which fields exist, which are required, how each is
checked), the emitter (which property each field becomes) and the documentation
(`nhskg curated-format` prints it). Field kinds:

- ``ref`` / ``refs``: one or several things by key: an ODS or ONS code of the
  reference landscape, the key of a curated entity (any file), ``#id`` for a
  statement of the same file (e.g. a post that leads a group), ``NNN#id`` for a
  statement of the file of document NNN (what an ``ending`` ends), or, for
  ``realised_by``, a change event as ``change:YYYY-MM-DD/CODE``;
- ``text`` / ``texts``: words as the document writes them;
- ``date``: YYYY-MM-DD, YYYY-MM or YYYY; ``duration``: ISO 8601 such as P5Y;
- ``decimal``: a plain number such as 39000000;
- ``role``, ``status``, ``rag``, ``decision``, ``orgtype``: a key of that concept scheme;
- ``quantity``: a number of people as the document gives it, ``{value: N}``, ``{min: N}``
  and/or ``{max: N}`` with ``text:`` the document's words (a schema:QuantitativeValue).
"""

from __future__ import annotations

from dataclasses import dataclass

from pyoxigraph import NamedNode

from nhskg.graph.namespaces import DCTERMS, NHSKG, ORG, PROV, RDFS, SCHEMA


@dataclass(frozen=True)
class FieldSpec:
    kind: str
    prop: NamedNode | None
    required: bool = False
    default: str | None = None
    help: str = ""


@dataclass(frozen=True)
class StatementSpec:
    classes: tuple[NamedNode, ...]
    fields: dict[str, FieldSpec]
    help: str


def F(
    kind: str,
    prop: NamedNode | None,
    required: bool = False,
    default: str | None = None,
    help: str = "",
) -> FieldSpec:
    return FieldSpec(kind, prop, required, default, help)


PART_OF = F("ref", DCTERMS.isPartOf, help="the partnership or programme it belongs to")
LABEL = F("text", RDFS.label, True, help="a short name, in the document's words")
POPULATION = F(
    "quantity",
    NHSKG.population,
    help="the people it serves: {value: N} or {min: N, max: N}, with text: the words",
)
DESCRIPTION = F("text", DCTERMS.description, help="more of the document's words")

STATEMENTS: dict[str, StatementSpec] = {
    "membership": StatementSpec(
        (ORG.Membership,),
        {
            "member": F(
                "ref", ORG.member, True, help="the member: an organisation or a stated group"
            ),
            "organization": F("ref", ORG.organization, True, help="the partnership, board or body"),
            "role": F("role", ORG.role, default="partner"),
        },
        "An organisation (or a stated group) is a member of a partnership, board or group.",
    ),
    "post": StatementSpec(
        (ORG.Post,),
        {
            "organization": F("ref", ORG.postIn, True, help="where the post is"),
            "title": F("text", RDFS.label, True, help="the post's title as written"),
            "person": F("ref", ORG.heldBy, help="who holds it, if named"),
            "role": F("role", ORG.role),
        },
        "A named post in an organisation, and who holds it.",
    ),
    "coordination": StatementSpec(
        (NHSKG.Coordination,),
        {
            "coordinator": F("refs", NHSKG.coordinator, True),
            "coordinated": F("refs", NHSKG.coordinated, True),
            "area": F("refs", NHSKG.area),
            "area_text": F("text", NHSKG.areaText),
            "population": POPULATION,
            "description": DESCRIPTION,
        },
        "A body (often a PMO) coordinates a programme or piece of work.",
    ),
    "hosting": StatementSpec(
        (NHSKG.Hosting,),
        {"host": F("ref", NHSKG.host, True), "hosted": F("ref", NHSKG.hosted, True)},
        "An organisation hosts a unit, e.g. a PMO based in a CCG.",
    ),
    "leadership": StatementSpec(
        (NHSKG.Leadership,),
        {
            "leader": F("refs", NHSKG.leader, True),
            "led": F("refs", NHSKG.led, True),
            "description": DESCRIPTION,
        },
        "A person, post or organisation leads a workstream, group or programme.",
    ),
    "joint-working": StatementSpec(
        (NHSKG.JointWorking,),
        {
            "parties": F("refs", NHSKG.party, True),
            "purpose": F("text", NHSKG.purpose),
            "population": POPULATION,
            "part_of": PART_OF,
        },
        "Two or more parties work together without forming a named body.",
    ),
    "provision": StatementSpec(
        (NHSKG.ServiceProvision,),
        {
            "provider": F("refs", NHSKG.provider, True),
            "service": F("text", NHSKG.service, True),
            "commissioner": F("refs", NHSKG.commissioner),
            "area": F("refs", NHSKG.area),
            "area_text": F("text", NHSKG.areaText),
        },
        "An organisation provides a service, for an area or a commissioner.",
    ),
    "contract": StatementSpec(
        (NHSKG.Contract,),
        {
            "label": LABEL,
            "provider": F("refs", NHSKG.provider, True),
            "commissioner": F("refs", NHSKG.commissioner),
            "service": F("text", NHSKG.service),
            "area": F("refs", NHSKG.area),
            "area_text": F("text", NHSKG.areaText),
            "term": F("duration", NHSKG.term),
            "annual_value": F("decimal", NHSKG.annualValue),
            "currency": F("text", SCHEMA.currency, default="GBP"),
            "status": F("status", NHSKG.status),
        },
        "A contract: provider, commissioners, start, term and value.",
    ),
    "merger-proposal": StatementSpec(
        (NHSKG.MergerProposal,),
        {
            "label": LABEL,
            "proposers": F("refs", NHSKG.proposer, True),
            "proposed_name": F("texts", NHSKG.proposedName),
            "business_cases": F(
                "refs", PROV.generated, help="business cases written for the proposal"
            ),
            "papers": F("refs", PROV.generated, help="other papers written for it, e.g. 'plans'"),
            "status": F("status", NHSKG.status),
            "realised_by": F(
                "ref", NHSKG.realisedBy, help="change:YYYY-MM-DD/CODE from the ODS successor file"
            ),
        },
        "Organisations propose to merge.",
    ),
    "submission": StatementSpec(
        (NHSKG.Submission,),
        {
            "submitted": F("refs", NHSKG.submitted, True),
            "by": F("refs", NHSKG.submittedBy),
            "to": F("refs", NHSKG.submittedTo, help="to whom, where the document says"),
            "status": F("status", NHSKG.status, help="e.g. planned, for one not yet made"),
            "description": DESCRIPTION,
        },
        "A document is submitted by one body to another.",
    ),
    "decision": StatementSpec(
        (NHSKG.Decision,),
        {
            "by": F("refs", NHSKG.decidedBy, True),
            "kind": F("decision", NHSKG.decisionKind, True),
            "on": F("refs", NHSKG.decisionOn),
            "status": F("status", NHSKG.status, help="e.g. planned, for one not yet taken"),
            "target_date": F(
                "date", NHSKG.targetDate, help="the date it is due by ('by 9th November 2015')"
            ),
            "description": DESCRIPTION,
        },
        "A board or body agrees, approves, accepts, signs off or receives something.",
    ),
    "consultation": StatementSpec(
        (NHSKG.Consultation,),
        {
            "label": LABEL,
            "topics": F("texts", DCTERMS.subject),
            "consulting": F("refs", NHSKG.consultingBody),
            "planned_start": F("date", NHSKG.plannedStart),
            "hoped_for": F(
                "date",
                NHSKG.hopedForDate,
                help="a date the document only hopes for ('which we hope to announce in 2019')",
            ),
            "condition": F(
                "text", NHSKG.condition, help="what it depends on, in the document's words"
            ),
            "status": F("status", NHSKG.status, True),
            "part_of": PART_OF,
            "description": DESCRIPTION,
        },
        "A public consultation: topics, who consults, planned, hoped-for or actual start, status.",
    ),
    "milestone": StatementSpec(
        (NHSKG.Milestone,),
        {
            "label": LABEL,
            "target_date": F("date", NHSKG.targetDate),
            "target_text": F("text", NHSKG.dateText),
            "rag": F(
                "rag", NHSKG.ragStatus, help="red, amber, green or not-started, where reported"
            ),
            "status": F("status", NHSKG.status),
            "part_of": PART_OF,
        },
        "A programme milestone with its target date and RAG status.",
    ),
    "risk": StatementSpec(
        (NHSKG.Risk,),
        {
            "label": LABEL,
            "description": DESCRIPTION,
            "update": F("text", NHSKG.update),
            "rag": F("rag", NHSKG.ragStatus, True),
            "part_of": PART_OF,
        },
        "A programme risk or issue with its RAG status.",
    ),
    "event": StatementSpec(
        (NHSKG.EngagementEvent,),
        {
            "label": LABEL,
            "place": F("text", SCHEMA.location),
            "speakers": F("refs", NHSKG.speaker),
            "chairs": F("refs", NHSKG.chair),
            "organisers": F("refs", NHSKG.organiser),
            "participants": F("refs", NHSKG.participant),
            "audience": F("text", NHSKG.audienceText),
            "status": F("status", NHSKG.status, help="e.g. planned, for one yet to take place"),
            "description": DESCRIPTION,
            "part_of": PART_OF,
        },
        "An engagement event: date, place, speakers, who organised it.",
    ),
    "funding": StatementSpec(
        (NHSKG.Funding,),
        {
            "amount": F("decimal", NHSKG.amount, help="where the document gives one"),
            "currency": F("text", SCHEMA.currency, default="GBP"),
            "rate": F("decimal", None, help="money per unit (with per), e.g. 1 for '£1 per head'"),
            "per": F("text", None, help="the unit of a rate, e.g. 'per head of population'"),
            "per_unit_code": F(
                "text", None, help="the rate's unit as a UN/CEFACT code: IE for a person"
            ),
            "purpose": F("text", NHSKG.purpose),
            "site": F("ref", NHSKG.fundedSite),
            "funder": F("refs", NHSKG.funder),
            "recipient": F("refs", NHSKG.recipient),
            "status": F("status", NHSKG.status),
            "description": DESCRIPTION,
            "part_of": PART_OF,
        },
        "Money: an amount (or a rate per unit) with its purpose, site and status "
        "(or a bid without one).",
    ),
    "funding-gap": StatementSpec(
        (NHSKG.FundingGap,),
        {
            "label": LABEL,
            "amount": F("decimal", None, True, help="the estimated shortfall"),
            "currency": F("text", None, default="GBP"),
            "area": F("refs", NHSKG.area),
            "area_text": F("text", NHSKG.areaText, help="the area, in the document's words"),
            "period_start": F("date", None, help="the first day of the period the gap is over"),
            "period_end": F("date", None, help="the last day of that period"),
            "period_length": F("duration", None, help="its length, e.g. P5Y for '5 years'"),
            "period_text": F("text", None, help="the period in the document's words"),
            "condition": F("text", NHSKG.condition, help="the estimate's assumption, as written"),
            "description": DESCRIPTION,
            "part_of": PART_OF,
        },
        "An estimated funding gap: the amount, the area and the period it is over.",
    ),
    "focus": StatementSpec(
        (NHSKG.WorkstreamFocus,),
        {
            "workstream": F("ref", None, True, help="the workstream (linked by nhskg:hasFocus)"),
            "label": LABEL,
            "problems": F("texts", NHSKG.problem),
            "outcome": F("text", NHSKG.desiredOutcome),
        },
        "A clinical focus of a workstream, with its problems and desired outcome.",
    ),
    "activity": StatementSpec(
        (PROV.Activity,),
        {
            "label": LABEL,
            "leaders": F("refs", NHSKG.leader, help="who leads or oversees it"),
            "participants": F("refs", NHSKG.participant),
            "status": F("status", NHSKG.status),
            "population": POPULATION,
            "description": DESCRIPTION,
            "part_of": PART_OF,
        },
        "Some other piece of work the document names, who leads it and who takes part "
        "(a prov:Activity).",
    ),
    "ending": StatementSpec(
        (NHSKG.TieEnding,),
        {
            "ends": F(
                "ref",
                NHSKG.ends,
                True,
                help="the tie that ended: #id of a statement in this file, or NNN#id in "
                "the file of document NNN",
            ),
            "label": LABEL,
            "description": DESCRIPTION,
        },
        "A later document says a tie ended: it holds until `date` (or, without one, "
        "until the day before this document), and is no longer presumed to run on.",
    ),
    "principle": StatementSpec(
        (NHSKG.Principle,),
        {"label": LABEL, "description": DESCRIPTION, "part_of": PART_OF},
        "A principle or intention the document states (e.g. that involvement 'is essential'); "
        "it says nothing was done and names no participants.",
    ),
    "classification": StatementSpec(
        (NHSKG.ClassificationPeriod,),
        {
            "organisation": F("ref", NHSKG.organisation, True),
            "classified_as": F("orgtype", NHSKG.classifiedAs, True),
        },
        "The document says what type of body an organisation is (e.g. that BCT is the STP).",
    ),
}

# Fields every statement may carry.
COMMON: dict[str, FieldSpec] = {
    "id": F("text", None, help="a short name for this record, unique in the file"),
    "quote": F(
        "quotes",
        None,
        True,
        help="the exact text: a string, or a list of strings and {text: ..., occurrence: N}",
    ),
    "occurrence": F(
        "integer", None, help="which occurrence of a quote that appears more than once"
    ),
    "basis": F("text", None, default="stated", help="stated, or resolved"),
    "resolved_from": F("text", None, help="the id of the stated record this resolves"),
    "reasoning": F("text", None, help="why the resolution names this organisation"),
    "reference": F("rows", None, help="dataset rows that name it: [{dataset: ID, row: N}]"),
    "start": F("date", SCHEMA.startDate),
    "end": F("date", SCHEMA.endDate),
    "date": F("date", DCTERMS.date),
    "date_text": F("text", NHSKG.dateText, help="the document's words for a vague date"),
}

ENTITY_KINDS = ("person", "site", "stated-group", "business-case", "paper")

# Fields of an entity record (organisations and other things a document introduces).
ENTITY_FIELDS: dict[str, FieldSpec] = {
    "key": F("text", None, True, help="lower-case words with hyphens; the IRI is minted from it"),
    "kind": F(
        "text",
        None,
        True,
        help="an organisation type key, or person, site, stated-group, business-case, paper",
    ),
    "name": F("text", None, True, help="the preferred name"),
    "aliases": F("texts", None, help="other names the document uses"),
    "quote": F("quotes", None, True),
    "occurrence": F("integer", None),
    "description": DESCRIPTION,
    "part_of": F("ref", None, help="a unit's parent (org:unitOf); a paper's programme"),
    "site_of": F("ref", None, help="the organisation that runs a site"),
    "code": F(
        "text",
        None,
        help="an ONS (or ODS) code of an organisation the landscape lacks; the IRI is minted "
        "from it",
    ),
    "reference": F("rows", None, help="dataset rows that give the code or the site's operator"),
    "reasoning": F("text", None, help="how the rows determine it, where the text does not"),
    "count": F("integer", None, help="how many a stated group counts"),
    "member_type": F("orgtype", None, help="what type the members of a stated group are"),
    "subtype": F("text", None, help="a business case's type: SOC, PCBC or FBC; a paper's kind"),
    "start": F("date", SCHEMA.startDate),
    "end": F("date", SCHEMA.endDate),
    "date": F("date", DCTERMS.date),
    "date_text": F("text", NHSKG.dateText),
}

ALIAS_FIELDS: dict[str, FieldSpec] = {
    "org": F("ref", None, True, help="the organisation (code or key)"),
    "alias": F("text", None, True, help="the name form as the document writes it"),
    "quote": F("quotes", None, True),
    "occurrence": F("integer", None),
}


def describe() -> str:
    """The record format as text: what `nhskg format` prints."""

    def block(title: str, specs: dict[str, FieldSpec]) -> list[str]:
        lines = [title]
        for name, spec in specs.items():
            need = "required" if spec.required else "optional"
            if spec.default:
                need = f"default {spec.default}"
            note = f"  {spec.help}" if spec.help else ""
            lines.append(f"    {name:<14} {spec.kind:<9} {need:<16}{note}".rstrip())
        return lines

    out = ["Curated record format (data/curated/<document>.yaml)", ""]
    out += [
        "Top level: document (file name), entities, aliases, statements, excluded.",
        "",
        "excluded: sentences that carry no fact (headings, form labels, page furniture)",
        "    quote          text      required          the whole sentence, verbatim",
        "    reason         text      required          why it carries no fact",
        "    occurrence     integer   optional          which occurrence, if the text repeats",
        "",
    ]
    kinds = ", ".join(ENTITY_KINDS)
    out += block(f"entities: (kind: an organisation type key, or {kinds})", ENTITY_FIELDS)
    out += ["", *block("aliases:", ALIAS_FIELDS)]
    out += ["", *block("statements: every type also takes", COMMON)]
    for name, spec in STATEMENTS.items():
        out += ["", f"  type: {name}  ({spec.help})"]
        out += block("", spec.fields)[1:]
    return "\n".join(out)
