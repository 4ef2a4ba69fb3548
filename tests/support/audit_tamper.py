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


async def delete_index_entries(store: Store, seq: int) -> None:
    """Drop the lineage index entries of one event (lineage then misses it)."""
    if isinstance(store, EmbeddedStore):
        store._conn.execute("DELETE FROM audit_subject WHERE seq = ?", (seq,))
    else:
        assert isinstance(store, Neo4jStore)
        await _cypher(store, "MATCH (:AuditEvent {seq: $seq})-[r:ABOUT]->() DELETE r", seq=seq)


async def add_index_entry(store: Store, seq: int, subject: str) -> None:
    """File an event under a subject it does not name (lineage then shows it there)."""
    if isinstance(store, EmbeddedStore):
        store._conn.execute(
            "INSERT INTO audit_subject (subject, seq) VALUES (?, ?)", (subject, seq)
        )
    else:
        assert isinstance(store, Neo4jStore)
        await _cypher(
            store,
            "MATCH (e:AuditEvent {seq: $seq}) MERGE (s:AuditSubject {id: $subject}) "
            "CREATE (e)-[:ABOUT]->(s)",
            seq=seq,
            subject=subject,
        )


async def delete_head(store: Store) -> None:
    if isinstance(store, EmbeddedStore):
        store._conn.execute("DELETE FROM audit_head")
    else:
        assert isinstance(store, Neo4jStore)
        await _cypher(store, "MATCH (h:AuditHead) DELETE h")


async def set_head(store: Store, seq: int, hash_: str) -> None:
    if isinstance(store, EmbeddedStore):
        store._conn.execute("UPDATE audit_head SET seq = ?, hash = ?", (seq, hash_))
    else:
        assert isinstance(store, Neo4jStore)
        await _cypher(
            store, "MATCH (h:AuditHead) SET h.seq = $seq, h.hash = $hash", seq=seq, hash=hash_
        )


async def overwrite_after(store: Store, seq: int, text: str) -> None:
    """Store `text` as one event's `after`, as it is kept (JSON text), unchecked."""
    if isinstance(store, EmbeddedStore):
        store._conn.execute("UPDATE audit_event SET after = ? WHERE seq = ?", (text, seq))
    else:
        assert isinstance(store, Neo4jStore)
        await _cypher(
            store, "MATCH (e:AuditEvent {seq: $seq}) SET e.after = $text", seq=seq, text=text
        )
