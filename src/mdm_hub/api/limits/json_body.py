"""Reading a GraphQL request's JSON body within limits.

Integers are read as a store holds them (beyond 64 bits: an OversizedInteger, which the
record's checks refuse by its field), and `variables` nesting deeper than the limit is
refused (100,000 nested lists end Python's own parser in a RecursionError: refused alike).

A 1,000-ref `resolveMany` or 1,000-record upsert is tens to hundreds of kilobytes. orjson
parses such a body several times faster than the json module; it is used when it surely gives
the same value: no run of 19 digits anywhere in the body (so every integer fits 64 bits, as
`json_integer` keeps it) and orjson accepting the text (what it refuses, the json module reads
or refuses in its own words, as before).
"""

from __future__ import annotations

import json
from typing import Any

import orjson
from cross_web import HTTPException

from mdm_hub.domain.numbers import json_integer

# Every digit a 0, every other byte a space: 18 digits always fit 64 bits, 19 may not
# (json_integer decides those), and a translated body shows a run of 19 at C speed.
_DIGITS_AS_ZEROS = bytes(48 if byte in b"0123456789" else 32 for byte in range(256))
_LONG_RUN = b"0" * 19


def decode_body(data: str | bytes, max_depth: int) -> object:
    """The body's JSON; HTTPException(400) when it is not JSON or its `variables` nest
    deeper than `max_depth` (the variables object itself not counted)."""
    raw = data.encode("utf-8", "surrogatepass") if isinstance(data, str) else data
    body = _parsed(data, raw, max_depth)
    variables = body.get("variables") if isinstance(body, dict) else None
    if _deeper_than(variables, max_depth + 1):
        raise _too_deep(max_depth)
    return body


def _parsed(data: str | bytes, raw: bytes, max_depth: int) -> object:
    if _LONG_RUN not in raw.translate(_DIGITS_AS_ZEROS):
        try:
            return orjson.loads(raw)
        except orjson.JSONDecodeError:
            pass  # the exact way says why, in its words
    try:
        return json.loads(data, parse_int=json_integer)
    except RecursionError:
        raise _too_deep(max_depth) from None
    except ValueError as exc:
        raise HTTPException(400, f"Unable to parse request body as JSON: {exc}") from None


def _too_deep(max_depth: int) -> HTTPException:
    return HTTPException(
        400, f"variables nest more than {max_depth} levels deep (MDM_MAX_VARIABLES_DEPTH)"
    )


def _deeper_than(value: object, limit: int) -> bool:
    """Whether objects and lists nest more than `limit` deep: read level by level, without
    recursion (the json module makes exactly dicts and lists)."""
    level: list[Any] = [value] if type(value) is dict or type(value) is list else []
    depth = 1
    while level:
        if depth > limit:
            return True
        deeper: list[Any] = []
        for item in level:
            children = item.values() if type(item) is dict else item
            deeper += [child for child in children if type(child) is dict or type(child) is list]
        level, depth = deeper, depth + 1
    return False
