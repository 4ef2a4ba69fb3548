"""How errors reach clients: expected ones with a code and the field, the rest masked.

Every error gets `extensions.code`. MdmError subclasses keep their message and add their
problems by field; errors from GraphQL validation keep theirs; anything else becomes
"Internal server error" (its full trace was logged by MdmSchema.process_errors).
MdmSchema.execute applies `classify` to every result.
"""

from __future__ import annotations

import logging
from typing import Any

from graphql import GraphQLError

from mdm_hub.errors import InvalidInput, MdmError

log = logging.getLogger("mdm_hub.api")

INTERNAL_MESSAGE = "Internal server error"


def classify(error: GraphQLError) -> GraphQLError:
    original = error.original_error
    extensions: dict[str, Any] = dict(error.extensions or {})
    message = error.message
    if isinstance(original, MdmError):
        extensions["code"] = original.code
        extensions.update(original.details())
        if isinstance(original, InvalidInput):
            extensions["problems"] = [
                {"field": p.field, "reason": p.reason} for p in original.problems
            ]
    elif original is None or isinstance(original, GraphQLError):
        # GraphQL's own parse, validation and input-coercion errors: safe to show.
        extensions.setdefault("code", _graphql_code(error.message))
    elif _unreadable_literal(error):
        # Validation reading a literal Python refuses (an integer of 5,000 digits).
        extensions["code"] = "BAD_USER_INPUT"
        message = f"a value in the document cannot be read: {str(original).split(';')[0]}"
    else:
        extensions["code"] = "INTERNAL_SERVER_ERROR"
        message = INTERNAL_MESSAGE
        original = None
    return GraphQLError(
        message,
        nodes=error.nodes,
        source=error.source,
        positions=error.positions,
        path=error.path,
        original_error=original,
        extensions=extensions,
    )


def _unreadable_literal(error: GraphQLError) -> bool:
    """A literal of the document that validation could not read (before execution: no path)."""
    return isinstance(error.original_error, ValueError) and error.path is None


def _graphql_code(message: str) -> str:
    if message.startswith("Syntax Error"):
        return "GRAPHQL_PARSE_FAILED"
    if message.startswith("Variable "):
        return "BAD_USER_INPUT"
    return "GRAPHQL_VALIDATION_FAILED"


def log_errors(errors: list[GraphQLError]) -> None:
    for error in errors:
        original = error.original_error
        if (
            original is None
            or isinstance(original, MdmError | GraphQLError)
            or _unreadable_literal(error)
        ):
            log.info("request error: %s", error.message)
        else:
            log.error("unexpected error at %s", error.path, exc_info=original)
