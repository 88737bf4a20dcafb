"""A stated group a document proposes is that document's own: its key carries the
document's number, and every record naming it is renamed with it, so two documents'
"councils" never merge into one entity when both are accepted."""

from __future__ import annotations

from nhskg.graph.ingest.group_keys import scoped_group_keys
from nhskg.graph.ingest.model import Candidate, candidate_key

TEXT = "The programme is a partnership of local NHS organisations and councils."


def proposal(section: str, record: dict, **extra: object) -> Candidate:
    start = TEXT.index("councils") if section == "entities" else 0
    end = start + len("councils") if section == "entities" else len(TEXT)
    return Candidate(
        section, record, start, end, 0.5, "test", candidate_key(section, record), dict(extra)
    )


def test_a_stated_group_key_carries_the_document_number_everywhere_it_is_named() -> None:
    group = proposal(
        "entities",
        {"key": "councils", "kind": "stated-group", "name": "councils", "quote": "councils"},
    )
    body = proposal("entities", {"key": "councils-board", "kind": "board", "name": "councils"})
    member = proposal(
        "statements",
        {"type": "membership", "member": "councils", "organization": "QK1", "quote": TEXT},
        mention_words={"councils": ["councils"]},
    )
    scoped = scoped_group_keys([group, body, member], "005_af4d4a6c11359a9b.txt")
    assert scoped[0].record == {**group.record, "key": "councils-005"}
    assert scoped[1] == body  # not a stated group: a body's key may be shared on purpose
    assert scoped[2].record["member"] == "councils-005"
    assert scoped[2].record["quote"] == TEXT and scoped[0].record["name"] == "councils"
    assert scoped[2].extra == {"mention_words": {"councils-005": ["councils"]}}
    # the candidate's key follows its record, and a second pass changes nothing
    assert scoped[2].key == candidate_key("statements", scoped[2].record) != member.key
    assert scoped_group_keys(scoped, "005_af4d4a6c11359a9b.txt") == scoped
