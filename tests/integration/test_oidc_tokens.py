"""OIDC bearer tokens against a local issuer (JWKS on 127.0.0.1, no other network): RS256 only,
aud, iss, exp and nbf checked, roles from the configured claim, the subject as the actor."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest

from mdm_hub.api.auth.oidc import OidcVerifier
from mdm_hub.config import Settings
from mdm_hub.domain.access import Role
from mdm_hub.errors import Unauthenticated
from mdm_hub.ports import Store
from tests.integration.conftest import client_for
from tests.support.auth import bearer
from tests.support.graphql_client import OVERRIDE, UPSERT_MANY, GraphQLClient, record
from tests.support.oidc import AUDIENCE, ISSUER, Issuer, new_rsa_key, serving_issuer

HOUR = 3600


@pytest.fixture(scope="module")
def issuer() -> Iterator[Issuer]:
    with serving_issuer() as running:
        yield running


def _verifier(issuer: Issuer, role_claim: str = "roles") -> OidcVerifier:
    return OidcVerifier(issuer.jwks_url, ISSUER, AUDIENCE, role_claim)


async def test_a_valid_rs256_token_gives_its_subject_and_roles(issuer: Issuer) -> None:
    principal = await _verifier(issuer).verify(issuer.token(roles=["auditor", "steward", "x"]))
    assert principal.name == "jane@firm.example"
    assert principal.roles == {Role.AUDITOR, Role.STEWARD}  # unknown names are ignored
    assert principal.systems is None


async def test_the_role_claim_is_configurable_and_may_be_nested_or_a_string(
    issuer: Issuer,
) -> None:
    nested = issuer.token(roles=None, realm_access={"roles": ["integration"]})
    found = await _verifier(issuer, "realm_access.roles").verify(nested)
    assert found.roles == {Role.INTEGRATION}
    spaced = issuer.token(roles=None, scope="openid admin")
    assert (await _verifier(issuer, "scope").verify(spaced)).roles == {Role.ADMIN}
    assert (await _verifier(issuer, "groups").verify(issuer.token())).roles == frozenset()


def _bad_tokens(issuer: Issuer) -> dict[str, str]:
    now = int(time.time())
    return {
        "wrong audience": issuer.token(aud="another-app"),
        "wrong issuer": issuer.token(iss="https://evil.example"),
        "expired": issuer.token(exp=now - HOUR),
        "not yet valid": issuer.token(nbf=now + HOUR),
        "no expiry": issuer.token(exp=None),
        "no subject": issuer.token(sub=None),
        "signed by another key": issuer.token(key=new_rsa_key()),
        "HS256 keyed with the public key": issuer.unsigned_token("HS256", issuer.public_pem),
        "alg none": issuer.unsigned_token("none"),
        "garbage": "not.a.token",
    }


# Each is refused for its own reason, not by accident (a JWKS fetch failing, say).
BAD = {
    "wrong audience": "Audience doesn't match",
    "wrong issuer": "Invalid issuer",
    "expired": "Signature has expired",
    "not yet valid": "not yet valid (nbf)",
    "no expiry": 'missing the "exp" claim',
    "no subject": 'missing the "sub" claim',
    "signed by another key": "Signature verification failed",
    "HS256 keyed with the public key": "alg value is not allowed",
    "alg none": "alg value is not allowed",
    "garbage": "invalid bearer token",
}


@pytest.mark.parametrize("case", BAD)
async def test_bad_tokens_are_rejected(issuer: Issuer, case: str) -> None:
    with pytest.raises(Unauthenticated, match="invalid bearer token") as refused:
        await _verifier(issuer).verify(_bad_tokens(issuer)[case])
    assert BAD[case] in str(refused.value)


async def test_over_http_the_token_subject_is_the_recorded_actor(
    store: Store, issuer: Issuer
) -> None:
    settings = Settings(oidc_jwks_url=issuer.jwks_url, oidc_issuer=ISSUER, oidc_audience=AUDIENCE)
    async with client_for(store, settings, role=None) as http:
        http.headers.update(bearer(issuer.token(roles=["steward"])))
        gql = GraphQLClient(http)
        upserted = await gql.data(UPSERT_MANY, {"inputs": [record("CRM", "c1", name="Acme")]})
        golden_id = upserted["upsertSourceRecords"][0]["goldenId"]
        pin = {
            "goldenId": golden_id,
            "attribute": "name",
            "value": "ACME",
            "reason": "MSA",
            "expectedVersion": 1,
        }
        golden = (await gql.data(OVERRIDE, pin))["overrideAttribute"]
        assert golden["overrideHistory"][0]["actor"] == "jane@firm.example"

        http.headers.update(bearer(issuer.token(roles=["auditor"])))
        refused = await gql.post(OVERRIDE, pin)
        assert refused["errors"][0]["extensions"]["code"] == "FORBIDDEN"
        http.headers.update(bearer(issuer.token(aud="another-app")))
        response = await http.post("/graphql", json={"query": OVERRIDE, "variables": pin})
        assert response.status_code == 401
