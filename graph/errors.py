"""The project's own error classes: RDF files (ontology/, shapes/) that break a rule,
and documents that `nhskg ingest` cannot read, each message naming the file."""

from __future__ import annotations

from pathlib import Path


class RdfFileError(ValueError):
    """An ontology or shapes file that does not parse, or breaks a house rule."""

    def __init__(self, path: Path, problem: object) -> None:
        super().__init__(f"{path}: {problem}")
        self.path = path


class IngestError(ValueError):
    """A document given to `nhskg ingest` that cannot be read, stored or described; the
    message names the file (or the option to give) and what is wrong."""
