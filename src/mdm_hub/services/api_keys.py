"""API keys: created with a secret shown once, stored as prefix + SHA-256 hash, checked in
constant time, limited by expiry, revocation and (optionally) source systems.

A key reads `mdm_<prefix>_<secret>`: the prefix (public, 12 hex characters) finds the stored
key, the secret (32 random bytes, URL-safe base64) proves possession. The secret has 256 bits
of entropy, so a plain SHA-256 is enough: there is nothing to brute-force.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import time
from collections.abc import Callable
from datetime import timedelta

from mdm_hub.domain.access import ApiKey, Principal, Role
from mdm_hub.domain.records import key_problems, utc_now
from mdm_hub.domain.text import check_no_control_characters
from mdm_hub.errors import InvalidInput, NotFound, Problem, Unauthenticated
from mdm_hub.ports import ApiKeyStore, Clock

TOKEN_SCHEME = "mdm"  # noqa: S105 - the tokens' public scheme, not a secret
PREFIX_BYTES = 6
SECRET_BYTES = 32
NAME_MAX = 128
_PREFIX = re.compile(f"[0-9a-f]{{{PREFIX_BYTES * 2}}}")
CACHE_MAX_KEYS = 10_000


def looks_like_api_key(token: str) -> bool:
    return token.startswith(f"{TOKEN_SCHEME}_")


def key_prefix(token: str) -> str | None:
    """The public prefix of a well-formed key token (what logs and rate limits name it by)."""
    parts = _split(token)
    return parts[0] if parts and _PREFIX.fullmatch(parts[0]) else None


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _split(token: str) -> tuple[str, str] | None:
    parts = token.split("_", 2)
    if len(parts) != 3 or parts[0] != TOKEN_SCHEME or not parts[1] or not parts[2]:
        return None
    return parts[1], parts[2]


def _check_name(name: str) -> str:
    try:
        check_no_control_characters(name)
    except ValueError as exc:
        raise InvalidInput([Problem("name", str(exc))]) from None
    if not 0 < len(name.strip()) <= NAME_MAX:
        raise InvalidInput([Problem("name", f"must be 1 to {NAME_MAX} characters")])
    return name.strip()


def _check_systems(systems: list[str] | None) -> frozenset[str] | None:
    if systems is None:
        return None
    problems: list[Problem] = []
    for index, system in enumerate(systems):
        # The same rule as source records' system codes.
        found = key_problems(system, "CUSTOMER", "x")
        problems += [Problem(f"systems[{index}]", p.reason) for p in found]
    if not systems:
        problems.append(Problem("systems", "name at least one system, or none to allow all"))
    if problems:
        raise InvalidInput(problems)
    return frozenset(systems)


class ApiKeyService:
    def __init__(
        self,
        store: ApiKeyStore,
        clock: Clock = utc_now,
        *,
        cache_seconds: float = 0.0,
        ticks: Callable[[], float] = time.monotonic,
    ) -> None:
        """`cache_seconds`: how long a key read from the store is trusted without reading it
        again (0: read on every request). A revocation made by another process takes effect
        here within that time; one made through this service at once."""
        self._store = store
        self._clock = clock
        self._cache_seconds = cache_seconds
        self._ticks = ticks
        # prefix -> (when read, the key or None): the store round trip saved per request.
        self._cache: dict[str, tuple[float, ApiKey | None]] = {}

    async def create(
        self,
        name: str,
        role: Role,
        systems: list[str] | None = None,
        expires_in: timedelta | None = None,
    ) -> tuple[ApiKey, str]:
        """A new key and its full token: the only time the token exists outside the caller."""
        now = self._clock()
        if expires_in is not None and expires_in <= timedelta(0):
            raise InvalidInput([Problem("expiresIn", "must be in the future")])
        prefix = secrets.token_hex(PREFIX_BYTES)
        secret = secrets.token_urlsafe(SECRET_BYTES)
        key = ApiKey(
            prefix=prefix,
            name=_check_name(name),
            role=role,
            secret_hash=_hash(secret),
            created_at=now,
            systems=_check_systems(systems),
            expires_at=now + expires_in if expires_in is not None else None,
        )
        await self._store.put_api_key(key)
        return key, f"{TOKEN_SCHEME}_{prefix}_{secret}"

    async def authenticate(self, token: str) -> Principal:
        """The key's principal; Unauthenticated (never saying which check failed) otherwise."""
        parts = _split(token)
        key = await self._stored_key(parts[0]) if parts else None
        # Hash even when the prefix is unknown, so timing does not tell prefixes apart.
        presented = _hash(parts[1] if parts else token)
        expected = key.secret_hash if key else _hash("")
        if key is None or not hmac.compare_digest(presented, expected):
            raise Unauthenticated("invalid API key")
        if not key.usable_at(self._clock()):
            raise Unauthenticated("API key expired or revoked")
        return key.principal()

    async def _stored_key(self, prefix: str) -> ApiKey | None:
        if self._cache_seconds <= 0:
            return await self._store.get_api_key(prefix)
        now = self._ticks()
        cached = self._cache.get(prefix)
        if cached is not None and now - cached[0] < self._cache_seconds:
            return cached[1]
        key = await self._store.get_api_key(prefix)
        if len(self._cache) >= CACHE_MAX_KEYS:
            self._cache.clear()  # unknown prefixes sent at random must not grow it unbounded
        self._cache[prefix] = (now, key)
        return key

    async def list(self) -> list[ApiKey]:
        return await self._store.list_api_keys()

    async def revoke(self, prefix: str) -> ApiKey:
        key = await self._store.revoke_api_key(prefix, self._clock())
        self._cache.pop(prefix, None)
        if key is None:
            raise NotFound(f"no API key with prefix {prefix!r}")
        return key
