"""A real store wrapped to count the calls services make to it (not a mock: it delegates)."""

from __future__ import annotations

from collections import Counter
from typing import Any

from mdm_hub.ports import Store


class CountingStore:
    def __init__(self, inner: Store) -> None:
        self._inner = inner
        self.calls: Counter[str] = Counter()

    def __getattr__(self, name: str) -> Any:
        attribute = getattr(self._inner, name)
        if not callable(attribute):
            return attribute

        def counted(*args: Any, **kwargs: Any) -> Any:
            self.calls[name] += 1
            return attribute(*args, **kwargs)

        return counted
