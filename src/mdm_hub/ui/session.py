"""Sign-in: the API key, or the access token of a sign-in with OIDC, lives in an HttpOnly,
SameSite=Strict session cookie (gone when the browser closes; the hub stores nothing) and is
checked on every request like a bearer token. With MDM_AUTH=off the cookie holds the name the
steward gave instead."""

from __future__ import annotations

from fastapi import Request, Response

from mdm_hub.api.auth.authenticate import Authenticator
from mdm_hub.api.auth.rules import allowed_roles
from mdm_hub.domain.access import Principal
from mdm_hub.errors import Unauthenticated

COOKIE = "mdm_ui_key"
PATH = "/ui"


async def principal_of(request: Request, authenticator: Authenticator) -> Principal | None:
    """Who the browser signed in as; None when it has not, or its key no longer holds."""
    return await principal_for(request.cookies.get(COOKIE, ""), authenticator)


async def principal_for(credential: str, authenticator: Authenticator) -> Principal | None:
    """Who `credential` (an API key or OIDC access token; with MDM_AUTH=off, a name) proves
    one is, if anyone."""
    try:
        return await signed_in_as(credential, authenticator)
    except Unauthenticated:
        return None


async def signed_in_as(credential: str, authenticator: Authenticator) -> Principal:
    """Like principal_for, but Unauthenticated says why the credential does not hold."""
    if not credential:
        raise Unauthenticated("nothing was given")
    if authenticator.enabled:
        return await authenticator.principal(f"Bearer {credential}", None)
    return await authenticator.principal(None, credential)


def remember(response: Response, request: Request, credential: str) -> None:
    response.set_cookie(
        COOKIE,
        credential,
        path=PATH,
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https",
    )


def forget(response: Response) -> None:
    response.delete_cookie(COOKIE, path=PATH)


def same_origin(request: Request) -> bool:
    """A form post from the workbench's own pages. The SameSite cookie already keeps other
    sites' posts from acting as the steward; this also refuses a forged sign-in."""
    origin = request.headers.get("Origin")
    return origin is None or origin == f"{request.url.scheme}://{request.url.netloc}"


def may(principal: Principal, root_field: str) -> bool:
    """Whether the principal's role allows a root field ("Mutation.merge"): the API's own
    rule table decides what the pages offer."""
    type_name, _, field_name = root_field.partition(".")
    return bool(principal.roles & allowed_roles(type_name, field_name))
