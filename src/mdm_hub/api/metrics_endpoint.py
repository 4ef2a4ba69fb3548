"""GET /metrics: the Prometheus text format, with the store's gauges read at scrape time."""

from __future__ import annotations

import logging

from fastapi import APIRouter, Response
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from mdm_hub.errors import StoreUnavailable
from mdm_hub.observability.store_gauges import refresh_store_gauges
from mdm_hub.ports import Store

log = logging.getLogger(__name__)


def metrics_router(store: Store) -> APIRouter:
    router = APIRouter()

    @router.get("/metrics", include_in_schema=False)
    async def metrics() -> Response:
        try:
            await refresh_store_gauges(store)
        except StoreUnavailable as exc:
            # The request and store-error counters matter most exactly now: still answer.
            log.warning("metrics: store gauges not refreshed: %s", exc)
        return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)

    return router
