"""Integers a store can hold: signed 64-bit, what SQLite and Neo4j keep as numbers.

A JSON body may carry any integer (`1` followed by 5,000 zeros); Python refuses to even read
one of more than 4,300 digits. The API reads such a number as an OversizedInteger, which keeps
its digits as text, so the record holding it is refused naming the field, not the request.
"""

from __future__ import annotations

INT64_MIN = -(2**63)
INT64_MAX = 2**63 - 1
# Longer than any 64-bit integer ("-9223372036854775808" is 20 characters).
_LONGEST = 20


class OversizedInteger:
    """A JSON integer outside the 64-bit range, kept as the digits that were sent. Not a
    number nor a string to anything that reads it: GraphQL refuses it for Int, Float and
    String alike, and the checks of records and arguments name it."""

    __slots__ = ("digits",)

    def __init__(self, digits: str) -> None:
        self.digits = digits

    def __repr__(self) -> str:
        return f"OversizedInteger({len(self.digits)} characters)"


def json_integer(digits: str) -> int | OversizedInteger:
    """`parse_int` for json.loads: an int when a store can hold it."""
    if len(digits) <= _LONGEST:
        value = int(digits)
        if INT64_MIN <= value <= INT64_MAX:
            return value
    return OversizedInteger(digits)


def integer_problem(value: object) -> str | None:
    """Why `value` is an integer no store can hold; None when it is not one."""
    if isinstance(value, OversizedInteger):
        size = f" ({len(value.digits.lstrip('-'))} digits)"
    elif isinstance(value, int) and not isinstance(value, bool):
        if INT64_MIN <= value <= INT64_MAX:
            return None
        size = ""
    else:
        return None
    return f"integer outside the 64-bit range a store holds{size}; send it as text"
