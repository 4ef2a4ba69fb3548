"""The other queues stewards work: rejected records, pending references, unmapped codes."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from mdm_hub.ui.gateway import OperationError
from mdm_hub.ui.workbench import Workbench

SHOWN = 100
EMPTY: dict[str, Any] = {
    "rejectedRecords": [],
    "pendingReferences": {"edges": [], "pageInfo": {"hasNextPage": False}},
    "unmappedCodes": {"edges": [], "pageInfo": {"hasNextPage": False}},
}


def queues_router(wb: Workbench) -> APIRouter:
    router = APIRouter()

    @router.get("/queues", response_class=HTMLResponse)
    async def queues(request: Request) -> Response:
        user = await wb.user(request)
        # Filtered by the API, over each whole queue: a page of the first entries filtered
        # here would miss (and miscount) the rest.
        system = request.query_params.get("system", "").strip()
        variables = {"first": SHOWN, "system": system or None}
        error = None
        try:
            data = await wb.run(request, user, "Queues", variables)
        except OperationError as failed:  # a system code too long, say: nothing to show
            error, data = failed, EMPTY
        pending = [e["node"] for e in data["pendingReferences"]["edges"]]
        unmapped = [e["node"] for e in data["unmappedCodes"]["edges"]]
        rejects = data["rejectedRecords"]
        return wb.render(
            request,
            "queues.html",
            user,
            page="queues",
            system=system,
            rejects=rejects,
            pending=pending,
            pending_more=data["pendingReferences"]["pageInfo"]["hasNextPage"],
            unmapped=unmapped,
            unmapped_more=data["unmappedCodes"]["pageInfo"]["hasNextPage"],
            shown=SHOWN,
            error=error,
        )

    return router
