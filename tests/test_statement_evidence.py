"""The evidence pages show on a claim's row: the document's words with its title, date and
a link to the passage; a dataset's row with the dataset's title and page; a reasoning."""

from __future__ import annotations

from nhskg.graph.query.service import QueryService
from nhskg.graph.query.statement_evidence import evidence_of

ORG = "https://w3id.org/nhskg/id/org/"


def _membership(service: QueryService, member: str, body: str) -> str:
    result = service.store.query(
        "PREFIX org: <http://www.w3.org/ns/org#>\n"
        f"SELECT ?m WHERE {{ ?m org:member <{ORG}{member}> ; org:organization <{ORG}{body}> }}"
    )
    return str(next(iter(result.rows))[0].value)


def test_a_resolved_membership_shows_its_quote_dataset_rows_and_reasoning(
    service: QueryService,
) -> None:
    statement = _membership(service, "RC1", "QHG")
    pieces = evidence_of(service.store, service.settings.queries_dir, [statement])[statement]
    kinds = [p["kind"] for p in pieces]
    assert kinds == sorted(kinds, key=["quote", "dataset", "reasoning"].index)
    (partners,) = [p for p in pieces if p["kind"] == "quote" and "16 BLMK" in p["quote"]]
    assert partners["title"].startswith("Bedfordshire, Luton and Milton Keynes")
    assert partners["date"] == "2018-01"
    text = (service.settings.data / "sources" / partners["source"]).read_text("utf-8")
    start = partners["start"]
    assert text[start : start + len(partners["quote"])] == partners["quote"]
    assert partners["href"] == f"/documents/{partners['source']}#q-{start}"
    datasets = [p for p in pieces if p["kind"] == "dataset"]
    assert datasets and all(p["href"] == f"/id/dataset/{p['source']}" for p in datasets)
    assert all(p["title"] and "RC1" in p["quote"] for p in datasets)
    (reasoning,) = [p for p in pieces if p["kind"] == "reasoning"]
    assert "16 BLMK partners" in reasoning["quote"] and reasoning["href"] is None


def test_a_statement_without_evidence_gets_an_empty_list(service: QueryService) -> None:
    missing = "https://w3id.org/nhskg/id/membership/no-such-statement"
    assert evidence_of(service.store, service.settings.queries_dir, [missing]) == {missing: []}
