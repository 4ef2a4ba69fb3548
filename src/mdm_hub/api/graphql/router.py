"""The GraphQL endpoint: schema, per-request context, GraphiQL only in dev mode; subscriptions
over WebSocket (graphql-transport-ws), authenticated by the `connection_init` payload."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import orjson
import structlog
from cross_web import HTTPException as ParseRefusal
from fastapi import HTTPException, Request, Response
from fastapi.responses import JSONResponse
from starlette.background import BackgroundTasks
from starlette.requests import HTTPConnection
from starlette.routing import Route
from strawberry.exceptions import ConnectionRejectionError
from strawberry.fastapi import GraphQLRouter
from strawberry.subscriptions import GRAPHQL_TRANSPORT_WS_PROTOCOL
from strawberry.subscriptions.protocols.graphql_transport_ws.handlers import (
    BaseGraphQLTransportWSHandler,
)
from strawberry.subscriptions.protocols.graphql_transport_ws.types import ConnectionInitMessage
from strawberry.types.unset import UNSET, UnsetType

from mdm_hub.api.auth.authenticate import Authenticator
from mdm_hub.api.auth.credentials import presented
from mdm_hub.api.auth.rules import RULES
from mdm_hub.api.correlation import correlation_id_from
from mdm_hub.api.graphql.context import Context
from mdm_hub.api.graphql.schema import build_schema
from mdm_hub.api.limits.json_body import decode_body
from mdm_hub.api.rate_limit import Caller, RateLimits
from mdm_hub.api.store_outage import mark_unavailable, reports_store_unavailable
from mdm_hub.config import Settings
from mdm_hub.domain.access import Principal, Role
from mdm_hub.errors import Unauthenticated
from mdm_hub.observability.metrics import AUTH_FAILURES, RATE_LIMITED
from mdm_hub.wiring import Services

# Only read with MDM_AUTH=off: then callers name themselves.
ACTOR_HEADER = "X-Actor"
# GraphiQL's page names its assets on unpkg; the hub serves the same files (same bytes, so
# the page's integrity hashes hold) from the package: nothing loads from a CDN.
CDN = "https://unpkg.com/"
VENDORED = "/ui/static/vendor/unpkg/"


# The roles that may use some subscription: a connection of any other role is refused.
SUBSCRIBERS = frozenset[Role]().union(
    *(roles for field, roles in RULES.items() if field.startswith("Subscription."))
)
# WebSocket close codes of graphql-transport-ws.
UNAUTHORIZED, TOO_MANY_REQUESTS = 4401, 4429


class _Unauthenticated(Exception):
    """connection_init presented no valid credentials: close with 4401."""


class _RateLimited(Exception):
    """The caller opened more connections than its rate limit allows: close with 4429."""

    def __init__(self, wait: int) -> None:
        super().__init__(f"rate limit exceeded: retry in {wait} s")


class HubTransportWSHandler(BaseGraphQLTransportWSHandler[Context, None]):
    async def handle_connection_init(self, message: ConnectionInitMessage) -> None:
        try:
            await super().handle_connection_init(message)
        except _Unauthenticated:
            await self.websocket.close(code=UNAUTHORIZED, reason="Unauthorized")
        except _RateLimited as exc:
            await self.websocket.close(code=TOO_MANY_REQUESTS, reason=str(exc))


class JsonGraphQLRouter(GraphQLRouter[Context, None]):
    """GraphQL over HTTP with the hub's edge limits on the body, and the IDE's assets served
    from the package."""

    max_variables_depth = 32

    # The context of an HTTP request: graphql_router gives each router its own.
    http_context: Callable[[Request], Awaitable[Context]]

    @property
    def graphql_ide_html(self) -> str:
        return super().graphql_ide_html.replace(CDN, VENDORED)

    def decode_json(self, data: str | bytes) -> object:
        return decode_body(data, self.max_variables_depth)

    def encode_json(self, data: object) -> str | bytes:
        # orjson writes a 1,000-ref answer several times faster than json.dumps. What it
        # cannot write (an integer beyond 64 bits in a JSON attribute, a key that is not a
        # string) is written by json.dumps, as before.
        try:
            return orjson.dumps(data)
        except TypeError:
            return super().encode_json(data)

    async def run(self, *args: Any, **kwargs: Any) -> Any:
        # A request refused before GraphQL runs (not JSON, too deep, no query) is answered
        # in GraphQL's JSON error shape too, never as plain text.
        try:
            return await super().run(*args, **kwargs)
        except ParseRefusal as exc:
            return JSONResponse(
                {"errors": [{"message": exc.reason, "extensions": {"code": "BAD_REQUEST"}}]},
                status_code=exc.status_code,
            )

    def create_response(self, response_data: Any, sub_response: Response) -> Response:
        response = super().create_response(response_data, sub_response)
        return mark_unavailable(response) if reports_store_unavailable(response_data) else response

    async def get_sub_response(self, request: Request) -> Response:
        # The request's own (see `post_route`); Strawberry's FastAPI view keeps the last one
        # on the router, which a concurrent request may have replaced meanwhile.
        own: Response | None = getattr(request.state, "graphql_sub_response", None)
        return own if own is not None else await super().get_sub_response(request)

    async def handle_post(self, request: Request) -> Response:
        """A GraphQL POST, as Strawberry's FastAPI route answers it, without FastAPI's
        dependency solving around it (its dependency cache keys are hashed and its
        parameters looked up on every request: about a sixth of a small query's time in
        the process). The context, the sub-response and the background tasks are made
        here, as that route's dependencies made them."""
        sub_response = Response()
        del sub_response.headers["content-length"]
        sub_response.status_code = None  # type: ignore[assignment]  # as FastAPI leaves it
        found = await self.http_context(request)
        tasks = BackgroundTasks()
        found.request = request
        found.background_tasks = tasks
        found.response = sub_response
        request.state.graphql_sub_response = sub_response
        response: Response = await self.run(request=request, context=found, root_value=None)
        if tasks.tasks and response.background is None:
            response.background = tasks
        return response

    def post_route(self, path: str) -> Route:
        """The route for POST `path`, to put before the router's own routes."""
        return Route(path, self.handle_post, methods=["POST"], include_in_schema=False)


log = structlog.stdlib.get_logger("mdm_hub.api.auth")


def graphql_router(
    services: Services, settings: Settings, authenticator: Authenticator, limits: RateLimits
) -> JsonGraphQLRouter:
    async def context(connection: HTTPConnection) -> Context:
        if not isinstance(connection, Request):
            # A WebSocket: the caller authenticates in its connection_init (on_ws_connect).
            found = Context(services, correlation_id_from(None), principal=None)
            found.auth_failure = "the connection is not initialised"
            return found
        request = connection
        correlation_id: str = request.state.correlation_id
        authorization = request.headers.get("Authorization")
        client = request.client.host if request.client else "unknown"
        try:
            principal = await authenticator.principal(
                authorization, request.headers.get(ACTOR_HEADER)
            )
        except Unauthenticated as exc:
            _failed(authorization, client, exc)
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

    class HubGraphQLRouter(JsonGraphQLRouter):
        graphql_transport_ws_handler_class = HubTransportWSHandler

        async def on_ws_connect(self, context: Context) -> UnsetType | dict[str, object] | None:
            """Authenticate the connection as an HTTP request is: `Authorization` (and with
            MDM_AUTH=off, `X-Actor`) in the connection_init payload."""
            params: dict[str, Any] = context.connection_params or {}
            authorization = _text(params.get("Authorization"))
            actor = _text(params.get(ACTOR_HEADER))
            connection = context.request
            client = connection.client.host if connection and connection.client else "unknown"
            try:
                principal = await authenticator.principal(authorization, actor)
            except Unauthenticated as exc:
                _failed(authorization, client, exc)
                raise _Unauthenticated from exc
            if not principal.roles & SUBSCRIBERS:
                log.warning("subscription refused", actor=principal.name, role=principal.role_names)
                raise ConnectionRejectionError
            # A connection counts as one request against the caller's rate limit.
            caller = _caller(principal, authorization, client, authenticator.enabled)
            wait = limits.retry_after(caller)
            if wait is not None:
                RATE_LIMITED.labels(caller.kind).inc()
                raise _RateLimited(wait)
            context.principal = principal
            context.auth_failure = ""
            context.reauthenticate = lambda: authenticator.principal(authorization, actor)
            acknowledged: UnsetType = UNSET  # connection_ack without a payload
            return acknowledged

    router = HubGraphQLRouter(
        build_schema(settings),
        context_getter=context,
        graphql_ide="graphiql" if settings.graphiql else None,
        allow_queries_via_get=False,
        subscription_protocols=(GRAPHQL_TRANSPORT_WS_PROTOCOL,),
    )
    router.max_variables_depth = settings.max_variables_depth
    router.http_context = context
    return router


def _text(value: object) -> str | None:
    return value if isinstance(value, str) else None


def _failed(authorization: str | None, client: str, exc: Unauthenticated) -> None:
    credential = presented(authorization)
    AUTH_FAILURES.labels(credential.credential).inc()
    log.warning(
        "authentication failed",
        client=client,
        credential=credential.credential,
        key_prefix=credential.key_prefix,
        reason=str(exc),
    )


def _caller(principal: Principal, authorization: str | None, client: str, auth: bool) -> Caller:
    if not auth:  # MDM_AUTH=off: X-Actor is a claim anyone can make, the address is not
        return Caller("client", client)
    prefix = presented(authorization).key_prefix
    return Caller("key", prefix) if prefix else Caller("subject", principal.name)
