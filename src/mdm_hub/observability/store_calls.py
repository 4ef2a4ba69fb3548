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

from opentelemetry.trace import SpanKind, Tracer
from prometheus_client.metrics import Counter, Histogram

from mdm_hub.observability.metrics import STORE_CALLS, STORE_LATENCY
from mdm_hub.ports import Store, StoreTransaction, Work, WorkHint

T = TypeVar("T")

_LIFECYCLE = frozenset({"open", "close"})


@cache
def _series(method: str) -> tuple[Histogram, Counter]:
    # Resolving label children costs a lock and a dict lookup: do it once per method.
    return STORE_LATENCY.labels(method), STORE_CALLS.labels(method, "ok")


def _timed(
    method: str, call: Callable[..., Awaitable[Any]], tracer: Tracer | None
) -> Callable[..., Awaitable[Any]]:
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

    if tracer is None:
        return timed

    async def traced(*args: Any, **kwargs: Any) -> Any:
        # The span records an exception and marks itself failed when one passes through.
        with tracer.start_as_current_span(f"store {method}", kind=SpanKind.CLIENT) as span:
            span.set_attribute("mdm.store.method", method)
            return await timed(*args, **kwargs)

    return traced


class _Instrumented:
    """Delegates attribute access to `inner`, timing each public method it hands out."""

    def __init__(self, inner: object, prefix: str, tracer: Tracer | None) -> None:
        self._inner = inner
        self._prefix = prefix
        self._tracer = tracer

    def __getattr__(self, name: str) -> Any:
        attribute = getattr(self._inner, name)
        if not iscoroutinefunction(attribute) or name.startswith("_") or name in _LIFECYCLE:
            return attribute
        return _timed(self._prefix + name, attribute, self._tracer)


class InstrumentedStore(_Instrumented):
    def __init__(self, inner: Store, tracer: Tracer | None) -> None:
        super().__init__(inner, "", tracer)
        self._write = _timed("write", inner.write, tracer)
        self._write_each = _timed("write_each", inner.write_each, tracer)

    async def write(self, work: Callable[[StoreTransaction], Awaitable[T]]) -> T:
        result: T = await self._write(self._counting(work))
        return result

    async def write_each(
        self, works: Sequence[Work[T]], hints: Sequence[WorkHint] | None = None
    ) -> list[Any]:
        results: list[Any] = await self._write_each([self._counting(work) for work in works], hints)
        return results

    def _counting(self, work: Callable[[StoreTransaction], Awaitable[T]]) -> Work[T]:
        tracer = self._tracer

        async def counted(tx: StoreTransaction) -> T:
            return await work(cast(StoreTransaction, _Instrumented(tx, "tx.", tracer)))

        return counted


def instrumented(store: Store, tracer: Tracer | None = None) -> Store:
    """`store`, counting and timing its round trips (mdm_store_calls and its histogram), and
    with a `tracer`, one span per round trip."""
    return cast(Store, InstrumentedStore(store, tracer))
