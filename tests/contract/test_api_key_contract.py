"""API keys on every store: the port's four methods, and the service over them (the secret is
shown once and only its hash is stored; wrong, revoked and expired keys are refused)."""

from __future__ import annotations

from dataclasses import asdict
from datetime import timedelta

import pytest

from mdm_hub.domain.access import ApiKey, Role
from mdm_hub.errors import InvalidInput, NotFound, StoreError, Unauthenticated
from mdm_hub.ports import Store
from mdm_hub.services.api_keys import ApiKeyService
from tests.support.builders import at


def _key(prefix: str, **changes: object) -> ApiKey:
    fields: dict[str, object] = {
        "prefix": prefix,
        "name": f"key {prefix}",
        "role": Role.INTEGRATION,
        "secret_hash": "ab" * 32,
        "created_at": at(int(prefix, 16)),
    }
    return ApiKey(**{**fields, **changes})  # type: ignore[arg-type]


async def test_a_key_round_trips_with_every_field(store: Store) -> None:
    full = _key("0a", systems=frozenset({"CRM", "ERP"}), expires_at=at(5), role=Role.STEWARD)
    bare = _key("0b")
    await store.put_api_key(full)
    await store.put_api_key(bare)
    assert await store.get_api_key("0a") == full
    assert await store.get_api_key("0b") == bare
    assert await store.get_api_key("0c") is None
    assert await store.list_api_keys() == [full, bare]  # oldest first


async def test_a_prefix_is_unique(store: Store) -> None:
    await store.put_api_key(_key("0a"))
    with pytest.raises(StoreError, match="taken"):
        await store.put_api_key(_key("0a", name="another"))


async def test_revocation_keeps_the_first_time(store: Store) -> None:
    await store.put_api_key(_key("0a"))
    first = await store.revoke_api_key("0a", at(7))
    again = await store.revoke_api_key("0a", at(9))
    assert first is not None
    assert again is not None
    assert first.revoked_at == again.revoked_at == at(7)
    assert await store.revoke_api_key("ff", at(9)) is None


async def test_created_key_is_shown_once_and_only_its_hash_is_stored(store: Store) -> None:
    keys = ApiKeyService(store)
    key, token = await keys.create("crm-sync", Role.INTEGRATION, ["CRM", "ERP"])
    scheme, prefix, secret = token.split("_", 2)
    assert (scheme, prefix) == ("mdm", key.prefix)
    assert len(secret) >= 43  # 32 random bytes
    [stored] = await store.list_api_keys()
    assert stored == key
    assert all(secret not in str(value) for value in asdict(stored).values())
    principal = await keys.authenticate(token)
    assert (principal.name, principal.roles, principal.systems) == (
        "crm-sync",
        frozenset({Role.INTEGRATION}),
        frozenset({"CRM", "ERP"}),
    )


async def test_wrong_unknown_and_malformed_keys_are_refused(store: Store) -> None:
    keys = ApiKeyService(store)
    _, token = await keys.create("crm-sync", Role.INTEGRATION)
    wrong_secret = token[:-4] + ("AAAA" if not token.endswith("AAAA") else "BBBB")
    unknown_prefix = "mdm_000000000000_" + token.split("_", 2)[2]
    for bad in (wrong_secret, unknown_prefix, "mdm_", "mdm__x", "not-a-key", ""):
        with pytest.raises(Unauthenticated, match="invalid API key"):
            await keys.authenticate(bad)


async def test_revoked_and_expired_keys_are_refused(store: Store) -> None:
    now = at(0)
    keys = ApiKeyService(store, clock=lambda: now)
    _, revoked = await keys.create("old", Role.STEWARD)
    expiring_key, expiring = await keys.create("temp", Role.STEWARD, expires_in=timedelta(days=1))
    await keys.revoke(revoked.split("_")[1])
    with pytest.raises(Unauthenticated, match="expired or revoked"):
        await keys.authenticate(revoked)
    assert (await keys.authenticate(expiring)).name == "temp"
    later = ApiKeyService(store, clock=lambda: now + timedelta(days=1))
    assert expiring_key.expires_at == now + timedelta(days=1)
    with pytest.raises(Unauthenticated, match="expired or revoked"):
        await later.authenticate(expiring)


async def test_bad_key_requests_are_refused_naming_the_field(store: Store) -> None:
    keys = ApiKeyService(store)
    with pytest.raises(InvalidInput, match=r"systems\[1\]"):
        await keys.create("x", Role.INTEGRATION, ["CRM", "bad system!"])
    with pytest.raises(InvalidInput, match="systems"):
        await keys.create("x", Role.INTEGRATION, [])
    with pytest.raises(InvalidInput, match="name"):
        await keys.create("  ", Role.INTEGRATION)
    with pytest.raises(InvalidInput, match="name"):
        await keys.create("evil\x1b[31m", Role.INTEGRATION)
    with pytest.raises(InvalidInput, match="expiresIn"):
        await keys.create("x", Role.INTEGRATION, expires_in=timedelta(0))
    with pytest.raises(NotFound):
        await keys.revoke("nope")
    assert await store.list_api_keys() == []


async def test_a_cached_key_revoked_elsewhere_is_refused_once_the_cache_time_has_passed(
    store: Store,
) -> None:
    """Each process caches the keys it read for MDM_API_KEY_CACHE_SECONDS: a revocation made
    by another process (here another service over the same store) holds within that time."""
    elapsed = [0.0]
    serving = ApiKeyService(store, cache_seconds=5.0, ticks=lambda: elapsed[0])
    admin = ApiKeyService(store)
    _, token = await admin.create("integration", Role.INTEGRATION)
    assert (await serving.authenticate(token)).name == "integration"
    await admin.revoke(token.split("_")[1])
    elapsed[0] = 4.9
    assert (await serving.authenticate(token)).name == "integration"  # still within the time
    elapsed[0] = 5.0
    with pytest.raises(Unauthenticated, match="expired or revoked"):
        await serving.authenticate(token)
    with pytest.raises(Unauthenticated, match="invalid API key"):  # the secret is still checked
        await serving.authenticate(token[:-1] + ("A" if token[-1] != "A" else "B"))


async def test_a_key_revoked_through_the_caching_service_is_refused_at_once(
    store: Store,
) -> None:
    serving = ApiKeyService(store, cache_seconds=60.0, ticks=lambda: 0.0)
    _, token = await serving.create("integration", Role.INTEGRATION)
    assert (await serving.authenticate(token)).name == "integration"
    await serving.revoke(token.split("_")[1])
    with pytest.raises(Unauthenticated, match="expired or revoked"):
        await serving.authenticate(token)
