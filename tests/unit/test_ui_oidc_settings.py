"""The workbench's sign-in with OIDC is offered only when the hub can check what it brings
back, and a half-configured client stops the hub at start-up with what is missing."""

from __future__ import annotations

import pytest

from mdm_hub.config import Settings
from mdm_hub.errors import ConfigurationError
from mdm_hub.ui.oidc import OidcSignIn, oidc_sign_in

API = {
    "oidc_jwks_url": "https://idp.example/realms/firm/certs",
    "oidc_issuer": "https://idp.example/realms/firm",
    "oidc_audience": "mdm-hub",
}


def test_a_client_id_with_the_api_settings_offers_the_provider_by_its_host() -> None:
    found = oidc_sign_in(Settings(**API, oidc_client_id="workbench"))
    assert found == OidcSignIn(
        issuer="https://idp.example/realms/firm",
        client_id="workbench",
        scopes="openid",
        provider="idp.example",
    )
    named = oidc_sign_in(Settings(**API, oidc_client_id="w", oidc_provider_name="Firm SSO"))
    assert named is not None
    assert named.provider == "Firm SSO"


def test_without_a_client_id_or_with_access_control_off_none_is_offered() -> None:
    assert oidc_sign_in(Settings(**API)) is None
    assert oidc_sign_in(Settings(**API, oidc_client_id="workbench", auth="off")) is None


def test_a_client_id_without_the_api_settings_is_refused() -> None:
    with pytest.raises(ConfigurationError, match="MDM_OIDC_CLIENT_ID needs MDM_OIDC_JWKS_URL"):
        oidc_sign_in(Settings(oidc_client_id="workbench", oidc_issuer=API["oidc_issuer"]))


def test_scopes_without_openid_are_refused() -> None:
    with pytest.raises(ConfigurationError, match="MDM_OIDC_UI_SCOPES 'profile' must include"):
        oidc_sign_in(Settings(**API, oidc_client_id="workbench", oidc_ui_scopes="profile"))
