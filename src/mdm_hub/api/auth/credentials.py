"""What a request's Authorization header presents, named safely for logs and rate limits:
its kind and, for an API key, the public prefix. Never the secret."""

from __future__ import annotations

from typing import NamedTuple

from mdm_hub.services.api_keys import key_prefix, looks_like_api_key


class Presented(NamedTuple):
    credential: str  # "none", "api_key", "bearer_token" or "other_scheme"
    key_prefix: str | None  # an API key's prefix when well formed


def presented(authorization: str | None) -> Presented:
    if not authorization or not authorization.strip():
        return Presented("none", None)
    scheme, _, token = authorization.strip().partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token:
        return Presented("other_scheme", None)
    if looks_like_api_key(token):
        return Presented("api_key", key_prefix(token))
    return Presented("bearer_token", None)
