"""A store that counts and times every round trip it makes, for /metrics.

It wraps a real store at the composition root and delegates every call. The transactions it
hands to `write` and `write_each` work are wrapped too, so the calls made inside a transaction
count as `tx.<method>`, and `write`/`write_each` themselves as one call each (work included).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from functools import cache
from inspect import iscoroutinefunction
from time import perf_counter
from typing import Any, TypeVar, cast

from prometheus_client.metrics import Counter, Histogram

from mdm_hub.observability.metrics import STORE_CALLS, STORE_LATENCY
from mdm_hub.ports import Store, StoreTransaction, Work

T = TypeVar("T")

_LIFECYCLE = frozenset({"open", "close"})


@cache
def _series(method: str) -> tuple[Histogram, Counter]:
    # Resolving label children costs a lock and a dict lookup: do it once per method.
    return STORE_LATENCY.labels(method), STORE_CALLS.labels(method, "ok")


def _timed(method: str, call: Callable[..., Awaitable[Any]]) -> Callable[..., Awaitable[Any]]:
    latency, succeeded = _series(method)

    async def timed(*args: Any, **kwargs: Any) -> Any:
        started = perf_counter()
        try:
            result = await call(*args, **kwargs)
        except BaseException as exc:
            STORE_CALLS.labels(method, type(exc).__name__).inc()
            raise
        finally:
            latency.observe(perf_counter() - started)
        succeeded.inc()
        return result

    return timed


class _Instrumented:
    """Delegates attribute access to `inner`, timing each public method it hands out."""

    def __init__(self, inner: object, prefix: str) -> None:
        self._inner = inner
        self._prefix = prefix

    def __getattr__(self, name: str) -> Any:
        attribute = getattr(self._inner, name)
        if not iscoroutinefunction(attribute) or name.startswith("_") or name in _LIFECYCLE:
            return attribute
        return _timed(self._prefix + name, attribute)


class InstrumentedStore(_Instrumented):
    def __init__(self, inner: Store) -> None:
        super().__init__(inner, "")
        self._store = inner
        self._write = _timed("write", inner.write)
        self._write_each = _timed("write_each", inner.write_each)

    async def write(self, work: Callable[[StoreTransaction], Awaitable[T]]) -> T:
        result: T = await self._write(_counting(work))
        return result

    async def write_each(self, works: Sequence[Work[T]]) -> list[Any]:
        results: list[Any] = await self._write_each([_counting(work) for work in works])
        return results


def _counting(work: Callable[[StoreTransaction], Awaitable[T]]) -> Work[T]:
    async def counted(tx: StoreTransaction) -> T:
        return await work(cast(StoreTransaction, _Instrumented(tx, "tx.")))

    return counted


def instrumented(store: Store) -> Store:
    """`store`, counting and timing its round trips (mdm_store_calls and its histogram)."""
    return cast(Store, InstrumentedStore(store))
