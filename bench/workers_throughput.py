"""Load throughput of `mdm-hub serve --workers N` on Neo4j, for N = 1, 2, 4 (`--workers`).

For each N: a real `mdm-hub serve --workers N` on the Neo4j that `provide_neo4j` gives
(MDM_NEO4J_URI if set, else a throwaway local one), access control off; N clients post
`--records` customers (resolve_latency.py's data set: a third share a tax ID, written
differently, with 1-2 records of other systems) in batches of `--batch` through
`upsertSourceRecords`, client i taking every N-th batch, all at once. Prints records/s by wall
clock, then checks every crosswalk is exactly its expected group (no duplicate golden record)
and that `mdm-hub verify-audit` finds the chain intact. Each N gets its own run tag, so runs
never meet each other's records.

    .venv/bin/python bench/workers_throughput.py --records 3000
"""

from __future__ import annotations

import argparse
import contextlib
import os
import subprocess
import sys
import tempfile
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).parent))
from resolve_latency import (
    LOOPBACK,
    MAX_BATCH,
    RESOLVE_MANY,
    UPSERT,
    BenchError,
    free_port,
    make_dataset,
    post,
    ref_input,
    server_command,
)

from mdm_hub.neo4j_local import provide_neo4j


def run(workers: int, records: int, batch: int, seed: int, neo4j_env: dict[str, str]) -> str:
    tag = uuid.uuid4().hex[:6]
    dataset = make_dataset(records, seed, tag)
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("MDM_")}
    env |= {"MDM_LOG_LEVEL": "warning", "MDM_AUTH": "off", **neo4j_env}
    with tempfile.TemporaryDirectory() as folder, (Path(folder) / "server.log").open("wb") as log:
        command = [*server_command(), "--host", LOOPBACK, "--port", str(port)]
        proc = subprocess.Popen(
            [*command, "--workers", str(workers)], stdout=log, stderr=subprocess.STDOUT, env=env
        )
        try:
            base = f"http://{LOOPBACK}:{port}"
            _ready(base, proc)
            batches = [
                dataset.records[start : start + batch]
                for start in range(0, len(dataset.records), batch)
            ]

            def client(index: int) -> None:
                with httpx.Client(base_url=base, timeout=600, trust_env=False) as http:
                    for inputs in batches[index::workers]:
                        post(http, UPSERT, {"inputs": inputs})

            began = time.perf_counter()
            with ThreadPoolExecutor(workers) as pool:
                list(pool.map(client, range(workers)))
            seconds = time.perf_counter() - began
            wrong = _check(base, dataset)
        finally:
            proc.terminate()
            proc.wait(timeout=60)
    verified = subprocess.run(
        server_command("verify-audit"), env=env, capture_output=True, text=True, check=False
    )
    chain = "intact" if verified.returncode == 0 else f"BROKEN: {verified.stdout[-300:]}"
    return (
        f"workers={workers}: {records / seconds:,.0f} records/s ({records} in {seconds:.1f} s); "
        f"crosswalks wrong: {wrong}; audit chain {chain}"
    )


def _ready(base: str, proc: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise BenchError("mdm-hub serve exited during start-up")
        with contextlib.suppress(httpx.TransportError):
            if httpx.get(f"{base}/readyz", timeout=2, trust_env=False).status_code == 200:
                return
        time.sleep(0.2)
    raise BenchError("mdm-hub serve not ready after 120 s")


def _check(base: str, dataset: object) -> int:
    wrong = 0
    refs = dataset.refs  # type: ignore[attr-defined]
    with httpx.Client(base_url=base, timeout=600, trust_env=False) as http:
        for start in range(0, len(refs), MAX_BATCH):
            chunk = refs[start : start + MAX_BATCH]
            _, data = post(http, RESOLVE_MANY, {"refs": [ref_input(r) for r in chunk]})
            for ref, answer in zip(chunk, data["resolveMany"], strict=True):
                expected = dataset.groups[dataset.group_of[ref]]  # type: ignore[attr-defined]
                got = {(m["system"], m["sourceId"]) for m in (answer or {}).get("crosswalk", [])}
                wrong += got != set(expected)
    return wrong


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--records", type=int, default=3000)
    parser.add_argument("--batch", type=int, default=100)
    parser.add_argument("--workers", default="1,2,4", help="comma-separated process counts")
    parser.add_argument("--seed", type=int, default=42)
    args = parser.parse_args()
    with provide_neo4j() as endpoint:
        neo4j_env = {
            "MDM_STORE": "neo4j",
            "MDM_NEO4J_URI": endpoint.uri,
            "MDM_NEO4J_USER": endpoint.user,
            "MDM_NEO4J_PASSWORD": endpoint.password,
        }
        for workers in (int(n) for n in args.workers.split(",")):
            print(run(workers, args.records, args.batch, args.seed, neo4j_env), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
