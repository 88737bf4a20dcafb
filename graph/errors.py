"""Errors about the project's own RDF files (ontology/, shapes/), naming the file."""

from __future__ import annotations

from pathlib import Path


class RdfFileError(ValueError):
    """An ontology or shapes file that does not parse, or breaks a house rule."""

    def __init__(self, path: Path, problem: object) -> None:
        super().__init__(f"{path}: {problem}")
        self.path = path
