"""Structured logs: every line one JSON object with a timestamp and level (or, for a person
at a terminal, structlog's console format).

The hub's own modules log through the standard library or structlog alike; both go through
one handler. Values bound for a request (its correlation ID) join every line logged while
it runs.
"""

from __future__ import annotations

import logging
import sys
from typing import Literal, TextIO

import structlog
from structlog.typing import Processor

_SHARED: list[Processor] = [
    structlog.contextvars.merge_contextvars,
    structlog.stdlib.add_log_level,
    structlog.stdlib.add_logger_name,
    structlog.stdlib.ExtraAdder(),
    structlog.processors.TimeStamper(fmt="iso", utc=True),
]


def route_structlog_to_logging() -> None:
    """structlog loggers hand their events to the standard library's logging, so whatever
    handler is installed (by `configure_logging`, a test, an embedding program) gets them."""
    structlog.configure(
        processors=[
            structlog.stdlib.filter_by_level,
            *_SHARED,
            structlog.stdlib.PositionalArgumentsFormatter(),
            structlog.processors.StackInfoRenderer(),
            structlog.stdlib.ProcessorFormatter.wrap_for_formatter,
        ],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=True,
    )


class _HubHandler(logging.StreamHandler[TextIO]):
    """The handler `configure_logging` installs (told apart from anyone else's)."""


def configure_logging(
    level: str, log_format: Literal["json", "console"] = "json", stream: TextIO | None = None
) -> logging.Handler:
    """Send every log record (the hub's, uvicorn's, the libraries') to `stream` (stderr) in
    `log_format`, through one handler on the root logger. Returns the handler installed."""
    route_structlog_to_logging()
    renderer: Processor = (
        structlog.processors.JSONRenderer()
        if log_format == "json"
        else structlog.dev.ConsoleRenderer(colors=False)
    )
    formatter = structlog.stdlib.ProcessorFormatter(
        foreign_pre_chain=_SHARED,
        processors=[
            structlog.stdlib.ProcessorFormatter.remove_processors_meta,
            structlog.processors.format_exc_info,
            renderer,
        ],
    )
    handler = _HubHandler(stream if stream is not None else sys.stderr)
    handler.setFormatter(formatter)
    root = logging.getLogger()
    # Replaces the handler an earlier call installed; others (a test's capture) stay.
    root.handlers = [h for h in root.handlers if not isinstance(h, _HubHandler)] + [handler]
    root.setLevel(level.upper())
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access"):
        # uvicorn's loggers propagate to the root's handler instead of their own.
        logging.getLogger(name).handlers = []
        logging.getLogger(name).propagate = True
    return handler
