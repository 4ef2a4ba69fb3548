"""Bodies sent to the hub exactly as written (JSON escapes, huge numbers, deep nesting), and
answers read as a strict JSON client reads them."""

from __future__ import annotations

import json
from typing import Any

import httpx


async def send_raw(http: httpx.AsyncClient, body: str | bytes) -> httpx.Response:
    """`body` as written, so its escapes reach the hub as a client's JSON has them."""
    content = body.encode("ascii") if isinstance(body, str) else body
    return await http.post(
        "/graphql", content=content, headers={"content-type": "application/json"}
    )


def strict_json(response: httpx.Response) -> dict[str, Any]:
    """The answer as a strict client reads it: JSON (never plain text), no Infinity or NaN,
    text every UTF-8 decoder accepts."""
    assert response.headers["content-type"].startswith("application/json"), response.text[:200]
    return dict(json.loads(response.content.decode("utf-8"), parse_constant=_refuse))


async def post_raw(http: httpx.AsyncClient, body: str) -> dict[str, Any]:
    """`body` sent as written; the answer must be a 200 in strict JSON."""
    response = await send_raw(http, body)
    assert response.status_code == 200, response.text
    return strict_json(response)


def _refuse(word: str) -> None:
    raise AssertionError(f"the response holds {word}, which is not JSON")


def problem_fields(error: dict[str, Any]) -> list[str]:
    return [p["field"] for p in error["extensions"]["problems"]]
