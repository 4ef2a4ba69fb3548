"""Subscriptions seen by operators as HTTP requests are: one log line when a subscription
starts and one when it ends (actor, role, root field, filters, how long, how many events, how
it ended), a gauge of those open now and a counter of how they ended. A WebSocket carries no
HTTP request for the request log to record, and a subscription may last for days."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator, AsyncIterator, Mapping
from time import perf_counter
from typing import Any, TypeVar

import structlog

from mdm_hub.api.graphql.context import Context
from mdm_hub.errors import MdmError
from mdm_hub.observability.metrics import LIVE_SUBSCRIPTIONS, SUBSCRIPTIONS_ENDED

T = TypeVar("T")

COMPLETED, CLOSED, FAILED = "completed", "closed", "INTERNAL_SERVER_ERROR"

log = structlog.stdlib.get_logger("mdm_hub.subscription")


async def observed(
    root_field: str,
    context: Context,
    arguments: Mapping[str, Any],
    events: AsyncIterator[T],
) -> AsyncGenerator[T, None]:
    """`events`, passed on, with the subscription's start and end recorded."""
    who = {"actor": context.actor, "role": context.audit.role, "root_field": root_field}
    log.info("subscription started", **who, arguments=dict(arguments))
    LIVE_SUBSCRIPTIONS.labels(root_field).inc()
    started, sent, outcome = perf_counter(), 0, COMPLETED
    try:
        async for event in events:
            sent += 1
            yield event
    except (GeneratorExit, asyncio.CancelledError):
        outcome = CLOSED  # the client completed the operation or left
        raise
    except MdmError as exc:
        outcome = exc.code
        raise
    except Exception:
        outcome = FAILED
        raise
    finally:
        LIVE_SUBSCRIPTIONS.labels(root_field).dec()
        SUBSCRIPTIONS_ENDED.labels(root_field, outcome).inc()
        seconds = round(perf_counter() - started, 3)
        log.info("subscription ended", **who, outcome=outcome, events=sent, seconds=seconds)
