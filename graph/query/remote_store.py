"""A SPARQL 1.1 store over HTTP as the query backend (the SPARQL 1.1 Protocol).

:class:`RemoteStore` implements :class:`~nhskg.graph.query.store.GraphStore` for any store
with a SPARQL 1.1 query endpoint (Oxigraph server, Apache Jena Fuseki, GraphDB,
Virtuoso, QLever): POST ``application/sparql-query``, results read back as SPARQL JSON
(SELECT, ASK) or N-Triples (CONSTRUCT, DESCRIBE) into the same Python values as the
embedded store gives (for the SPARQL endpoint, written again in the format asked for,
at the row cap). Queries go as written: the plan for the embedded engine is not for
other stores. The time limit is the HTTP timeout; with ``guard``, the query is
checked here before it is sent. Credentials come from the environment
(``NHSKG_STORE_USER``, ``NHSKG_STORE_PASSWORD``) and are never logged or shown.
"""

from __future__ import annotations

import asyncio
import base64
import os
import urllib.error
import urllib.request
from collections.abc import Collection

from pyoxigraph import QueryResultsFormat, RdfFormat, parse, parse_query_results

from nhskg.graph.query.query_answer import Answer, Formats, write_answer
from nhskg.graph.query.query_worker import QueryFailed, QueryTimeout
from nhskg.graph.query.sparql_guard import QueryRefused, check_query
from nhskg.graph.query.store import Dataset, QueryOutcome, outcome

ACCEPT = "application/sparql-results+json, application/n-triples;q=0.9"


def store_authorization() -> str | None:
    """The HTTP Authorization value for NHSKG_STORE_USER/NHSKG_STORE_PASSWORD, if set."""
    user, password = os.environ.get("NHSKG_STORE_USER"), os.environ.get("NHSKG_STORE_PASSWORD")
    if not user:
        return None
    return "Basic " + base64.b64encode(f"{user}:{password or ''}".encode()).decode("ascii")


class RemoteStore:
    def __init__(self, endpoint: str, *, timeout_s: float) -> None:
        if not endpoint.startswith(("http://", "https://")):
            raise ValueError(f"NHSKG_STORE_URL must be an http(s) URL, got {endpoint!r}")
        self.endpoint = endpoint
        self.timeout_s = timeout_s
        self._auth = store_authorization()

    def __repr__(self) -> str:  # never the credentials
        return f"RemoteStore({self.endpoint!r})"

    def query(
        self,
        sparql: str,
        *,
        max_rows: int | None = None,
        timeout_s: float | None = None,
        guard: bool = False,
        planned: bool = False,
    ) -> QueryOutcome:
        if guard:
            check_query(sparql)
        limit = self.timeout_s if timeout_s is None else min(timeout_s, self.timeout_s)
        request = urllib.request.Request(
            self.endpoint,
            data=sparql.encode("utf-8"),
            method="POST",
            headers={"Content-Type": "application/sparql-query", "Accept": ACCEPT},
        )
        if self._auth:
            request.add_header("Authorization", self._auth)
        try:
            with urllib.request.urlopen(request, timeout=limit) as response:
                media = response.headers.get("Content-Type", "").split(";")[0].strip()
                body = response.read()
        except TimeoutError as error:
            raise QueryTimeout(f"the store did not answer within {limit:g} s") from error
        except urllib.error.HTTPError as error:
            detail = error.read(2000).decode("utf-8", "replace").strip()
            if guard and error.code == 400:  # the user's query: the store's word on it
                raise QueryRefused(f"the store refused the query: {detail}") from error
            raise QueryFailed(f"the store answered {error.code}: {detail}") from error
        except urllib.error.URLError as error:
            raise QueryFailed(
                f"cannot reach the store at {self.endpoint}: {error.reason}"
            ) from error
        if media == "application/n-triples":
            return [quad.triple for quad in parse(body, format=RdfFormat.N_TRIPLES)]
        if media in ("application/sparql-results+json", "application/json"):
            return outcome(parse_query_results(body, format=QueryResultsFormat.JSON), max_rows)
        raise QueryFailed(f"the store answered in {media or 'an unknown format'}")

    def answer(
        self,
        sparql: str,
        formats: Formats,
        *,
        max_rows: int | None = None,
        timeout_s: float | None = None,
        dataset: Dataset | None = None,
        guard: bool = True,
    ) -> Answer:
        if dataset is not None:  # which graphs the remote store holds is not known here
            raise QueryRefused(
                "default-graph-uri and named-graph-uri are not available when the server "
                "queries a remote store: every query runs on that store's default graph",
                status=403,
            )
        result = self.query(sparql, max_rows=max_rows, timeout_s=timeout_s, guard=guard)
        return write_answer(result, formats, max_rows=max_rows)

    async def answer_async(
        self,
        sparql: str,
        formats: Formats,
        *,
        max_rows: int | None = None,
        timeout_s: float | None = None,
        dataset: Dataset | None = None,
    ) -> Answer:
        return await asyncio.to_thread(
            self.answer, sparql, formats, max_rows=max_rows, timeout_s=timeout_s, dataset=dataset
        )

    def plan(self, sparql: str, *, parameters: Collection[str] = ()) -> str:
        return sparql

    def __len__(self) -> int:
        result = self.query("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }")
        assert not isinstance(result, bool | list)
        first = result.rows[0][0]
        return int(first.value) if first is not None else 0
