"""Read SPARQL text as syntax: where the characters outside comments, strings and IRIs are.

Binding parameters, the guard's nesting limit and the plan for embedded Oxigraph all
work on the query text itself. They share one scanner, so that a brace in a string
literal, an IRI or a comment is never taken for syntax.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

_IRI = re.compile(r"<[^\s<>\"{}|^`\\]*>")


_OPENER = re.compile(r"[#\"'<]")
_SKIPPED = re.compile(
    r"#[^\n]*"
    r'|"""(?:[^"\\]|\\[\s\S]?|"(?!""))*(?:"""|\Z)'
    r"|'''(?:[^'\\]|\\[\s\S]?|'(?!''))*(?:'''|\Z)"
    r'|"(?:[^"\\]|\\[\s\S]?)*(?:"|\Z)'
    r"|'(?:[^'\\]|\\[\s\S]?)*(?:'|\Z)"
    r"|" + _IRI.pattern
)


def syntax_spans(text: str) -> list[tuple[int, int]]:
    """The runs ``(start, end)`` of ``text`` outside comments, strings and IRIs.

    A comment runs to the end of its line, a string to its closing quote (a backslash
    escapes the next character), an IRI is ``<...>`` without spaces; a ``<`` that opens
    no IRI is syntax (less than). What is not closed runs to the end of the text.
    """
    spans: list[tuple[int, int]] = []
    start = search = 0
    while (opener := _OPENER.search(text, search)) is not None:
        skipped = _SKIPPED.match(text, opener.start())
        if skipped is None:  # a '<' that is not an IRI
            search = opener.start() + 1
            continue
        if opener.start() > start:
            spans.append((start, opener.start()))
        start = search = skipped.end()
    if start < len(text):
        spans.append((start, len(text)))
    return spans


def syntax_positions(text: str) -> Iterator[int]:
    """Indexes of the characters of ``text`` outside comments, strings and IRIs."""
    for start, end in syntax_spans(text):
        yield from range(start, end)


def keyword_at(text: str, i: int, keyword: str) -> bool:
    """Whether ``keyword`` (any case) stands at ``i`` as a word of its own."""
    end = i + len(keyword)
    if text[i:end].upper() != keyword:
        return False
    before = text[i - 1] if i > 0 else " "
    after = text[end] if end < len(text) else " "
    return not (before.isalnum() or before in "?$_:") and not (after.isalnum() or after == "_")


def matching_braces(text: str, positions: Iterable[int] | None = None) -> dict[int, int]:
    """For each '{' of the syntax, the index of the '}' that closes it (``positions``:
    the text's :func:`syntax_positions`, when the caller has them already)."""
    pairs: dict[int, int] = {}
    opened: list[int] = []
    for i in syntax_positions(text) if positions is None else positions:
        if text[i] == "{":
            opened.append(i)
        elif text[i] == "}" and opened:
            pairs[opened.pop()] = i
    return pairs


def lateral_groups(text: str) -> str:
    """The query with each OPTIONAL and each run of UNION branches inside ``LATERAL {}``.

    Oxigraph evaluates the group of an OPTIONAL, or a UNION, on its own over the whole
    store and only then joins it with the solutions so far: an OPTIONAL that follows one
    organisation's evidence reads every evidence node of the graph. Inside LATERAL (a
    SPARQL 1.2 proposal that Oxigraph implements) the group is evaluated once per
    solution so far, with that solution's values in place. For a left join or a join
    that gives the same answers, as long as no FILTER or BIND inside the group reads a
    variable that only the solutions before it bind (which SPARQL 1.1 leaves unbound
    there): the named queries are written so, and a test holds every one of them to
    the same answers both ways. The query files stay SPARQL 1.1; only the embedded
    store runs them this way.
    """
    positions = list(syntax_positions(text))
    braces = matching_braces(text, positions)
    words = [p for p in positions if not text[p].isspace()]
    after = {p: words[n + 1] for n, p in enumerate(words[:-1])}
    before = {p: words[n - 1] for n, p in enumerate(words) if n}

    def union_at(i: int | None) -> bool:
        return i is not None and i >= 0 and keyword_at(text, i, "UNION")

    inserts: list[tuple[int, int, str]] = []
    for n, i in enumerate(positions):
        if text[i] in "oO" and keyword_at(text, i, "OPTIONAL"):
            opening = next(p for p in positions[n + 8 :] if text[p] == "{")
            inserts += [(i, 1, "LATERAL { "), (braces[opening] + 1, 0, " }")]
        elif text[i] == "{" and union_at(after.get(braces.get(i, -1))):
            if union_at(before.get(i, 0) - 4):
                continue  # a later branch: its run was wrapped from the first
            end = braces[i]
            while union_at(after.get(end)):
                end = braces[after[after[end] + 4]]
            inserts += [(i, 1, "LATERAL { "), (end + 1, 0, " }")]
    for at, _order, piece in sorted(inserts, reverse=True):
        text = text[:at] + piece + text[at:]
    return text
