"""Search, the golden record page (values, pins, crosswalk, relationships, lineage, as of a
date), and the steward's actions on it: override, clear a pin, unmerge, undo a merge."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from mdm_hub.domain.access import Principal
from mdm_hub.domain.entity_types import EntityType
from mdm_hub.ui.forms import expected_version, expected_versions, text
from mdm_hub.ui.gateway import OperationError
from mdm_hub.ui.merged_in import with_members
from mdm_hub.ui.session import may
from mdm_hub.ui.workbench import Workbench

PAGE = 20


def records_router(wb: Workbench) -> APIRouter:
    router = APIRouter()

    @router.get("/search", response_class=HTMLResponse)
    async def search(request: Request) -> Response:
        user = await wb.user(request)
        query = request.query_params
        entity_type = query.get("entityType") or EntityType.CUSTOMER.value
        wanted = query.get("text", "").strip()
        after = query.get("after") or None
        hits: list[dict[str, Any]] = []
        next_cursor = None
        error = None
        if wanted:
            variables = {"entityType": entity_type, "text": wanted, "first": PAGE, "after": after}
            try:
                found = (await wb.run(request, user, "Search", variables))["searchGoldenRecords"]
            except OperationError as failed:
                error = failed
            else:
                hits = [edge["node"] for edge in found["edges"]]
                if found["pageInfo"]["hasNextPage"]:
                    next_cursor = found["pageInfo"]["endCursor"]
        template = "_results.html" if request.headers.get("HX-Request") else "search.html"
        return wb.render(
            request,
            template,
            user,
            entity_types=[t.value for t in EntityType],
            entity_type=entity_type,
            text=wanted,
            hits=hits,
            next_cursor=next_cursor,
            error=error,
        )

    @router.get("/goldens/{golden_id}", response_class=HTMLResponse)
    async def golden(request: Request, golden_id: str) -> Response:
        user = await wb.user(request)
        return await _golden_page(wb, request, user, golden_id)

    @router.post("/goldens/{golden_id}/override", response_class=HTMLResponse)
    async def override(request: Request, golden_id: str) -> Response:
        user = await wb.user(request)
        form = await request.form()
        variables = {
            "id": golden_id,
            "attribute": text(form, "attribute"),
            "value": _value(text(form, "value")),
            "version": expected_version(form, golden_id),
            "reason": text(form, "reason"),
        }
        return await _act(wb, request, user, golden_id, "Override", variables, "pinned")

    @router.post("/goldens/{golden_id}/clear", response_class=HTMLResponse)
    async def clear(request: Request, golden_id: str) -> Response:
        user = await wb.user(request)
        form = await request.form()
        variables = {
            "id": golden_id,
            "attribute": text(form, "attribute"),
            "version": expected_version(form, golden_id),
            "reason": text(form, "reason"),
        }
        return await _act(wb, request, user, golden_id, "ClearOverride", variables, "cleared")

    @router.post("/goldens/{golden_id}/unmerge", response_class=HTMLResponse)
    async def unmerge(request: Request, golden_id: str) -> Response:
        user = await wb.user(request)
        form = await request.form()
        sources = []
        for picked in form.getlist("member"):
            system, _, source_id = str(picked).partition("/")
            sources.append(
                {"system": system, "entityType": text(form, "entityType"), "sourceId": source_id}
            )
        variables = {
            "id": golden_id,
            "sources": sources,
            "versions": expected_versions(form),
            "reason": text(form, "reason"),
            # Set by "undo merge": the merged-away record the members go back to.
            "target": text(form, "target") or None,
        }
        try:
            result = (await wb.run(request, user, "Unmerge", variables))["unmerge"]
        except OperationError as error:
            return await _golden_page(wb, request, user, golden_id, error=error)
        target = result["target"]["id"]
        return RedirectResponse(
            f"/ui/goldens/{golden_id}?{urlencode({'done': 'unmerged', 'target': target})}", 303
        )

    return router


def _value(raw: str) -> Any:
    """What the steward typed: JSON when it reads as JSON (a number, a list), else the text."""
    try:
        return json.loads(raw)
    except ValueError:
        return raw


async def _act(
    wb: Workbench,
    request: Request,
    user: Principal,
    golden_id: str,
    operation: str,
    variables: dict[str, Any],
    done: str,
) -> Response:
    try:
        await wb.run(request, user, operation, variables)
    except OperationError as error:
        return await _golden_page(wb, request, user, golden_id, error=error)
    return RedirectResponse(f"/ui/goldens/{golden_id}?done={done}", 303)


def _as_of(raw: str) -> str | None:
    """A datetime-local value ("2026-01-31T12:00") read as UTC, in ISO-8601; None: now."""
    if not raw:
        return None
    try:
        moment = datetime.fromisoformat(raw)
    except ValueError:
        return None
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).isoformat()


async def _golden_page(
    wb: Workbench,
    request: Request,
    user: Principal,
    golden_id: str,
    error: OperationError | None = None,
) -> Response:
    as_of = _as_of(request.query_params.get("asOf", ""))
    found = (await wb.run(request, user, "Golden", {"id": golden_id, "asOf": as_of}))[
        "goldenRecord"
    ]
    if found is None:
        what = f"golden record {golden_id}" + (f" as of {as_of}" if as_of else "")
        return wb.render(request, "missing.html", user, status_code=404, what=what)
    lineage: list[dict[str, Any]] = []
    if may(user, "Query.lineage"):
        lineage = (await wb.run(request, user, "Lineage", {"id": found["id"]}))["lineage"]
    merged = [] if as_of else await with_members(wb, request, user, found, lineage)
    status = 200 if error is None else (409 if error.code == "VERSION_CONFLICT" else 400)
    return wb.render(
        request,
        "golden.html",
        user,
        status_code=status,
        golden=found,
        asked=golden_id,
        as_of=as_of,
        as_of_input=request.query_params.get("asOf", ""),
        lineage=lineage,
        merged_in=merged,
        error=error,
        done=request.query_params.get("done"),
        target=request.query_params.get("target"),
    )
