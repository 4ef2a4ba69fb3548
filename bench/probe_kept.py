#!/usr/bin/env python3
"""Probe a hub that `matching_scale.py --keep-db` built, again and again: the per-record cost
of two versions of the code, or of two hub sizes, measured side by side.

A whole `matching_scale.py` run measures its points minutes apart, and this machine's speed
moves by tens of percent within minutes, so a ratio between points (or between two versions
of the code) from separate runs is mostly the machine. Here each run ingests `--probes` records
(`matching_scale.py`'s probes: half new people, half corrupted copies of hub people) into an
embedded hub kept on disk, one at a time, and prints a line of what `matching_scale.py` reports
for a point (`--output` writes all of it as JSON). Alternate runs of the things compared (each
on its own copy of the database; `--round` picks the probes, the same for both sides of a pair)
and compare the pairs. Keep the file in memory (the OS cache or /dev/shm), one copy at a time,
or the runs measure the disk.

    cp -r kept/ a/; cp -r kept/ b/
    for r in 1 2 3; do
      PYTHONPATH=old/src python bench/probe_kept.py --db a/hub.db --hub-people 1000000 --round $r
      PYTHONPATH=new/src python bench/probe_kept.py --db b/hub.db --hub-people 1000000 --round $r
    done

`--hub-people` is the size the database was built to (the copies are drawn from it).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from pathlib import Path
from typing import cast

sys.path.insert(0, str(Path(__file__).parent))
import matching_scale as scale
from machine_facts import load_average

from mdm_hub.adapters.embedded import EmbeddedStore
from mdm_hub.runtime import tune_garbage_collector
from mdm_hub.services.ingest import IngestService
from mdm_hub.wiring import shipped_rules

# Far above any point of matching_scale.py, so a round's source IDs and new people are its own.
ROUND_BASE = 1000


async def probe(args: argparse.Namespace) -> scale.Json:
    defaults = scale.parse_args([])
    matcher = cast("scale.TimedMatcher", scale.TimedMatcher.from_directory(scale.RULES_DIR))
    matcher.timings = scale.Timings()
    scale.time_embedded_finish(matcher)
    vocabulary = scale.build_vocabulary(
        defaults.seed,
        defaults.given_names,
        defaults.family_names,
        defaults.cities,
        defaults.postcodes,
        defaults.streets,
    )
    people = scale.People(vocabulary, defaults.seed)
    point = ROUND_BASE + args.round
    warmup = scale.make_probes(people, args.warmup, args.hub_people, defaults.seed, point, "warmup")
    probes = scale.make_probes(people, args.probes, args.hub_people, defaults.seed, point, "probe")
    store = EmbeddedStore(str(args.db))
    await store.open()
    try:
        ingest = IngestService(store, matcher, rules=shipped_rules())
        tune_garbage_collector()
        for record in warmup:
            await ingest.upsert(record.raw)
        load_before = load_average()
        stats, _ = await scale.measure(ingest, matcher, probes, defaults.seed)
        return {"round": args.round, "load": [load_before, load_average()], **stats}
    finally:
        await store.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", type=Path, required=True, help="a kept hub.db")
    parser.add_argument("--hub-people", type=int, required=True, help="the size it was built to")
    parser.add_argument("--round", type=int, default=1, help="which probes (1, 2, ...)")
    parser.add_argument("--probes", type=int, default=1000)
    parser.add_argument("--warmup", type=int, default=100)
    parser.add_argument("--output", type=Path, help="also write the figures here (JSON)")
    args = parser.parse_args()
    if not args.db.exists():
        parser.error(f"{args.db} does not exist")
    report = asyncio.run(probe(args))
    latency, cpu = report["latency_ms"], report["cpu_ms"]
    print(
        f"{args.db} round {args.round}: mean {latency['mean']:.3f} ms (p50 {latency['p50']:.3f}),"
        f" CPU mean {cpu['mean']:.3f} ms, match {report['match_ms']['mean']:.3f}"
        f" (retrieval {report['retrieval_ms']['mean']:.3f}),"
        f" candidates {report['candidates_after_top_k']['mean']}, outcomes {report['outcomes']},"
        f" copies {report['copies']}, load {report['load']}"
    )
    if args.output is not None:
        args.output.write_text(json.dumps(report, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
