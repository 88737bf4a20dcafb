"""`nhskg:quote`: every evidence node carries the words its quote selector selects, so a
statement's quote is one path away (`prov:wasDerivedFrom/nhskg:quote`); the SPARQL
editor's examples, that one among them, answer on the built graph."""

from __future__ import annotations

from pathlib import Path

from nhskg.api.routers.query_pages import sparql_examples
from nhskg.graph.query.service import QueryService
from nhskg.graph.query.store import SelectResult

SELECTED = """
PREFIX oa: <http://www.w3.org/ns/oa#>
PREFIX nhskg: <https://w3id.org/nhskg/def#>
SELECT ?evidence ?exact ?quote WHERE {
  { ?evidence oa:hasSelector ?selector . ?selector a oa:TextQuoteSelector ; oa:exact ?exact .
    OPTIONAL { ?evidence nhskg:quote ?quote } }
  UNION
  { ?evidence nhskg:quote ?quote .
    OPTIONAL { ?evidence oa:hasSelector ?selector . ?selector a oa:TextQuoteSelector ; oa:exact ?exact } }
}"""


def test_every_evidence_node_that_selects_text_carries_exactly_that_text_as_its_quote(
    service: QueryService,
) -> None:
    result = service.store.query(SELECTED, max_rows=10_000_000)
    assert isinstance(result, SelectResult)
    assert len(result.rows) > 1000, "the built graph quotes its documents and datasets"
    wrong = [row for row in result.rows if row[1] is None or row[2] is None or row[1] != row[2]]
    assert not wrong, wrong[:5]


def test_a_statements_quote_document_and_offsets_are_one_path_each_from_its_evidence(
    service: QueryService,
) -> None:
    """The shortcut gives what the selectors give, for every statement with a document quote."""
    by_selectors = """
    PREFIX prov: <http://www.w3.org/ns/prov#>
    PREFIX oa: <http://www.w3.org/ns/oa#>
    PREFIX dcterms: <http://purl.org/dc/terms/>
    SELECT ?statement ?document ?start ?exact WHERE {
      ?statement prov:wasDerivedFrom ?evidence .
      ?evidence oa:hasSource ?doc ; oa:hasSelector ?q , ?p .
      ?doc dcterms:identifier ?document .
      ?q a oa:TextQuoteSelector ; oa:exact ?exact .
      ?p a oa:TextPositionSelector ; oa:start ?start .
    }"""
    by_shortcut = """
    PREFIX prov: <http://www.w3.org/ns/prov#>
    PREFIX oa: <http://www.w3.org/ns/oa#>
    PREFIX dcterms: <http://purl.org/dc/terms/>
    PREFIX nhskg: <https://w3id.org/nhskg/def#>
    SELECT ?statement ?document ?start ?exact WHERE {
      ?statement prov:wasDerivedFrom ?evidence .
      ?evidence nhskg:quote ?exact ; oa:hasSource/dcterms:identifier ?document ;
                oa:hasSelector/oa:start ?start .
    }"""
    answers = []
    for text in (by_selectors, by_shortcut):
        result = service.store.query(text, max_rows=10_000_000)
        assert isinstance(result, SelectResult)
        answers.append(sorted(tuple(str(t) for t in row) for row in result.rows))
    assert answers[0], "statements quote documents"
    assert answers[0] == answers[1]


EXAMPLES_DIR = Path(__file__).resolve().parents[1] / "queries" / "examples"


def test_every_sparql_editor_example_answers_on_the_built_graph(service: QueryService) -> None:
    examples = [e for _, group in sparql_examples(EXAMPLES_DIR) for e in group]
    assert len(examples) == len(list(EXAMPLES_DIR.glob("*.rq"))), "every example has a group"
    assert any("nhskg:quote" in e["text"] for e in examples)
    for example in examples:
        result = service.sparql(example["text"])
        assert isinstance(result, SelectResult), example["title"]
        assert result.rows, f"example {example['title']!r} has no answer"
