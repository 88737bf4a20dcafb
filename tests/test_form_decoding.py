"""The endpoint's own form decoder gives what the standard library's parse_qsl gives."""

from __future__ import annotations

from urllib.parse import parse_qsl, quote, urlencode
from urllib.parse import unquote_plus as stdlib_unquote_plus

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nhskg.api.form_decoding import parse_form, unquote_plus

QUERY = 'SELECT ?n { ?o skos:prefLabel "Luton & Dunstable 100% \\u00e9" } # é \\x41 漢字'


def stdlib(text: str, errors: str = "replace") -> dict[str, str]:
    return dict(parse_qsl(text, keep_blank_values=True, errors=errors))


def test_a_percent_encoded_query_decodes_to_its_text() -> None:
    encoded = urlencode({"query": QUERY, "format": "json", "timeout": "1.5"})
    assert parse_form(encoded) == {"query": QUERY, "format": "json", "timeout": "1.5"}
    assert parse_form("query=" + quote(QUERY, safe="")) == {"query": QUERY}


@pytest.mark.parametrize(
    "text",
    [
        "query=%zz%41",  # not a hex pair: left as it is, the rest decoded
        "query=50%",  # a "%" at the end
        "query=%4",
        "query=caf%C3%A9+au+lait",
        "query=%E9t%E9",  # Latin-1 bytes, not UTF-8: replaced
        "query=\\x41%5Cx41\\\\",  # backslashes are data, never escapes
        "query=é%20x",  # a raw non-ASCII character (as starlette gives a URL's bytes)
        "a&b=&=c&&d=1=2&a=last",  # blank values, empty pairs, a repeated name
        "",
    ],
)
def test_awkward_input_decodes_as_the_standard_library_does(text: str) -> None:
    assert parse_form(text) == stdlib(text)


def test_invalid_utf8_is_refused_when_strict() -> None:
    with pytest.raises(UnicodeDecodeError):
        parse_form("query=%E9", errors="strict")
    assert parse_form("query=%C3%A9", errors="strict") == {"query": "é"}


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet=st.sampled_from("%+&=\\xaA09FfgzZ é漢\n")))
def test_any_text_of_escape_like_characters_decodes_as_the_standard_library_does(
    text: str,
) -> None:
    assert parse_form(text) == stdlib(text)
    assert unquote_plus(text) == stdlib_unquote_plus(text)


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_any_encoded_text_decodes_back_to_itself(text: str) -> None:
    encoded = urlencode({"query": text})
    assert parse_form(encoded) == stdlib(encoded) == {"query": text}
