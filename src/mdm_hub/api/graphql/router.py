"""The GraphQL endpoint: schema, per-request context, GraphiQL only in dev mode."""

from __future__ import annotations

from fastapi import Request
from strawberry.fastapi import GraphQLRouter

from mdm_hub.api.graphql.context import Context
from mdm_hub.api.graphql.schema import build_schema
from mdm_hub.config import Settings
from mdm_hub.domain.overrides import ANONYMOUS
from mdm_hub.wiring import Services

ACTOR_HEADER = "X-Actor"


def graphql_router(services: Services, settings: Settings) -> GraphQLRouter[Context, None]:
    async def context(request: Request) -> Context:
        return Context(
            services=services,
            correlation_id=request.state.correlation_id,
            actor=request.headers.get(ACTOR_HEADER, ANONYMOUS),
        )

    return GraphQLRouter(
        build_schema(settings),
        context_getter=context,
        graphql_ide="graphiql" if settings.graphiql else None,
        allow_queries_via_get=False,
    )
