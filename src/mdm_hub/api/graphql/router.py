"""The GraphQL endpoint: schema, per-request context, GraphiQL only in dev mode."""

from __future__ import annotations

from fastapi import Request
from strawberry.fastapi import GraphQLRouter

from mdm_hub.api.auth.authenticate import Authenticator
from mdm_hub.api.graphql.context import Context
from mdm_hub.api.graphql.schema import build_schema
from mdm_hub.config import Settings
from mdm_hub.errors import Unauthenticated
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


def graphql_router(
    services: Services, settings: Settings, authenticator: Authenticator
) -> GraphQLRouter[Context, None]:
    async def context(request: Request) -> Context:
        correlation_id = request.state.correlation_id
        try:
            principal = await authenticator.principal(
                request.headers.get("Authorization"), request.headers.get(ACTOR_HEADER)
            )
        except Unauthenticated as exc:
            return Context(services, correlation_id, principal=None, auth_failure=str(exc))
        return Context(services, correlation_id, principal=principal)

    return HubGraphQLRouter(
        build_schema(settings),
        context_getter=context,
        graphql_ide="graphiql" if settings.graphiql else None,
        allow_queries_via_get=False,
    )
