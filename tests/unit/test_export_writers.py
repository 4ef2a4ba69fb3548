"""CSV injection: a cell a spreadsheet would run as a formula is written as text."""

from __future__ import annotations

import pytest

from mdm_hub.exports.writers import neutralised


@pytest.mark.parametrize("cell", ["=1+1", "+49 30 1234", "-2+3", "@SUM(A1)", "\t=1", "\r=1"])
def test_formula_starts_are_neutralised(cell: str) -> None:
    assert neutralised(cell) == "'" + cell


@pytest.mark.parametrize("cell", ["Acme", "1+1", "", "a=b", "'quoted"])
def test_other_cells_are_left_alone(cell: str) -> None:
    assert neutralised(cell) == cell
