"""`nhskg ingest PATH` from end to end: read the document, store its text once with its
metadata, find and link its mentions on its date, propose records, and write them to
the candidates file beside the curated files for a person to review.

:func:`ingest_text` is the pipeline on a text alone (the evaluation runs it on each
curated document); :func:`ingest` adds reading, storing and writing around it.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from nhskg.graph.curated.sources import load_sources
from nhskg.graph.errors import IngestError
from nhskg.graph.ingest.candidates_file import (
    candidates_path,
    entity_keys,
    key_of,
    read_candidates,
    write_candidates,
)
from nhskg.graph.ingest.extract import extract
from nhskg.graph.ingest.gazetteer import Gazetteer, load_gazetteer
from nhskg.graph.ingest.group_keys import scoped_group_keys
from nhskg.graph.ingest.mention_records import mention_records
from nhskg.graph.ingest.mentions import find_mentions
from nhskg.graph.ingest.metadata import Ask, Given, describe, given_dates
from nhskg.graph.ingest.model import Candidate, DocumentDay, Mention
from nhskg.graph.ingest.source_store import Stored, store
from nhskg.graph.ingest.statements import propose_statements
from nhskg.graph.reference.landscape import load_landscape
from nhskg.graph.settings import Settings

Progress = Callable[[str], None]
LONG = 20_000  # characters: a longer text reports its progress as mentions are found


def _quiet(_message: str) -> None:
    pass


def ingest_text(
    text: str, when: DocumentDay, gazetteer: Gazetteer, progress: Progress | None = None
) -> tuple[list[Mention], list[Candidate]]:
    """The mentions of ``text`` linked on ``when``, and the records proposed from them:
    aliases, new bodies and counted groups from the mentions, statements from the
    sentences and the mentions in them."""
    mentions = find_mentions(text, when, gazetteer, _chunks(progress))
    candidates = mention_records(text, mentions, when) + propose_statements(text, mentions, when)
    return mentions, candidates


def _chunks(progress: Progress | None) -> Callable[[int, int], None] | None:
    """The mention finder's progress (characters done, of how many) as messages: for a
    long text only (over LONG characters), at about every tenth of it."""
    if progress is None:
        return None
    said = [0]

    def report(done: int, total: int) -> None:
        if total > LONG and (done == total or done - said[0] >= total // 10):
            said[0] = done
            progress(f"finding mentions: {done:,} of {total:,} characters")

    return report


@dataclass
class Ingested:
    """What one ingest did: where the text and the candidates went, and how many."""

    source: Path
    stored: Stored
    when: DocumentDay
    candidates_file: Path
    pages: int
    mentions: int
    proposed: int  # distinct candidates the pipeline proposed
    written: int  # those in the file (rejected and accepted ones left out)
    by_kind: dict[str, int] = field(default_factory=dict)  # written, by section and type
    seconds: float = 0.0


def known_refs(settings: Settings) -> set[str]:
    """What a document's publisher or concerns may name: an ODS or ONS code of the
    reference landscape, or the key of an entity in a curated file."""
    _catalog, land = load_landscape(settings.reference_dir)
    return set(land.organisations) | set(land.ons_index) | entity_keys(settings.data / "curated")


def check_refs(settings: Settings, given: Given) -> None:
    """Refuse a --publisher or --concerns that names nothing the build knows."""
    asked = ([given.publisher] if given.publisher else []) + list(given.concerns)
    if not asked:
        return
    known = known_refs(settings)
    for option, value in [("--publisher", given.publisher)] + [
        ("--concerns", c) for c in given.concerns
    ]:
        if value and value not in known:
            raise IngestError(
                f"{option} {value}: not an ODS or ONS code of the reference data nor the "
                "key of a curated entity"
            )


def counted_as(candidate: Candidate) -> str:
    """How the summary counts a candidate: its section, and a statement's type."""
    if candidate.section == "statements":
        return f"statement: {candidate.record.get('type', '?')}"
    if candidate.section == "entities":
        return "entity"
    return "alias" if candidate.section == "aliases" else candidate.section


def ingest(
    path: Path,
    settings: Settings,
    given: Given,
    *,
    ask: Ask | None = None,
    progress: Progress | None = None,
) -> Ingested:
    """Read ``path``, store its text once with its metadata, run the pipeline on its date
    and write its candidates file; what was done."""
    say = progress or _quiet
    started = time.perf_counter()
    given_dates(given, str(path))  # a bad option is refused before anything is read
    check_refs(settings, given)
    found = extract(path, progress)
    say(f"{path.name}: {len(found.text):,} characters from {found.pages} page(s)")
    sources_dir = settings.data / "sources"
    stored = store(sources_dir, found.text, lambda: describe(found, given, ask))
    document = load_sources(sources_dir)[stored.identifier]
    when = DocumentDay(*document.period)
    gazetteer = load_gazetteer(settings)
    mentions, candidates = ingest_text(found.text, when, gazetteer, progress)
    candidates = scoped_group_keys(candidates, stored.identifier)
    say(
        f"{path.name}: {_count(len(mentions), 'mention')} found, "
        f"{_count(len(candidates), 'candidate')} proposed"
    )
    target = candidates_path(settings.data / "curated", stored.identifier)
    header = (
        f"Read from {path.name} ({found.kind}, {found.pages} page(s)) on its date {_span(when)}."
    )
    written = write_candidates(target, stored.identifier, candidates, header=header)
    in_file = read_candidates(target)
    return Ingested(
        source=path,
        stored=stored,
        when=when,
        candidates_file=target,
        pages=found.pages,
        mentions=len(mentions),
        proposed=len({key_of(c) for c in candidates}),
        written=written,
        by_kind=dict(sorted(Counter(counted_as(c) for c in in_file).items())),
        seconds=time.perf_counter() - started,
    )


def _span(when: DocumentDay) -> str:
    if when.first == when.last:
        return when.first.isoformat()
    return f"{when.first.isoformat()} to {when.last.isoformat()}"


def summary(done: Ingested) -> str:
    """What ingest tells the person who ran it: where things went and what to do next."""
    stored = done.stored
    text_note = "stored" if stored.new_text else "already stored"
    entry_note = (
        "described in documents.yaml"
        if stored.new_entry
        else "already described in documents.yaml (its entry kept as it is)"
    )
    lines = [
        f"{done.source}: {text_note} as {_shown(stored.path)}, {entry_note}",
        f"  date {_span(done.when)}; {_count(done.mentions, 'organisation mention')} found",
        f"  {_count(done.written, 'candidate')} in {_shown(done.candidates_file)}"
        + (
            f" ({done.proposed - done.written} left out: already accepted or rejected)"
            if done.proposed > done.written
            else ""
        ),
    ]
    lines += [f"    {count:4d}  {kind}" for kind, count in done.by_kind.items()]
    lines.append(f"  review them: nhskg review {done.candidates_file.name}")
    return "\n".join(lines)


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def _shown(path: Path) -> str:
    """A path as short as it can be said: from the working folder when it is under it."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)
