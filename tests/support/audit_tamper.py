"""Tampering with the audit log behind the hub's back, through each store's raw connection:
what an attacker with database access could do, and verify-audit must catch."""

from __future__ import annotations

from typing import Any, LiteralString

from mdm_hub.adapters.embedded import EmbeddedStore
from mdm_hub.adapters.neo4j import Neo4jStore
from mdm_hub.domain.audit import AuditEvent, event_hash
from mdm_hub.ports import Store


async def _cypher(store: Neo4jStore, query: LiteralString, **params: Any) -> None:
    async with store.driver.session() as session:
        await (await session.run(query, params)).consume()


async def edit_reason(store: Store, seq: int, reason: str, rehash: bool = False) -> None:
    """Change one event's reason; with `rehash`, also recompute its own hash (a careful forger):
    the next event's prevHash then no longer matches."""
    [event] = await store.audit_events(seq - 1, 1)
    forged = AuditEvent(**{**event.__dict__, "reason": reason})
    new_hash = event_hash(forged.hashed_fields()) if rehash else event.hash
    if isinstance(store, EmbeddedStore):
        store._conn.execute(
            "UPDATE audit_event SET reason = ?, hash = ? WHERE seq = ?", (reason, new_hash, seq)
        )
    else:
        assert isinstance(store, Neo4jStore)
        await _cypher(
            store,
            "MATCH (e:AuditEvent {seq: $seq}) SET e.reason = $reason, e.hash = $hash",
            seq=seq,
            reason=reason,
            hash=new_hash,
        )


async def delete_event(store: Store, seq: int) -> None:
    if isinstance(store, EmbeddedStore):
        store._conn.execute("DELETE FROM audit_event WHERE seq = ?", (seq,))
    else:
        assert isinstance(store, Neo4jStore)
        await _cypher(store, "MATCH (e:AuditEvent {seq: $seq}) DETACH DELETE e", seq=seq)


async def swap_events(store: Store, a: int, b: int) -> None:
    """Exchange the positions of two events in the chain."""
    if isinstance(store, EmbeddedStore):
        db = store._conn
        db.execute("UPDATE audit_event SET seq = -1 WHERE seq = ?", (a,))
        db.execute("UPDATE audit_event SET seq = ? WHERE seq = ?", (a, b))
        db.execute("UPDATE audit_event SET seq = ? WHERE seq = -1", (b,))
    else:
        assert isinstance(store, Neo4jStore)
        # One at a time: the seq uniqueness constraint is checked per statement.
        move = "MATCH (e:AuditEvent {seq: $old}) SET e.seq = $new"
        await _cypher(store, move, old=a, new=-1)
        await _cypher(store, move, old=b, new=a)
        await _cypher(store, move, old=-1, new=b)
