"""Merging golden records picked from search or a golden record's page: the records side by
side, the survivor to choose, the merged values previewed before the steward commits."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from mdm_hub.domain.access import Principal
from mdm_hub.ui.forms import expected_versions, text
from mdm_hub.ui.gateway import OperationError
from mdm_hub.ui.workbench import Workbench


def merge_router(wb: Workbench) -> APIRouter:
    router = APIRouter()

    @router.get("/merge", response_class=HTMLResponse)
    async def merge_form(request: Request) -> Response:
        user = await wb.user(request)
        ids = list(dict.fromkeys(request.query_params.getlist("id")))
        survivor = request.query_params.get("survivor") or (ids[0] if ids else None)
        return await _merge_page(wb, request, user, ids, survivor)

    @router.post("/merge", response_class=HTMLResponse)
    async def merge(request: Request) -> Response:
        user = await wb.user(request)
        form = await request.form()
        ids = [str(i) for i in form.getlist("id")]
        survivor = text(form, "survivor") or None
        variables = {
            "ids": ids,
            "survivor": survivor,
            "versions": expected_versions(form),
            "reason": text(form, "reason"),
        }
        try:
            merged = (await wb.run(request, user, "Merge", variables))["merge"]
        except OperationError as error:
            return await _merge_page(wb, request, user, ids, survivor, error)
        return RedirectResponse(f"/ui/goldens/{merged['id']}?done=merged", 303)

    return router


async def _merge_page(
    wb: Workbench,
    request: Request,
    user: Principal,
    ids: list[str],
    survivor: str | None,
    error: OperationError | None = None,
) -> Response:
    goldens = []
    for golden_id in ids:
        found = (await wb.run(request, user, "GoldenSummary", {"id": golden_id}))["goldenRecord"]
        if found is not None:
            goldens.append(found)
    preview = None
    preview_error = None
    if len(goldens) >= 2:
        variables = {"ids": [g["id"] for g in goldens], "survivor": survivor}
        try:
            preview = (await wb.run(request, user, "MergePreview", variables))["mergePreview"]
        except OperationError as failed:
            preview_error = failed
    names = sorted({name for g in goldens for name in g["attributesJson"]})
    status = 200 if error is None else (409 if error.code == "VERSION_CONFLICT" else 400)
    template = "_preview.html" if request.headers.get("HX-Request") else "merge.html"
    return wb.render(
        request,
        template,
        user,
        status_code=status,
        goldens=goldens,
        names=names,
        survivor=survivor,
        preview=preview,
        preview_error=preview_error,
        error=error,
    )
