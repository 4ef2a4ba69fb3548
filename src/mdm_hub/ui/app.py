"""Mounts the workbench on the hub's app: its pages under /ui, its assets under /ui/static."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, FastAPI, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles

from mdm_hub.api.auth.authenticate import Authenticator
from mdm_hub.api.graphql.schema import build_schema
from mdm_hub.config import Settings
from mdm_hub.errors import Unauthenticated
from mdm_hub.ui.forms import text
from mdm_hub.ui.gateway import Gateway, OperationError
from mdm_hub.ui.merging import merge_router
from mdm_hub.ui.oidc import oidc_sign_in
from mdm_hub.ui.queues import queues_router
from mdm_hub.ui.records import records_router
from mdm_hub.ui.review import review_router
from mdm_hub.ui.session import (
    forget,
    may,
    principal_of,
    remember,
    same_origin,
    signed_in_as,
)
from mdm_hub.ui.workbench import HERE, SIGN_IN, Workbench
from mdm_hub.wiring import Services

COUNTED = 500  # the front page counts each queue up to this many ("500+")


def mount_ui(
    app: FastAPI, services: Services, settings: Settings, authenticator: Authenticator
) -> None:
    wb = Workbench(Gateway(build_schema(settings), services), authenticator)
    oidc = oidc_sign_in(settings)
    router = APIRouter()

    @router.get("", include_in_schema=False)
    async def root() -> Response:
        return RedirectResponse("/ui/", 307)

    @router.get("/", response_class=HTMLResponse)
    async def front(request: Request) -> Response:
        user = await wb.user(request)
        chain = counts = None
        if may(user, "Query.auditChainStatus"):
            chain = (await wb.run(request, user, "Front", {}))["auditChainStatus"]
        if may(user, "Query.matchCandidates"):
            counts = _counts(await wb.run(request, user, "Counts", {"first": COUNTED}))
        return wb.render(request, "front.html", user, chain=chain, counts=counts)

    @router.get("/signin", response_class=HTMLResponse)
    async def signin_form(request: Request) -> Response:
        return wb.render(request, "signin.html", None, auth=authenticator.enabled, oidc=oidc)

    @router.post("/signin", response_class=HTMLResponse)
    async def signin(request: Request) -> Response:
        if not same_origin(request):
            raise HTTPException(403, "form posted from another site")
        form = await request.form()
        credential = text(form, "credential")
        # Checked now, so a mistyped key is told here and not on the next page; a token the
        # provider issued but the hub refuses (audience, issuer) is told with its reason.
        try:
            await signed_in_as(credential, authenticator)
        except Unauthenticated as refused:
            via_oidc = oidc is not None and text(form, "via") == "oidc"
            return wb.render(
                request,
                "signin.html",
                None,
                status_code=401,
                auth=authenticator.enabled,
                oidc=oidc,
                failed=str(refused) if via_oidc else True,
            )
        response = RedirectResponse("/ui/", 303)
        remember(response, request, credential)
        return response

    @router.get("/oidc/callback", response_class=HTMLResponse)
    async def oidc_callback(request: Request) -> Response:
        if oidc is None:
            raise HTTPException(404, "sign-in with OIDC is not configured")
        return wb.render(request, "oidc_callback.html", None, oidc=oidc)

    @router.post("/signout")
    async def signout() -> Response:
        response = RedirectResponse(SIGN_IN, 303)
        forget(response)
        return response

    router.include_router(review_router(wb))
    router.include_router(records_router(wb))
    router.include_router(merge_router(wb))
    router.include_router(queues_router(wb))
    app.include_router(router, prefix="/ui", include_in_schema=False)
    app.mount("/ui/static", StaticFiles(directory=HERE / "static"), name="ui-static")

    @app.exception_handler(OperationError)
    async def operation_failed(request: Request, error: OperationError) -> Response:
        principal = await principal_of(request, authenticator)
        status = 403 if error.code == "FORBIDDEN" else 400
        return wb.render(request, "failed.html", principal, status_code=status, error=error)


def _counts(data: dict[str, Any]) -> dict[str, str]:
    def shown(items: list[Any], more: bool) -> str:
        return f"{len(items)}+" if more else str(len(items))

    def connection(name: str) -> str:
        found = data[name]
        return shown(found["edges"], found["pageInfo"]["hasNextPage"])

    return {
        "candidates": connection("matchCandidates"),
        "rejects": shown(data["rejectedRecords"], len(data["rejectedRecords"]) >= COUNTED),
        "pending": connection("pendingReferences"),
        "unmapped": connection("unmappedCodes"),
    }
