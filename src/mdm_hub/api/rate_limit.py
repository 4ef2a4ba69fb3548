"""Per-caller rate limits (MDM_RATE_LIMIT, MDM_RATE_LIMIT_OVERRIDES), kept in process memory.

A caller is the API key (by prefix) or token subject it authenticated as; a request whose
credentials do not hold is counted against its client address instead, so nobody can spend
another key's allowance by sending its prefix with a wrong secret.
"""

from __future__ import annotations

import math
import time
from collections.abc import Mapping
from typing import NamedTuple

from limits import RateLimitItem, parse_many
from limits.storage import MemoryStorage
from limits.strategies import MovingWindowRateLimiter

from mdm_hub.errors import ConfigurationError


class Caller(NamedTuple):
    kind: str  # "key", "subject" or "client"
    identity: str  # the key prefix, the token subject or the client address


class RateLimits:
    def __init__(self, default: str, overrides: Mapping[str, str]) -> None:
        """Raises ConfigurationError naming the setting when a limit does not parse."""
        self._default = _parsed("MDM_RATE_LIMIT", default)
        self._overrides = {
            identity: _parsed(f"MDM_RATE_LIMIT_OVERRIDES[{identity!r}]", limit)
            for identity, limit in overrides.items()
        }
        self._limiter = MovingWindowRateLimiter(MemoryStorage())

    def retry_after(self, caller: Caller) -> int | None:
        """Counts this request against `caller`; None when it may go on, else how many
        seconds until it may try again (at least 1)."""
        items = self._overrides.get(caller.identity, self._default)
        for item in items:
            if not self._limiter.hit(item, caller.kind, caller.identity):
                reset_at = self._limiter.get_window_stats(item, caller.kind, caller.identity)[0]
                return max(1, math.ceil(reset_at - time.time()))
        return None


def _parsed(setting: str, limit: str) -> list[RateLimitItem]:
    if not limit.strip():
        return []
    try:
        return parse_many(limit)
    except ValueError as exc:
        raise ConfigurationError(
            f"{setting}: {limit!r} is not a rate limit (e.g. '600/minute' or "
            f"'20/second;600/minute'): {exc}"
        ) from None
