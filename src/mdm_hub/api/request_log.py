"""One structured log line and the request metrics for every HTTP request.

Runs inside the correlation middleware (which puts the ID on the request state) and around
the routes; the GraphQL layer leaves its RequestSummary (actor, role, operation, outcome) on
the request state for it.
"""

from __future__ import annotations

from time import perf_counter
from typing import Any

import structlog
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from mdm_hub.api.graphql.observation import summary_root_fields
from mdm_hub.api.graphql.request_summary import RequestSummary
from mdm_hub.observability.metrics import GRAPHQL_LATENCY, GRAPHQL_REQUESTS, HTTP_REQUESTS

GRAPHQL_PATH = "/graphql"
# Scraped and probed every few seconds: their lines are debug, so they do not bury the rest.
QUIET_PATHS = frozenset({"/metrics", "/healthz", "/readyz"})
KNOWN_ROUTES = QUIET_PATHS | {GRAPHQL_PATH, "/docs", "/redoc", "/openapi.json"}
NO_FIELD = "-"  # a request that selected no field (it did not parse, validate or get through)

log = structlog.stdlib.get_logger("mdm_hub.request")


class RequestLog:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        state: dict[str, Any] = scope.setdefault("state", {})
        structlog.contextvars.clear_contextvars()
        structlog.contextvars.bind_contextvars(correlation_id=state.get("correlation_id"))
        status = 500  # unless a response starts: an exception escaped
        started = perf_counter()

        async def sending(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, sending)
        finally:
            seconds = perf_counter() - started
            # After the response has gone out: none of this adds to what the client waits.
            summary = state.get("summary")
            fields = summary_root_fields(summary) if summary is not None else []
            _record(scope["path"], status, seconds, summary, fields)
            _log(scope, status, seconds, summary, fields)
            structlog.contextvars.clear_contextvars()


def _outcome(status: int, summary: RequestSummary | None) -> str:
    if summary is not None and summary.outcome:
        return summary.outcome
    return "RATE_LIMITED" if status == 429 else f"HTTP_{status}"


def _record(
    path: str, status: int, seconds: float, summary: RequestSummary | None, fields: list[str]
) -> None:
    HTTP_REQUESTS.labels(path if path in KNOWN_ROUTES else "other", str(status)).inc()
    if path != GRAPHQL_PATH:
        return
    operation = summary.operation_type if summary and summary.operation_type else NO_FIELD
    outcome = _outcome(status, summary)
    for field in fields or [NO_FIELD]:
        GRAPHQL_REQUESTS.labels(operation, field, outcome).inc()
        GRAPHQL_LATENCY.labels(operation, field).observe(seconds)


def _log(
    scope: Scope, status: int, seconds: float, summary: RequestSummary | None, fields: list[str]
) -> None:
    path: str = scope["path"]
    client = scope.get("client")
    line: dict[str, Any] = {
        "method": scope["method"],
        "path": path,
        "status": status,
        "duration_ms": round(seconds * 1000, 3),
        "client": client[0] if client else None,
    }
    if summary is not None:
        line |= {
            "actor": summary.actor or None,
            "role": summary.role or None,
            "operation": summary.operation_name or ",".join(fields) or None,
            "operation_type": summary.operation_type or None,
            "root_fields": fields,
        }
    else:  # not a GraphQL request: the same keys, so every line has one shape
        line |= dict.fromkeys(("actor", "role", "operation", "operation_type"))
    if path == GRAPHQL_PATH:
        line["outcome"] = _outcome(status, summary)
    if path in QUIET_PATHS:
        log.debug("request", **line)
    else:
        log.info("request", **line)
