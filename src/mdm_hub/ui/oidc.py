"""Sign-in with OIDC: what the sign-in page tells the browser, which runs the authorisation
code flow with PKCE itself (static/oidc.js) as a public client, then posts the access token
to /ui/signin, where it is checked like any bearer token and kept like an API key."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from mdm_hub.config import Settings
from mdm_hub.errors import ConfigurationError

# Where the provider sends the browser back; register this path on the hub's origin.
CALLBACK = "/ui/oidc/callback"


@dataclass(frozen=True)
class OidcSignIn:
    issuer: str
    client_id: str
    scopes: str
    provider: str  # the name the sign-in button shows


def oidc_sign_in(settings: Settings) -> OidcSignIn | None:
    """The workbench's OIDC client settings; None when sign-in with OIDC is not configured.

    Raises ConfigurationError when a client ID is set but the hub could not verify the
    tokens it would bring back."""
    if not settings.oidc_client_id or settings.auth == "off":
        return None
    if not (settings.oidc_jwks_url and settings.oidc_issuer and settings.oidc_audience):
        raise ConfigurationError(
            "MDM_OIDC_CLIENT_ID needs MDM_OIDC_JWKS_URL, MDM_OIDC_ISSUER and MDM_OIDC_AUDIENCE: "
            "the workbench signs in with the tokens the API accepts"
        )
    if "openid" not in settings.oidc_ui_scopes.split():
        raise ConfigurationError(
            f"MDM_OIDC_UI_SCOPES {settings.oidc_ui_scopes!r} must include 'openid'"
        )
    issuer = settings.oidc_issuer
    return OidcSignIn(
        issuer=issuer,
        client_id=settings.oidc_client_id,
        scopes=settings.oidc_ui_scopes,
        provider=settings.oidc_provider_name or urlsplit(issuer).netloc or issuer,
    )
