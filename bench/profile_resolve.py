#!/usr/bin/env python3
"""Where one `resolve` spends its time in process: the real app, each POST handed straight to
its ASGI interface as a server would (no HTTP client, no sockets), on the embedded store or
Neo4j (`MDM_NEO4J_URI`, else a throwaway local one), split into layers.

Loads `--records` customers (through the app, over httpx.ASGITransport), then prints the
median, p10, p90 and min of `--calls` timed calls of: the whole GraphQL request (wall clock
and the process's CPU time), the app's store `resolve_many` of one key (wrapped as the app
wraps it), and on Neo4j the driver alone: an auto-commit read of `resolve_many.cypher` for
one ref and of `RETURN 1` (the round-trip floor), with Neo4j's own time from the result
summary. The app's resolve cache is off unless `--resolve-cache`, so a request reads the
store. `--profile` adds a cProfile of the timed requests (`--dump FILE` keeps it).

    PYTHONPATH=src .venv/bin/python bench/profile_resolve.py --store embedded
    PYTHONPATH=src .venv/bin/python bench/profile_resolve.py --store neo4j --records 1000
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import json
import pstats
import random
import statistics
import time
from typing import Any

from profile_resolve_many import loaded_hub
from resolve_latency import RESOLVE, ref_input

from mdm_hub.domain.records import SourceKey
from mdm_hub.observability.store_calls import instrumented


def ms(values: list[float]) -> str:
    return (
        f"p50 {statistics.median(values):.2f} ms (p10 {_nearest(values, 10):.2f}, "
        f"p90 {_nearest(values, 90):.2f}, min {min(values):.2f})"
    )


def _nearest(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, round(pct / 100 * len(ordered)) - 1)]


async def run(args: argparse.Namespace) -> None:
    async with loaded_hub(args.store, args.records, args.seed, args.resolve_cache) as hub:
        store, app, token, post, dataset = hub.store, hub.app, hub.token, hub.post, hub.dataset
        rng = random.Random(args.seed)
        refs = [rng.choice(dataset.refs) for _ in range(args.calls)]
        for ref in refs[: args.warmup]:
            await post(RESOLVE, ref_input(ref))

        whole: list[float] = []
        cpu: list[float] = []
        profiler = cProfile.Profile() if args.profile else None
        for ref in refs:
            body = json.dumps({"query": RESOLVE, "variables": ref_input(ref)}).encode()
            if profiler is not None:
                profiler.enable()
            started, started_cpu = time.perf_counter(), time.process_time()
            status, answer = await asgi_post(app, body, token)
            whole.append((time.perf_counter() - started) * 1000)
            cpu.append((time.process_time() - started_cpu) * 1000)
            if profiler is not None:
                profiler.disable()
            data = json.loads(answer)
            assert status == 200, data
            assert data["data"]["resolve"] is not None, data

        app_store = instrumented(store, None)  # as the app wraps it: metrics counted
        reads: list[float] = []
        for system, source_id in refs:
            key = SourceKey.parse(system, "CUSTOMER", source_id)
            started = time.perf_counter()
            await app_store.resolve_many([key])
            reads.append((time.perf_counter() - started) * 1000)

        print(f"{args.store}: {args.calls} resolve requests, {args.records} records")
        print(f"  whole request, ASGI in process  {ms(whole)}")
        print(f"  CPU time of the request     {ms(cpu)}")
        print(f"  store.resolve_many, 1 key   {ms(reads)}")
        if args.store == "neo4j":
            await driver_split(store, refs)
        if profiler is not None:
            if args.dump:
                profiler.dump_stats(args.dump)
            stats = pstats.Stats(profiler)
            stats.sort_stats(args.sort).print_stats(args.lines)


async def asgi_post(app: Any, body: bytes, token: str) -> tuple[int, bytes]:
    """One POST /graphql straight into the ASGI app, as a server hands it over: no client."""
    scope = {
        "type": "http",
        "asgi": {"version": "3.0", "spec_version": "2.3"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": "/graphql",
        "raw_path": b"/graphql",
        "root_path": "",
        "query_string": b"",
        "headers": [
            (b"host", b"hub"),
            (b"content-type", b"application/json"),
            (b"content-length", str(len(body)).encode()),
            (b"authorization", f"Bearer {token}".encode()),
        ],
        "client": ("127.0.0.1", 50000),
        "server": ("127.0.0.1", 8000),
        "state": {},
    }
    messages = [{"type": "http.request", "body": body, "more_body": False}]
    status = 0
    chunks: list[bytes] = []

    async def receive() -> dict[str, Any]:
        if messages:
            return messages.pop()
        await asyncio.Event().wait()  # the client never disconnects
        raise AssertionError

    async def send(message: dict[str, Any]) -> None:
        nonlocal status
        if message["type"] == "http.response.start":
            status = message["status"]
        elif message["type"] == "http.response.body":
            chunks.append(message.get("body", b""))

    await app(scope, receive, send)
    return status, b"".join(chunks)


async def driver_split(store: Any, refs: list[tuple[str, str]]) -> None:
    """The driver alone: one auto-commit read per call, on a fresh session as the store does."""
    from mdm_hub.adapters.neo4j.catalog import Query  # noqa: PLC0415
    from mdm_hub.adapters.neo4j.params import key_params  # noqa: PLC0415

    for label, make in (
        (
            "resolve_many.cypher, 1 ref",
            lambda key: (store.catalog[Query.RESOLVE_MANY], {"refs": [key_params(key)]}),
        ),
        ("RETURN 1", lambda key: ("RETURN 1", {})),
    ):
        wall: list[float] = []
        server: list[float] = []
        for system, source_id in refs:
            text, params = make(SourceKey.parse(system, "CUSTOMER", source_id))
            started = time.perf_counter()
            async with store.driver.session(default_access_mode="READ") as session:
                result = await session.run(text, params)
                record = await result.single(strict=True)
                _ = record[0]
                summary = await result.consume()
            wall.append((time.perf_counter() - started) * 1000)
            server.append(summary.result_available_after + summary.result_consumed_after)
        print(f"  driver, {label}: {ms(wall)}; Neo4j's own time {ms(server)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", choices=("embedded", "neo4j"), default="embedded")
    parser.add_argument("--records", type=int, default=2000)
    parser.add_argument("--calls", type=int, default=500)
    parser.add_argument("--warmup", type=int, default=50)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--resolve-cache",
        action="store_true",
        help="with the app's resolve cache on (off by default: a resolve that reads the store)",
    )
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--sort", default="tottime")
    parser.add_argument("--lines", type=int, default=40)
    parser.add_argument("--dump", help="write the cProfile statistics to this file")
    asyncio.run(run(parser.parse_args()))


if __name__ == "__main__":
    main()
