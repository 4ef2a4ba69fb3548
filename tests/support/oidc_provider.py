"""A small but real OpenID provider for the workbench's sign-in tests.

Discovery, JWKS, an authorisation endpoint with a login form, and a token endpoint that redeems
each code once, for the client and redirect URI it was issued to, only with the PKCE code
verifier (S256) whose challenge came with it; its RS256 access tokens are what the hub's API
accepts (audience `AUDIENCE`, roles in `roles`). Like a provider set up for a browser client
it serves one public client (no secret) and lets the hub's origin read its answers (CORS).

Written here because the packaged mock providers that install on Python 3.11 do not check the
PKCE verifier, nor issue JWT access tokens, nor answer the browser's cross-origin requests.
"""

from __future__ import annotations

import hashlib
import html
import secrets
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa
from fastapi import FastAPI, Request, Response
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse

from tests.support.oidc import AUDIENCE, KID, b64url, jwks_of, new_rsa_key

CLIENT_ID = "mdm-workbench"
CODE_SECONDS = 60
TOKEN_SECONDS = 600
# What the client sends to the authorisation endpoint, carried through the login form.
REQUEST_FIELDS = (
    "response_type",
    "client_id",
    "redirect_uri",
    "scope",
    "state",
    "nonce",
    "code_challenge",
    "code_challenge_method",
)


@dataclass(frozen=True)
class Grant:
    """What an authorisation code stands for until it is redeemed."""

    client_id: str
    redirect_uri: str
    challenge: str
    nonce: str | None
    user: str
    expires: float


@dataclass
class OidcProvider:
    issuer: str  # also its base URL
    hub_origin: str
    users: dict[str, list[str]]  # user name -> roles
    audience: str = AUDIENCE  # of the access tokens it issues
    replayed_nonce: str | None = None  # set: ID tokens carry it, as a replayed one would
    key: rsa.RSAPrivateKey = field(default_factory=new_rsa_key)
    issued: list[str] = field(default_factory=list)  # users a token was issued to, in order
    grants: dict[str, Grant] = field(default_factory=dict)

    @property
    def redirect_uri(self) -> str:
        return f"{self.hub_origin}/ui/oidc/callback"

    @property
    def jwks_url(self) -> str:
        return f"{self.issuer}/jwks"

    def app(self) -> FastAPI:
        app = FastAPI()

        @app.middleware("http")
        async def cors(
            request: Request, call_next: Callable[[Request], Awaitable[Response]]
        ) -> Response:
            response = await call_next(request)
            response.headers["Access-Control-Allow-Origin"] = self.hub_origin
            return response

        @app.get("/.well-known/openid-configuration")
        async def discovery() -> dict[str, Any]:
            return {
                "issuer": self.issuer,
                "authorization_endpoint": f"{self.issuer}/authorize",
                "token_endpoint": f"{self.issuer}/token",
                "jwks_uri": self.jwks_url,
                "response_types_supported": ["code"],
                "code_challenge_methods_supported": ["S256"],
                "id_token_signing_alg_values_supported": ["RS256"],
            }

        @app.get("/jwks")
        async def jwks() -> dict[str, Any]:
            return jwks_of(self.key)

        @app.get("/authorize")
        async def authorize_form(request: Request) -> Response:
            params = dict(request.query_params)
            return self._refusal(params) or self._login_form(params)

        @app.post("/authorize")
        async def authorize(request: Request) -> Response:
            form = await request.form()
            params = {name: str(form.get(name, "")) for name in REQUEST_FIELDS if name in form}
            refused = self._refusal(params)
            if refused is not None:
                return refused
            if form.get("action") == "deny":
                return self._answer(
                    params, error="access_denied", error_description="the user refused"
                )
            user = str(form.get("username", ""))
            if user not in self.users:
                return self._login_form(params, f"No user {user!r} here.", status=401)
            code = secrets.token_urlsafe(24)
            self.grants[code] = Grant(
                client_id=params["client_id"],
                redirect_uri=params["redirect_uri"],
                challenge=params["code_challenge"],
                nonce=params.get("nonce"),
                user=user,
                expires=time.time() + CODE_SECONDS,
            )
            return self._answer(params, code=code)

        @app.post("/token")
        async def token(request: Request) -> Response:
            form = {name: str(value) for name, value in (await request.form()).items()}
            if form.get("grant_type") != "authorization_code":
                return _token_error("unsupported_grant_type", "only authorization_code")
            grant = self.grants.pop(form.get("code", ""), None)  # redeemed once, or never
            if grant is None or grant.expires < time.time():
                return _token_error("invalid_grant", "unknown, used or expired code")
            if (form.get("client_id"), form.get("redirect_uri")) != (
                grant.client_id,
                grant.redirect_uri,
            ):
                return _token_error("invalid_grant", "the code was issued to another client")
            if _challenge_of(form.get("code_verifier", "")) != grant.challenge:
                return _token_error("invalid_grant", "PKCE verification failed")
            self.issued.append(grant.user)
            return JSONResponse(
                {
                    "token_type": "Bearer",
                    "expires_in": TOKEN_SECONDS,
                    "access_token": self._sign(
                        aud=self.audience, sub=grant.user, roles=self.users[grant.user]
                    ),
                    "id_token": self._sign(
                        aud=grant.client_id,
                        sub=grant.user,
                        nonce=self.replayed_nonce or grant.nonce,
                    ),
                },
                headers={"Cache-Control": "no-store"},
            )

        return app

    def _refusal(self, params: dict[str, str]) -> Response | None:
        """Why an authorisation request is refused, if it is. An unknown client or redirect
        URI is told here, never sent back to where it asks."""
        if params.get("client_id") != CLIENT_ID or params.get("redirect_uri") != self.redirect_uri:
            return HTMLResponse("<h1>Unknown client or redirect URI</h1>", status_code=400)
        if params.get("response_type") != "code":
            return self._answer(params, error="unsupported_response_type")
        if not params.get("code_challenge") or params.get("code_challenge_method") != "S256":
            return self._answer(
                params, error="invalid_request", error_description="PKCE S256 is required"
            )
        if "openid" not in params.get("scope", "").split():
            return self._answer(params, error="invalid_scope")
        return None

    def _answer(self, params: dict[str, str], **answer: str) -> Response:
        if "state" in params:
            answer["state"] = params["state"]
        return RedirectResponse(f"{params['redirect_uri']}?{urlencode(answer)}", 303)

    def _login_form(self, params: dict[str, str], problem: str = "", status: int = 200) -> Response:
        hidden = "".join(
            f'<input type="hidden" name="{name}" value="{html.escape(value)}">'
            for name, value in params.items()
        )
        alert = f'<p role="alert">{html.escape(problem)}</p>' if problem else ""
        page = f"""<!doctype html><html lang="en"><head><title>Firm sign-in</title></head><body>
<h1>Firm sign-in</h1>{alert}
<form method="post" action="/authorize">{hidden}
<p><label for="username">User name</label> <input id="username" name="username"></p>
<button name="action" value="allow">Continue</button>
<button name="action" value="deny">Deny</button>
</form></body></html>"""
        return HTMLResponse(page, status_code=status)

    def _sign(self, **claims: Any) -> str:
        now = int(time.time())
        body = {"iss": self.issuer, "iat": now, "exp": now + TOKEN_SECONDS, **claims}
        return jwt.encode(
            {k: v for k, v in body.items() if v is not None},
            self.key,
            algorithm="RS256",
            headers={"kid": KID},
        )


def _challenge_of(verifier: str) -> str:
    return b64url(hashlib.sha256(verifier.encode()).digest())


def _token_error(error: str, description: str) -> Response:
    return JSONResponse({"error": error, "error_description": description}, status_code=400)
