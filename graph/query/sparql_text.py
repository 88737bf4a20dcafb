"""Read SPARQL text as syntax: where the characters outside comments, strings and IRIs are.

Binding parameters, the guard's nesting limit and the plan for embedded Oxigraph all
work on the query text itself. They share one scanner, so that a brace in a string
literal, an IRI or a comment is never taken for syntax.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Collection, Iterable, Iterator

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


Branch = tuple[int, int]  # the '{' and '}' of a group
_VARIABLE = re.compile(r"[?$]([A-Za-z0-9_]+)")
_SCOPES = ("OPTIONAL", "MINUS", "EXISTS")  # groups whose parameters must not be rebound
_STOPS = ("OPTIONAL", "FILTER", "BIND", "VALUES", "MINUS", "GRAPH", "SERVICE", "LATERAL", "UNION")


class _Syntax:
    """One scan of a query: its syntax positions, braces and the word before and after
    each word (a word is a non-space syntax character)."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.spans = syntax_spans(text)
        self.positions = [i for start, end in self.spans for i in range(start, end)]
        self.braces = matching_braces(text, self.positions)
        words = [p for p in self.positions if not text[p].isspace()]
        self.after = {p: words[n + 1] for n, p in enumerate(words[:-1])}
        self.before = {p: words[n - 1] for n, p in enumerate(words) if n}

    def union_at(self, i: int | None) -> bool:
        return i is not None and i >= 0 and keyword_at(self.text, i, "UNION")

    def opens_select(self, i: int) -> bool:
        """Whether the '{' at ``i`` is the group of a sub-SELECT."""
        word = self.after.get(i, -1)
        return word >= 0 and keyword_at(self.text, word, "SELECT")

    def triples_after(self, closing: int) -> tuple[int, int] | None:
        """The triple patterns right after the group that closes at ``closing``, up to
        the next group, keyword or the end of the enclosing group: their first index and
        the index after their last character; None when there are none."""
        text = self.text
        first = last = None
        word = self.after.get(closing)
        while word is not None and text[word] not in "{}":
            if text[word].isalpha() and any(keyword_at(text, word, k) for k in _STOPS):
                break
            if text[word] != "." and first is None:
                first = word
            last = word
            word = self.after.get(word)
        if first is None or last is None:
            return None
        return first, last + 1

    def union_runs(self) -> list[list[Branch]]:
        """Each run of UNION branches, as the braces of its groups, in order."""
        runs: list[list[Branch]] = []
        for i in self.positions:
            if self.text[i] != "{" or not self.union_at(self.after.get(self.braces.get(i, -1))):
                continue
            if self.union_at(self.before.get(i, 0) - 4):
                continue  # a later branch of a run already found
            run = [(i, self.braces[i])]
            while self.union_at(self.after.get(run[-1][1])):
                opening = self.after[self.after[run[-1][1]] + 4]
                run.append((opening, self.braces[opening]))
            runs.append(run)
        return runs

    def variables(self, branch: Branch) -> set[str]:
        """The names of the variables a group mentions (outside strings and comments)."""
        names: set[str] = set()
        for start, end in self.spans:
            if end > branch[0] and start < branch[1]:
                piece = self.text[max(start, branch[0]) : min(end, branch[1])]
                names.update(m.group(1) for m in _VARIABLE.finditer(piece))
        return names

    def scoped(self, at: int) -> bool:
        """Whether the brace at ``at`` is inside an OPTIONAL, MINUS or EXISTS group."""
        for opening, closing in self.braces.items():
            if opening < at < closing:
                word = self.before.get(opening, -1)
                if any(word >= 0 and _keyword_ending(self.text, word, k) for k in _SCOPES):
                    return True
        return False

    def parameter_unions(self, parameters: Collection[str]) -> list[list[Branch]]:
        """The UNION runs that bound ``parameters`` make selective on their own: every
        branch mentions one of them, and no OPTIONAL, MINUS or EXISTS, nor a run that
        is not one of these (it will be inside LATERAL), encloses the run."""
        wanted = set(parameters)
        if not wanted:
            return []
        runs = self.union_runs()

        def selective(run: list[Branch]) -> bool:
            return all(self.variables(b) & wanted for b in run) and not self.scoped(run[0][0])

        others = [b for run in runs if not selective(run) for b in run]
        return [
            run
            for run in runs
            if selective(run) and not any(b[0] < run[0][0] < b[1] for b in others)
        ]


def _keyword_ending(text: str, last: int, keyword: str) -> bool:
    """Whether the word whose last character is at ``last`` is ``keyword``."""
    start = last - len(keyword) + 1
    return start >= 0 and keyword_at(text, start, keyword)


def parameter_unions(text: str, parameters: Collection[str]) -> list[list[Branch]]:
    """The UNION runs of a query in which the binder puts the bound parameters into
    every branch (see :func:`nhskg.graph.query.named_queries.inject_values`): runs whose every
    branch mentions one of ``parameters`` and that no OPTIONAL, MINUS or EXISTS encloses
    (there a VALUES block would change what the group means, or could not be planned).

    The binder asks this of the same few texts (the query files, planned) at every
    call, so the answer is kept for each text and set of parameters."""
    return [list(run) for run in _parameter_unions(text, frozenset(parameters))]


@functools.lru_cache(maxsize=256)
def _parameter_unions(text: str, parameters: frozenset[str]) -> tuple[tuple[Branch, ...], ...]:
    return tuple(tuple(run) for run in _Syntax(text).parameter_unions(parameters))


def lateral_groups(text: str, *, parameters: Collection[str] = ()) -> str:
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

    The triple patterns right after a run of UNION branches or a sub-SELECT go inside
    ``LATERAL {}`` too: Oxigraph would match them over the whole store and join the two
    by hashing; inside LATERAL they are matched once for each solution of the group
    (so write the selective group first).

    A run of UNION branches that the query's ``parameters`` make selective
    (:func:`parameter_unions`) is left as it is: the binder puts the bound values into
    each branch, Oxigraph orders each branch's patterns from them (inside LATERAL it
    orders them as if nothing were bound, and may not rebind them), and the union is
    small on its own.
    """
    syntax = _Syntax(text)
    positions, braces = syntax.positions, syntax.braces
    kept = {run[0][0] for run in syntax.parameter_unions(parameters)}
    inserts: list[tuple[int, int, str]] = []
    for n, i in enumerate(positions):
        if text[i] in "oO" and keyword_at(text, i, "OPTIONAL"):
            opening = next(p for p in positions[n + 8 :] if text[p] == "{")
            inserts += [(i, 1, "LATERAL { "), (braces[opening] + 1, 0, " }")]
    groups = [run[-1][1] for run in syntax.union_runs()]
    for run in syntax.union_runs():
        if run[0][0] not in kept:
            inserts += [(run[0][0], 1, "LATERAL { "), (run[-1][1] + 1, 0, " }")]
    groups += [braces[i] for i in braces if syntax.opens_select(i)]
    for closing in groups:
        following = syntax.triples_after(closing)
        if following is not None:
            inserts += [(following[0], 1, "LATERAL { "), (following[1], 0, " }")]
    for at, _order, piece in sorted(inserts, reverse=True):
        text = text[:at] + piece + text[at:]
    return text
