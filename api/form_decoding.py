"""The SPARQL endpoint's parameters from a query string or a form body, decoded fast.

A SPARQL query sent by GET is percent-encoded in the URL, often a few kilobytes of
it, and the standard library decodes each ``%XX`` in a Python loop (about 80 µs for
a 1,900-character query, most of what the server spends on such a request before the
query worker sees it). :func:`parse_form` gives what ``dict(urllib.parse.parse_qsl(
text, keep_blank_values=True, errors=errors))`` gives, decoding the common case (all
ASCII, every ``%`` followed by two hex digits) with the codec machinery, in C, and
anything else with the standard library.
"""

from __future__ import annotations

from urllib.parse import unquote


def unquote_plus(text: str, errors: str = "replace") -> str:
    """``urllib.parse.unquote_plus(text, errors=errors)``."""
    text = text.replace("+", " ")
    if "%" not in text:
        return text
    if text.isascii():
        # Every "%XX" becomes the escape "\xXX" (backslashes doubled first, so no other
        # escape can arise); the codec turns each into the byte it names.
        escaped = text.replace("\\", "\\\\").replace("%", "\\x").encode("ascii")
        try:
            raw = escaped.decode("unicode_escape").encode("latin-1")
        except UnicodeDecodeError:  # a "%" without two hex digits after it
            return unquote(text, errors=errors)
        return raw.decode("utf-8", errors)
    return unquote(text, errors=errors)


def parse_form(text: str, *, errors: str = "replace") -> dict[str, str]:
    """The name-value pairs of ``text`` (``a=1&b=2``), the last one of a name winning;
    a name without ``=`` has the empty value. ``errors`` is for bytes that are not
    UTF-8, as :meth:`bytes.decode` takes it."""
    out: dict[str, str] = {}
    for pair in text.split("&"):
        if not pair:
            continue
        name, _, value = pair.partition("=")
        out[unquote_plus(name, errors)] = unquote_plus(value, errors)
    return out
