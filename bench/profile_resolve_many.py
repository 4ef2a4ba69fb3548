#!/usr/bin/env python3
"""Where a 1,000-ref `resolveMany` spends its time in process: the real app over
httpx.ASGITransport (no sockets), on the embedded store or a local Neo4j.

Prints the median of timed calls split into the whole request (wall clock, and the
process's CPU time, which other processes on a busy machine disturb less), the store's
`resolve_many` alone and (Neo4j) the driver's round trip with its record decoding;
`--profile` adds a cProfile of the timed requests, sorted by own time. `--instructions`
counts the instructions a request costs instead (callgrind, collection on around the timed
requests only; the in-process client's encoding and decoding included): the figure to compare
two versions of the code by on a machine whose speed moves (needs valgrind; minutes: the load
runs ~50 times slower).

    PYTHONPATH=src .venv/bin/python bench/profile_resolve_many.py --store embedded --profile
    PYTHONPATH=src .venv/bin/python bench/profile_resolve_many.py --store neo4j --records 2000
    PYTHONPATH=src .venv/bin/python bench/profile_resolve_many.py --instructions --records 1000
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import cProfile
import pstats
import random
import statistics
import tempfile
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any, NamedTuple

import httpx
from callgrind import counting, rerun_counting
from resolve_latency import MAX_BATCH, RESOLVE_MANY, UPSERT, make_dataset, ref_input

from mdm_hub.api.app import create_app
from mdm_hub.config import Settings
from mdm_hub.domain.access import Role
from mdm_hub.domain.records import SourceKey
from mdm_hub.ports import Store
from mdm_hub.runtime import tune_garbage_collector
from mdm_hub.services.api_keys import ApiKeyService

SHIPPED_CYPHER = Path(__file__).resolve().parents[1] / "src" / "mdm_hub" / "shipped" / "cypher"


@contextlib.asynccontextmanager
async def open_store(kind: str) -> AsyncIterator[Store]:
    if kind == "embedded":
        from mdm_hub.adapters.embedded import EmbeddedStore  # noqa: PLC0415

        with tempfile.TemporaryDirectory(prefix="mdm-profile-") as workdir:
            embedded = EmbeddedStore(str(Path(workdir) / "hub.db"))
            await embedded.open()
            try:
                yield embedded
            finally:
                await embedded.close()
        return
    from mdm_hub.adapters.neo4j import Neo4jStore  # noqa: PLC0415
    from mdm_hub.neo4j_local import provide_neo4j  # noqa: PLC0415

    with provide_neo4j() as endpoint:
        neo4j = Neo4jStore(
            uri=endpoint.uri,
            user=endpoint.user,
            password=endpoint.password,
            cypher_dir=SHIPPED_CYPHER,
        )
        await neo4j.open()
        try:
            yield neo4j
        finally:
            await neo4j.close()


def ms(values: list[float]) -> str:
    return f"p50 {statistics.median(values):.1f} ms (min {min(values):.1f}, max {max(values):.1f})"


class LoadedHub(NamedTuple):
    """The app on a store holding the loaded customers, and how to post GraphQL to it."""

    store: Store
    app: Any
    token: str
    dataset: Any
    post: Callable[[str, dict[str, Any]], Awaitable[dict[str, Any]]]


@contextlib.asynccontextmanager
async def loaded_hub(
    kind: str, records: int, seed: int, resolve_cache: bool = False
) -> AsyncIterator[LoadedHub]:
    """The real app on `kind`'s store with `records` customers loaded through it, each POST
    handed to its ASGI interface by httpx (no sockets). Its resolve cache is off unless asked
    for: what is profiled is a resolve that reads the store."""
    dataset = make_dataset(records, seed, tag=f"P{random.randrange(10**6):06d}")
    async with open_store(kind) as store:
        _, token = await ApiKeyService(store).create("profile", Role.STEWARD, None, None)
        settings = Settings() if resolve_cache else Settings(resolve_cache_size=0)
        app = create_app(settings, store=store)
        tune_garbage_collector()  # as `mdm-hub serve` does once the app is loaded
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app),
            base_url="http://hub",
            headers={"Authorization": f"Bearer {token}"},
            timeout=300,
        ) as http:

            async def post(query: str, variables: dict[str, Any]) -> dict[str, Any]:
                response = await http.post(
                    "/graphql", json={"query": query, "variables": variables}
                )
                body: dict[str, Any] = response.json()
                if response.status_code != 200 or body.get("errors"):
                    raise RuntimeError(str(body)[:2000])
                data: dict[str, Any] = body["data"]
                return data

            for start in range(0, len(dataset.records), MAX_BATCH):
                await post(UPSERT, {"inputs": dataset.records[start : start + MAX_BATCH]})
            yield LoadedHub(store, app, token, dataset, post)


async def run(args: argparse.Namespace) -> None:
    async with loaded_hub(args.store, args.records, args.seed, args.resolve_cache) as hub:
        store, dataset, post = hub.store, hub.dataset, hub.post
        rng = random.Random(args.seed)
        batches = [rng.sample(dataset.refs, MAX_BATCH) for _ in range(args.calls)]
        bodies = [{"refs": [ref_input(r) for r in refs]} for refs in batches]
        for variables in bodies[: args.warmup]:
            await post(RESOLVE_MANY, variables)

        if args.under_callgrind:
            with counting():
                for variables in bodies:
                    await post(RESOLVE_MANY, variables)
            return

        whole: list[float] = []
        cpu: list[float] = []
        profiler = cProfile.Profile() if args.profile else None
        for variables in bodies:
            if profiler is not None:
                profiler.enable()
            started, started_cpu = time.perf_counter(), time.process_time()
            data = await post(RESOLVE_MANY, variables)
            whole.append((time.perf_counter() - started) * 1000)
            cpu.append((time.process_time() - started_cpu) * 1000)
            if profiler is not None:
                profiler.disable()
            assert len(data["resolveMany"]) == MAX_BATCH
            assert all(answer is not None for answer in data["resolveMany"])

        reads: list[float] = []
        for refs in batches:
            keys = [SourceKey.parse(system, "CUSTOMER", source_id) for system, source_id in refs]
            started = time.perf_counter()
            await store.resolve_many(keys)
            reads.append((time.perf_counter() - started) * 1000)

        print(f"{args.store}: {args.calls} resolveMany of {MAX_BATCH} refs, {args.records} records")
        print(f"  whole request in process   {ms(whole)}")
        print(f"  CPU time of the request     {ms(cpu)}")
        print(f"  store.resolve_many alone    {ms(reads)}")
        if args.store == "neo4j":
            await driver_split(store, batches)
        if profiler is not None:
            stats = pstats.Stats(profiler)
            stats.sort_stats(args.sort).print_stats(args.lines)


async def driver_split(store: Any, batches: list[list[tuple[str, str]]]) -> None:
    """The driver's round trip with its decoding of the one record, then our mapping."""
    from mdm_hub.adapters.neo4j.catalog import Query  # noqa: PLC0415
    from mdm_hub.adapters.neo4j.params import key_params  # noqa: PLC0415
    from mdm_hub.adapters.neo4j.store import _resolution  # noqa: PLC0415

    round_trip: list[float] = []
    mapping: list[float] = []
    server: list[float] = []
    rows: list[Any] = []
    for refs in batches:
        keys = [SourceKey.parse(system, "CUSTOMER", source_id) for system, source_id in refs]
        params = {"refs": [key_params(key) for key in keys]}
        async with store.driver.session(default_access_mode="READ") as session:
            started = time.perf_counter()
            result = await session.run(store._catalog[Query.RESOLVE_MANY], params)
            record = await result.single(strict=True)
            middle = time.perf_counter()
            rows = record[0]
            _ = [_resolution(*row[1:]) for row in rows]
            ended = time.perf_counter()
            summary = await result.consume()
        server.append(summary.result_available_after + summary.result_consumed_after)
        round_trip.append((middle - started) * 1000)
        mapping.append((ended - middle) * 1000)
    print(f"  Neo4j's own time (t_first + t_last) {ms(server)}")
    print(f"  driver run + decoding ({len(rows)} rows) {ms(round_trip)}")
    print(f"  our mapping to Resolutions  {ms(mapping)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", choices=("embedded", "neo4j"), default="embedded")
    parser.add_argument("--records", type=int, default=3000)
    parser.add_argument("--calls", type=int, default=10)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--resolve-cache",
        action="store_true",
        help="with the app's resolve cache on (off by default: a resolveMany that reads the store)",
    )
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--sort", default="tottime")
    parser.add_argument("--lines", type=int, default=40)
    parser.add_argument("--instructions", action="store_true", help="count instructions")
    parser.add_argument("--under-callgrind", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.instructions:
        arguments = ["--under-callgrind", "--store", args.store, "--records", str(args.records)]
        arguments += ["--calls", str(args.calls), "--warmup", str(args.warmup)]
        arguments += ["--resolve-cache"] if args.resolve_cache else []
        total = rerun_counting(__file__, [*arguments, "--seed", str(args.seed)])
        print(
            f"{args.store}: {total / args.calls:,.0f} instructions per resolveMany request of "
            f"{MAX_BATCH} refs ({args.calls} requests, {args.records} records, in process)"
        )
        return
    asyncio.run(run(args))


if __name__ == "__main__":
    main()
