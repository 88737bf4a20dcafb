"""One fixed colour per organisation type, the same in every picture of the network.

The web view (served as JSON by ``/api/network/palette``), its legend and the
``network draw`` pictures all take their colours from :data:`COLOURS`, so a type keeps
its colour whatever else is in the picture. An organisation that holds several types
on a day (an NHS foundation trust that is also an acute trust) is shown as one: the
first of them in :data:`TYPE_PREFERENCE`, which puts what a trust does (acute, mental
health, community, ambulance) before how it is governed (foundation trust, NHS
trust), so every foundation acute trust is shown as an acute trust. A type not
listed is drawn in :data:`OTHER`.
"""

from __future__ import annotations

from typing import Any

# Keys are the notations of the organisation-type scheme (ontology/concepts.ttl) and,
# for what has no type there, the key of its class ("stated-group").
COLOURS: dict[str, str] = {
    # NHS trusts: warm colours, by what they do, then by how they are governed
    "acute-trust": "#d62728",
    "mental-health-trust": "#9467bd",
    "community-trust": "#8c564b",
    "ambulance-trust": "#e6a117",
    "foundation-trust": "#ff7f0e",
    "nhs-trust": "#ad494a",
    # commissioners and the system: blues, greens
    "icb": "#17becf",
    "stp": "#2ca02c",
    "ccg": "#1f77b4",
    "sub-icb-location": "#6baed6",
    "commissioning-hub": "#393b79",
    "specialised-commissioning": "#5254a3",
    "nhs-england": "#08306b",
    "nhs-england-region": "#3182bd",
    "regulator": "#525252",
    "national-body": "#737373",
    # partnerships and collaboratives
    "partnership": "#98df8a",
    "provider-collaborative": "#637939",
    "commissioner-collaborative": "#8ca252",
    # local government and the community
    "council": "#bcbd22",
    "council-committee": "#dbdb8d",
    "healthwatch": "#e377c2",
    "public-service": "#c49c94",
    "voluntary-organisation": "#f7b6d2",
    "primary-care": "#74c476",
    # bodies the documents name
    "programme-office": "#7b4173",
    "board": "#a55194",
    "forum": "#ce6dbd",
    "working-group": "#de9ed6",
    "reference-group": "#de9ed6",
    "leadership-group": "#de9ed6",
    "assurance-group": "#de9ed6",
    "workstream": "#843c39",
    "clinical-senate": "#9edae5",
    "clinical-network": "#0e8a9a",
    # what the documents name as a group of organisations ("the seven acute providers")
    "stated-group": "#bdbdbd",
}
OTHER = "#8c8c8c"  # a type with no colour of its own, or none recorded

# What an NHS trust does, and how it is governed: a trust shown by the second is shown
# by the first when a source ever said what it does (views.organisation_type)
TRUST_FUNCTIONS = frozenset(
    {"acute-trust", "mental-health-trust", "community-trust", "ambulance-trust"}
)
GOVERNANCE = frozenset({"foundation-trust", "nhs-trust"})

# Of several types held on one day, the one shown: the first in this order.
TYPE_PREFERENCE: tuple[str, ...] = tuple(COLOURS)


def colour_of(type_key: str) -> str:
    """The fixed colour of an organisation type (:data:`OTHER` for one not listed)."""
    return COLOURS.get(type_key, OTHER)


def preference(type_key: str) -> int:
    """Where a type comes in :data:`TYPE_PREFERENCE` (after them all when not listed)."""
    try:
        return TYPE_PREFERENCE.index(type_key)
    except ValueError:
        return len(TYPE_PREFERENCE)


def palette_json() -> dict[str, Any]:
    """The palette as the web view reads it: the colour of each type, in the order of
    preference (the order of the legend), and the colour of any other."""
    return {
        "types": [{"key": key, "colour": colour} for key, colour in COLOURS.items()],
        "other": OTHER,
    }
