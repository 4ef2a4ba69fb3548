"""GraphQL subscriptions (WebSocket, graphql-transport-ws): change events as they commit, for
live consumers such as a steward's screen. Each follows the outbox (services/live_changes.py)
from now on, or from a cursor so a consumer that reconnects misses nothing. An event is sent
only while the connection's credentials hold: a key revoked or a token expired since
connection_init ends the subscription with UNAUTHENTICATED."""

from __future__ import annotations

from collections.abc import AsyncGenerator, Iterator
from contextlib import aclosing
from typing import Annotated

import strawberry
from strawberry.extensions import SchemaExtension
from strawberry.types.graphql import OperationType

from mdm_hub.api.graphql.changes import ChangeEvent
from mdm_hub.api.graphql.context import Context
from mdm_hub.api.graphql.live_observation import observed
from mdm_hub.api.graphql.resolvers import AppInfo, _golden_id
from mdm_hub.api.graphql.scalars import EntityType
from mdm_hub.domain.changes import concerns, merged_into
from mdm_hub.errors import NotFound
from mdm_hub.services.change_feed import scoped_systems

AFTER = (
    "Resume after this cursor (a Change's cursor, as the changes query gives it); none: "
    "only changes committed from now on."
)


async def _changes(
    info: AppInfo,
    after: Annotated[str | None, strawberry.argument(description=AFTER)] = None,
    entity_types: list[EntityType] | None = None,
    systems: list[str] | None = None,
) -> AsyncGenerator[ChangeEvent, None]:
    arguments = {"after": after, "entityTypes": entity_types, "systems": systems}
    changes = _changes_of(info, after, entity_types, systems)
    async with aclosing(observed("changes", info.context, arguments, changes)) as events:
        async for event in events:
            yield event


async def _changes_of(
    info: AppInfo,
    after: str | None,
    entity_types: list[EntityType] | None,
    systems: list[str] | None,
) -> AsyncGenerator[ChangeEvent, None]:
    principal = info.context.principal
    scoped = scoped_systems(systems, principal.systems if principal is not None else None)
    live = info.context.services.live_changes
    async for event in live.follow(await live.start(after), entity_types, scoped):
        await info.context.still_authenticated()
        yield ChangeEvent.of(event)


async def _golden_record_changed(
    info: AppInfo,
    id: strawberry.ID,
    after: Annotated[str | None, strawberry.argument(description=AFTER)] = None,
) -> AsyncGenerator[ChangeEvent, None]:
    changes = _golden_record_changes(info, id, after)
    arguments = {"id": id, "after": after}
    async with aclosing(
        observed("goldenRecordChanged", info.context, arguments, changes)
    ) as events:
        async for event in events:
            yield event


async def _golden_record_changes(
    info: AppInfo, id: strawberry.ID, after: str | None
) -> AsyncGenerator[ChangeEvent, None]:
    golden_id = _golden_id(id, "id")
    live = info.context.services.live_changes
    start = await live.start(after)
    view = await info.context.services.resolve.golden_record(golden_id)
    if view is None:
        raise NotFound(f"no golden record {golden_id}")
    if view.golden.id != golden_id and not after:
        raise NotFound(f"golden record {golden_id} was merged into {view.golden.id}")
    async for event in live.follow(start, [view.golden.entity_type]):
        if concerns(event, golden_id):
            await info.context.still_authenticated()
            yield ChangeEvent.of(event)
            if merged_into(event, golden_id) is not None:
                return


@strawberry.type
class Subscription:
    changes: AsyncGenerator[ChangeEvent, None] = strawberry.subscription(
        resolver=_changes,
        description=(
            "Change events as they commit, in the order of the `changes` feed and filtered "
            "as it filters (a key limited to some systems sees only theirs)."
        ),
    )
    golden_record_changed: AsyncGenerator[ChangeEvent, None] = strawberry.subscription(
        resolver=_golden_record_changed,
        description=(
            "Changes to one golden record as they commit. When it is merged into another, "
            "the golden.merged event (goldenId: the survivor) is the last one sent: the "
            "subscription completes, and the consumer follows the survivor instead."
        ),
    )


class WakeFollowers(SchemaExtension):
    """A mutation has returned, so its transactions have committed: this process's
    subscriptions read the outbox now rather than at their next poll."""

    def on_execute(self) -> Iterator[None]:
        yield
        execution = self.execution_context
        if execution.operation_type == OperationType.MUTATION and isinstance(
            execution.context, Context
        ):
            execution.context.services.live_changes.committed()
