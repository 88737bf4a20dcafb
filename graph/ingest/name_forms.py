"""The words of names: cleaning, initials, and the forms writers use for a recorded name.

ODS and ONS record one spelling of each name ("NHS LUTON CCG"); papers write "Luton
CCG", "Luton Clinical Commissioning Group" or "NHS Luton CCG". :func:`name_forms` gives
the forms of a recorded name by the kind of organisation: a trust's name with and
without "NHS" and as an NHS or foundation trust, its name without "NHS Trust" where
that still names an organisation ("Bedford Hospital", not "East London"), and its
initials; a CCG's with and without "NHS", "CCG" spelt out; an ICB's as board and system;
an STP's area name (not a one-word place: "Derbyshire" is a county too), with "STP",
"Sustainability and Transformation Partnership" or "... for", and its initials.
"""

from __future__ import annotations

import re

from nhskg.graph.reference.names import title_case

# Words that carry no letter of an organisation's initials.
JOINING_WORDS = frozenset({"and", "of", "the", "for", "in", "on", "at", "&", "upon", "with"})

# Initials too common as ordinary abbreviations to stand for one organisation.
COMMON_ABBREVIATIONS = frozenset(
    {
        "NHS",
        "CCG",
        "CCGS",
        "STP",
        "STPS",
        "ICB",
        "ICS",
        "PCT",
        "GP",
        "GPS",
        "FT",
        "CEO",
        "A&E",
        "UK",
        "PMO",
        "SRO",
        "SROS",
        "CQC",
        "PCN",
        "PCNS",
        "LMC",
        "HWB",
        "ICT",
        "IT",
    }
)

# Words that make a trust's name without "NHS Trust" an organisation's name ("Bedford
# Hospital"), not a place's ("East London").
ORGANISATION_WORDS = frozenset(
    {
        "hospital",
        "hospitals",
        "healthcare",
        "health",
        "partnership",
        "care",
        "university",
        "community",
        "services",
        "ambulance",
        "teaching",
        "infirmary",
        "clinic",
    }
)

SPACE = re.compile(r"\s+")
WORDS = re.compile(r"[A-Za-z0-9][A-Za-z0-9'’.-]*|&")


def clean(text: str) -> str:
    """Whitespace runs as one space, typographic apostrophes as plain ones."""
    return SPACE.sub(" ", text.replace("’", "'")).strip()


def initials(words: list[str]) -> str:
    """The capital initials of the distinctive words ("Bedfordshire, Luton and Milton Keynes"
    gives BLMK); a word in capitals keeps all its letters ("NHS Improvement" gives NHSI)."""
    out = []
    for word in words:
        bare = word.strip(",.'’")
        if not bare or bare.casefold() in JOINING_WORDS:
            continue
        out.append(bare if bare.isupper() and len(bare) <= 4 else bare[0].upper())
    return "".join(out)


_TRUST = re.compile(r"^(?P<core>.+?)\s+NHS\s+(?P<ft>Foundation\s+)?Trust$", re.IGNORECASE)
_CCG = re.compile(r"^(?:NHS\s+)?(?P<core>.+?)\s+(?:CCG|Clinical Commissioning Group)$", re.I)
_ICB = re.compile(r"^(?:NHS\s+)?(?P<core>.+?)\s+(?:ICB|Integrated Care Board)$", re.IGNORECASE)


def name_forms(name: str, classes: tuple[str, ...]) -> list[tuple[str, str, bool]]:
    """The forms writers use for a recorded name: (text, note, is_initials)."""
    name = clean(title_case(name))
    out: list[tuple[str, str, bool]] = []
    words = WORDS.findall(name)
    if " - " in name:  # "NHS X ICB - M1J4Y": a sub-ICB location's code-suffixed name
        return out
    if match := _TRUST.match(name):
        core = match["core"]
        out.append((name, "the recorded name", False))
        out.append((f"{core} NHS Trust", "the name as an NHS trust", False))
        out.append((f"{core} NHS Foundation Trust", "the name as a foundation trust", False))
        out.append((f"{core} Foundation Trust", "the name without 'NHS'", False))
        out.append((f"{core} Trust", "the name without 'NHS'", False))
        if len(WORDS.findall(core)) >= 2 and ORGANISATION_WORDS & set(core.casefold().split()):
            out.append((core, "the name without 'NHS Trust'", False))
        core_words = WORDS.findall(core)
        out.append((initials(core_words), "the initials of the name", True))
        tail = ["F", "T"] if match["ft"] else ["T"]
        out.append((initials(core_words) + "".join(tail), "the initials of the name", True))
        return out
    if match := _CCG.match(name):
        core = match["core"]
        for text in (
            f"NHS {core} CCG",
            f"{core} CCG",
            f"NHS {core} Clinical Commissioning Group",
            f"{core} Clinical Commissioning Group",
        ):
            out.append((text, "a form of the recorded CCG name", False))
        return out
    if match := _ICB.match(name):
        core = match["core"]
        for text in (
            name,
            f"NHS {core} ICB",
            f"{core} ICB",
            f"{core} Integrated Care Board",
            f"{core} Integrated Care System",
            f"{core} ICS",
        ):
            out.append((text, "a form of the recorded ICB name", False))
        out.append((initials(WORDS.findall(core)), "the initials of the name", True))
        return out
    if "SustainabilityAndTransformationPartnership" in classes:
        if len(words) >= 3:  # "Kent and Medway"; not a bare place name ("Devon", "East London")
            out.append((name, "the recorded name", False))
        kinds = (
            "STP",
            "Sustainability and Transformation Partnership",
            "Sustainability and Transformation Plan",
            "ICS",
            "Health and Care Partnership",
        )
        for kind in kinds:
            out.append((f"{name} {kind}", f"the recorded name with '{kind}'", False))
            out.append((f"{kind} for {name}", f"the recorded name after '{kind} for'", False))
        if len(words) >= 3:
            out.append((initials(words), "the initials of the name", True))
            for kind in ("STP", "ICS"):
                out.append((f"{initials(words)} {kind}", f"the initials with '{kind}'", False))
        return out
    if "NHSEnglandRegion" in classes:
        if len(words) >= 3:
            out.append((name, "the recorded name", False))
        out.append((f"NHS England {name}", "the region's name after 'NHS England'", False))
        return out
    out.append((name, "the recorded name", False))
    return out


def and_variants(text: str) -> list[str]:
    """The text with '&' for 'and' and 'and' for '&' (both spellings are written)."""
    out = [text]
    if " and " in text:
        out.append(text.replace(" and ", " & "))
    if " & " in text:
        out.append(text.replace(" & ", " and "))
    return out
