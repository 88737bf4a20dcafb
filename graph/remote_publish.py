"""Publish a validated build into a remote SPARQL 1.1 store, atomically.

After the embedded build has validated, the whole dataset goes to the store's SPARQL
Update endpoint (``NHSKG_STORE_UPDATE_URL``) as one request, ``DROP ALL`` followed by
``INSERT DATA`` of every quad: a SPARQL Update request is one transaction in Oxigraph,
Fuseki (TDB2) and GraphDB, so readers see the old graph or the new, never a mix. A
build that fails validation never reaches the store. One request suits graphs up to a
few million quads; beyond that, load through the store's bulk loader.
"""

from __future__ import annotations

import urllib.error
import urllib.request
from pathlib import Path

from nhskg.graph.remote_store import store_authorization


class RemotePublishError(RuntimeError):
    """The remote store refused or failed the update; it keeps what it had."""


def publish_remote(dump: Path, update_url: str, *, timeout_s: float = 600) -> int:
    """Replace the remote store's dataset with the N-Quads in ``dump``; return quads sent."""
    lines = [line for line in dump.read_text(encoding="utf-8").splitlines() if line.strip()]
    by_graph: dict[str, list[str]] = {}
    for line in lines:
        body, _, graph = line.rstrip(" .").rpartition(" ")
        if not (graph.startswith("<") and graph.endswith(">")):
            raise RemotePublishError(f"{dump}: a quad outside a named graph: {line[:120]}")
        by_graph.setdefault(graph, []).append(body + " .")
    parts = ["DROP SILENT ALL ;", "INSERT DATA {"]
    for graph, triples in by_graph.items():
        parts.append(f"GRAPH {graph} {{")
        parts.extend(triples)
        parts.append("}")
    parts.append("}")
    request = urllib.request.Request(
        update_url,
        data="\n".join(parts).encode("utf-8"),
        method="POST",
        headers={"Content-Type": "application/sparql-update"},
    )
    authorization = store_authorization()
    if authorization:
        request.add_header("Authorization", authorization)
    try:
        with urllib.request.urlopen(request, timeout=timeout_s) as response:
            response.read()
    except urllib.error.HTTPError as error:
        detail = error.read(2000).decode("utf-8", "replace").strip()
        raise RemotePublishError(
            f"the store refused the update ({error.code}): {detail}"
        ) from error
    except urllib.error.URLError as error:
        raise RemotePublishError(
            f"cannot reach the store at {update_url}: {error.reason}"
        ) from error
    return len(lines)
