"""How long the hub waits on Neo4j before it answers STORE_UNAVAILABLE, and the driver built
with those limits (any `bolt://` or `neo4j://` URI; the latter routes reads to a cluster's
secondaries and writes to its leader)."""

from __future__ import annotations

from dataclasses import dataclass

from neo4j import AsyncDriver, AsyncGraphDatabase, NotificationMinimumSeverity


@dataclass(frozen=True)
class ConnectionPolicy:
    # Opening a TCP connection to one server.
    connection_timeout: float
    # Getting a connection from the pool: a routing table and opening a connection included,
    # so a request waits no longer than this for a server that is gone or hangs.
    acquisition_timeout: float
    # A write is retried this long (transient errors, deadlocks, a cluster's leader switch).
    write_retry_seconds: float
    # A read's whole answer: a server that took the connection but does not answer (a
    # database still starting) is reported instead of waited for.
    read_timeout: float


def open_driver(uri: str, auth: tuple[str, str], policy: ConnectionPolicy | None) -> AsyncDriver:
    """One driver per process; without a `policy`, the driver's own limits."""
    # Schema-less warnings (a relationship type not created yet) would flood the log.
    quiet = NotificationMinimumSeverity.OFF
    if policy is None:
        return AsyncGraphDatabase.driver(uri, auth=auth, notifications_min_severity=quiet)
    return AsyncGraphDatabase.driver(
        uri,
        auth=auth,
        notifications_min_severity=quiet,
        connection_timeout=policy.connection_timeout,
        connection_acquisition_timeout=policy.acquisition_timeout,
        max_transaction_retry_time=policy.write_retry_seconds,
    )
