"""A store that cannot be reached is answered with HTTP 503 and Retry-After, whether a GraphQL
field found it out (the error keeps its STORE_UNAVAILABLE code) or checking the caller's
credentials did, before any field ran."""

from __future__ import annotations

from typing import Any

from fastapi import Request, Response
from fastapi.responses import JSONResponse

from mdm_hub.errors import StoreUnavailable

# Seconds a client waits before trying again: a restart or a cluster's leader switch is
# usually over within a few.
RETRY_AFTER_SECONDS = 1
RETRY_AFTER = {"Retry-After": str(RETRY_AFTER_SECONDS)}


def reports_store_unavailable(response_data: Any) -> bool:
    """Whether a GraphQL response's errors include STORE_UNAVAILABLE."""
    if not isinstance(response_data, dict):
        return False
    errors = response_data.get("errors") or []
    return any(
        (error.get("extensions") or {}).get("code") == StoreUnavailable.code for error in errors
    )


def mark_unavailable(response: Response) -> Response:
    response.status_code = 503
    response.headers.update(RETRY_AFTER)
    return response


async def store_unavailable_response(_: Request, exc: Exception) -> Response:
    """For StoreUnavailable raised outside GraphQL execution, in GraphQL's error shape."""
    body = {
        "data": None,
        "errors": [{"message": str(exc), "extensions": {"code": StoreUnavailable.code}}],
    }
    return JSONResponse(body, status_code=503, headers=RETRY_AFTER)
