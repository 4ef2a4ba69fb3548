"""Instruction counts of one part of a bench run, under valgrind's callgrind.

Wall clock on this shared 2-core machine swings by a factor of two from one minute to the
next; an instruction count does not. A bench re-runs itself under callgrind with collection
off (`rerun_counting`), switches it on only around the part it measures (`counting`), and
reads the main thread's total. Needs valgrind (with callgrind_control) on PATH.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path

_TOTALS = re.compile(r"^totals: (\d+)", re.MULTILINE)


@contextlib.contextmanager
def counting(enabled: bool = True) -> Iterator[None]:
    """Collect instructions in this process inside the block (when run under callgrind)."""
    if enabled:
        _control("--instr=on")
    try:
        yield
    finally:
        if enabled:
            _control("--instr=off")


def rerun_counting(script: str, arguments: Sequence[str]) -> int:
    """Run `script` with `arguments` under callgrind, collection off until it switches it
    on; the instructions its main thread ran while collecting. Exits when that fails."""
    if shutil.which("valgrind") is None or shutil.which("callgrind_control") is None:
        sys.exit("--instructions needs valgrind (with callgrind_control) on PATH")
    with tempfile.TemporaryDirectory(prefix="mdm-callgrind-") as out:
        command = [
            "valgrind",
            "--tool=callgrind",
            "--instr-atstart=no",
            # One count per thread: a store's helper threads (the WAL checkpoint) work beside
            # the measured one, and their share depends on how long the slowed run takes.
            "--separate-threads=yes",
            f"--callgrind-out-file={out}/cg.out",
            sys.executable,
            script,
            *arguments,
        ]
        done = subprocess.run(command, capture_output=True, text=True, check=False)
        main_thread = Path(out) / "cg.out-01"
        if done.returncode != 0 or not main_thread.exists():
            sys.exit(f"the callgrind run failed:\n{done.stderr[-2000:]}")
        found = _TOTALS.search(main_thread.read_text())
    if found is None:
        sys.exit(f"no instruction total in {main_thread.name}")
    return int(found.group(1))


def _control(*args: str) -> None:
    subprocess.run(
        ["callgrind_control", *args, str(os.getpid())], check=True, stdout=subprocess.DEVNULL
    )
