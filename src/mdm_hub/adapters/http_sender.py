"""Webhook deliveries over HTTP (httpx): a JSON POST, no redirects followed (a redirect could
lead past the SSRF guard), a timeout per attempt."""

from __future__ import annotations

import httpx


class HttpSender:
    def __init__(self, timeout_seconds: float) -> None:
        self._client = httpx.AsyncClient(timeout=timeout_seconds, follow_redirects=False)

    async def post(self, url: str, body: bytes, headers: dict[str, str]) -> str | None:
        try:
            response = await self._client.post(url, content=body, headers=headers)
        except httpx.HTTPError as exc:
            return f"{type(exc).__name__}: {exc}"[:500]
        if 200 <= response.status_code < 300:
            return None
        return f"HTTP {response.status_code}"

    async def close(self) -> None:
        await self._client.aclose()
