"""Mint the IRIs of things the graph describes.

Organisation IRIs come from ODS codes where one exists, otherwise from the ONS
code, otherwise from a curator's stable key (lower case with hyphens); never from
names. Every other IRI is built from stable keys (dataset ids, document file names,
codes, character offsets), so the same input always mints the same IRIs.
"""

from __future__ import annotations

import hashlib
import re

from pyoxigraph import NamedNode

from nhskg.graph.namespaces import BASE, GRAPH, ID, compact

_SEGMENT = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
ODS_CODE = re.compile(r"^[A-Z0-9]{3,5}$")
ONS_CODE = re.compile(r"^[EWSN]\d{8}$")
CURATED_KEY = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


class MintError(ValueError):
    """A key cannot be turned into an IRI."""


def _segment(part: str) -> str:
    if not _SEGMENT.match(part):
        raise MintError(f"not a safe IRI segment: {part!r}")
    return part


def _path(kind: str, *parts: str) -> NamedNode:
    return ID["/".join([_segment(kind), *(_segment(p) for p in parts)])]


def org(key: str) -> NamedNode:
    """An organisation: ODS code, ONS code (only when no ODS code is known) or curated key."""
    if not (ODS_CODE.match(key) or ONS_CODE.match(key) or CURATED_KEY.match(key)):
        raise MintError(f"not an ODS code, ONS code or curated key: {key!r}")
    return _path("org", key)


def org_key(iri: str) -> str | None:
    """The key an organisation IRI was minted from, or None for other IRIs."""
    prefix = ID.iri + "org/"
    return iri[len(prefix) :] if iri.startswith(prefix) else None


def local_page(iri: str) -> str | None:
    """The server's own page for an IRI of ours (None for anyone else's): an
    organisation's page for an organisation, else the route that serves the IRI
    (``/id/...``, ``/def#...``), so no link leaves for w3id.org."""
    key = org_key(iri)
    if key is not None and "/" not in key:
        return "/organisations/" + key
    if iri.startswith(BASE + "id/"):
        return "/" + iri[len(BASE) :]
    if iri.startswith(BASE + "def"):
        return "/def#" + iri.rsplit("#", 1)[-1].rsplit("/", 1)[-1]
    return None


def thing(kind: str, key: str) -> NamedNode:
    """A curated thing other than an organisation (site, person, workstream, ...)."""
    if not CURATED_KEY.match(key):
        raise MintError(f"not a curated key (lower case, digits, hyphens): {key!r}")
    return _path(kind, key)


def statement(kind: str, *parts: str) -> NamedNode:
    """A statement node named by readable stable parts."""
    return _path(kind, *parts)


def hashed(kind: str, *parts: str) -> NamedNode:
    """A statement node named by a digest of its defining parts."""
    digest = hashlib.sha1("\x1f".join(parts).encode("utf-8")).hexdigest()[:16]
    return _path(kind, digest)


def dataset(dataset_id: str) -> NamedNode:
    return _path("dataset", dataset_id)


def graph_dataset() -> NamedNode:
    """The built graph itself, as the dataset its statistics describe (VoID)."""
    return _path("dataset", "nhskg")


def class_partition(class_iri: str) -> NamedNode:
    """The built graph's VoID class partition for one class: named by the class's prefixed
    name (``org-Membership``), or a digest of its IRI when no prefix of ours fits."""
    name = compact(class_iri).replace(":", "-", 1)
    if name == class_iri or not _SEGMENT.match(name):
        name = hashlib.sha1(class_iri.encode("utf-8")).hexdigest()[:16]
    return _path("dataset", "nhskg", "class", name)


def distribution(dataset_id: str) -> NamedNode:
    return _path("dataset", dataset_id, "csv")


def document(identifier: str) -> NamedNode:
    """A source document, named by its file name without the extension."""
    stem = identifier.rsplit(".", 1)[0]
    return _path("document", stem)


def row_evidence(dataset_id: str, row: int) -> NamedNode:
    return _path("evidence", dataset_id, f"row-{row}")


def quote_evidence(document_identifier: str, start: int, end: int) -> NamedNode:
    stem = document_identifier.rsplit(".", 1)[0]
    return _path("evidence", stem, f"{start}-{end}")


def reasoning_evidence(key: str) -> NamedNode:
    return _path("evidence", "reasoning", key)


def selector(evidence: NamedNode, kind: str) -> NamedNode:
    return NamedNode(evidence.value + "/" + _segment(kind))


def named_graph(*parts: str) -> NamedNode:
    return GRAPH["/".join(_segment(p) for p in parts)]
