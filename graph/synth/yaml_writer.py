"""Curated YAML as PyYAML's block style writes it, many times faster: a string stays plain
when it reads back as the same string, and is written as a JSON (double-quoted) string otherwise.
"""

from __future__ import annotations

import json
import re
from typing import Any

PLAIN = re.compile(r"[A-Za-z][\w ,.'()&£/-]*")  # read back as the same string
RESERVED = {"yes", "no", "on", "off", "true", "false", "null", "y", "n"}


def dump(value: Any) -> str:
    out: list[str] = []
    _emit(value, 0, out)
    return "\n".join(out) + "\n"


def _scalar(value: Any) -> str:
    text = str(value)
    if PLAIN.fullmatch(text) and text.lower() not in RESERVED and not text.endswith(" "):
        return text
    return json.dumps(text, ensure_ascii=False)  # a JSON string is a double-quoted YAML one


def _emit(value: Any, indent: int, out: list[str]) -> None:
    pad = " " * indent
    if isinstance(value, dict):
        for key, item in value.items():
            if isinstance(item, (dict, list)) and item:
                out.append(f"{pad}{key}:")
                _emit(item, indent + 2 if isinstance(item, dict) else indent, out)
            else:
                out.append(f"{pad}{key}: {'[]' if item == [] else _scalar(item)}")
        return
    for item in value:
        if isinstance(item, dict):
            lines: list[str] = []
            _emit(item, indent + 2, lines)
            out += [f"{pad}- {lines[0][indent + 2 :]}", *lines[1:]]
        else:
            out.append(f"{pad}- {_scalar(item)}")
