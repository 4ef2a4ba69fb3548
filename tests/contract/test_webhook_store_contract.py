"""Webhook subscribers in the store, on every store: one lease holder at a time, cursors
moved only by it, dead letters kept, queued for replay and dropped, deletion with them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from mdm_hub.domain.webhooks import DeadLetter, Webhook
from mdm_hub.errors import StoreError
from mdm_hub.ports import Store

T0 = datetime(2026, 1, 1, 9, 0, tzinfo=UTC)


def hook(webhook_id: str = "wh_1", **more: object) -> Webhook:
    return Webhook(webhook_id, "https://example.com/hook", "whsec_x", T0, **more)  # type: ignore[arg-type]


async def test_subscribers_are_kept_with_their_selection(store: Store) -> None:
    await store.put_webhook(hook("wh_1", events=("golden.merged",), systems=("CRM", "ERP")))
    await store.put_webhook(hook("wh_2"))
    listed = await store.list_webhooks()
    assert [w.id for w in listed] == ["wh_1", "wh_2"]
    assert (listed[0].events, listed[0].entity_types, listed[0].systems) == (
        ("golden.merged",),
        None,
        ("CRM", "ERP"),
    )
    assert (listed[1].cursor, listed[1].attempts, listed[1].created_at) == (0, 0, T0)
    with pytest.raises(StoreError):
        await store.put_webhook(hook("wh_1"))


async def test_one_lease_holder_at_a_time_and_only_it_moves_the_cursor(store: Store) -> None:
    await store.put_webhook(hook())
    until = T0 + timedelta(seconds=30)
    assert await store.lease_webhook("wh_1", "a", T0, until)
    assert not await store.lease_webhook("wh_1", "b", T0 + timedelta(seconds=5), until)
    assert await store.lease_webhook("wh_1", "a", T0 + timedelta(seconds=5), until)  # renewed
    assert not await store.advance_webhook("wh_1", "b", 7, 0)
    assert await store.advance_webhook("wh_1", "a", 7, 2)
    [stored] = await store.list_webhooks()
    assert (stored.cursor, stored.attempts) == (7, 2)
    # A silent holder's lease runs out; another dispatcher takes over.
    later = until + timedelta(seconds=1)
    assert await store.lease_webhook("wh_1", "b", later, later + timedelta(seconds=30))
    assert not await store.advance_webhook("wh_1", "a", 8, 0)
    assert not await store.lease_webhook("nobody", "a", T0, until)


async def test_dead_letters_are_kept_replayed_dropped_and_deleted_with_their_webhook(
    store: Store,
) -> None:
    await store.put_webhook(hook())
    for position in (5, 3):
        await store.put_dead_letter(DeadLetter("wh_1", position, 8, "HTTP 500", T0))
    await store.put_dead_letter(DeadLetter("wh_1", 5, 16, "HTTP 503", T0))  # replaced
    letters = await store.dead_letters("wh_1")
    assert [(d.position, d.attempts, d.last_error, d.replay) for d in letters] == [
        (3, 8, "HTTP 500", False),
        (5, 16, "HTTP 503", False),
    ]
    assert await store.replay_dead_letters("wh_1") == 2
    assert await store.replay_dead_letters("wh_1") == 0
    assert all(d.replay for d in await store.dead_letters("wh_1"))
    await store.drop_dead_letter("wh_1", 3)
    assert [d.position for d in await store.dead_letters("wh_1")] == [5]
    assert await store.delete_webhook("wh_1")
    assert not await store.delete_webhook("wh_1")
    assert await store.list_webhooks() == []
    assert await store.dead_letters("wh_1") == []
