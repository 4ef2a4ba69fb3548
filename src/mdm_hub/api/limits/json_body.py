"""Reading a GraphQL request's JSON body within limits.

Integers are read as a store holds them (beyond 64 bits: an OversizedInteger, which the
record's checks refuse by its field), and `variables` nesting deeper than the limit is
refused (100,000 nested lists end Python's own parser in a RecursionError: refused alike).
"""

from __future__ import annotations

import json

from cross_web import HTTPException

from mdm_hub.domain.numbers import json_integer


def decode_body(data: str | bytes, max_depth: int) -> object:
    """The body's JSON; HTTPException(400) when it is not JSON or its `variables` nest
    deeper than `max_depth` (the variables object itself not counted)."""
    try:
        body = json.loads(data, parse_int=json_integer)
    except RecursionError:
        raise _too_deep(max_depth) from None
    except ValueError as exc:
        raise HTTPException(400, f"Unable to parse request body as JSON: {exc}") from None
    variables = body.get("variables") if isinstance(body, dict) else None
    if _deeper_than(variables, max_depth + 1):
        raise _too_deep(max_depth)
    return body


def _too_deep(max_depth: int) -> HTTPException:
    return HTTPException(
        400, f"variables nest more than {max_depth} levels deep (MDM_MAX_VARIABLES_DEPTH)"
    )


def _deeper_than(value: object, limit: int) -> bool:
    """Whether objects and lists nest more than `limit` deep, read without recursion."""
    pending: list[tuple[dict[str, object] | list[object], int]] = []
    if isinstance(value, dict | list):
        pending.append((value, 1))
    while pending:
        item, depth = pending.pop()
        if depth > limit:
            return True
        children = item.values() if isinstance(item, dict) else item
        pending.extend((child, depth + 1) for child in children if isinstance(child, dict | list))
    return False
