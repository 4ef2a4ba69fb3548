#!/usr/bin/env python3
"""Resolve latency of a real `mdm-hub serve` while another client loads 500-record batches.

For each store: start the server (resolve_latency.py's helpers), load `--records` customers,
time `--quiet` sequential `resolve` calls with nothing else running, then start a loader
thread posting `--loader-records` new customers in batches of `--batch` on its own connection
and, on another connection, send sequential `resolve` calls until the loader is done. Prints
resolve p50/p99/max alone and beside the loader, how many resolves were answered while the
loader ran, and the loader's records/s. Every resolve answer is checked.

    .venv/bin/python bench/reads_beside_writer.py --store embedded
    .venv/bin/python bench/reads_beside_writer.py --store both --records 2000 --loader-records 5000
"""

from __future__ import annotations

import argparse
import contextlib
import json
import random
import secrets
import shutil
import signal
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

import httpx
from rich.console import Console
from rich.table import Table

sys.path.insert(0, str(Path(__file__).parent))
from machine_facts import load_average
from resolve_latency import (
    MAX_BATCH,
    REQUEST_TIMEOUT_S,
    RESOLVE,
    UPSERT,
    BenchError,
    Dataset,
    Json,
    check_resolution,
    create_api_key,
    machine_facts,
    make_dataset,
    post,
    ref_input,
    running_server,
    summarise,
)

RESULTS_PATH = Path(__file__).resolve().parent / "results" / "reads_beside_writer.json"


class Loader(threading.Thread):
    """Posts the records in batches, back to back, timing each."""

    def __init__(self, client: httpx.Client, records: list[Json], batch: int) -> None:
        super().__init__(name="loader", daemon=True)
        self.client = client
        self.records = records
        self.batch = batch
        self.batch_ms: list[float] = []
        self.error: BaseException | None = None
        self.seconds = 0.0

    def run(self) -> None:
        began = time.perf_counter()
        try:
            for start in range(0, len(self.records), self.batch):
                chunk = self.records[start : start + self.batch]
                elapsed, data = post(self.client, UPSERT, {"inputs": chunk})
                if any(r is None for r in data["upsertSourceRecords"]):
                    raise BenchError(f"loader batch at {start} had refused records")
                self.batch_ms.append(elapsed)
        except BaseException as exc:  # reported by the main thread
            self.error = exc
        finally:
            self.seconds = time.perf_counter() - began


def resolve_once(client: httpx.Client, dataset: Dataset, rng: random.Random) -> float:
    ref = rng.choice(dataset.refs)
    elapsed, data = post(client, RESOLVE, ref_input(ref))
    check_resolution(dataset, ref, data["resolve"])
    return elapsed


def run_store(store: str, args: argparse.Namespace, console: Console) -> Json:
    tag = secrets.token_hex(3).upper()
    preloaded = make_dataset(args.records, args.seed, tag)
    loaded = make_dataset(args.loader_records, args.seed + 1, f"{tag}L")
    with contextlib.ExitStack() as stack:
        workdir = Path(tempfile.mkdtemp(prefix=f"mdm-bench-rw-{store}-"))
        stack.callback(shutil.rmtree, workdir, ignore_errors=True)
        env, facts = _store_env(store, workdir, stack)
        api_key = create_api_key(env, workdir)
        base_url, _ = stack.enter_context(running_server(env, workdir))
        timeout = httpx.Timeout(REQUEST_TIMEOUT_S, connect=5.0)

        def client() -> httpx.Client:
            return stack.enter_context(
                httpx.Client(
                    base_url=base_url,
                    timeout=timeout,
                    trust_env=False,
                    headers={"Authorization": f"Bearer {api_key}"},
                )
            )

        reader, writer = client(), client()
        console.print(f"  {store}: loading {args.records} records ...")
        for start in range(0, len(preloaded.records), MAX_BATCH):
            post(writer, UPSERT, {"inputs": preloaded.records[start : start + MAX_BATCH]})
        rng = random.Random(args.seed + 2)
        for _ in range(100):  # untimed: warm the server's caches
            resolve_once(reader, preloaded, rng)
        console.print(f"  {store}: {args.quiet} resolves alone ...")
        alone = [resolve_once(reader, preloaded, rng) for _ in range(args.quiet)]
        console.print(f"  {store}: resolves beside {args.loader_records} records loaded ...")
        loader = Loader(writer, loaded.records, args.batch)
        beside: list[float] = []
        loader.start()
        while loader.is_alive():
            beside.append(resolve_once(reader, preloaded, rng))
        loader.join()
        if loader.error is not None:
            raise BenchError(f"loader failed: {loader.error}")
    return {
        "store": store,
        **facts,
        "resolve_alone_ms": summarise(alone),
        "resolve_beside_loader_ms": summarise(beside),
        "resolves_beside_loader": len(beside),
        "loader": {
            "records": len(loaded.records),
            "batch": args.batch,
            "batch_ms": summarise(loader.batch_ms),
            "records_per_s": round(len(loaded.records) / loader.seconds, 1),
        },
    }


def _store_env(
    store: str, workdir: Path, stack: contextlib.ExitStack
) -> tuple[dict[str, str], Json]:
    if store == "embedded":
        return {"MDM_STORE": "embedded", "MDM_EMBEDDED_PATH": str(workdir / "bench.db")}, {}
    from mdm_hub.neo4j_local import provide_neo4j  # noqa: PLC0415 - only when Neo4j is wanted

    endpoint = stack.enter_context(provide_neo4j())
    env = {
        "MDM_STORE": "neo4j",
        "MDM_NEO4J_URI": endpoint.uri,
        "MDM_NEO4J_USER": endpoint.user,
        "MDM_NEO4J_PASSWORD": endpoint.password,
    }
    return env, {"neo4j": endpoint.version}


def render(console: Console, results: list[Json]) -> None:
    table = Table(title="resolve beside a batch loader (sequential, one connection each)")
    table.add_column("metric", style="bold")
    for result in results:
        table.add_column(result["store"], justify="right")

    def row(label: str, cell: str) -> None:
        table.add_row(label, *(_cell(r, cell) for r in results))

    row("resolve alone p50 / p99", "resolve_alone_ms")
    row("resolve beside loader p50 / p99", "resolve_beside_loader_ms")
    table.add_row(
        "resolve beside loader max",
        *(f"{r['resolve_beside_loader_ms']['max']:.0f} ms" for r in results),
    )
    table.add_row("resolves beside loader", *(str(r["resolves_beside_loader"]) for r in results))
    table.add_row("loader records/s", *(f"{r['loader']['records_per_s']:,.0f}" for r in results))
    table.add_row(
        "loader batch p50", *(f"{r['loader']['batch_ms']['p50']:,.0f} ms" for r in results)
    )
    console.print(table)


def _cell(result: Json, key: str) -> str:
    ms = result[key]
    return f"{ms['p50']:.1f} / {ms['p99']:.1f} ms"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--store", choices=("embedded", "neo4j", "both"), default="embedded")
    parser.add_argument("--records", type=int, default=2000, help="customers loaded first")
    parser.add_argument(
        "--loader-records", type=int, default=10_000, help="customers the loader posts"
    )
    parser.add_argument("--batch", type=int, default=500, help="records per loader request")
    parser.add_argument("--quiet", type=int, default=500, help="resolves timed with no loader")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--output", type=Path, default=RESULTS_PATH)
    args = parser.parse_args(argv)
    signal.signal(signal.SIGTERM, lambda signum, _: sys.exit(128 + signum))
    out, progress = Console(), Console(stderr=True, highlight=False)
    stores = ["embedded", "neo4j"] if args.store == "both" else [args.store]
    report: Json = {
        "generated_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "command": [Path(sys.argv[0]).name, *(sys.argv[1:] if argv is None else argv)],
        "machine": machine_facts(),
        "results": [run_store(store, args, progress) for store in stores],
    }
    report["machine"]["load_average_at_end"] = load_average()
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    render(out, report["results"])
    out.print(f"load average {report['machine']['load_average_at_start']} -> {load_average()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
