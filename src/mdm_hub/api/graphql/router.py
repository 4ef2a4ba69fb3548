"""The GraphQL endpoint: schema, per-request context, GraphiQL only in dev mode."""

from __future__ import annotations

from typing import Any

import structlog
from fastapi import HTTPException, Request, Response
from strawberry.fastapi import GraphQLRouter

from mdm_hub.api.auth.authenticate import Authenticator
from mdm_hub.api.auth.credentials import presented
from mdm_hub.api.graphql.context import Context
from mdm_hub.api.graphql.schema import build_schema
from mdm_hub.api.rate_limit import Caller, RateLimits
from mdm_hub.api.store_outage import mark_unavailable, reports_store_unavailable
from mdm_hub.config import Settings
from mdm_hub.domain.access import Principal
from mdm_hub.errors import Unauthenticated
from mdm_hub.observability.metrics import AUTH_FAILURES, RATE_LIMITED
from mdm_hub.wiring import Services

# Only read with MDM_AUTH=off: then callers name themselves.
ACTOR_HEADER = "X-Actor"
# GraphiQL's page names its assets on unpkg; the hub serves the same files (same bytes, so
# the page's integrity hashes hold) from the package: nothing loads from a CDN.
CDN = "https://unpkg.com/"
VENDORED = "/ui/static/vendor/unpkg/"


class HubGraphQLRouter(GraphQLRouter[Context, None]):
    @property
    def graphql_ide_html(self) -> str:
        return super().graphql_ide_html.replace(CDN, VENDORED)

    def create_response(self, response_data: Any, sub_response: Response) -> Response:
        response = super().create_response(response_data, sub_response)
        return mark_unavailable(response) if reports_store_unavailable(response_data) else response


log = structlog.stdlib.get_logger("mdm_hub.api.auth")


def graphql_router(
    services: Services, settings: Settings, authenticator: Authenticator, limits: RateLimits
) -> GraphQLRouter[Context, None]:
    async def context(request: Request) -> Context:
        correlation_id = request.state.correlation_id
        authorization = request.headers.get("Authorization")
        client = request.client.host if request.client else "unknown"
        try:
            principal = await authenticator.principal(
                authorization, request.headers.get(ACTOR_HEADER)
            )
        except Unauthenticated as exc:
            credential = presented(authorization)
            AUTH_FAILURES.labels(credential.credential).inc()
            log.warning(
                "authentication failed",
                client=client,
                credential=credential.credential,
                key_prefix=credential.key_prefix,
                reason=str(exc),
            )
            found = Context(services, correlation_id, principal=None, auth_failure=str(exc))
            caller = Caller("client", client)
        else:
            found = Context(services, correlation_id, principal=principal)
            caller = _caller(principal, authorization, client, authenticator.enabled)
            found.summary.actor = principal.name
            found.summary.role = ",".join(sorted(principal.roles))
        request.state.summary = found.summary
        wait = limits.retry_after(caller)
        if wait is not None:
            RATE_LIMITED.labels(caller.kind).inc()
            raise HTTPException(
                status_code=429,
                detail=f"rate limit exceeded for this {caller.kind}: retry in {wait} s",
                headers={"Retry-After": str(wait)},
            )
        return found

    return HubGraphQLRouter(
        build_schema(settings),
        context_getter=context,
        graphql_ide="graphiql" if settings.graphiql else None,
        allow_queries_via_get=False,
    )


def _caller(principal: Principal, authorization: str | None, client: str, auth: bool) -> Caller:
    if not auth:  # MDM_AUTH=off: X-Actor is a claim anyone can make, the address is not
        return Caller("client", client)
    prefix = presented(authorization).key_prefix
    return Caller("key", prefix) if prefix else Caller("subject", principal.name)
