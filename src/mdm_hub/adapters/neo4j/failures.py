"""What a driver error means to the hub's callers: the store is unavailable (retry later),
the caller sent a bookmark the store refuses, or (anything else) a bug, passed on as it is."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from neo4j.exceptions import (
    ClientError,
    ConnectionPoolError,
    DriverError,
    IncompleteCommit,
    Neo4jError,
)

from mdm_hub.errors import InvalidInput, Problem, StoreUnavailable

INVALID_BOOKMARK_CODES = frozenset(
    {
        "Neo.ClientError.Transaction.InvalidBookmark",
        "Neo.ClientError.Transaction.InvalidBookmarkMixture",
    }
)


@contextmanager
def store_failures(uri: str) -> Iterator[None]:
    """Translate, inside the block, the driver errors a caller can act on."""
    try:
        yield
    except IncompleteCommit as exc:
        # The connection dropped during COMMIT: the driver cannot know whether it happened, so
        # it does not retry. Sending the same request again is safe: an upsert of content
        # already stored changes nothing.
        raise StoreUnavailable(
            f"Neo4j at {uri} went away while committing; the write may or may not have been "
            f"made: send it again ({exc})"
        ) from exc
    except ClientError as exc:
        if exc.code in INVALID_BOOKMARK_CODES:
            raise InvalidInput(
                [Problem("bookmarks", f"not a bookmark this store gave out: {exc.message}")]
            ) from exc
        raise
    except ConnectionPoolError as exc:
        # No connection within the acquisition timeout: Neo4j hangs, or every one is busy.
        raise StoreUnavailable(f"no connection to Neo4j at {uri} in time: {exc}") from exc
    except (Neo4jError, DriverError) as exc:
        # Unreachable, a leader switch outlasting the retries, a database stopping or
        # starting, a replica not caught up with the caller's bookmarks within its timeout.
        if exc.is_retryable():
            raise StoreUnavailable(f"Neo4j at {uri} does not answer: {exc}") from exc
        raise
