"""The other queues stewards work: rejected records, pending references, unmapped codes."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from mdm_hub.ui.workbench import Workbench

SHOWN = 100


def queues_router(wb: Workbench) -> APIRouter:
    router = APIRouter()

    @router.get("/queues", response_class=HTMLResponse)
    async def queues(request: Request) -> Response:
        user = await wb.user(request)
        data = await wb.run(request, user, "Queues", {"first": SHOWN})
        system = request.query_params.get("system", "")
        pending = [e["node"] for e in data["pendingReferences"]["edges"]]
        unmapped = [e["node"] for e in data["unmappedCodes"]["edges"]]
        rejects = data["rejectedRecords"]
        if system:
            pending = [
                p for p in pending if system in (p["referrer"]["system"], p["target"]["system"])
            ]
            unmapped = [u for u in unmapped if u["system"] == system]
            rejects = [
                r
                for r in rejects
                if isinstance(r["payload"], dict) and r["payload"].get("system") == system
            ]
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
        )

    return router
