"""The control-character check: one regex, the verdicts of a per-character category test."""

from __future__ import annotations

import sys
import unicodedata

import pytest

from mdm_hub.domain.text import _BIDI_CONTROLS, check_no_control_characters


def test_rejects_exactly_category_cc_and_bidi_controls() -> None:
    for code_point in range(sys.maxunicode + 1):
        char = chr(code_point)
        expected = unicodedata.category(char) == "Cc" or char in _BIDI_CONTROLS
        try:
            check_no_control_characters(f"ab{char}")
        except ValueError:
            assert expected, f"U+{code_point:04X} wrongly rejected"
        else:
            assert not expected, f"U+{code_point:04X} wrongly accepted"


def test_names_the_first_control_character_and_its_position() -> None:
    with pytest.raises(ValueError, match=r"U\+202E at position 2$"):
        check_no_control_characters("ok\u202ethen\x00")
    assert check_no_control_characters("Zoë \u00a0 ok") == "Zoë \u00a0 ok"
