"""OAuth2/OIDC bearer tokens: RS256 only, signing keys from the issuer's JWKS.

The algorithm is fixed here, never read from the token, so neither `alg: none` nor an HS256
token "signed" with the public key can pass. aud, iss, exp and sub are required; nbf is
checked when present. Roles come from a configurable claim (dots walk into nested objects,
e.g. `realm_access.roles`), a list or a space-separated string; unknown names are ignored.
"""

from __future__ import annotations

import asyncio
from typing import Any

import jwt

from mdm_hub.domain.access import Principal, Role
from mdm_hub.errors import Unauthenticated

ALGORITHMS = ["RS256"]
REQUIRED_CLAIMS = ["exp", "iss", "aud", "sub"]
JWKS_CACHE_SECONDS = 300
JWKS_TIMEOUT_SECONDS = 5
# Clock skew tolerated between the issuer and the hub.
LEEWAY_SECONDS = 30


class OidcVerifier:
    def __init__(self, jwks_url: str, issuer: str, audience: str, role_claim: str) -> None:
        self._jwks = jwt.PyJWKClient(
            jwks_url, cache_keys=True, lifespan=JWKS_CACHE_SECONDS, timeout=JWKS_TIMEOUT_SECONDS
        )
        self._issuer = issuer
        self._audience = audience
        self._role_claim = role_claim

    async def verify(self, token: str) -> Principal:
        try:
            # The JWKS fetch (cached) is blocking I/O: keep it off the event loop.
            signing_key = await asyncio.to_thread(self._jwks.get_signing_key_from_jwt, token)
            claims: dict[str, Any] = jwt.decode(
                token,
                signing_key.key,
                algorithms=ALGORITHMS,
                audience=self._audience,
                issuer=self._issuer,
                leeway=LEEWAY_SECONDS,
                options={"require": REQUIRED_CLAIMS},
            )
        except jwt.PyJWTError as exc:
            raise Unauthenticated(f"invalid bearer token: {exc}") from None
        return Principal(name=str(claims["sub"]), roles=roles_from(claims, self._role_claim))


def roles_from(claims: dict[str, Any], claim: str) -> frozenset[Role]:
    value: Any = claims
    for part in claim.split("."):
        value = value.get(part) if isinstance(value, dict) else None
    names = value.split() if isinstance(value, str) else value
    if not isinstance(names, list):
        return frozenset()
    known = {role.value for role in Role}
    return frozenset(Role(name) for name in names if isinstance(name, str) and name in known)
