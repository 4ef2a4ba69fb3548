"""From a request's headers to the principal it acts as.

`Authorization: Bearer <token>`: a token starting `mdm_` is an API key, anything else an
OIDC JWT (when MDM_OIDC_JWKS_URL is set). With MDM_AUTH=off every caller may do everything
and names itself with X-Actor (development only).
"""

from __future__ import annotations

from mdm_hub.api.auth.oidc import OidcVerifier
from mdm_hub.config import Settings
from mdm_hub.domain.access import Principal, Role
from mdm_hub.domain.overrides import ANONYMOUS
from mdm_hub.errors import ConfigurationError, Unauthenticated
from mdm_hub.services.api_keys import ApiKeyService, looks_like_api_key

BEARER = "bearer"
MISSING = "authentication required: send Authorization: Bearer <API key or token>"
EVERY_ROLE = frozenset(Role)


class Authenticator:
    def __init__(self, settings: Settings, api_keys: ApiKeyService) -> None:
        self.enabled = settings.auth == "on"
        self._api_keys = api_keys
        self._oidc = _oidc(settings)

    async def principal(self, authorization: str | None, actor: str | None) -> Principal:
        """The caller; Unauthenticated when credentials are missing or do not hold."""
        if not self.enabled:
            return Principal(name=ANONYMOUS if actor is None else actor, roles=EVERY_ROLE)
        if not authorization:
            raise Unauthenticated(MISSING)
        scheme, _, token = authorization.strip().partition(" ")
        token = token.strip()
        if scheme.lower() != BEARER or not token:
            raise Unauthenticated(MISSING)
        if looks_like_api_key(token):
            return await self._api_keys.authenticate(token)
        if self._oidc is None:
            raise Unauthenticated("invalid API key (bearer tokens are not configured)")
        return await self._oidc.verify(token)


def _oidc(settings: Settings) -> OidcVerifier | None:
    if settings.oidc_jwks_url is None:
        return None
    if not settings.oidc_issuer or not settings.oidc_audience:
        raise ConfigurationError(
            "MDM_OIDC_JWKS_URL needs MDM_OIDC_ISSUER and MDM_OIDC_AUDIENCE: tokens are only "
            "accepted from a known issuer for this audience"
        )
    return OidcVerifier(
        settings.oidc_jwks_url,
        settings.oidc_issuer,
        settings.oidc_audience,
        settings.oidc_role_claim,
    )
