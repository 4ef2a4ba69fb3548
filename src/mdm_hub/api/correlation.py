"""Correlation IDs: taken from X-Correlation-ID when sane, generated otherwise, always echoed."""

from __future__ import annotations

import re
import uuid
from collections.abc import Awaitable, Callable

from fastapi import Request, Response

HEADER = "X-Correlation-ID"
_SANE = re.compile(r"^[A-Za-z0-9._:\-]{1,128}$")


def correlation_id_from(header_value: str | None) -> str:
    # A caller's ID is kept only if it cannot smuggle anything into logs or the audit trail.
    if header_value and _SANE.match(header_value):
        return header_value
    return str(uuid.uuid4())


async def correlation_middleware(
    request: Request, call_next: Callable[[Request], Awaitable[Response]]
) -> Response:
    correlation_id = correlation_id_from(request.headers.get(HEADER))
    request.state.correlation_id = correlation_id
    response = await call_next(request)
    response.headers[HEADER] = correlation_id
    return response
