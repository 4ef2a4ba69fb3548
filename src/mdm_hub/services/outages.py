"""A background poll's failures logged once per outage, not once per poll."""

from __future__ import annotations

from structlog.stdlib import BoundLogger


class OutageLog:
    def __init__(self, log: BoundLogger, what: str) -> None:
        self._log = log
        self._what = what
        self._failing = False

    def failed(self) -> None:
        """Call from the `except` block: the traceback is logged at the outage's start."""
        if not self._failing:
            self._log.warning(f"{self._what} failed", exc_info=True)
        self._failing = True

    def worked(self) -> None:
        if self._failing:
            self._log.info(f"{self._what} works again")
        self._failing = False
