"""The read-only candidates page and its JSON, from a real server on loopback: a build of
the mini fixture with a candidates file beside its curated file publishes the proposals
(and builds none of them); /api/documents/{id}/candidates gives them with their offsets;
/documents/{id}/candidates shows the text with each quote highlighted, the proposals
listed and linked to their passages, says how to review, escapes what the data says,
and offers no way to change anything."""

from __future__ import annotations

import html
import json
import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from conftest import MINI_DATA
from ingest_samples import (
    DOCUMENT,
    STEM,
    accepted_alias,
    activity,
    all_candidates,
    boards,
    build_with_candidates,
    county_alias,
    document_text,
    new_body,
    sample,
    serving,
)
from loopback import free_port, running, venv_command

from nhskg.graph.building.build import build
from nhskg.graph.ingest.model import Candidate
from nhskg.graph.publish import current
from nhskg.graph.settings import Settings

PAGE = f"/documents/{DOCUMENT}/candidates"
API = f"/api/documents/{DOCUMENT}/candidates"
HOSTILE_WHY = "<script>alert('why')</script> a <b>bold</b> claim"


def hostile(text: str) -> Candidate:
    """A proposal whose words are markup: the page must show them as text."""
    record = {
        "type": "activity",
        "label": "<img src=x onerror=alert(1)> the review",
        "quote": "The Clinical Senate report also identifies a number of specific services",
    }
    return sample(text, "statements", record, 0.3, HOSTILE_WHY)


def hospital(text: str) -> Candidate:
    """An alias for a trust whose name has changed since the document (RC9, 2013)."""
    record = {
        "org": "RC9",
        "alias": "Luton and Dunstable Hospital",
        "quote": "redevelopment of the Luton and Dunstable Hospital site",
    }
    return sample(text, "aliases", record, 0.8, "a site's name")


def proposals(text: str) -> list[Candidate]:
    return [*all_candidates(text), hostile(text), hospital(text)]


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """The mini fixture built with the candidates of its document beside its curated file."""
    return build_with_candidates(tmp_path_factory.mktemp("candidates-page"), proposals)


@pytest.fixture(scope="module")
def base(built: Settings) -> Iterator[str]:
    with serving(built) as url:
        yield url


def test_nothing_proposed_is_built(built: Settings, tmp_path: Path) -> None:
    """The same data without the candidates file builds the same graph, quad for quad."""
    shutil.copytree(built.data, tmp_path / "data")
    (tmp_path / "data" / "curated" / f"{STEM}.candidates.yaml").unlink()
    without = Settings(data_dir=tmp_path / "data", build_dir=tmp_path / "build")
    assert build(without).published
    digest = current(built.build).read_manifest()["sha256"]
    assert current(without.build).read_manifest()["sha256"] == digest
    assert not (current(without.build).path / "candidates" / f"{STEM}.json").exists()


def test_the_build_publishes_each_documents_candidates(built: Settings) -> None:
    folder = current(built.build).path / "candidates"
    # every proposal but the alias the curated file already has
    assert json.loads((folder / "index.json").read_text(encoding="utf-8")) == {DOCUMENT: 6}
    page = json.loads((folder / f"{STEM}.json").read_text(encoding="utf-8"))
    assert page["review"] == f"nhskg review {STEM}.candidates.yaml"
    assert [c["start"] for c in page["candidates"]] == sorted(
        c["start"] for c in page["candidates"]
    )


def test_json_gives_each_candidate_with_its_quote_at_its_offsets(
    base: str, built: Settings
) -> None:
    answer = httpx.get(base + API)
    assert answer.status_code == 200
    body = answer.json()
    text = document_text(built.data)
    assert body["text"] == text and body["title"].startswith("Healthier Together Programme")
    assert body["review"] == f"nhskg review {STEM}.candidates.yaml"
    by_key = {c["key"]: c for c in body["candidates"]}
    assert set(by_key) == {c.key for c in proposals(text)} - {accepted_alias(text).key}
    for c in body["candidates"]:
        assert c["quote"] == text[c["start"] : c["end"]]
    alias = by_key[county_alias(text).key]
    assert alias["kind"] == "alias" and alias["confidence"] == 0.41
    assert alias["summary"] == "“Bedfordshire” for 06F"
    assert [a["ref"] for a in alias["alternatives"]] == ["06F", "QHG"]
    assert alias["refs"] == [
        {"ref": "06F", "name": "NHS Bedfordshire CCG", "nameNow": None, "url": "/organisations/06F"}
    ]
    # named as on the document's day (March 2013), today's name beside it
    (trust,) = by_key[hospital(text).key]["refs"]
    assert trust["name"] == "Luton and Dunstable University Hospital NHS Foundation Trust"
    assert trust["nameNow"] == "Bedfordshire Hospitals NHS Foundation Trust"
    assert alias["record"] == county_alias(text).record
    assert alias["recordYaml"].startswith("org: 06F\nalias: Bedfordshire\n")
    assert by_key[activity(text).key]["kind"] == "activity"
    assert [(r["ref"], r["name"]) for r in by_key[activity(text).key]["refs"]] == [
        ("healthier-together", "Healthier Together Programme")
    ]
    assert by_key[new_body(text).key]["summary"] == "information bank (Healthier Together)"


def test_unknown_document_is_a_404_in_the_error_shape(base: str) -> None:
    answer = httpx.get(base + "/api/documents/999_nothing.txt/candidates")
    assert answer.status_code == 404
    error = answer.json()["error"]
    assert error["title"] == "unknown document" and error["parameter"] == "identifier"
    assert httpx.get(base + "/documents/999_nothing.txt/candidates").status_code == 404


def test_the_page_highlights_every_quote_and_lists_every_candidate(
    base: str, built: Settings
) -> None:
    page = httpx.get(base + PAGE).text
    text = document_text(built.data)
    for candidate in proposals(text):
        if candidate.key == accepted_alias(text).key:
            assert f'id="c-{candidate.key}"' not in page  # in the curated file already
            continue
        anchor = f'<mark id="p-{candidate.start}" class="candidate s-{candidate.section}'
        assert anchor in page, candidate.key
        entry = page[page.index(f'<li id="c-{candidate.key}"') :]
        assert f'<a href="#p-{candidate.start}">' in entry[: entry.index("</li>")]
        assert f'<a href="#c-{candidate.key}"' in page
    entry = page[page.index(f'<li id="c-{county_alias(text).key}"') :]
    assert '<a href="/organisations/06F">06F</a> NHS Bedfordshire CCG' in entry[:1500]
    # the highlighted text, tags taken out, is the document's text
    body = page[page.index('<div class="document-text candidate-text">') :]
    body = body[: body.index("</div>")]
    body = re.sub(r'<span class="tip".*?</span></span>', "", body, flags=re.S)
    assert html.unescape(re.sub(r"<[^>]+>", "", body)) == text
    tip = page[page.index(f'id="tip-{county_alias(text).start}"') :]
    assert "alias · confidence 0.41 · list item of &#39;X, Y and Z CCGs&#39;" in tip[:400]
    # where two quotes overlap, the passage says both
    inner = boards(text).start
    overlap = page[page.index(f'<mark id="p-{inner}" ') :]
    overlap = overlap[: overlap.index("</mark>")]
    assert 'class="candidate s-entities several"' in overlap  # the inner quote's
    assert overlap.count('<span class="tip-line">') == 2
    assert "stated-group · confidence 0.60 · counted group without a number" in overlap


def test_the_page_says_how_to_review_and_changes_nothing(base: str) -> None:
    page = httpx.get(base + PAGE).text
    assert f"<code>nhskg review {STEM}.candidates.yaml</code>" in page
    assert "None of them is in the graph" in page
    forms = re.findall(r"<form[^>]*>", page)
    assert forms == [f for f in forms if 'method="get"' in f and 'action="/search"' in f]
    assert "<button" not in page.replace('<button type="submit">Search</button>', "")
    for path in (PAGE, API):
        assert httpx.post(base + path).status_code == 405
    assert "<script" not in page.split("</footer>")[0]
    assert " style=" not in page


def test_what_the_data_says_is_escaped(base: str) -> None:
    page = httpx.get(base + PAGE).text
    assert "<script>alert" not in page and "<b>bold</b>" not in page and "<img src=x" not in page
    assert (
        "&lt;script&gt;alert(&#39;why&#39;)&lt;/script&gt; a &lt;b&gt;bold&lt;/b&gt; claim" in page
    )
    assert "&lt;img src=x onerror=alert(1)&gt; the review" in page


def test_the_document_page_links_to_its_candidates(base: str) -> None:
    page = httpx.get(base + f"/documents/{DOCUMENT}").text
    assert f'<a href="/documents/{DOCUMENT}/candidates">6 candidate records' in page


def test_a_document_without_candidates_says_so_and_is_not_linked(tmp_path: Path) -> None:
    settings = Settings(data_dir=MINI_DATA, build_dir=tmp_path / "build")
    assert build(settings).published
    port = free_port()
    env = os.environ | {"NHSKG_DATA_DIR": str(MINI_DATA), "NHSKG_BUILD_DIR": str(settings.build)}
    url = f"http://127.0.0.1:{port}"
    with running([venv_command("nhskg"), "serve", "--port", str(port)], url + "/api", env=env):
        assert httpx.get(url + API).json()["candidates"] == []
        assert "No candidate records are waiting" in httpx.get(url + PAGE).text
        assert "/candidates" not in httpx.get(url + f"/documents/{DOCUMENT}").text
