"""The reject file: one CSV line per problem of every refused row (line, source_id, field,
reason), whether the mapping or the hub refused it."""

from __future__ import annotations

import csv
import os
from collections.abc import Iterable
from pathlib import Path
from typing import IO, Any

from mdm_hub.errors import Problem

HEADER = ("line", "source_id", "field", "reason")


class RejectFile:
    """Created on the first refused row; on resume, cut back to what the checkpoint counted
    (lines written after it belong to the batch that is sent again) and appended to."""

    def __init__(self, path: Path, keep_bytes: int = 0, lines: int = 0) -> None:
        self.path = path
        self.lines = lines
        self._file: IO[str] | None = None
        if keep_bytes and path.is_file():
            with path.open("r+b") as file:
                file.truncate(keep_bytes)
            self._file = path.open("a", encoding="utf-8", newline="")
        else:
            self.lines = 0
            path.unlink(missing_ok=True)  # a previous load's rejects
        self._writer = csv.writer(self._file) if self._file is not None else None

    def write(self, line: int, source_id: str | None, problems: Iterable[Problem]) -> None:
        writer = self._writer or self._open()
        for problem in problems:
            writer.writerow((line, source_id or "", problem.field, problem.reason))
            self.lines += 1

    def commit(self) -> int:
        """Make what was written durable; return the file's size (for the checkpoint)."""
        if self._file is None:
            return 0
        self._file.flush()
        os.fsync(self._file.fileno())
        return os.fstat(self._file.fileno()).st_size

    def close(self) -> None:
        if self._file is not None:
            self._file.close()

    def _open(self) -> Any:  # csv's writer type is private
        self._file = self.path.open("w", encoding="utf-8", newline="")
        self._writer = csv.writer(self._file)
        self._writer.writerow(HEADER)
        return self._writer
