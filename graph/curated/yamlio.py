"""Read YAML keeping the line of every value, so that errors can name file, line and field.

:func:`load_with_lines` returns plain dicts, lists and strings (all scalars are
kept as the text written, so that "2013-03" stays a month and "06F" stays a code),
and a parallel record of line numbers: each dict carries its own line under
``LINE`` and the line of each field under ``LINES``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

# libyaml's parser when PyYAML was built with it: the same nodes and marks, ~10x faster.
SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

LINE = "__line__"
LINES = "__lines__"


class CuratedFileError(ValueError):
    """A curated or source file is malformed; the message names file, line and field."""


def _convert(node: yaml.Node, path: Path) -> Any:
    if isinstance(node, yaml.ScalarNode):
        return node.value
    if isinstance(node, yaml.SequenceNode):
        return [_convert(child, path) for child in node.value]
    if isinstance(node, yaml.MappingNode):
        out: dict[str, Any] = {LINE: node.start_mark.line + 1, LINES: {}}
        for key_node, value_node in node.value:
            key = key_node.value
            if not isinstance(key_node, yaml.ScalarNode):
                raise CuratedFileError(
                    f"{path}:{key_node.start_mark.line + 1}: keys must be plain words"
                )
            if key in out[LINES]:
                raise CuratedFileError(
                    f"{path}:{key_node.start_mark.line + 1}: field '{key}' given twice"
                )
            out[key] = _convert(value_node, path)
            out[LINES][key] = value_node.start_mark.line + 1
        return out
    raise CuratedFileError(f"{path}:{node.start_mark.line + 1}: unsupported YAML node")


def load_with_lines(path: Path) -> Any:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise CuratedFileError(f"{path}: file not found") from None
    except UnicodeDecodeError as exc:
        raise CuratedFileError(f"{path}: not UTF-8 (byte {exc.start})") from None
    try:
        node = yaml.compose(text, Loader=SAFE_LOADER)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{path}:{mark.line + 1}" if mark else str(path)
        problem = getattr(exc, "problem", None) or str(exc)
        raise CuratedFileError(f"{where}: not valid YAML: {problem}") from None
    return {} if node is None else _convert(node, path)


def line_of(record: dict[str, Any], field: str | None = None) -> int:
    if field is not None and field in record.get(LINES, {}):
        return int(record[LINES][field])
    return int(record.get(LINE, 0))


def fields(record: dict[str, Any]) -> list[str]:
    return [k for k in record if k not in (LINE, LINES)]
