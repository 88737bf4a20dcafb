"""``nhskg review FILE``: go through a document's candidates in the terminal.

Each candidate is shown with its record as YAML, its confidence and why it was proposed,
its ranked alternatives, and its quote in the sentence around it with the quoted words
marked; then the reviewer answers accept, edit, reject, skip or quit. Edit opens
``$VISUAL`` or ``$EDITOR`` on the record (without one, the record is read from standard
input up to a line holding a single ``.``) and accepts the edited record once it loads.
``--list``, ``--accept KEY`` and ``--reject KEY [--reason TEXT]`` do the same without
questions, for scripts.
"""

from __future__ import annotations

import argparse
import os
import shlex
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any, TextIO

from nhskg.graph.curated.loader import Context
from nhskg.graph.curated.yamlio import CuratedFileError
from nhskg.graph.ingest.candidates_file import entity_keys, kind_of, read_candidates_file
from nhskg.graph.ingest.model import Candidate
from nhskg.graph.ingest.review import (
    Accepted,
    RecordRefused,
    accept,
    load_context,
    needed_entities,
    parse_record,
    record_text,
    reject,
    resolve_file,
)
from nhskg.graph.settings import Settings

AROUND = 240  # characters of context at most on each side of a quote
ACTIONS = {"a": "accept", "e": "edit", "r": "reject", "s": "skip", "q": "quit"}
PROMPT = "[a]ccept, [e]dit, [r]eject, [s]kip, [q]uit? "
_ENDS = (". ", "? ", "! ", ".\n", "?\n", "!\n", "\n\n")


def sentence_span(text: str, start: int, end: int) -> tuple[int, int]:
    """The sentence (or sentences) around ``text[start:end]``, at most ``AROUND``
    characters either side: back to the end of the previous sentence or paragraph,
    forward to the end of this one."""
    lo = max(0, start - AROUND)
    back = max(text.rfind(mark, lo, start) for mark in _ENDS)
    first = back + 2 if back >= 0 else lo
    while first < start and text[first].isspace():
        first += 1
    hi = min(len(text), end + AROUND)
    ahead = [i for i in (text.find(mark, end, hi) for mark in _ENDS) if i >= 0]
    last = min(ahead) + 1 if ahead else hi
    return min(first, start), max(last, end)


def in_context(text: str, start: int, end: int, *, mark: tuple[str, str] = ("»", "«")) -> str:
    """The quote in its sentence, the quoted words between the two marks; "…" where the
    sentence is cut short."""
    first, last = sentence_span(text, start, end)
    cut_before = first > 0 and first == max(0, start - AROUND) and text[first - 1] != "\n"
    cut_after = last < len(text) and last == min(len(text), end + AROUND)
    before = ("…" if cut_before else "") + text[first:start]
    after = text[end:last] + ("…" if cut_after else "")
    return f"{before}{mark[0]}{text[start:end]}{mark[1]}{after}".strip()


def _indent(block: str, pad: str = "    ") -> str:
    return "\n".join(pad + line if line else line for line in block.splitlines())


def _alternatives(candidate: Candidate) -> list[str]:
    out = []
    for alt in candidate.extra.get("alternatives") or []:
        if isinstance(alt, dict):
            words = [str(alt.get(k)) for k in ("ref", "name") if alt.get(k) is not None]
            score = alt.get("score")
            why = alt.get("why")
            out.append(
                " ".join(words)
                + (f" (score {score})" if score is not None else "")
                + (f": {why}" if why else "")
            )
        else:
            out.append(str(alt))
    return out


def describe(candidate: Candidate, text: str | None, n: int, total: int, *, tty: bool) -> str:
    """What the terminal shows of one candidate."""
    kind = kind_of(candidate)
    lines = [
        f"── {n} of {total}: {candidate.section} · {kind} · confidence "
        f"{candidate.confidence:.2f} · key {candidate.key}",
        f"why: {candidate.why}",
    ]
    if text is not None and 0 <= candidate.start < candidate.end <= len(text):
        marks = ("\x1b[7m", "\x1b[0m") if tty else ("»", "«")
        lines += [
            f"in the text (characters {candidate.start} to {candidate.end}):",
            _indent(in_context(text, candidate.start, candidate.end, mark=marks)),
        ]
    else:
        lines.append(f"(offsets {candidate.start} to {candidate.end} are not in the stored text)")
    others = [k for k in sorted(candidate.extra) if k != "alternatives"]
    alternatives = _alternatives(candidate)
    if alternatives:
        lines += ["alternatives, best first:", *(f"    {a}" for a in alternatives)]
    for name in others:
        lines.append(f"{name}: {candidate.extra[name]}")
    lines += ["record:", _indent(record_text(candidate.record).rstrip("\n"))]
    return "\n".join(lines)


def _document_text(settings: Settings, identifier: str) -> str | None:
    path = settings.data / "sources" / identifier
    return path.read_text(encoding="utf-8") if path.is_file() else None


# --- editing ---------------------------------------------------------------------------------


def edit_with_editor(editor: str, candidate: Candidate, text: str | None) -> str:
    """Open the record in the editor; the text it was saved as."""
    notes = [f"# why: {candidate.why}", "# Lines starting with # are ignored."]
    if text is not None:
        notes.insert(0, "# " + in_context(text, candidate.start, candidate.end).replace("\n", " "))
    with tempfile.NamedTemporaryFile(
        "w", suffix=".yaml", prefix="nhskg-record-", encoding="utf-8", delete=False
    ) as f:
        f.write("\n".join(notes) + "\n" + record_text(candidate.record))
        name = f.name
    try:
        try:
            done = subprocess.run([*shlex.split(editor), name], check=False)
        except OSError as exc:
            raise RecordRefused(f"could not start the editor ({editor}): {exc}") from None
        if done.returncode != 0:
            raise RecordRefused(f"the editor ({editor}) exited with {done.returncode}")
        return Path(name).read_text(encoding="utf-8")
    finally:
        Path(name).unlink(missing_ok=True)


def read_until_dot(ask: Callable[[str], str], say: Callable[[str], None]) -> str:
    say("Type the record as YAML (field: value, one a line); end with a line holding '.':")
    lines: list[str] = []
    while True:
        line = ask("")
        if line.strip() == ".":
            return "\n".join(lines) + "\n"
        lines.append(line)


# --- the loop --------------------------------------------------------------------------------


class Terminal:
    """Questions and answers on two streams; EOF on input is taken as quit."""

    def __init__(self, stdin: TextIO, stdout: TextIO) -> None:
        self.stdin, self.stdout = stdin, stdout

    def say(self, message: str) -> None:
        print(message, file=self.stdout, flush=True)

    def ask(self, prompt: str) -> str:
        self.stdout.write(prompt)
        self.stdout.flush()
        line = self.stdin.readline()
        if not line:
            raise EOFError
        return line.rstrip("\n")


def review_loop(path: Path, settings: Settings, term: Terminal, editor: str | None) -> int:
    """Go through the candidates; the number of them left in the file at the end."""
    data = read_candidates_file(path)
    text = _document_text(settings, data.document)
    ctx: Context | None = None
    todo = list(data.candidates)
    tty = term.stdout.isatty()
    term.say(f"{len(todo)} candidates for {data.document} in {path}")
    for n, candidate in enumerate(todo, 1):
        left = read_candidates_file(path).candidates
        if candidate.key not in {c.key for c in left}:
            continue  # accepted already, with a statement that names it
        term.say("")
        term.say(describe(candidate, text, n, len(todo), tty=tty))
        others = [c for c in left if c.key != candidate.key]
        needed = needed_entities(others, candidate.record, entity_keys(path.parent))
        if needed:
            keys = ", ".join(str(e.record.get("key")) for e in needed)
            term.say(f"accepting it also accepts the proposed entities it names: {keys}")
        while True:
            try:
                answer = ACTIONS.get(term.ask(PROMPT).strip().lower()[:1])
            except EOFError:
                answer = "quit"
            if answer is None:
                term.say("Answer a, e, r, s or q.")
                continue
            if answer == "quit":
                return len(read_candidates_file(path).candidates)
            if answer == "skip":
                break
            if answer == "reject":
                try:
                    reason = term.ask("reason (optional; Enter for none): ")
                except EOFError:
                    reason = ""
                reject(path, candidate.key, reason)
                term.say(f"rejected; remembered in {path.name.replace('.candidates', '.rejected')}")
                break
            ctx = ctx or load_context(settings)
            record: dict[str, Any] | None = None
            try:
                if answer == "edit":
                    written = (
                        edit_with_editor(editor, candidate, text)
                        if editor
                        else read_until_dot(term.ask, term.say)
                    )
                    record = parse_record(written, "the edited record")
                done = accept(path, candidate.key, settings, record=record, ctx=ctx)
            except EOFError:
                return len(read_candidates_file(path).candidates)
            except RecordRefused as refused:
                term.say(f"refused: {refused}")
                continue
            term.say(f"accepted: added to {done.path} at line {done.line}{_with(done)}")
            break
    return len(read_candidates_file(path).candidates)


def _with(done: Accepted) -> str:
    """What was accepted with a record: the proposed entities it names."""
    if not done.with_entities:
        return ""
    return (
        "; with the proposed entit"
        + ("y " if len(done.with_entities) == 1 else "ies ")
        + (", ".join(done.with_entities) + " it names")
    )


# --- the command -----------------------------------------------------------------------------


def cmd_review(args: argparse.Namespace, settings: Settings) -> int:
    path = resolve_file(args.file, settings)
    if args.list:
        data = read_candidates_file(path)
        text = _document_text(settings, data.document)
        for c in data.candidates:
            kind = kind_of(c)
            quote = text[c.start : c.end] if text else ""
            quote = " ".join(quote.split())
            quote = quote if len(quote) <= 70 else quote[:69] + "…"
            print(f"{c.key}\t{c.section}\t{kind}\t{c.confidence:.2f}\t{quote}")
        return 0
    if args.accept or args.reject:
        ctx = load_context(settings) if args.accept else None
        for key in args.accept:
            done = accept(path, key, settings, ctx=ctx)
            print(
                f"accepted {key}: added to {done.path} at line {done.line}{_with(done)}",
                file=sys.stderr,
            )
        for key in args.reject:
            reject(path, key, args.reason or "")
            print(f"rejected {key}", file=sys.stderr)
        return 0
    if args.reason:
        raise CuratedFileError("--reason goes with --reject KEY")
    editor = os.environ.get("VISUAL") or os.environ.get("EDITOR") or None
    left = review_loop(path, settings, Terminal(sys.stdin, sys.stdout), editor)
    print(f"{left} candidate{'' if left == 1 else 's'} left in {path}", file=sys.stderr)
    return 0


def add_review_parser(sub: Any) -> None:
    """``nhskg review`` on the command line's sub-parsers."""
    r = sub.add_parser(
        "review",
        help="accept, edit or reject a document's candidates (from nhskg ingest)",
        description="Go through a candidates file one candidate at a time: accept moves the "
        "record into the document's curated file, reject remembers it so that it is not "
        "proposed again. Nothing proposed is built until accepted.",
    )
    r.add_argument("file", help="a .candidates.yaml file: its path, or its name in data/curated/")
    r.add_argument("--list", action="store_true", help="list the candidates: key, kind, quote")
    r.add_argument(
        "--accept", action="append", default=[], metavar="KEY", help="accept this candidate"
    )
    r.add_argument(
        "--reject", action="append", default=[], metavar="KEY", help="reject this candidate"
    )
    r.add_argument("--reason", help="why the candidates given with --reject are rejected")
    r.set_defaults(func=cmd_review)
