"""The generator's fixed tables and small text helpers: the calendar papers fall within, the
weights of statement types and of whom papers name, the organisation categories the profile
groups by, the sections and word lists papers are written from, and slugs, ranks and the like.
"""

from __future__ import annotations

import datetime as dt
import functools
import zlib

FIRST, LAST = dt.date(2013, 4, 1), dt.date(2023, 12, 31)  # CCGs open; the newest lists
STP_START, ICB_START = dt.date(2016, 3, 1), dt.date(2022, 7, 1)  # footprints named; ICBs
NEVER = dt.date.max

# fmt: off
# Statements of each type but membership in the five real papers (see profile()).
TYPE_WEIGHTS = {
    "activity": 97, "post": 26, "decision": 18, "event": 15, "funding": 10, "submission": 11,
    "milestone": 9, "focus": 8, "joint-working": 7, "coordination": 5, "leadership": 5,
    "consultation": 4, "classification": 3, "hosting": 2, "provision": 2, "risk": 2,
    "funding-gap": 2, "merger-proposal": 1, "contract": 1, "principle": 1,
}
# The profile's organisation types: reference classes and entity kinds they group.
CATEGORIES = {kind: category for category, kinds in {
    "ccg": "ClinicalCommissioningGroup ccg sub-icb-location",
    "trust": "NHSTrust nhs-trust foundation-trust acute-trust mental-health-trust "
             "community-trust ambulance-trust",
    "council": "council council-committee",
    "stp-ics": "SustainabilityAndTransformationPartnership stp icb",
    "region": "NHSEnglandRegion nhs-england-region",
    "partnership": "partnership commissioner-collaborative provider-collaborative",
    "partnership-body": "programme-office board forum working-group reference-group "
                        "leadership-group assurance-group workstream",
}.items() for kind in kinds.split()}
NOT_ORGANISATIONS = ("person", "site", "stated-group", "business-case", "paper")
# Weights by category of whom a paper names in a role.
ACTORS = {"trust": 4, "ccg": 5, "council": 1, "group": 8, "other": 6, "partnership-body": 8,
          "stp-ics": 3}
LEADERS = {"partnership-body": 4, "trust": 2, "ccg": 2, "stp-ics": 7, "partnership": 5,
           "person": 3}
# How much likelier a paper of a day is to concern each kind of partnership alive then.
PAPERS_BY_KIND = {"stp": 6, "partnership": 1, "commissioner-collaborative": 1,
                  "provider-collaborative": 1}
SECTIONS = {  # heading -> the statement types written under it
    "Partners": ("membership", "classification"),
    "Governance": ("post", "decision", "coordination", "hosting", "leadership"),
    "Programme update": ("activity", "focus", "joint-working", "provision", "contract",
                         "merger-proposal", "funding", "funding-gap"),
    "Engagement and consultation": ("event", "consultation", "submission", "principle"),
    "Risks and milestones": ("risk", "milestone"),
}
GROUPS = {  # member type -> plural, key word, orgtype; councils are always named, as the
    "ccg": ("clinical commissioning groups", "ccgs", "ccg"),  # reference cannot resolve them
    "trust": ("NHS trusts", "trusts", "nhs-trust"),
}
POSTS = (  # title, role, the categories of organisation that have it
    ("Chief Executive", "chief-executive", ("trust", "council")),
    ("Accountable Officer", "accountable-officer", ("ccg",)),
    ("Clinical Chair", "clinical-chair", ("ccg",)),
    ("Senior Responsible Officer", "senior-responsible-officer", ("partnership", "stp-ics")),
    ("Programme Director", "director", ("partnership", "stp-ics", "partnership-body")),
    ("Director of Strategy", "director", ("trust", "ccg", "stp-ics")),
    ("Independent Chair", "chair", ("partnership", "stp-ics", "partnership-body")),
    ("Programme Lead", "lead", ("partnership-body",)),
    ("Director of Public Health", "director", ("council",)),
)
ACTIVITY = (("under-way", "is leading work on"), ("planned", "will lead work on"),
            ("completed", "has completed work on"), ("launched", "has launched work on"),
            ("not-started", "is due to start work on"))
DECISIONS = (("agreed", "agreed"), ("approved", "approved"), ("accepted", "accepted"),
             ("received", "received"), ("recommended", "recommended for approval"),
             ("signed-off", "signed off"))
FUNDING = (("secured", "has been secured"), ("allocated", "has been allocated"),
           ("committed", "has been committed"), ("applied-for", "has been applied for"))
RISKS = (("Workforce", "sufficient staff cannot be recruited or retained"),
         ("Finance", "the system does not close its financial gap"),
         ("Capital", "national capital funding is not secured"),
         ("Engagement", "clinicians and the public are not engaged early enough"),
         ("Governance", "partner boards do not agree decisions in time"),
         ("Estates", "the estate is not ready for the new models of care"))


def _words(text: str) -> tuple[str, ...]:
    return tuple(word.strip() for word in text.split(";"))


TOPICS = _words(
    "urgent and emergency care; maternity services; stroke services; frailty; cancer pathways;"
    "mental health crisis care; children's services; diabetes care; planned care; end of life "
    "care; shared care records; estates rationalisation; workforce planning; social prescribing;"
    "integrated discharge; primary care networks; community services redesign; out of hospital "
    "care; learning disabilities; medicines optimisation; digital outpatients; elective "
    "recovery; prevention; cardiology; respiratory care; dementia care; pathology networks")
SERVICES = _words("community nursing; musculoskeletal services; diagnostic imaging; patient "
                  "transport; community paediatrics; wheelchair services; NHS 111; intermediate "
                  "care beds")
PROBLEMS = _words("variation in outcomes; a shrinking workforce; unsustainable rotas; long "
                  "waits; duplicated assessments; lack of coordination; rising demand; poor access")
OUTCOMES = _words("safe and sustainable services; care closer to home; fewer admissions; shorter "
                  "waits; one shared pathway")
MILESTONES = _words("Pre-consultation business case approved; Outline business case submitted;"
                    "New model of care launched; Shared care record live; Clinical strategy "
                    "agreed; Workforce plan signed off; Engagement report published")
EVENTS = _words("public engagement event; stakeholder event; clinical summit; listening event")
VENUES = _words("Town Hall; Civic Centre; Postgraduate Centre; Guildhall; Community Hall")
SITES = _words("Community Hospital; Health Centre; General Hospital")
PAPERS = _words("strategy; plan; report; case for change; implementation plan")
KINDS_OF_PAPER = _words("update to partner boards; programme report; status report; briefing "
                        "for the Health and Wellbeing Board; central brief")
ADJECTIVES = _words("Better; Healthier; Stronger; Joined-up; Sustainable; Fit for the Future")
FIRST_NAMES = _words("Alison; Andrew; Anita; Ben; Carol; David; Deborah; Farah; Gareth; Helen;"
                     "Imran; Jane; John; Karen; Kate; Laura; Mark; Nadia; Neil; Paul; Priya; "
                     "Rachel; Richard; Sarah; Simon; Tom; Yvonne; Zoe")
SURNAMES = _words("Ahmed; Baker; Bell; Clarke; Davies; Edwards; Evans; Green; Hall; Hughes; Jones;"
                  "Khan; Lewis; Moore; Patel; Price; Roberts; Shaw; Singh; Taylor; Turner; Walker;"
                  "Ward; Wilson; Wright; Young")
NUMBERS = _words("no; one; two; three; four; five; six; seven; eight; nine; ten")
# fmt: on
SECTION_OF = {rtype: heading for heading, rtypes in SECTIONS.items() for rtype in rtypes}


@functools.cache
def slug(text: str) -> str:
    return "-".join("".join(c if c.isalnum() else " " for c in text.lower()).split())


def rank(*parts: str) -> int:
    """A repeatable shuffle key."""
    return zlib.crc32("/".join(parts).encode())


def cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def title(name: str) -> str:
    """ODS capitals as a paper writes them: LUTON AND DUNSTABLE ... -> Luton and Dunstable ..."""
    if not name.isupper():
        return name
    keep = {"nhs": "NHS", "ccg": "CCG", "icb": "ICB", "uk": "UK"}
    small = {"and", "of", "the", "for", "with", "on", "upon", "in", "at"}
    words = name.lower().split()
    return " ".join(keep.get(w) or (w if i and w in small else cap(w)) for i, w in enumerate(words))


def said(day: dt.date) -> str:
    return f"{day.day} {day:%B %Y}"


def listed(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
