"""A request body is read exactly as Python's json module with the hub's integer rule and
the variables depth check read it, whichever way `decode_body` takes: the same value (an
integer beyond 64 bits kept as an OversizedInteger), the same 400 with the same words."""

from __future__ import annotations

import json
import math
from typing import Any

import pytest
from cross_web import HTTPException
from hypothesis import given, settings
from hypothesis import strategies as st

from mdm_hub.api.limits import json_body
from mdm_hub.api.limits.json_body import decode_body
from mdm_hub.domain.numbers import OversizedInteger, json_integer

LIMIT = 4


def _reference(data: str | bytes, max_depth: int) -> object:
    """What the body decoded to before the fast way: json.loads, then the depth walk."""
    try:
        body = json.loads(data, parse_int=json_integer)
    except RecursionError:
        raise json_body._too_deep(max_depth) from None
    except ValueError as exc:
        raise HTTPException(400, f"Unable to parse request body as JSON: {exc}") from None
    variables = body.get("variables") if isinstance(body, dict) else None
    if _deeper_than(variables, max_depth + 1):
        raise json_body._too_deep(max_depth)
    return body


def _deeper_than(value: object, limit: int) -> bool:
    """The depth walk as it was: depth first, one entry per container."""
    pending: list[tuple[Any, int]] = [(value, 1)] if isinstance(value, dict | list) else []
    while pending:
        item, depth = pending.pop()
        if depth > limit:
            return True
        children = item.values() if isinstance(item, dict) else item
        pending.extend((child, depth + 1) for child in children if isinstance(child, dict | list))
    return False


def _outcome(read: Any, data: str | bytes) -> tuple[str, Any]:
    try:
        value = read(data, LIMIT)
    except HTTPException as exc:
        return "refused", (exc.status_code, exc.reason)
    return "read", _comparable(value)


def _comparable(value: object) -> object:
    """Values with their types, so 1 and 1.0 and True differ, and NaN equals itself."""
    if isinstance(value, dict):
        return {key: _comparable(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_comparable(item) for item in value]
    if isinstance(value, OversizedInteger):
        return ("oversized", value.digits)
    if isinstance(value, float) and math.isnan(value):
        return ("nan",)
    return (type(value).__name__, value)


def _nested(depth: int) -> str:
    return "[" * depth + "]" * depth


BODIES = {
    "plain": '{"query": "{ a }", "variables": {"refs": [{"s": "x", "n": 1}]}}',
    "18 digits": '{"variables": {"n": 999999999999999999, "m": -999999999999999999}}',
    "64-bit edges": '{"variables": {"n": 9223372036854775807, "m": -9223372036854775808}}',
    "just beyond 64 bits": '{"variables": {"n": 9223372036854775808, "m": -9223372036854775809}}',
    "beyond unsigned 64 bits": '{"variables": {"n": 18446744073709551616}}',
    "5,000 digits": '{"variables": {"n": ' + "7" * 5000 + "}}",
    "19 digits in a string": '{"variables": {"s": "1234567890123456789", "n": 5}}',
    "a long fraction": '{"variables": {"f": 0.12345678901234567891234}}',
    "floats": '{"variables": {"f": [1.5, -0.0, 1e300, 2.5e-300, 1E5, -0]}}',
    "an overflowing float": '{"variables": {"f": 1e400}}',
    "NaN and Infinity": '{"variables": {"f": [NaN, Infinity, -Infinity]}}',
    "a lone surrogate escaped": '{"variables": {"s": "\\ud800"}}',
    "escaped quotes and brackets in strings": r'{"variables": {"s": "a\"[[[[[[[[\\", "t": "]]}"}}',
    "duplicate keys": '{"variables": {"a": 1, "a": 2}}',
    "not an object": "[1, 2, 3]",
    "a bare string": '"text"',
    "not JSON": '{"query": }',
    "truncated": '{"variables": {"a": [1, 2',
    "trailing garbage": '{"a": 1} x',
    "empty": "",
    "variables at the limit": '{"variables": {"v": ' + _nested(LIMIT) + "}}",
    "variables one beyond": '{"variables": {"v": ' + _nested(LIMIT + 1) + "}}",
    "deep outside the variables": '{"extensions": {"e": ' + _nested(50) + '}, "variables": {}}',
    "deep objects": '{"variables": ' + '{"a": ' * 8 + "1" + "}" * 8 + "}",
    "deep beyond orjson's own limit": '{"variables": {"v": ' + _nested(2000) + "}}",
    "100,000 deep": '{"variables": {"v": ' + _nested(100_000) + "}}",
    "a byte order mark": '\ufeff{"variables": {}}',
    "control characters escaped": '{"variables": {"s": "a\\u0000b\\nc"}}',
}


@pytest.mark.parametrize("case", BODIES)
@pytest.mark.parametrize("as_bytes", [False, True], ids=["text", "bytes"])
def test_a_body_reads_as_the_json_module_reads_it(case: str, as_bytes: bool) -> None:
    text = BODIES[case]
    data: str | bytes = text.encode("utf-8") if as_bytes else text
    assert _outcome(decode_body, data) == _outcome(_reference, data)


def test_a_lone_surrogate_in_text_reads_as_before() -> None:
    data = '{"variables": {"s": "a\ud800b"}}'  # a str can hold one; bytes cannot
    assert _outcome(decode_body, data) == _outcome(_reference, data)


def test_oversized_integers_stay_oversized() -> None:
    body = decode_body('{"variables": {"n": 9223372036854775808}}', LIMIT)
    assert isinstance(body, dict)
    assert isinstance(body["variables"]["n"], OversizedInteger)


_JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(alphabet=st.characters(codec="utf-8"), max_size=8)
    | st.sampled_from(['"[{', "\\", '"', "]]]}", "\\u0041"]),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=4), inner),
    max_leaves=30,
)


@settings(max_examples=300, deadline=None)
@given(variables=_JSON, extensions=_JSON)
def test_any_json_body_reads_as_the_json_module_reads_it(
    variables: object, extensions: object
) -> None:
    text = json.dumps({"query": "{ a }", "variables": variables, "extensions": extensions})
    for data in (text, text.encode("utf-8")):
        assert _outcome(decode_body, data) == _outcome(_reference, data)
