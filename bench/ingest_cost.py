#!/usr/bin/env python3
"""What ingesting a febrl3 record costs: wall clock, or instructions.

The first `--records` febrl3 person records go through the real `IngestService.upsert_many`,
`--batch` to a call, into a fresh embedded store (in `--workdir`, default the system temp
folder; use /dev/shm to keep disk throttling out). One untimed record first warms the caches.

    .venv/bin/python bench/ingest_cost.py                          # wall clock, best of 3
    .venv/bin/python bench/ingest_cost.py --instructions --records 600
    .venv/bin/python bench/ingest_cost.py --cpu-time --workdir /dev/shm   # per CPU second

Wall clock on a shared machine swings from one minute to the next; instruction counts do
not. `--instructions` re-runs the script under `valgrind --tool=callgrind` with collection
switched on (through `callgrind_control`) only around the ingest, and prints instructions
per record: the figure to compare two versions of the code by (needs valgrind). To compare
two checkouts, run the same command with each one's `src` first on PYTHONPATH.
"""

from __future__ import annotations

import argparse
import asyncio
import shutil
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from callgrind import counting, rerun_counting

from mdm_hub.adapters.embedded import EmbeddedStore
from mdm_hub.domain.systems import SourceSystem, SystemKind
from mdm_hub.evaluation.datasets import LabelledRecord, febrl3
from mdm_hub.evaluation.harness import evaluation_systems
from mdm_hub.runtime import tune_garbage_collector
from mdm_hub.services import matching
from mdm_hub.services.ingest import IngestService, RawRecord
from mdm_hub.wiring import shipped_matcher, shipped_rules

ENTITY = "EMPLOYEE"


async def _ingest_once(
    records: list[LabelledRecord],
    batch: int,
    workdir: str | None,
    callgrind: bool,
    clock: Callable[[], float] = time.perf_counter,
) -> float:
    folder = tempfile.mkdtemp(prefix="mdm-ingest-cost-", dir=workdir)
    store = EmbeddedStore(str(Path(folder) / "ingest.db"))
    await store.open()
    try:
        warmup = SourceSystem(code="WARMUP", name="warm-up", kind=SystemKind.OTHER)
        systems = evaluation_systems().with_systems([warmup])
        ingest = IngestService(store, shipped_matcher(), rules=shipped_rules(), systems=systems)
        first = records[0]
        await ingest.upsert_many([RawRecord("WARMUP", ENTITY, "warmup", first.attributes)])
        with counting(callgrind):
            started = clock()
            for start in range(0, len(records), batch):
                raws = [
                    RawRecord(r.system, ENTITY, r.source_id, r.attributes)
                    for r in records[start : start + batch]
                ]
                await ingest.upsert_many(raws)
            return clock() - started
    finally:
        await store.close()
        shutil.rmtree(folder, ignore_errors=True)


def _instructions(args: argparse.Namespace) -> None:
    arguments = ["--under-callgrind", "--records", str(args.records), "--batch", str(args.batch)]
    arguments += ["--runs", "1", *(["--workdir", args.workdir] if args.workdir else [])]
    if args.prepared_cache is not None:
        arguments += ["--prepared-cache", str(args.prepared_cache)]
    per_record = rerun_counting(__file__, arguments) / args.records
    cache = "" if args.prepared_cache is None else f", prepared cache {args.prepared_cache}"
    print(
        f"{per_record:,.0f} instructions per record on the ingesting thread "
        f"({args.records} febrl3 records, batches of {args.batch}{cache})"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--records", type=int, default=5000, help="febrl3 records (max 5,000)")
    parser.add_argument("--batch", type=int, default=100, help="records per upsert call")
    parser.add_argument("--runs", type=int, default=3, help="wall clock: best of this many")
    parser.add_argument("--workdir", default=None, help="where the temporary store goes")
    parser.add_argument("--instructions", action="store_true", help="count instructions")
    parser.add_argument(
        "--cpu-time",
        action="store_true",
        help="time by the ingesting thread's CPU time, not wall clock (moves less with load)",
    )
    parser.add_argument(
        "--prepared-cache",
        type=int,
        default=None,
        help="how many prepared records the matcher keeps (default: the hub's own); 0 makes "
        "every candidate a stranger, as in a hub larger than the cache or just restarted",
    )
    parser.add_argument("--under-callgrind", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.prepared_cache is not None:
        matching.PREPARED_CACHE_SIZE = args.prepared_cache
    if args.instructions:
        _instructions(args)
        return
    records = list(febrl3().records)[: args.records]
    tune_garbage_collector()  # as the hub's own processes do once loaded
    clock = time.thread_time if args.cpu_time else time.perf_counter
    runs = [
        asyncio.run(_ingest_once(records, args.batch, args.workdir, args.under_callgrind, clock))
        for _ in range(args.runs)
    ]
    if not args.under_callgrind:
        rates = sorted(len(records) / seconds for seconds in runs)
        per = " per CPU second of the ingesting thread" if args.cpu_time else ""
        print(
            f"{len(records)} febrl3 records in batches of {args.batch}: best {rates[-1]:,.0f}, "
            f"median {rates[len(rates) // 2]:,.0f} records/s{per} over {len(rates)} runs"
        )


if __name__ == "__main__":
    main()
