"""The FastAPI application factory: store lifecycle, health endpoints, GraphQL router."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request, Response
from fastapi.responses import JSONResponse

from mdm_hub import __version__
from mdm_hub.api.auth.authenticate import Authenticator
from mdm_hub.api.correlation import correlation_middleware
from mdm_hub.api.graphql.router import graphql_router
from mdm_hub.config import Settings
from mdm_hub.errors import StoreUnavailable
from mdm_hub.ports import Store
from mdm_hub.runtime import tune_garbage_collector
from mdm_hub.wiring import Services

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
        try:
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


def create_worker_app() -> FastAPI:
    """The app of one `serve --workers` process, from the environment's settings."""
    hub = create_app()
    tune_garbage_collector()  # the app, its rules and lookup tables are loaded
    return hub
