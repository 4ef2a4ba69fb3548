"""When the embedded store's file cannot serve: SQLite errors that say so, and a file that was
deleted or replaced under the open connection.

A connection keeps writing into a file that was unlinked (its data directory deleted): every
write is answered as a success and lost when the process stops. So the file opened is
remembered by device and inode and checked before each commit and by `ping`.
"""

from __future__ import annotations

import os
import sqlite3

from mdm_hub.errors import StoreUnavailable

# SQLite primary result codes that mean the file (or the disk under it) cannot serve, as
# opposed to a statement the hub got wrong: read-only, I/O error, disk full, locked past the
# busy timeout, gone, not a database, corrupt.
_UNAVAILABLE = frozenset(
    {
        sqlite3.SQLITE_PERM,
        sqlite3.SQLITE_BUSY,
        sqlite3.SQLITE_LOCKED,
        sqlite3.SQLITE_NOMEM,
        sqlite3.SQLITE_READONLY,
        sqlite3.SQLITE_IOERR,
        sqlite3.SQLITE_CORRUPT,
        sqlite3.SQLITE_FULL,
        sqlite3.SQLITE_CANTOPEN,
        sqlite3.SQLITE_PROTOCOL,
        sqlite3.SQLITE_NOTADB,
    }
)


def is_read_only(error: sqlite3.Error) -> bool:
    return _primary_code(error) == sqlite3.SQLITE_READONLY


def unavailable(path: str, error: sqlite3.Error) -> StoreUnavailable | None:
    """The StoreUnavailable `error` amounts to, or None when it is not about the file."""
    if _primary_code(error) not in _UNAVAILABLE:
        return None
    return StoreUnavailable(f"embedded store {path!r} cannot serve: {error}")


def _primary_code(error: sqlite3.Error) -> int | None:
    code = getattr(error, "sqlite_errorcode", None)
    return code & 0xFF if isinstance(code, int) else None


class OpenedFile:
    """The database file as it was when the store opened it."""

    def __init__(self, path: str) -> None:
        self.path = path
        self._identity = _identity(path)

    @classmethod
    def of(cls, path: str) -> OpenedFile | None:
        """None for an in-memory database (nothing on disk to lose)."""
        if path in ("", ":memory:") or path.startswith("file:"):
            return None
        return cls(path)

    def check(self) -> None:
        """Raise StoreUnavailable when the path no longer names the file opened."""
        try:
            now = _identity(self.path)
        except FileNotFoundError:
            raise StoreUnavailable(
                f"embedded store file {self.path!r} is gone (deleted with its directory?); "
                "writes are refused so that none is lost: restore it and restart the hub"
            ) from None
        except OSError as exc:
            raise StoreUnavailable(
                f"embedded store file {self.path!r} cannot be checked: {exc.strerror}"
            ) from exc
        if now != self._identity:
            raise StoreUnavailable(
                f"embedded store file {self.path!r} was replaced by another file since the hub "
                "opened it; writes are refused: restart the hub"
            )


def _identity(path: str) -> tuple[int, int]:
    stat = os.stat(path)
    return stat.st_dev, stat.st_ino
