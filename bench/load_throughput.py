#!/usr/bin/env python3
"""What `mdm-hub load` costs over the batch upsert it drives.

`--records` generated customers (default 20,000; a sixth of them in groups of 2-3 that share a
tax ID and differ in spelling, so linking is exercised) are written as a CSV export of the
`psa` system with a mapping of nine columns, then loaded twice into the same kind of store:

1. through the loader's engine (`FileLoad`: read, map, batches of `--batch`, the reject file
   and a checkpoint after every batch) into IngestService, as `mdm-hub load` does;
2. the same records, mapped beforehand, through `IngestService.upsert_many` in batches of
   `--batch`: what `upsertSourceRecords` runs server-side.

Each path gets a fresh embedded store (a file in `--workdir`); on Neo4j (`--store neo4j`: the
server in MDM_NEO4J_URI, else a throwaway local one) each path's records carry their own tag
in IDs, tax IDs and names, so neither path meets the other's records. One untimed record warms
the caches first. Prints records/s of both paths, best of `--runs`, and their ratio (target:
the loader at >= 80% of the batch upsert).

    .venv/bin/python bench/load_throughput.py --workdir /dev/shm
    .venv/bin/python bench/load_throughput.py --store neo4j --records 5000
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import random
import tempfile
import time
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from pathlib import Path
from typing import NamedTuple

from mdm_hub.adapters.embedded import EmbeddedStore
from mdm_hub.adapters.neo4j import Neo4jStore
from mdm_hub.datafiles import shipped
from mdm_hub.domain.audit import AuditContext
from mdm_hub.neo4j_local import Neo4jEndpoint
from mdm_hub.onboarding.loading.engine import FileLoad, LoadOptions
from mdm_hub.onboarding.loading.hub import DirectHub
from mdm_hub.onboarding.loading.readers import open_export
from mdm_hub.onboarding.loading.rows import Upsert, map_row
from mdm_hub.onboarding.mappings import ExportMapping, parse_mapping
from mdm_hub.onboarding.systems_file import shipped_systems
from mdm_hub.ports import Store
from mdm_hub.runtime import tune_garbage_collector
from mdm_hub.services.ingest import IngestService, RawRecord
from mdm_hub.wiring import Services

SYLLABLES = ("ka", "lo", "mi", "ver", "ton", "bra", "sel", "qui", "dor", "fen", "gar", "hal",
             "ist", "jun", "kel", "lum", "mar")  # fmt: skip
NOUNS = ("Analytics", "Logistics", "Foods", "Energy", "Systems", "Partners", "Media")
PLACES = (("DE", "Berlin"), ("GB", "London"), ("FR", "Paris"), ("US", "Chicago"))
SHARED_GROUP_P = 1 / 6
COLUMNS = ("Account ID", "Account Name", "Legal Name", "VAT", "Country", "City", "Website",
           "Phone", "Type", "Modified")  # fmt: skip
MAPPING = """
system: psa
entity_type: CUSTOMER
object: customer
source_id: Account ID
observed_at: Modified
skip_if: {column: Type, equals: Prospect}
attributes:
  name: Account Name
  legal_name: Legal Name
  tax_id: VAT
  country: Country
  city: City
  website: Website
  phone: Phone
"""


def make_rows(count: int, seed: int, tag: str) -> list[dict[str, str]]:
    rng = random.Random(seed)
    rows: list[dict[str, str]] = []
    while len(rows) < count:
        stem = "".join(rng.choice(SYLLABLES) for _ in range(3)).title()
        name = f"{stem} {tag.title()} {rng.choice(NOUNS)}"
        country, city = rng.choice(PLACES)
        vat = f"{country}{tag}{rng.randrange(10**8, 10**9)}"
        size = rng.choice((2, 3)) if rng.random() < SHARED_GROUP_P else 1
        for member in range(min(size, count - len(rows))):
            rows.append(
                {
                    "Account ID": f"{tag}-{len(rows) + 1}",
                    "Account Name": name if member == 0 else f"{name} GmbH".upper(),
                    "Legal Name": f"{name} Limited",
                    "VAT": vat,
                    "Country": country,
                    "City": city,
                    "Website": f"https://{stem.lower()}{tag}.example" if rng.random() < 0.6 else "",
                    "Phone": f"+49 30 {rng.randrange(10**6, 10**7)}" if rng.random() < 0.5 else "",
                    "Type": "Client",
                    "Modified": f"2024-0{rng.randrange(1, 10)}-1{rng.randrange(10)}T10:00:00Z",
                }
            )
    return rows


def write_export(path: Path, rows: list[dict[str, str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as file:
        writer = csv.DictWriter(file, COLUMNS)
        writer.writeheader()
        writer.writerows(rows)
    return path


def mapped_records(export: Path, mapping: ExportMapping) -> list[RawRecord]:
    reader = open_export(export, mapping)
    try:
        mapped = [map_row(mapping, row) for row in reader.rows()]
    finally:
        reader.close()
    return [item.record for item in mapped if isinstance(item, Upsert)]


@asynccontextmanager
async def fresh_store(
    kind: str, folder: Path, endpoint: Neo4jEndpoint | None
) -> AsyncIterator[Store]:
    store: Store
    if kind == "embedded":
        store = EmbeddedStore(str(Path(tempfile.mkdtemp(dir=folder)) / "hub.db"))
    else:
        assert endpoint is not None
        store = Neo4jStore(endpoint.uri, endpoint.user, endpoint.password, shipped("cypher"))
    await store.open()
    try:
        yield store
    finally:
        await store.close()


async def warm_up(ingest: IngestService, tag: str) -> None:
    await ingest.upsert_many([RawRecord("psa", "CUSTOMER", f"warmup-{tag}", {"name": "Warm Up"})])


class Rates(NamedTuple):
    wall: float  # records per second of wall clock
    cpu: float  # records per CPU second of this process (all its threads)


class Stopwatch:
    """Wall clock and this process's CPU time: on a shared machine the CPU time moves much
    less with what the other processes do."""

    def __init__(self) -> None:
        self.wall = time.perf_counter()
        self.cpu = time.process_time()

    def rates(self, records: int) -> Rates:
        wall = time.perf_counter() - self.wall
        cpu = time.process_time() - self.cpu
        return Rates(records / wall, records / cpu)


async def via_loader(store: Store, export: Path, mapping: ExportMapping, batch: int) -> Rates:
    services = Services.over(store)
    await warm_up(services.ingest, export.stem)
    hub = DirectHub(services.ingest, store, "bench", AuditContext("bench", "system"))
    load = FileLoad(export, mapping, hub, LoadOptions(batch_size=batch, restart=True))
    watch = Stopwatch()
    summary = await load.run()
    rates = watch.rates(summary.rows)
    assert summary.counts.total() == summary.rows, summary
    return rates


async def via_batches(store: Store, records: list[RawRecord], batch: int, tag: str) -> Rates:
    services = Services.over(store)
    await warm_up(services.ingest, tag)
    watch = Stopwatch()
    for start in range(0, len(records), batch):
        await services.ingest.upsert_many(records[start : start + batch])
    return watch.rates(len(records))


async def bench(args: argparse.Namespace, endpoint: Neo4jEndpoint | None) -> None:
    folder = Path(tempfile.mkdtemp(prefix="mdm-load-bench-", dir=args.workdir))
    mapping = parse_mapping(MAPPING, "bench mapping", shipped_systems())
    loader_rates: list[Rates] = []
    batch_rates: list[Rates] = []
    stamp = f"{int(time.time()) % 100000:05d}"
    for run in range(args.runs):
        tags = (f"l{stamp}r{run}", f"b{stamp}r{run}")
        exports = [
            write_export(folder / f"{tag}.csv", make_rows(args.records, args.seed, tag))
            for tag in tags
        ]
        records = mapped_records(exports[1], mapping)
        # Alternate which path goes first: the machine's load drifts.
        order = ("loader", "batches") if run % 2 == 0 else ("batches", "loader")
        for path in order:
            async with fresh_store(args.store, folder, endpoint) as store:
                if path == "loader":
                    loader_rates.append(await via_loader(store, exports[0], mapping, args.batch))
                else:
                    batch_rates.append(await via_batches(store, records, args.batch, tags[1]))
        loader, batches = loader_rates[-1], batch_rates[-1]
        print(
            f"run {run + 1}: loader {loader.wall:,.0f}/s ({loader.cpu:,.0f} per CPU s), "
            f"upsert_many {batches.wall:,.0f}/s ({batches.cpu:,.0f} per CPU s)"
        )
    loader = Rates(max(r.wall for r in loader_rates), max(r.cpu for r in loader_rates))
    batches = Rates(max(r.wall for r in batch_rates), max(r.cpu for r in batch_rates))
    print(
        f"\n{args.records:,} customers on {args.store}, batches of {args.batch}, best of "
        f"{args.runs}:\n                                   wall clock    per CPU second\n"
        f"  mdm-hub load engine      {loader.wall:9,.0f} records/s {loader.cpu:9,.0f} records/s\n"
        f"  upsert_many in batches   {batches.wall:9,.0f} records/s {batches.cpu:9,.0f} records/s\n"
        f"  ratio                    {loader.wall / batches.wall:9.1%}         "
        f"{loader.cpu / batches.cpu:9.1%}  (target >= 80%)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--records", type=int, default=20_000)
    parser.add_argument("--batch", type=int, default=500)
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--store", choices=("embedded", "neo4j"), default="embedded")
    parser.add_argument("--workdir", default=None, help="Where the exports and stores go.")
    args = parser.parse_args()
    tune_garbage_collector()  # as the hub's own bulk commands do

    async def run() -> None:
        async with AsyncExitStack() as stack:
            endpoint = None
            if args.store == "neo4j":
                from mdm_hub.neo4j_local import provide_neo4j  # noqa: PLC0415

                endpoint = stack.enter_context(provide_neo4j())
            await bench(args, endpoint)

    asyncio.run(run())


if __name__ == "__main__":
    main()
