"""Text tables fit the width they are given: narrow columns whole, wide ones cut."""

from __future__ import annotations

import pytest

from nhskg.graph.query.text_table import column_widths, terminal_width, text_table


def test_a_table_that_fits_keeps_every_column_whole() -> None:
    assert column_widths([4, 10, 3], [4, 4, 3], 30) == [4, 10, 3]


def test_wide_columns_share_what_narrow_ones_leave() -> None:
    widths = column_widths([4, 100, 60, 3], [4, 4, 4, 3], 60)
    assert sum(widths) <= 60
    assert widths[0] == 4 and widths[3] == 3
    assert abs(widths[1] - widths[2]) <= 1


def test_long_cells_are_cut_with_an_ellipsis_and_no_line_is_wider() -> None:
    rows = [["RC1", "Bedford Hospital NHS Trust " * 5, "East of England"]]
    lines = text_table(["code", "name", "region"], rows, 50)
    assert all(len(line) <= 50 for line in lines)
    assert lines[2].startswith("RC1   Bedford Hospital")
    assert "…" in lines[2]
    assert lines[2].rstrip().endswith("East of England")


def test_width_comes_from_the_option_then_columns_then_120(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("COLUMNS", "91")
    assert terminal_width(70) == 70
    assert terminal_width() == 91
    monkeypatch.delenv("COLUMNS")
    assert terminal_width() == 120  # pytest's captured output is not a terminal


def test_one_long_cell_does_not_take_the_room_of_a_column_of_short_ones() -> None:
    rows = [["RC9", "Luton and Dunstable University Hospital"] for _ in range(9)]
    rows.append(["group/blmk-16-partners-and-more", "the 16 BLMK partners"])
    lines = text_table(["code", "name"], rows, 46)
    assert all(len(line) <= 46 for line in lines)
    assert lines[2].startswith("RC9 ")
    assert lines[2].endswith("Luton and Dunstable University Hospital")  # whole
    assert lines[-1].split()[0].endswith("…")  # the one long code is cut
