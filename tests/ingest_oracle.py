"""Oracle mentions for testing the statement stage apart from the mention stage.

Made from a curated file's own entities and aliases (which a real ingest may not use for
the same document): every place the text writes an entity's name (less the curator's
"(...)" note) or alias, or an alias of an organisation, becomes a Mention linked to the
curator's key or code. An alias the text only writes inside a list ("Nene and Corby CCGs"
for "Nene CCG") is found by its first word inside its own quote. Test helper only.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from nhskg.graph.ingest.model import Link, Mention


def _spans(text: str, form: str) -> list[tuple[int, int]]:
    if len(form) < 3:
        return []
    pattern = re.compile(rf"(?<![\w]){re.escape(form)}(?![\w])", re.I)
    return [m.span() for m in pattern.finditer(text)]


def oracle_mentions(curated: Mapping[str, Any], text: str) -> list[Mention]:
    found: dict[tuple[int, int, str], Mention] = {}
    for e in curated.get("entities") or []:
        key, kind = str(e["key"]), str(e["kind"])
        if kind in ("person", "site", "paper", "business-case"):
            continue
        name = re.sub(r"\s*\([^)]*\)\s*$", "", str(e.get("name", ""))).strip()
        aliases = e.get("aliases") or []
        for form in [name, *[str(a) for a in aliases]]:
            for a, b in _spans(text, form):
                group = kind == "stated-group"
                found[(a, b, key)] = Mention(
                    a,
                    b,
                    text[a:b],
                    "counted-group" if group and e.get("count") else "alias",
                    (Link(key, name, 1.0, "oracle"),),
                    kind=kind,
                    count=int(e["count"]) if e.get("count") else None,
                    member_type=str(e["member_type"]) if e.get("member_type") else None,
                )
    for al in curated.get("aliases") or []:
        org, form = str(al["org"]), str(al["alias"])
        spans = _spans(text, form)
        if not spans:
            quotes = al["quote"] if isinstance(al["quote"], list) else [al["quote"]]
            first = form.split()[0]
            for q in quotes:
                at = text.find(str(q))
                if at >= 0:
                    spans += [(at + a, at + b) for a, b in _spans(str(q), first)]
        for a, b in spans:
            found[(a, b, org)] = Mention(
                a, b, text[a:b], "alias", (Link(org, form, 1.0, "oracle"),)
            )
    return [found[k] for k in sorted(found)]
