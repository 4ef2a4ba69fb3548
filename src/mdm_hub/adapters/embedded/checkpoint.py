"""WAL checkpoints off the writer's path.

SQLite's own checkpoint runs inside the COMMIT that crosses `wal_autocheckpoint`, so the
writer (and every request waiting on it) stops while the WAL is copied into the database file
and both are synced: ~60 ms per 10,000 pages on this project's disk, 8% of a febrl3 load. Here a
thread with its own connection runs PASSIVE checkpoints instead, at most one per `interval`
after commits happen. SQLite releases the GIL while it copies and syncs, so the work goes to
another core, and a PASSIVE checkpoint never blocks the writer or readers.

The writer keeps its own checkpoint at the usual size. Under a steady load the writer commits
while the thread copies, so the thread rarely finishes the WAL and the file cannot start over;
the writer's checkpoint then copies only the frames left (13-22 ms, not 55-60) and the WAL
restarts: it stays about as large as before (~40 MB), and nothing depends on the thread.
"""

from __future__ import annotations

import logging
import sqlite3
import threading

log = logging.getLogger(__name__)

# The WAL size (pages) at which the writer checkpoints by itself: what is left after this
# thread's copies, or everything should the thread fail.
BACKSTOP_PAGES = 10_000
CHECKPOINT_INTERVAL_SECONDS = 1.0


class WalCheckpointer:
    """Start once the database is in WAL mode; tell it of each commit; stop before close."""

    def __init__(self, path: str, interval: float = CHECKPOINT_INTERVAL_SECONDS) -> None:
        self._path = path
        self._interval = interval
        self._committed = threading.Event()
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None
        self.checkpoints = 0  # completed PASSIVE checkpoints, for health checks and tests

    def start(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(
                target=self._run, name="mdm-hub-wal-checkpoint", daemon=True
            )
            self._thread.start()

    def committed(self) -> None:
        """A write transaction committed: its frames are there to copy back."""
        self._committed.set()

    def stop(self) -> None:
        """Finish the checkpoint under way, if any, and end the thread."""
        thread, self._thread = self._thread, None
        if thread is not None:
            self._stopping.set()
            self._committed.set()
            thread.join()
            self._stopping.clear()

    def _run(self) -> None:
        try:
            db = sqlite3.connect(self._path, isolation_level=None)
        except sqlite3.Error:
            log.exception("WAL checkpoints: cannot open %s; the writer does them", self._path)
            return
        try:
            while not self._stopping.is_set():
                self._committed.wait()
                self._committed.clear()
                if self._stopping.is_set():
                    break
                self._checkpoint(db)
                # Pages rewritten by several commits in this pause are copied once.
                self._stopping.wait(self._interval)
        finally:
            db.close()

    def _checkpoint(self, db: sqlite3.Connection) -> None:
        try:
            db.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
        except sqlite3.Error:
            # Nothing is lost: the frames stay in the WAL and the writer's backstop copies them.
            log.exception("WAL checkpoint of %s failed", self._path)
            return
        self.checkpoints += 1
