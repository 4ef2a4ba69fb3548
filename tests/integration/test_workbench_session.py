"""The workbench's sign-in over HTTP, on every store: a bad key is told at once, pages need a
signed-in key, a revoked key stops working, sign-out forgets it, another site cannot post."""

from __future__ import annotations

import httpx

from mdm_hub.api.app import create_app
from mdm_hub.config import Settings
from mdm_hub.domain.access import Role
from mdm_hub.ports import Store
from mdm_hub.services.api_keys import ApiKeyService
from mdm_hub.ui.session import COOKIE
from tests.support.auth import new_key


def _browser(store: Store) -> httpx.AsyncClient:
    # No key cache: a key revoked by another process (here another service) stops at once.
    app = create_app(Settings(api_key_cache_seconds=0), store=store)
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://hub")


async def test_sign_in_sign_out_and_a_revoked_key(store: Store) -> None:
    token = await new_key(store, Role.STEWARD, "jane")
    async with _browser(store) as browser:
        assert (await browser.get("/ui/queue")).headers["location"] == "/ui/signin"
        refused = await browser.post("/ui/signin", data={"credential": "mdm_nope.nope"})
        assert refused.status_code == 401
        assert "did not sign you in" in refused.text
        assert COOKIE not in browser.cookies
        signed = await browser.post("/ui/signin", data={"credential": token})
        assert (signed.status_code, signed.headers["location"]) == (303, "/ui/")
        cookie = signed.headers["set-cookie"].lower()
        assert "httponly" in cookie
        assert "samesite=strict" in cookie
        assert "max-age" not in cookie  # a session cookie: gone with the browser
        front = await browser.get("/ui/")
        assert front.status_code == 200
        assert "jane" in front.text
        [key] = [k for k in await ApiKeyService(store).list() if k.name == "jane"]
        await ApiKeyService(store).revoke(key.prefix)
        assert (await browser.get("/ui/")).headers["location"] == "/ui/signin"


async def test_sign_out_forgets_the_key(store: Store) -> None:
    token = await new_key(store, Role.AUDITOR, "olga")
    async with _browser(store) as browser:
        await browser.post("/ui/signin", data={"credential": token})
        await browser.post("/ui/signout")
        assert (await browser.get("/ui/")).headers["location"] == "/ui/signin"


async def test_a_form_posted_from_another_site_is_refused(store: Store) -> None:
    token = await new_key(store, Role.STEWARD, "jane")
    async with _browser(store) as browser:
        forged = await browser.post(
            "/ui/signin", data={"credential": token}, headers={"Origin": "http://evil.example"}
        )
        assert forged.status_code == 403
        await browser.post("/ui/signin", data={"credential": token})
        posted = await browser.post(
            "/ui/goldens/cus_x/override",
            data={"attribute": "name", "value": "x", "reason": "r"},
            headers={"Origin": "http://evil.example"},
        )
        assert posted.status_code == 403
