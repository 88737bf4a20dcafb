"""Every answer the build published for one organisation, in one file: what its lookup
and its page read in one go.

The build answers each query whose header says ``# publish:`` (and the evidence of each
organisation's page) organisation by organisation, one query after another, into
``answers/NAME/DIGEST.srj`` (:mod:`nhskg.graph.query.published_answers`). A first
lookup or page of an organisation reads some seventeen of them: as many files opened,
read and decoded, most of a cold page's time once nothing was evaluated. So, once all
are written, :func:`gather` puts each organisation's into one file,
``answers/each/DIGEST.srjs``: a first line, a JSON object giving where each query's
answer is in the rest of the file (``{"NAME": [start, end], ...}``, byte offsets after
that line), then the answers one after another, each in the SPARQL 1.1 Query Results
JSON format as the build wrote it (an answer the build left out is absent, and
evaluated when asked for); the per-query files are then removed. :func:`read` takes one
such file back in one read; :meth:`Gathered.get` decodes one query's answer when it is
asked for (a lookup reads fifteen, not the page's evidence), as a :class:`JsonAnswer`, whose rows
are made only when read (the terms our writer,
:func:`~nhskg.graph.query.result_formats.json_results`, writes: IRIs, blank nodes and
literals).
"""

from __future__ import annotations

import hashlib
import json
import shutil
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from pyoxigraph import BlankNode, Literal, NamedNode

from nhskg.graph.query.store import SelectResult, Term

FOLDER = "each"
SUFFIX = ".srjs"
SRJ = ".srj"


def digest(value: str) -> str:
    """The name of the files of the organisation ``value`` (an IRI), so none comes from
    data."""
    return hashlib.sha256(value.encode("utf-8")).hexdigest()[:32]


def path_of(answers: Path, value: str) -> Path:
    """Where the answers of the organisation ``value`` are, once gathered."""
    return answers / FOLDER / f"{digest(value)}{SUFFIX}"


def gather(answers: Path, names: Iterable[str], values: Sequence[str]) -> int:
    """For each organisation IRI of ``values``, its answers to the queries ``names``
    (``answers``/NAME/DIGEST.srj) written as one file,
    ``answers``/each/DIGEST.srjs, and the per-query folders removed; how many files were
    written (an organisation with no answer has none)."""
    names = [n for n in names if (answers / n).is_dir()]
    target = answers / FOLDER
    target.mkdir(parents=True, exist_ok=True)
    written = 0
    for value in values:
        name_of = digest(value)
        where: dict[str, list[int]] = {}
        parts: list[bytes] = []
        at = 0
        for name in names:
            path = answers / name / f"{name_of}{SRJ}"
            if path.is_file():
                part = path.read_bytes()
                where[name] = [at, at + len(part)]
                parts.append(part)
                at += len(part)
        if parts:
            head = json.dumps(where, separators=(",", ":")).encode("utf-8") + b"\n"
            (target / f"{name_of}{SUFFIX}").write_bytes(head + b"".join(parts))
            written += 1
    for name in names:
        shutil.rmtree(answers / name)
    return written


class Gathered:
    """One organisation's answers as :func:`gather` wrote them, each decoded when first
    asked for."""

    __slots__ = ("_body", "_decoded", "_where")

    def __init__(self, where: dict[str, list[int]], body: bytes) -> None:
        self._where = where
        self._body = body
        self._decoded: dict[str, JsonAnswer] = {}

    def names(self) -> set[str]:
        return set(self._where)

    def answer(self, name: str) -> dict[str, Any] | None:
        """``name``'s answer in the SPARQL 1.1 Query Results JSON format, decoded."""
        span = self._where.get(name)
        if span is None:
            return None
        decoded: dict[str, Any] = json.loads(self._body[span[0] : span[1]])
        return decoded

    def get(self, name: str) -> JsonAnswer | None:
        """``name``'s answer (decoded once, the same for every reader)."""
        done = self._decoded.get(name)
        if done is not None:
            return done
        answer = self.answer(name)
        if answer is None:
            return None
        made = JsonAnswer(answer["head"]["vars"], answer["results"]["bindings"])
        return self._decoded.setdefault(name, made)


def read(path: Path) -> Gathered | None:
    """One organisation's answers as written by :func:`gather` (None: no such file)."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return None
    head, _, body = data.partition(b"\n")
    return Gathered(json.loads(head), body)


class JsonAnswer(SelectResult):
    """A published answer as its JSON was decoded: its rows of terms are made when first
    read, and :func:`nhskg.graph.query.results.records` makes its records (plain Python
    values) from the JSON without them (what a lookup and a page read)."""

    bindings: list[dict[str, dict[str, str]]]  # the answer's results.bindings

    def __init__(self, variables: list[str], bindings: list[dict[str, dict[str, str]]]) -> None:
        object.__setattr__(self, "variables", variables)
        object.__setattr__(self, "truncated", False)
        object.__setattr__(self, "published", True)
        object.__setattr__(self, "bindings", bindings)

    @property
    def rows(self) -> list[tuple[Term | None, ...]]:
        made: list[tuple[Term | None, ...]] | None = self.__dict__.get("_rows")
        if made is None:
            variables = self.variables
            made = [
                tuple(_term(b[v]) if v in b else None for v in variables) for b in self.bindings
            ]
            self.__dict__["_rows"] = made
        return made


_DATATYPES: dict[str, NamedNode] = {}  # one NamedNode a datatype IRI (there are few)


def _term(binding: dict[str, str]) -> Term:
    kind = binding["type"]
    if kind == "uri":
        return NamedNode(binding["value"])
    if kind == "literal":
        if "xml:lang" in binding:
            return Literal(binding["value"], language=binding["xml:lang"])
        iri = binding.get("datatype")
        if iri is None:
            return Literal(binding["value"])
        datatype = _DATATYPES.get(iri)
        if datatype is None:
            datatype = _DATATYPES.setdefault(iri, NamedNode(iri))
        return Literal(binding["value"], datatype=datatype)
    if kind == "bnode":
        return BlankNode(binding["value"])
    raise ValueError(f"a published answer holds a term of type {kind!r}")
