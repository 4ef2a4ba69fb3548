"""The control-character check: one regex, the verdicts of a per-character category test; and
lone surrogates, refused as text and written as escapes where they must be kept."""

from __future__ import annotations

import sys
import unicodedata

import pytest

from mdm_hub.adapters.codecs.values import kept_as_json
from mdm_hub.domain.text import _BIDI_CONTROLS, check_no_control_characters, printable


def test_rejects_exactly_category_cc_bidi_controls_and_lone_surrogates() -> None:
    for code_point in range(sys.maxunicode + 1):
        char = chr(code_point)
        expected = unicodedata.category(char) in ("Cc", "Cs") or char in _BIDI_CONTROLS
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


def test_a_lone_surrogate_is_named_and_kept_as_its_escape() -> None:
    with pytest.raises(ValueError, match=r"lone surrogate U\+D800 at position 4"):
        check_no_control_characters("Bad \ud800 GmbH")
    assert printable("Bad \ud800 GmbH") == "Bad \\ud800 GmbH"
    assert printable("Zoë 😀") == "Zoë 😀"  # paired surrogates are text


def test_a_kept_reject_is_strict_json_whatever_was_sent() -> None:
    kept = kept_as_json({"na\udc00me": ["x\ud800", float("inf"), float("nan"), 1.5, None]})
    assert kept == {"na\\udc00me": ["x\\ud800", "inf", "nan", 1.5, None]}
