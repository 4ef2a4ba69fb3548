#!/usr/bin/env python3
"""What an ingest stored, as one digest per table: to show a speed change changed no outcome.

Each data set (`name` or `name:seed` for a shuffled arrival order) goes through the real
`IngestService.upsert_many`, 100 records a call, into a fresh embedded store, with a clock that
ticks one millisecond a call and golden and candidate IDs from counters, so two runs of the
same code store the same bytes: audit events and their hash chain, change events, golden
records, memberships with scores and explanations, match keys, term counts, the search index's
rows. Then every table is read whole and hashed (row count and digest); FTS5's own segment
tables (`*_data`, `*_idx`) are left out, as they depend on how writes were grouped, not on
what was written. The results (`repr` of each upsert's outcome) are hashed too.

    .venv/bin/python bench/stored_digest.py before.json febrl3 companies landscape-customer:1
    PYTHONPATH=/path/to/other/checkout/src .venv/bin/python bench/stored_digest.py after.json ...
    .venv/bin/python bench/stored_digest.py --compare before.json after.json
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import json
import random
import sqlite3
import sys
import tempfile
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from itertools import count
from pathlib import Path

from mdm_hub.adapters.embedded import EmbeddedStore
from mdm_hub.cli.evaluate import DATASETS
from mdm_hub.config import Settings
from mdm_hub.domain.entity_types import EntityType
from mdm_hub.evaluation.harness import evaluation_systems
from mdm_hub.runtime import tune_garbage_collector
from mdm_hub.services.ingest import IngestService, RawRecord
from mdm_hub.services.matching import RecordMatcher
from mdm_hub.wiring import matching_directory, shipped_rules

BATCH = 100
# FTS5's segment b-trees: the same rows land in more or fewer segments as writes are grouped.
_SEGMENT_TABLES = ("_data", "_idx")
START = datetime(2026, 1, 1, tzinfo=UTC)


def _ticking_clock() -> tuple[Callable[[], datetime], count[int]]:
    ticks = count()
    return (lambda: START + timedelta(milliseconds=next(ticks))), ticks


async def _digest(spec: str, workdir: str | None) -> dict[str, str]:
    name, _, seed = spec.partition(":")
    data = DATASETS[name]()
    records = list(data.records)
    if seed:
        random.Random(int(seed)).shuffle(records)
    matcher = RecordMatcher.from_directory(matching_directory(Settings()), evaluation_systems())
    clock, ticks = _ticking_clock()
    goldens, candidates = count(), count()

    def golden_id(entity_type: EntityType) -> str:
        return f"{entity_type.id_prefix}_{next(goldens):08d}"

    with tempfile.TemporaryDirectory(prefix="mdm-digest-", dir=workdir) as folder:
        path = str(Path(folder) / "digest.db")
        store = EmbeddedStore(path)
        await store.open()
        try:
            ingest = IngestService(
                store,
                matcher,
                rules=shipped_rules(),
                systems=evaluation_systems(),
                clock=clock,
                new_golden_id=golden_id,
                new_candidate_id=lambda: f"mc_{next(candidates):08d}",
            )
            outcomes = hashlib.sha256()
            for start in range(0, len(records), BATCH):
                raws = [
                    RawRecord(
                        r.system, r.entity_type or data.entity_type, r.source_id, r.attributes
                    )
                    for r in records[start : start + BATCH]
                ]
                for result in await ingest.upsert_many(raws):
                    outcomes.update(repr(result).encode())
        finally:
            await store.close()
        found = {"(outcomes)": outcomes.hexdigest()[:16], "(clock reads)": str(next(ticks))}
        with sqlite3.connect(path) as db:
            found.update(_tables(db))
    return found


def _tables(db: sqlite3.Connection) -> dict[str, str]:
    found = {}
    names = db.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
    for (table,) in names.fetchall():
        if table.endswith(_SEGMENT_TABLES) or table.startswith("sqlite_stat"):
            continue
        rows = sorted(repr(row) for row in db.execute(f'SELECT * FROM "{table}"'))
        digest = hashlib.sha256("\n".join(rows).encode()).hexdigest()[:16]
        found[table] = f"{len(rows)} rows {digest}"
    return found


def _compare(before: Path, after: Path) -> int:
    old, new = json.loads(before.read_text()), json.loads(after.read_text())
    differences = 0
    for spec in sorted(old.keys() & new.keys()):
        for table in sorted(old[spec].keys() | new[spec].keys()):
            if old[spec].get(table) != new[spec].get(table):
                differences += 1
                print(f"{spec} {table}: {old[spec].get(table)} -> {new[spec].get(table)}")
    print(f"{len(old.keys() & new.keys())} data sets compared, {differences} differences")
    return 1 if differences else 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("output", type=Path, help="where the digests go (JSON)")
    parser.add_argument("datasets", nargs="*", help="name or name:seed (default: febrl3)")
    parser.add_argument("--workdir", default=None, help="where the temporary stores go")
    parser.add_argument("--compare", type=Path, help="compare OUTPUT with this digest file")
    args = parser.parse_args()
    if args.compare is not None:
        sys.exit(_compare(args.output, args.compare))
    tune_garbage_collector()
    found = {}
    for spec in args.datasets or ["febrl3"]:
        found[spec] = asyncio.run(_digest(spec, args.workdir))
        print(spec, found[spec]["(outcomes)"], file=sys.stderr)
    args.output.write_text(json.dumps(found, indent=1, sort_keys=True) + "\n")


if __name__ == "__main__":
    main()
