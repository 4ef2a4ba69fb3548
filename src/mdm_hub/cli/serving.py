"""Who may serve an embedded store's file: one process, and one `serve` at a time.

The embedded store serialises writers with a lock inside its process and keeps
per-process state beside the file (its checkpoint thread), so two serving processes on one
file are refused at start with a message, not left to interleave. The claim is an advisory
lock on `<file>.serve-lock`, held until the process ends (the operating system releases it
even when the process is killed). CLI commands (keys, load, recompute) do not take it.
"""

from __future__ import annotations

import fcntl
import os

# Open for the life of the process: closing the descriptor would release the lock.
_claims: list[int] = []


def claim_embedded_file(path: str, workers: int) -> str | None:
    """None when this process may serve `path`; otherwise why not."""
    if workers > 1:
        return (
            f"--workers {workers} needs the Neo4j store (MDM_STORE=neo4j): the embedded "
            f"store's file {path} is served by one process"
        )
    if path == ":memory:":
        return None
    lock_path = f"{path}.serve-lock"
    descriptor = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(descriptor)
        return (
            f"another mdm-hub serve already serves the embedded store {path} (it holds "
            f"{lock_path}); run one process per file, or use MDM_STORE=neo4j for several"
        )
    _claims.append(descriptor)
    return None
