"""Facts about the machine a benchmark ran on, recorded beside its figures."""

from __future__ import annotations

import contextlib
import os
import platform
from pathlib import Path


def load_average() -> list[float] | None:
    # Other work on the machine skews timings; the load average at least shows it happened.
    with contextlib.suppress(OSError, AttributeError):
        return [round(x, 2) for x in os.getloadavg()]
    return None


def cpu_model() -> str | None:
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text(encoding="utf-8").splitlines():
            if line.startswith("model name"):
                return line.partition(":")[2].strip()
    return platform.processor() or None


def memory_gib() -> float | None:
    with contextlib.suppress(OSError, ValueError):
        for line in Path("/proc/meminfo").read_text(encoding="utf-8").splitlines():
            if line.startswith("MemTotal:"):
                return round(int(line.split()[1]) / 1024**2, 1)
    return None


def cpu_seconds(pid: int | None) -> float:
    """User + system CPU seconds process `pid` has used (0 without one), from /proc: a
    server's own work during a run (Neo4j's, beside the hub's)."""
    if not pid:
        return 0.0
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
