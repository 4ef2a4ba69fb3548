"""The FastAPI application factory: store lifecycle, health endpoints, GraphQL router."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, nullcontext

from fastapi import FastAPI, Request, Response
from fastapi.responses import JSONResponse

from mdm_hub import __version__
from mdm_hub.api.auth.authenticate import Authenticator
from mdm_hub.api.correlation import correlation_middleware
from mdm_hub.api.graphql.router import graphql_router
from mdm_hub.config import Settings
from mdm_hub.errors import StoreUnavailable
from mdm_hub.ports import Store
from mdm_hub.wiring import Services, dispatching_webhooks

log = logging.getLogger(__name__)


def create_app(settings: Settings | None = None, store: Store | None = None) -> FastAPI:
    """Build the app. A given `store` is used as is (tests open and close it themselves).

    Raises ConfigurationError, before anything starts, when settings or rule files are unusable.
    """
    settings = settings or Settings()
    owns_store = store is None
    services = Services.from_settings(settings, store)
    the_store = services.store
    authenticator = Authenticator(settings, services.api_keys)
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
            if owns_store:
                await the_store.close()

    app = FastAPI(title="mdm-hub", version=__version__, lifespan=lifespan)
    app.middleware("http")(correlation_middleware)
    app.include_router(graphql_router(services, settings, authenticator), prefix="/graphql")

    @app.get("/healthz")
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/readyz")
    async def readyz(_: Request) -> Response:
        try:
            await the_store.ping()
        except StoreUnavailable as exc:
            return JSONResponse({"status": "unavailable", "reason": str(exc)}, status_code=503)
        return JSONResponse({"status": "ready", "store": settings.store})

    return app
