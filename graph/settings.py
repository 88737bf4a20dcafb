"""One settings object for the whole product, read from the environment (NHSKG_*).

Paths default to the repository layout (ontology/, shapes/, queries/, data/ beside
the code; build/ for stores). Query limits are settings; a request may lower them,
never raise them.
"""

from __future__ import annotations

from functools import cached_property
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from nhskg.graph.allocator import check_setting, preloaded_library

REPO_ROOT = Path(__file__).resolve().parents[1]


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="NHSKG_", frozen=True)

    root: Path = Field(
        default=REPO_ROOT, description="Folder holding ontology/, shapes/, queries/."
    )
    data_dir: Path | None = Field(
        default=None, description="Curated and reference data (default root/data)."
    )
    build_dir: Path | None = Field(
        default=None, description="Where stores are built and published (default root/build)."
    )
    keep_builds: int = Field(
        default=2, ge=1, description="Published stores kept besides the current one."
    )
    store_url: str | None = Field(
        default=None,
        description="A SPARQL 1.1 query endpoint to query instead of the embedded store.",
    )
    store_update_url: str | None = Field(
        default=None,
        description="A SPARQL 1.1 Update endpoint a valid build is also published to.",
    )
    store_chunk_quads: int = Field(
        default=200_000,
        ge=1,
        description="Quads per SPARQL Update request when publishing to a remote store; "
        "a larger dump is staged in chunks and switched in one last request.",
    )
    batch_documents: int = Field(
        default=50, ge=1, description="Curated documents emitted and validated as one batch."
    )
    shacl_max_triples: int = Field(
        default=300_000,
        ge=0,
        description="Largest graph pyshacl validates whole; above it, the most triples "
        "pyshacl validates per build: new batches with what other graphs say about their "
        "nodes (the whole graph always by SHACL compiled to SPARQL).",
    )
    validation_workers: int = Field(
        default=2,
        ge=1,
        description="Worker processes that validate a graph above shacl_max_triples side "
        "by side (SPARQL queries and pyshacl), each with the store open read-only.",
    )
    host: str = Field(default="127.0.0.1", description="Address `nhskg serve` listens on.")
    port: int = Field(default=8000, ge=1, le=65535, description="Port `nhskg serve` listens on.")
    public_base_url: str | None = Field(
        default=None,
        description="The server's address as its clients reach it (e.g. "
        "https://nhskg.example.org), wherever the server names itself, such as the SPARQL "
        "service description; default http://HOST:PORT. Never taken from a request's Host.",
    )
    header_timeout_s: float = Field(
        default=10.0,
        gt=0,
        description="Longest a client may take to send a request's line and headers, from "
        "connecting or from its first byte; then the connection is closed (408).",
    )
    max_header_bytes: int = Field(
        default=32_768,
        ge=1024,
        description="Most bytes of headers a request may send (431 above); its request "
        "line has its own limit, 65,536 bytes (413: POST a longer query).",
    )
    keep_alive_s: int = Field(
        default=5, ge=1, description="Seconds an idle kept-alive connection stays open."
    )
    max_connections: int = Field(
        default=512,
        ge=1,
        description="Connections `nhskg serve` holds at once; a request beyond them gets 503.",
    )
    query_timeout_s: float = Field(
        default=5.0, gt=0, description="Longest a query may run, in seconds."
    )
    query_grace_s: float = Field(
        default=1.0,
        ge=0,
        description="How long a query that overran its time limit may go on running before "
        "its worker is killed (the caller is answered at the limit either way): one that "
        "finishes within it costs no worker.",
    )
    min_timeout_s: float = Field(
        default=0.5,
        gt=0,
        description="Shortest time limit a SPARQL request may ask for (its `timeout`); a "
        "smaller one is raised to it.",
    )
    answer_timeout_s: float = Field(
        default=300.0,
        gt=0,
        description="Longest the build spends on each answer it publishes (a parameterless "
        "named query, or one query for one organisation; see "
        "nhskg.graph.query.published_answers); one that overruns is evaluated when asked for "
        "instead.",
    )
    answer_threads: int = Field(
        default=2,
        ge=1,
        description="Queries the build evaluates at once for the answers it publishes for "
        "every organisation (a query file's '# publish:' line).",
    )
    answers_each_budget_s: float = Field(
        default=150.0,
        ge=0,
        description="Longest the build spends on all the answers it publishes for every "
        "organisation together (each query's '# publish:' line, in the library's order with "
        "partners last, then the evidence each page shows), each query given an equal part "
        "of what is left of it when it starts (what one leaves unused goes to those after "
        "it); those not started within their part are evaluated when asked for instead, so "
        "a large graph's build stays within its time (about 11 s of it on the national "
        "graph).",
    )
    answers_in_memory_max_quads: int = Field(
        default=30_000_000,
        ge=0,
        description="Largest graph whose published answers the build evaluates on a copy "
        "of the graph in memory (about 430 bytes a quad, held only while it answers); a "
        "larger one is answered from the store on disk.",
    )
    query_workers: int = Field(
        default=2, ge=1, description="Worker processes that run the product's queries."
    )
    sparql_workers: int = Field(
        default=2,
        ge=1,
        description="Worker processes for the SPARQL endpoint, apart from the lookups' workers.",
    )
    sparql_niceness: int = Field(
        default=10,
        ge=0,
        le=19,
        description="Niceness of the SPARQL endpoint's workers (10: the lookups go first "
        "when the CPU is scarce; 0: the same priority as everything else).",
    )
    sparql_per_client: int = Field(
        default=4,
        ge=1,
        description="SPARQL queries one client (an address; an IPv6 /64) may have running "
        "at once; one more gets 429 with Retry-After.",
    )
    sparql_kills_per_client: int = Field(
        default=6,
        ge=1,
        description="SPARQL queries of one client that may run past their time limit "
        "(each may cost a query worker) within sparql_kill_window_s; then the client gets "
        "429 with Retry-After until the oldest leaves the window.",
    )
    sparql_kill_window_s: float = Field(
        default=60.0,
        gt=0,
        description="The window, in seconds, over which a client's stopped queries count.",
    )
    query_threads: int = Field(
        default=8,
        ge=1,
        description="Queries each worker process runs at once, one a thread, sharing the "
        "cores and the store's cache.",
    )
    query_memory_mb: int = Field(
        default=4096, ge=0, description="Address-space cap of each query worker (0: none)."
    )
    query_allocator: str = Field(
        default="auto",
        description="Memory allocator of the query workers: 'auto' (jemalloc where the "
        "system has it, else the system's malloc), 'system', or a malloc library's path.",
    )
    worker_isolation: Literal["auto", "netns", "userns", "seccomp", "none"] = Field(
        default="auto",
        description="How the query workers cut themselves off from every network: 'auto' "
        "(a network namespace, else a user and network namespace, and a seccomp filter "
        "on top), 'netns', 'userns' or 'seccomp' (that barrier alone), 'none'.",
    )
    allow_unisolated_sparql: bool = Field(
        default=False,
        description="Run user SPARQL even when the query workers could not be isolated from "
        "the network, with the SPARQL guard as the only barrier (default: refuse it, 503).",
    )
    max_rows: int = Field(default=10_000, ge=1, description="Most rows a query returns.")
    reload_check_s: float = Field(
        default=1.0,
        ge=0,
        description="How often `nhskg serve` reads build/current for a newly published "
        "build, in seconds, and switches to it without a restart (0: never; it serves "
        "the build it started with).",
    )
    response_cache_mb: int = Field(
        default=64,
        ge=0,
        description="Memory the server's response cache may hold, in MiB, over bodies "
        "and headers; least recently used answers go first, an answer over 1/64 of it is "
        "never kept (0: no response cache).",
    )

    _check_allocator = field_validator("query_allocator")(check_setting)

    @field_validator("public_base_url")
    @classmethod
    def _check_base_url(cls, value: str | None) -> str | None:
        if value is None:
            return None
        parts = urlsplit(value)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(f"must be an http or https URL with a host, not {value!r}")
        if parts.query or parts.fragment:
            raise ValueError(f"must have no query or fragment: {value!r}")
        return value

    @cached_property
    def query_preload(self) -> str | None:
        """The malloc library the query workers preload (None: the system's malloc)."""
        return preloaded_library(self.query_allocator)

    @property
    def base_url(self) -> str:
        """Where clients reach the server: ``public_base_url``, else http://HOST:PORT."""
        if self.public_base_url:
            return self.public_base_url.rstrip("/")
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    @cached_property
    def data(self) -> Path:
        return (self.data_dir or self.root / "data").resolve()

    @cached_property
    def build(self) -> Path:
        return (self.build_dir or self.root / "build").resolve()

    @property
    def ontology_dir(self) -> Path:
        return self.root / "ontology"

    @property
    def shapes_dir(self) -> Path:
        return self.root / "shapes"

    @property
    def queries_dir(self) -> Path:
        return self.root / "queries"

    @property
    def reference_dir(self) -> Path:
        return self.data / "reference"


def get_settings() -> Settings:
    return Settings()
