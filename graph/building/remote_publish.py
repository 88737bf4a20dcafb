"""Publish a validated build into a remote SPARQL 1.1 store, atomically, at any size.

After the embedded build has validated, its dump goes to the store's SPARQL Update
endpoint (``NHSKG_STORE_UPDATE_URL``). A SPARQL Update request is one transaction in
Oxigraph, Fuseki (TDB2), GraphDB and Virtuoso, so:

- a dump of up to ``chunk_quads`` quads goes as one request, ``DROP SILENT ALL``
  then ``INSERT DATA`` of every quad;
- a larger dump is loaded in chunks of ``chunk_quads`` into staging graphs named
  ``urn:nhskg:staging:<build>:<graph>``, which nobody queries, and then one last
  request switches: it deletes every quad outside the staging graphs and moves each
  staging graph onto its real name. Readers see the old graph or the new, never a mix.
  Staging graphs left by an interrupted publish are dropped by the next one.

A build that fails validation never reaches the store.
"""

from __future__ import annotations

import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

from nhskg.graph.query.remote_store import store_authorization

STAGING = "urn:nhskg:staging:"
CHUNK_QUADS = 200_000


class RemotePublishError(RuntimeError):
    """The remote store refused or failed the update; it keeps what it had."""


def _graph_and_triple(line: str, dump: Path) -> tuple[str, str]:
    body, _, graph = line.rstrip(" .").rpartition(" ")
    if not (graph.startswith("<") and graph.endswith(">")):
        raise RemotePublishError(f"{dump}: a quad outside a named graph: {line[:120]}")
    return graph[1:-1], body + " ."


def _chunks(dump: Path, size: int) -> Iterator[list[tuple[str, str]]]:
    chunk: list[tuple[str, str]] = []
    with dump.open(encoding="utf-8") as lines:
        for line in lines:
            if line.strip():
                chunk.append(_graph_and_triple(line.strip(), dump))
                if len(chunk) >= size:
                    yield chunk
                    chunk = []
    if chunk:
        yield chunk


def _insert_data(quads: list[tuple[str, str]], rename: str = "") -> str:
    by_graph: dict[str, list[str]] = {}
    for graph, triple in quads:
        by_graph.setdefault(graph, []).append(triple)
    parts = ["INSERT DATA {"]
    for graph, triples in by_graph.items():
        parts.append(f"GRAPH <{rename}{graph}> {{")
        parts.extend(triples)
        parts.append("}")
    parts.append("}")
    return "\n".join(parts)


def _send(update_url: str, update: str, timeout_s: float) -> None:
    request = urllib.request.Request(
        update_url,
        data=update.encode("utf-8"),
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


def _delete_graphs(*, staging: bool) -> str:
    """An update deleting every quad inside (or, if not ``staging``, outside) staging graphs."""
    test = "" if staging else "!"
    return (
        "DELETE { GRAPH ?g { ?s ?p ?o } } WHERE { GRAPH ?g { ?s ?p ?o } "
        f'FILTER ({test}STRSTARTS(STR(?g), "{STAGING}")) }}'
    )


def publish_remote(
    dump: Path,
    update_url: str,
    *,
    build_id: str = "build",
    chunk_quads: int = CHUNK_QUADS,
    timeout_s: float = 600,
) -> int:
    """Replace the remote store's dataset with the N-Quads in ``dump``; return quads sent."""
    chunks = _chunks(dump, chunk_quads)
    first = next(chunks, [])
    second = next(chunks, None)
    if second is None:
        _send(update_url, "DROP SILENT ALL ;\n" + _insert_data(first), timeout_s)
        return len(first)
    staging = f"{STAGING}{build_id}:"
    _send(update_url, _delete_graphs(staging=True), timeout_s)
    sent, graphs = 0, set[str]()
    for chunk in (first, second, *chunks):
        _send(update_url, _insert_data(chunk, rename=staging), timeout_s)
        sent += len(chunk)
        graphs.update(graph for graph, _ in chunk)
    switch = [_delete_graphs(staging=False) + " ;"]
    switch += [f"MOVE SILENT GRAPH <{staging}{g}> TO GRAPH <{g}> ;" for g in sorted(graphs)]
    switch.append(_delete_graphs(staging=True))
    _send(update_url, "\n".join(switch), timeout_s)
    return sent
