"""Records as YAML text in the curated files' style, for files people read and edit.

Block mappings indented by two spaces, list items as ``- key: value``, short lists of
plain words in flow style (``[RC1, RC9]``), strings plain wherever YAML reads them back
as the same string and double-quoted otherwise (``"Clinical Conversation\\n\\nThe ..."``).
Keys keep the order they are given in. Numbers, dates and booleans are written so that a
YAML loader reads back the same value; a string that would read as one of them
("2018", "yes") is quoted. The text is appended to or written beside hand-written files,
so nothing here rewrites a file.
"""

from __future__ import annotations

import datetime as dt
import io
import math
from typing import Any

import yaml

_EMITTER = yaml.emitter.Emitter(io.StringIO(), allow_unicode=True)
_RESOLVER = yaml.resolver.Resolver()
_STR = "tag:yaml.org,2002:str"
FLOW_WIDTH = 88  # a list of words longer than this on its line is written one item a line
_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\t": "\\t", "\r": "\\r", "\0": "\\0"}


def _double_quoted(text: str) -> str:
    out = []
    for ch in text:
        if ch in _ESCAPES:
            out.append(_ESCAPES[ch])
        elif ch < " " or ch in "\x7f\x85\u2028\u2029\ufeff" or 0xD800 <= ord(ch) <= 0xDFFF:
            out.append(f"\\u{ord(ch):04x}" if ord(ch) > 0xFF else f"\\x{ord(ch):02x}")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def _plain_ok(text: str, *, flow: bool) -> bool:
    if not text or text != text.strip():
        return False
    analysis = _EMITTER.analyze_scalar(text)
    if analysis.multiline or not (
        analysis.allow_flow_plain if flow else analysis.allow_block_plain
    ):
        return False
    return _RESOLVER.resolve(yaml.nodes.ScalarNode, text, (True, False)) == _STR


def scalar(value: Any, *, flow: bool = False) -> str:
    """One scalar as YAML text that reads back as the same value."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value):
            return ".nan"
        if math.isinf(value):
            return ".inf" if value > 0 else "-.inf"
        return repr(value)
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if not isinstance(value, str):
        raise TypeError(f"cannot write a {type(value).__name__} as YAML: {value!r}")
    return value if _plain_ok(value, flow=flow) else _double_quoted(value)


def _is_scalar(value: Any) -> bool:
    return not isinstance(value, (dict, list, tuple))


def _value_lines(key: str, value: Any, indent: int) -> list[str]:
    """``key: value`` at ``indent`` spaces, nested blocks below it."""
    pad = " " * indent
    head = f"{pad}{scalar(key)}:"
    if _is_scalar(value):
        return [f"{head} {scalar(value)}"]
    if isinstance(value, dict):
        if not value:
            return [f"{head} {{}}"]
        return [head, *mapping_lines(value, indent + 2)]
    items = list(value)
    if not items:
        return [f"{head} []"]
    if all(_is_scalar(i) for i in items):
        flow = f"{head} [{', '.join(scalar(i, flow=True) for i in items)}]"
        if len(flow) <= FLOW_WIDTH and all(
            not isinstance(i, str) or _plain_ok(i, flow=True) for i in items
        ):
            return [flow]
    return [head, *sequence_lines(items, indent + 2)]


def mapping_lines(mapping: dict[str, Any], indent: int = 0) -> list[str]:
    """A block mapping, one ``key: value`` a line, keys in the order given."""
    lines: list[str] = []
    for key, value in mapping.items():
        lines.extend(_value_lines(str(key), value, indent))
    return lines


def sequence_lines(items: list[Any], indent: int = 0) -> list[str]:
    """A block sequence: ``- value`` a line, a mapping item as ``- key: value`` with its
    other keys aligned under the first."""
    pad = " " * indent
    lines: list[str] = []
    for item in items:
        if _is_scalar(item):
            lines.append(f"{pad}- {scalar(item)}")
        elif isinstance(item, dict) and item:
            inner = mapping_lines(item, indent + 2)
            lines.append(f"{pad}- {inner[0][indent + 2 :]}")
            lines.extend(inner[1:])
        elif isinstance(item, dict):
            lines.append(f"{pad}- {{}}")
        else:
            inner = sequence_lines(list(item), indent + 2) if item else [f"{pad}  []"]
            lines.append(f"{pad}- {inner[0][indent + 2 :]}")
            lines.extend(inner[1:])
    return lines


def list_item(record: dict[str, Any], indent: int = 2) -> str:
    """One record as an item of a section's list (``  - type: ...``), ending in a newline."""
    return "\n".join(sequence_lines([record], indent)) + "\n"
