"""The FastAPI application factory: store lifecycle, health endpoints, GraphQL router."""

from __future__ import annotations

import logging
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, nullcontext

from fastapi import FastAPI, Request, Response
from fastapi.responses import JSONResponse
from opentelemetry.instrumentation.fastapi import FastAPIInstrumentor
from opentelemetry.sdk.trace import TracerProvider

from mdm_hub import __version__
from mdm_hub.api.auth.authenticate import Authenticator
from mdm_hub.api.bookmarks import CausalConsistency
from mdm_hub.api.correlation import CorrelationIds
from mdm_hub.api.graphql.router import graphql_router
from mdm_hub.api.limits.body_size import BodySizeLimit
from mdm_hub.api.metrics_endpoint import metrics_router
from mdm_hub.api.rate_limit import RateLimits
from mdm_hub.api.request_log import RequestLog
from mdm_hub.api.store_outage import RETRY_AFTER, store_unavailable_response
from mdm_hub.config import Settings
from mdm_hub.errors import StoreUnavailable
from mdm_hub.observability.logs import route_structlog_to_logging
from mdm_hub.observability.store_calls import instrumented
from mdm_hub.observability.tracing import tracer_provider_from_env
from mdm_hub.ports import Store
from mdm_hub.runtime import tune_garbage_collector
from mdm_hub.ui.app import mount_ui
from mdm_hub.wiring import Services, build_store, dispatching_webhooks

log = logging.getLogger(__name__)


def create_app(
    settings: Settings | None = None,
    store: Store | None = None,
    tracer_provider: TracerProvider | None = None,
) -> FastAPI:
    """Build the app. A given `store` is used as is (tests open and close it themselves).
    Requests and store calls are traced with `tracer_provider`, else with the one the
    standard OTEL_* environment settings ask for (none by default: tracing off).

    Raises ConfigurationError, before anything starts, when settings or rule files are unusable.
    """
    settings = settings or Settings()
    owns_store = store is None
    tracing = tracer_provider or tracer_provider_from_env(os.environ)
    tracer = tracing.get_tracer("mdm_hub.store") if tracing is not None else None
    # Every store round trip the app makes is counted and timed for /metrics (and traced).
    services = Services.from_settings(
        settings, instrumented(store or build_store(settings), tracer)
    )
    the_store = services.store
    authenticator = Authenticator(settings, services.api_keys)
    limits = RateLimits(settings.rate_limit, settings.rate_limit_overrides)
    route_structlog_to_logging()
    if not authenticator.enabled:
        log.warning(
            "MDM_AUTH=off: access control is OFF, every caller may do everything and names "
            "itself with X-Actor. Development only: never expose this hub."
        )

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        if owns_store:
            await the_store.open()
            log.info("store %s open", settings.store)
        # Webhook deliveries run beside the API (MDM_WEBHOOK_DISPATCHER=false: run
        # `mdm-hub dispatch` instead); several processes share subscribers by lease.
        dispatching = owns_store and settings.webhook_dispatcher
        try:
            async with dispatching_webhooks(settings, the_store) if dispatching else nullcontext():
                yield
        finally:
            await services.resolve.close()
            if owns_store:
                await the_store.close()

    # Swagger UI and the OpenAPI document only in development: the API is GraphQL, and its
    # contract is schema.graphql.
    docs = settings.api_docs
    app = FastAPI(
        title="mdm-hub",
        version=__version__,
        lifespan=lifespan,
        docs_url="/docs" if docs else None,
        redoc_url="/redoc" if docs else None,
        openapi_url="/openapi.json" if docs else None,
    )
    app.add_middleware(RequestLog)  # inside the correlation middleware: it needs the ID
    app.add_middleware(CorrelationIds)
    # The request's causal chain (X-MDM-Bookmark) spans everything it runs.
    app.add_middleware(CausalConsistency)
    # Outermost: an oversized body is refused before any other work is done for it.
    app.add_middleware(BodySizeLimit, max_bytes=settings.max_body_bytes)
    # Checking credentials needs the store (an API key not cached): 503 too when it is away.
    app.add_exception_handler(StoreUnavailable, store_unavailable_response)
    graphql = graphql_router(services, settings, authenticator, limits)
    app.include_router(graphql, prefix="/graphql")
    # POST /graphql, the API's traffic, is answered by a plain route put first (the
    # router's own still answer GET, WebSocket and the OpenAPI document).
    app.router.routes.insert(0, graphql.post_route("/graphql"))
    if settings.metrics:
        app.include_router(metrics_router(the_store))
    if tracing is not None:
        FastAPIInstrumentor.instrument_app(
            app, tracer_provider=tracing, excluded_urls="/metrics,/healthz,/readyz"
        )
    mount_ui(app, services, settings, authenticator)

    @app.get("/healthz")
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/readyz")
    async def readyz(_: Request) -> Response:
        try:
            await the_store.ping()
        except StoreUnavailable as exc:
            return JSONResponse(
                {"status": "unavailable", "reason": str(exc)},
                status_code=503,
                headers=RETRY_AFTER,
            )
        return JSONResponse({"status": "ready", "store": settings.store})

    return app


def create_worker_app() -> FastAPI:
    """The app of one `serve --workers` process, from the environment's settings."""
    hub = create_app()
    tune_garbage_collector()  # the app, its rules and lookup tables are loaded
    return hub
