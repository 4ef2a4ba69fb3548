"""The review queue and the side-by-side comparison where a steward decides a candidate."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from mdm_hub.domain.access import Principal
from mdm_hub.domain.entity_types import EntityType
from mdm_hub.ui.comparison import rows
from mdm_hub.ui.forms import ScoreBand, expected_versions, text
from mdm_hub.ui.gateway import OperationError
from mdm_hub.ui.workbench import Workbench

PAGE = 100  # candidates read per GraphQL page while filtering
MAX_PAGES = 10  # the filters look at the oldest 1,000 open candidates at most
SHOWN = 50


def review_router(wb: Workbench) -> APIRouter:
    router = APIRouter()

    @router.get("/queue", response_class=HTMLResponse)
    async def queue(request: Request) -> Response:
        user = await wb.user(request)
        query = request.query_params
        entity_type = query.get("entityType") or None
        band = ScoreBand.parse(query.get("band", ""))
        days = query.get("olderThanDays", "")
        older_than = int(days) if days.isdigit() and len(days) <= 5 else 0
        cutoff = datetime.now(UTC) - timedelta(days=older_than)
        shown, more = await _open_candidates(wb, request, user, entity_type, band, cutoff)
        return wb.render(
            request,
            "queue.html",
            user,
            candidates=shown,
            more=more,
            entity_types=[t.value for t in EntityType],
            entity_type=entity_type or "",
            band=band.key,
            bands=ScoreBand.CHOICES,
            older_than=older_than,
            done=query.get("done"),
            outcome=query.get("outcome"),
        )

    @router.get("/candidates/{candidate_id}", response_class=HTMLResponse)
    async def candidate(request: Request, candidate_id: str) -> Response:
        user = await wb.user(request)
        return await _comparison(wb, request, user, candidate_id)

    @router.post("/candidates/{candidate_id}/decide", response_class=HTMLResponse)
    async def decide(request: Request, candidate_id: str) -> Response:
        user = await wb.user(request)
        form = await request.form()
        decision = text(form, "decision")
        chosen = text(form, "goldenId")
        variables: dict[str, Any] = {
            "id": candidate_id,
            "decision": decision,
            "goldenId": chosen if chosen and chosen != "ALL" else None,
            "versions": expected_versions(form),
            "reason": text(form, "reason"),
        }
        try:
            await wb.run(request, user, "Decide", variables)
        except OperationError as error:
            return await _comparison(wb, request, user, candidate_id, error, form_reason=variables)
        outcome = "matched" if decision == "MATCH" else "not-a-match"
        return RedirectResponse(f"/ui/queue?done={candidate_id}&outcome={outcome}", 303)

    return router


async def _open_candidates(
    wb: Workbench,
    request: Request,
    user: Principal,
    entity_type: str | None,
    band: ScoreBand,
    cutoff: datetime,
) -> tuple[list[dict[str, Any]], bool]:
    """Open candidates that pass the filters, oldest first; whether more may follow."""
    shown: list[dict[str, Any]] = []
    after: str | None = None
    for _ in range(MAX_PAGES):
        variables = {"entityType": entity_type, "first": PAGE, "after": after}
        page = (await wb.run(request, user, "Queue", variables))["matchCandidates"]
        for edge in page["edges"]:
            node = edge["node"]
            best = max((c["score"] for c in node["candidates"]), default=0.0)
            created = datetime.fromisoformat(node["createdAt"])
            if band.holds(best) and created <= cutoff:
                shown.append({**node, "best": best})
                if len(shown) > SHOWN:
                    return shown[:SHOWN], True
        if not page["pageInfo"]["hasNextPage"]:
            return shown, False
        after = page["pageInfo"]["endCursor"]
    return shown, True


async def _comparison(
    wb: Workbench,
    request: Request,
    user: Principal,
    candidate_id: str,
    error: OperationError | None = None,
    form_reason: dict[str, Any] | None = None,
) -> Response:
    found = (await wb.run(request, user, "Candidate", {"id": candidate_id}))["matchCandidate"]
    if found is None:
        return wb.render(
            request, "missing.html", user, status_code=404, what=f"match candidate {candidate_id}"
        )
    own = await _golden(wb, request, user, found["goldenId"])
    options = []
    for offered in sorted(found["candidates"], key=lambda c: -c["score"]):
        golden = await _golden(wb, request, user, offered["goldenId"])
        options.append({**offered, "golden": golden, "rows": rows(offered["explanation"])})
    status = 409 if error is not None and error.code == "VERSION_CONFLICT" else 200
    if error is not None and status == 200:
        status = 400
    return wb.render(
        request,
        "candidate.html",
        user,
        status_code=status,
        candidate=found,
        own=own,
        options=options,
        error=error,
        reason=(form_reason or {}).get("reason", ""),
    )


async def _golden(
    wb: Workbench, request: Request, user: Principal, golden_id: str
) -> dict[str, Any] | None:
    found: dict[str, Any] | None = (
        await wb.run(request, user, "GoldenSummary", {"id": golden_id})
    )["goldenRecord"]
    return found
