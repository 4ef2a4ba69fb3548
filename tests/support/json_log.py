"""The hub's structured logging written to a buffer, read back as one dict per line."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from mdm_hub.observability.logs import configure_logging


@contextmanager
def captured_json_log() -> Iterator[io.StringIO]:
    """The hub's structured logging, writing to a buffer; the root logger is put back after."""
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    buffer = io.StringIO()
    configure_logging("info", "json", buffer)
    yield buffer
    root.handlers, root.level = handlers, level


def log_lines(buffer: io.StringIO) -> list[dict[str, Any]]:
    return [json.loads(line) for line in buffer.getvalue().splitlines()]
