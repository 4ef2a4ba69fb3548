#!/usr/bin/env python3
"""ID-resolution latency of a real `mdm-hub serve`, over HTTP, on the embedded store and Neo4j.

For each store: start the server on a free loopback port (temp SQLite file, or the Neo4j that
`provide_neo4j` gives), load N customers from CRM/ERP/PSA through `upsertSourceRecords`, then
time, one request at a time on one keep-alive connection, single `resolve` calls and
1000-ref `resolveMany` calls. Every answer is checked, and a final pass checks that each ref
resolves to exactly its expected crosswalk, so a fast wrong answer cannot pass as a result.

    .venv/bin/python bench/resolve_latency.py                  # both stores, defaults
    .venv/bin/python bench/resolve_latency.py --store embedded --records 5000 --warmup

`--warm-load N` first loads N other customers untimed: a Neo4j just started compiles its own
code (the JVM's JIT) through its first thousands of records, and runs 1.5-2x slower meanwhile;
a production server has long been warm. The default (0) times a cold server's first load.

Resolves are drawn from every loaded ref alike by default, so most single resolves ask for an
ID the server has not answered yet. `--hot N` draws them from N refs only (an integration
posting time and invoices against the same employees, projects and customers all day), which
the server's resolve cache then answers; `--no-resolve-cache` turns that cache off
(`MDM_RESOLVE_CACHE_SIZE=0`). Each phase reports how many refs the cache answered (hit), read
and kept (miss) or sent to the store (bypass), from the server's /metrics.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import math
import os
import platform
import random
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from types import FrameType
from typing import Any

import httpx
from machine_facts import cpu_model, load_average, memory_gib
from rich.console import Console
from rich.table import Table

import mdm_hub
from mdm_hub.neo4j_local.server import die_with_parent_hook

LOOPBACK = "127.0.0.1"
SYSTEMS = ("CRM", "ERP", "PSA")
ENTITY_TYPE = "CUSTOMER"
MAX_BATCH = 1000  # the API's limit for upsertSourceRecords and resolveMany
READY_TIMEOUT_S = 60.0
STOP_TIMEOUT_S = 15.0
REQUEST_TIMEOUT_S = 300.0  # a 1000-record upsert batch on a slow disk can take a while
WARMUP_SINGLE = 200
WARMUP_BATCHES = 5
# With 2-3 members per shared tax ID (2.5 on average), a 1/6 chance of starting a shared group
# puts about a third of all records in one.
SHARED_GROUP_P = 1 / 6
RESULTS_PATH = Path(__file__).resolve().parent / "results" / "resolve_latency.json"

COUNTRIES = (
    ("DE", "Berlin"),
    ("DE", "Munich"),
    ("GB", "London"),
    ("FR", "Paris"),
    ("US", "New York"),
    ("US", "Chicago"),
    ("NL", "Amsterdam"),
    ("ES", "Madrid"),
    ("IT", "Milan"),
    ("SE", "Stockholm"),
    ("CH", "Zurich"),
    ("AT", "Vienna"),
)
# Names from syllables: ~27,000 stems, so distinct customers rarely share a name (a small word
# list would give every name dozens of namesakes and load a name-based matcher unrealistically).
_SYLLABLE_TEXT = (
    "ka lo mi ver ton bra sel qui dor fen gar hal ist jun kel lum mar nor ost pra ris sta tri "
    "ul van wes xen yor zan bel"
)
SYLLABLES = tuple(_SYLLABLE_TEXT.split())
NAME_NOUNS = ("Analytics", "Logistics", "Foods", "Energy", "Systems", "Partners", "Media")
NAME_SUFFIXES = ("GmbH", "Ltd", "SA", "Inc", "BV", "AB", "AG", "SpA")

UPSERT = """
mutation Load($inputs: [SourceRecordInput!]!) {
  upsertSourceRecords(inputs: $inputs) { goldenId outcome sourceVersion }
}
"""
RESOLVE = """
query Resolve($system: String!, $entityType: EntityType!, $sourceId: String!) {
  resolve(system: $system, entityType: $entityType, sourceId: $sourceId) {
    goldenId entityType crosswalk { system entityType sourceId }
  }
}
"""
RESOLVE_MANY = """
query ResolveMany($refs: [SourceRefInput!]!) {
  resolveMany(refs: $refs) { goldenId entityType crosswalk { system entityType sourceId } }
}
"""

Ref = tuple[str, str]  # (system, sourceId); the entity type is always CUSTOMER
Json = dict[str, Any]


class BenchError(RuntimeError):
    """The server misbehaved or answered wrongly; the benchmark stops for that store."""


# --------------------------------------------------------------------------- data set


@dataclass(frozen=True)
class Dataset:
    records: list[Json]  # SourceRecordInput values, in load order
    refs: list[Ref]  # one per record, same order
    group_of: dict[Ref, int]  # ref -> index of its entity (its expected golden record)
    groups: list[frozenset[Ref]]  # entity index -> its expected crosswalk

    @property
    def shared_records(self) -> int:
        return sum(len(group) for group in self.groups if len(group) > 1)


def make_dataset(count: int, seed: int, tag: str) -> Dataset:
    """`count` customers; entities of 1 record, or of 2-3 in distinct systems sharing a tax ID.

    `tag` goes into every source ID and tax ID so a re-run against a persistent Neo4j
    (MDM_NEO4J_URI) never links to, or updates, records of an earlier run.
    """
    rng = random.Random(seed)
    serial = Counter[str]()
    records: list[Json] = []
    groups: list[frozenset[Ref]] = []
    while len(records) < count:
        remaining = count - len(records)
        size = rng.choice((2, 3)) if rng.random() < SHARED_GROUP_P else 1
        systems = rng.sample(SYSTEMS, min(size, remaining))
        entity = len(groups)
        country, city = rng.choice(COUNTRIES)
        stem = "".join(rng.choice(SYLLABLES) for _ in range(3)).capitalize()
        name = f"{stem} {rng.choice(NAME_NOUNS)} {rng.choice(NAME_SUFFIXES)}"
        members = []
        for system in systems:
            serial[system] += 1
            source_id = _source_id(system, tag, serial[system])
            attributes = {
                "name": name.upper() if system == "ERP" else name,
                "tax_id": _tax_id(system, country, tag, entity),
                "country": country,
                "city": city,
            }
            records.append(
                {
                    "system": system,
                    "entityType": ENTITY_TYPE,
                    "sourceId": source_id,
                    "attributes": attributes,
                }
            )
            members.append((system, source_id))
        groups.append(frozenset(members))
    # Interleave systems and groups so batches look like a mixed feed, not one system at a time.
    rng.shuffle(records)
    refs = [(r["system"], r["sourceId"]) for r in records]
    group_of = {ref: index for index, group in enumerate(groups) for ref in group}
    return Dataset(records, refs, group_of, groups)


def _source_id(system: str, tag: str, serial: int) -> str:
    if system == "CRM":
        return f"CRM-{tag}-{serial:07d}"
    if system == "ERP":
        return f"{tag}{serial:08d}"
    return f"C-{tag}-{serial}"


def _tax_id(system: str, country: str, tag: str, entity: int) -> str:
    # Each system formats the same registration its own way; the hub's normaliser must match them.
    if system == "CRM":
        return f"{country} {tag}.{entity:08d}"
    if system == "ERP":
        return f"{country}{tag}{entity:08d}".lower()
    return f"{country}-{tag}-{entity:08d}"


# --------------------------------------------------------------------------- server process


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((LOOPBACK, 0))
        port: int = sock.getsockname()[1]
        return port


def server_command(*command: str) -> list[str]:
    # The entry point of the interpreter running this script (the .venv's), else `python -m`.
    entry = Path(sys.executable).with_name("mdm-hub")
    if entry.is_file() and os.access(entry, os.X_OK):
        return [str(entry), *(command or ("serve",))]
    return [sys.executable, "-m", "mdm_hub.cli", *(command or ("serve",))]


def create_api_key(env_overrides: dict[str, str], workdir: Path) -> str:
    """A steward key in the store the server will use (access control stays on, as deployed)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("MDM_")} | env_overrides
    done = subprocess.run(
        server_command("keys", "create", "--role", "steward", "--name", "bench"),
        env=env,
        cwd=workdir,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise BenchError(f"mdm-hub keys create failed: {done.stderr[-2000:]}")
    return done.stdout.strip()


def _log_tail(path: Path, lines: int = 30) -> str:
    try:
        text = path.read_text(encoding="utf-8", errors="replace").strip()
    except OSError:
        return "(no server log)"
    return "\n".join(text.splitlines()[-lines:]) or "(empty server log)"


@contextlib.contextmanager
def running_server(env_overrides: dict[str, str], workdir: Path) -> Iterator[tuple[str, float]]:
    """Start `mdm-hub serve`; yield (base URL, seconds to ready). Always stops it on exit."""
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("MDM_")}
    # MDM_NEO4J_* picked up by provide_neo4j stay in env_overrides; other MDM_ settings a
    # developer has exported (limits, database name) would make runs incomparable.
    env |= {"MDM_LOG_LEVEL": "warning", "MDM_GRAPHIQL": "false", **env_overrides}
    log_path = workdir / "server.log"
    command = [*server_command(), "--host", LOOPBACK, "--port", str(port)]
    began = time.perf_counter()
    with log_path.open("wb") as log:
        proc = subprocess.Popen(
            command,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            env=env,
            cwd=workdir,  # keeps a .env in the caller's directory out of the settings
            start_new_session=True,  # our own group: Ctrl-C reaches us, and we stop it in order
            preexec_fn=die_with_parent_hook(signal.SIGTERM),  # noqa: PLW1509 - no threads exist at this point
        )
    try:
        base_url = f"http://{LOOPBACK}:{port}"
        _wait_ready(proc, base_url, log_path)
        yield base_url, time.perf_counter() - began
    finally:
        _stop(proc)


def _wait_ready(proc: subprocess.Popen[bytes], base_url: str, log_path: Path) -> None:
    deadline = time.monotonic() + READY_TIMEOUT_S
    last = "no answer yet"
    with httpx.Client(base_url=base_url, timeout=2.0, trust_env=False) as client:
        while time.monotonic() < deadline:
            if (code := proc.poll()) is not None:
                raise BenchError(f"mdm-hub serve exited with code {code}:\n{_log_tail(log_path)}")
            try:
                response = client.get("/readyz")
                if response.status_code == 200:
                    return
                last = f"HTTP {response.status_code}: {response.text[:200]}"
            except httpx.TransportError as exc:
                last = f"{type(exc).__name__}: {exc}"
            time.sleep(0.1)
    raise BenchError(
        f"mdm-hub not ready after {READY_TIMEOUT_S:.0f}s ({last}):\n{_log_tail(log_path)}"
    )


def _stop(proc: subprocess.Popen[bytes]) -> None:
    """SIGTERM the server's own process group, then SIGKILL it if it lingers."""
    if proc.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=STOP_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=STOP_TIMEOUT_S)


# --------------------------------------------------------------------------- requests


def post(client: httpx.Client, query: str, variables: Json) -> tuple[float, Json]:
    """One GraphQL request: (milliseconds until the whole body arrived, its data)."""
    payload = {"query": query, "variables": variables}
    began = time.perf_counter_ns()
    response = client.post("/graphql", json=payload)
    elapsed_ms = (time.perf_counter_ns() - began) / 1e6
    # Decoding and checking happen outside the timed window: they are this client's cost.
    if response.status_code != 200:
        raise BenchError(f"HTTP {response.status_code}: {response.text[:500]}")
    body: Json = response.json()
    if body.get("errors"):
        messages = "; ".join(str(e.get("message")) for e in body["errors"][:5])
        raise BenchError(f"{len(body['errors'])} GraphQL error(s): {messages}")
    data: Json = body["data"]
    return elapsed_ms, data


def ref_input(ref: Ref) -> Json:
    return {"system": ref[0], "entityType": ENTITY_TYPE, "sourceId": ref[1]}


def check_resolution(dataset: Dataset, ref: Ref, resolution: Json | None) -> str:
    """The golden ID, after checking the crosswalk is exactly the ref's expected group."""
    if resolution is None:
        raise BenchError(f"{ref} did not resolve")
    crosswalk = frozenset((m["system"], m["sourceId"]) for m in resolution["crosswalk"])
    expected = dataset.groups[dataset.group_of[ref]]
    if crosswalk != expected:
        raise BenchError(f"{ref}: crosswalk {sorted(crosswalk)} != expected {sorted(expected)}")
    golden_id: str = resolution["goldenId"]
    return golden_id


def load(client: httpx.Client, dataset: Dataset, console: Console) -> Json:
    latencies: list[float] = []
    outcomes = Counter[str]()
    began = time.perf_counter()
    for start in range(0, len(dataset.records), MAX_BATCH):
        batch = dataset.records[start : start + MAX_BATCH]
        elapsed, data = post(client, UPSERT, {"inputs": batch})
        results = data["upsertSourceRecords"]
        if len(results) != len(batch) or any(r is None for r in results):
            raise BenchError(f"batch at {start}: {len(batch)} sent, answers {results[:3]}...")
        outcomes.update(r["outcome"] for r in results)
        latencies.append(elapsed)
        done = start + len(batch)
        console.print(f"    loaded {done}/{len(dataset.records)} ({elapsed / 1000:.1f}s batch)")
    wall = time.perf_counter() - began
    busy_s = sum(latencies) / 1000
    return {
        "records": len(dataset.records),
        "batches": len(latencies),
        "batch_size": MAX_BATCH,
        "seconds": round(busy_s, 3),
        "wall_seconds": round(wall, 3),
        "records_per_s": round(len(dataset.records) / busy_s, 1),
        "batch_ms": summarise(latencies),
        "outcomes": dict(sorted(outcomes.items())),
    }


def measure_floor(client: httpx.Client, count: int) -> Json:
    """GET /healthz on the same connection: the client, the server's HTTP stack and its
    middleware without GraphQL or the store, what any request costs at least."""
    latencies: list[float] = []
    for _ in range(count):
        started = time.perf_counter()
        response = client.get("/healthz")
        latencies.append((time.perf_counter() - started) * 1000)
        response.raise_for_status()
    return {"requests": count, "ms": summarise(latencies)}


def hot_refs(dataset: Dataset, hot: int, rng: random.Random) -> list[Ref]:
    """The refs resolves are drawn from: all of them, or `hot` of them (`--hot`)."""
    if not hot or hot >= len(dataset.refs):
        return dataset.refs
    return rng.sample(dataset.refs, hot)


_CACHE_LINE = re.compile(r'^mdm_resolve_cache_refs_total\{result="(\w+)"\} ([0-9.e+]+)$', re.M)


def cache_counts(client: httpx.Client) -> dict[str, float]:
    """The server's resolve cache counters (/metrics), by result."""
    response = client.get("/metrics")
    response.raise_for_status()
    return {name: float(value) for name, value in _CACHE_LINE.findall(response.text)}


def _counted_since(before: dict[str, float], after: dict[str, float]) -> dict[str, int]:
    return {
        name: int(after.get(name, 0) - before.get(name, 0)) for name in ("hit", "miss", "bypass")
    }


def measure_single(
    client: httpx.Client, dataset: Dataset, refs: Sequence[Ref], count: int, rng: random.Random
) -> Json:
    latencies: list[float] = []
    for _ in range(count):
        ref = rng.choice(refs)
        elapsed, data = post(client, RESOLVE, ref_input(ref))
        check_resolution(dataset, ref, data["resolve"])
        latencies.append(elapsed)
    # The first request is reported apart: it pays for cold caches (query plans, connections).
    return {"requests": count, "ms": summarise(latencies), "first_ms": round(latencies[0], 3)}


def _sample_refs(refs: Sequence[Ref], rng: random.Random) -> list[Ref]:
    if len(refs) >= MAX_BATCH:
        return rng.sample(refs, MAX_BATCH)
    return rng.choices(refs, k=MAX_BATCH)  # a small data set repeats refs


def measure_many(
    client: httpx.Client, dataset: Dataset, refs: Sequence[Ref], count: int, rng: random.Random
) -> Json:
    latencies: list[float] = []
    for _ in range(count):
        sample = _sample_refs(refs, rng)
        elapsed, data = post(client, RESOLVE_MANY, {"refs": [ref_input(r) for r in sample]})
        answers = data["resolveMany"]
        if len(answers) != len(sample):
            raise BenchError(f"resolveMany: {len(sample)} refs sent, {len(answers)} answers")
        for ref, answer in zip(sample, answers, strict=True):
            check_resolution(dataset, ref, answer)
        latencies.append(elapsed)
    total_s = sum(latencies) / 1000
    return {
        "requests": count,
        "refs_per_request": MAX_BATCH,
        "ms": summarise(latencies),
        "first_ms": round(latencies[0], 3),
        "refs_per_s": round(count * MAX_BATCH / total_s, 1) if total_s else None,
    }


def verify_all(client: httpx.Client, dataset: Dataset) -> Json:
    """Resolve every ref once: each group must be exactly one golden record, all distinct."""
    golden_of_group: dict[int, str] = {}
    sizes = Counter[int]()
    for start in range(0, len(dataset.refs), MAX_BATCH):
        refs = dataset.refs[start : start + MAX_BATCH]
        _, data = post(client, RESOLVE_MANY, {"refs": [ref_input(r) for r in refs]})
        for ref, answer in zip(refs, data["resolveMany"], strict=True):
            golden_id = check_resolution(dataset, ref, answer)
            group = dataset.group_of[ref]
            if golden_of_group.setdefault(group, golden_id) != golden_id:
                raise BenchError(f"group {group} split over {golden_of_group[group]}, {golden_id}")
            sizes[len(answer["crosswalk"])] += 1
    distinct = len(set(golden_of_group.values()))
    if distinct != len(dataset.groups):
        raise BenchError(f"{len(dataset.groups)} entities loaded but {distinct} golden records")
    return {
        "golden_records": distinct,
        "records_by_crosswalk_size": {str(k): v for k, v in sorted(sizes.items())},
    }


# --------------------------------------------------------------------------- statistics


def percentile(ordered: Sequence[float], pct: float) -> float:
    """Nearest-rank percentile of already sorted samples."""
    rank = max(1, math.ceil(pct / 100 * len(ordered)))
    return ordered[rank - 1]


def summarise(samples: Sequence[float]) -> Json:
    if not samples:
        return {}
    ordered = sorted(samples)
    return {
        "p50": round(percentile(ordered, 50), 3),
        "p90": round(percentile(ordered, 90), 3),
        "p99": round(percentile(ordered, 99), 3),
        "mean": round(sum(ordered) / len(ordered), 3),
        "min": round(ordered[0], 3),
        "max": round(ordered[-1], 3),
    }


# --------------------------------------------------------------------------- one store


def run_store(
    store: str,
    args: argparse.Namespace,
    dataset: Dataset,
    console: Console,
    stack: contextlib.ExitStack,
) -> Json:
    workdir = Path(tempfile.mkdtemp(prefix=f"mdm-bench-{store}-"))
    stack.callback(shutil.rmtree, workdir, ignore_errors=True)
    result: Json = {"store": store}
    if store == "embedded":
        env = {"MDM_STORE": "embedded", "MDM_EMBEDDED_PATH": str(workdir / "bench.db")}
    else:
        from mdm_hub.neo4j_local import provide_neo4j  # noqa: PLC0415 - only when Neo4j is wanted

        console.print("  providing Neo4j (a local one takes ~10-30 s to start) ...")
        endpoint = stack.enter_context(provide_neo4j())
        result["neo4j"] = {
            "version": endpoint.version,
            "edition": endpoint.edition,
            "origin": endpoint.origin,
        }
        console.print(f"  Neo4j {endpoint.version} {endpoint.edition} ({endpoint.origin})")
        env = {
            "MDM_STORE": "neo4j",
            "MDM_NEO4J_URI": endpoint.uri,
            "MDM_NEO4J_USER": endpoint.user,
            "MDM_NEO4J_PASSWORD": endpoint.password,
        }
    if not args.resolve_cache:
        env["MDM_RESOLVE_CACHE_SIZE"] = "0"
    api_key = create_api_key(env, workdir)
    base_url, ready_s = stack.enter_context(running_server(env, workdir))
    result["startup_seconds"] = round(ready_s, 2)
    console.print(f"  mdm-hub ready at {base_url} after {ready_s:.1f}s")
    rng = random.Random(args.seed + 1)
    refs = hot_refs(dataset, args.hot, rng)
    timeout = httpx.Timeout(REQUEST_TIMEOUT_S, connect=5.0)
    # trust_env=False: an HTTP(S)_PROXY in the environment must not route loopback traffic.
    with httpx.Client(
        base_url=base_url,
        timeout=timeout,
        trust_env=False,
        headers={"Authorization": f"Bearer {api_key}"},
    ) as client:
        if args.warm_load:
            console.print(f"  loading {args.warm_load} other records first (untimed) ...")
            warm = make_dataset(args.warm_load, args.seed + 1, secrets.token_hex(3).upper())
            load(client, warm, console)
        console.print(f"  loading {len(dataset.records)} records ...")
        result["load"] = load(client, dataset, console)
        if args.warmup:
            console.print("  warming up (untimed) ...")
            measure_single(client, dataset, refs, min(WARMUP_SINGLE, args.single), rng)
            measure_many(client, dataset, refs, min(WARMUP_BATCHES, args.batches), rng)
        console.print(f"  {args.single} GET /healthz requests (the HTTP floor) ...")
        result["floor"] = measure_floor(client, args.single)
        console.print(f"  {args.single} single resolve requests ...")
        counted = cache_counts(client)
        result["resolve"] = measure_single(client, dataset, refs, args.single, rng)
        result["resolve"]["cache"] = _counted_since(counted, cache_counts(client))
        console.print(f"  {args.batches} resolveMany requests of {MAX_BATCH} refs ...")
        counted = cache_counts(client)
        result["resolve_many"] = measure_many(client, dataset, refs, args.batches, rng)
        result["resolve_many"]["cache"] = _counted_since(counted, cache_counts(client))
        console.print("  verifying every crosswalk ...")
        result["verify"] = verify_all(client, dataset)
    return result


# --------------------------------------------------------------------------- report


def machine_facts() -> Json:
    facts: Json = {
        "cpu_count": os.cpu_count(),
        "usable_cpus": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None,
        "cpu_model": cpu_model(),
        "memory_gib": memory_gib(),
        "python": f"{platform.python_implementation()} {platform.python_version()}",
        "platform": platform.platform(),
        "mdm_hub": mdm_hub.__version__,
        "httpx": httpx.__version__,
        "load_average_at_start": load_average(),
    }
    return facts


def render(console: Console, report: Json) -> None:
    machine = report["machine"]
    facts = Table(title="Machine", show_header=False)
    facts.add_column("fact", style="bold")
    facts.add_column("value")
    cpus = f"{machine['cpu_count']} ({machine['usable_cpus']} usable)"
    facts.add_row("CPUs", cpus)
    facts.add_row("CPU model", str(machine["cpu_model"]))
    facts.add_row("Memory", f"{machine['memory_gib']} GiB")
    facts.add_row("Python", machine["python"])
    facts.add_row("Platform", machine["platform"])
    facts.add_row("mdm-hub", machine["mdm_hub"])
    facts.add_row(
        "Load average (1/5/15 min)",
        f"start {machine['load_average_at_start']}, end {machine['load_average_at_end']}",
    )
    params = report["parameters"]
    facts.add_row(
        "Parameters",
        f"records={params['records']} single={params['single']} batches={params['batches']} "
        f"warmup={params['warmup']} warm-load={params.get('warm_load', 0)} seed={params['seed']} "
        f"hot={params.get('hot', 0)} resolve-cache={params.get('resolve_cache', True)}",
    )
    console.print(facts)

    results = [r for r in report["results"] if "error" not in r]
    table = Table(
        title="Resolve latency over HTTP",
        caption="sequential requests on one keep-alive connection; latency = request sent to "
        "whole response received",
    )
    table.add_column("metric", style="bold")
    for result in results:
        table.add_column(result["store"], justify="right")

    def row(label: str, cell: Callable[[Json], str]) -> None:
        table.add_row(label, *(cell(r) for r in results))

    row("store version", _store_version)
    row("server start to /readyz", lambda r: f"{r['startup_seconds']:.1f} s")
    row("records loaded", lambda r: str(r["load"]["records"]))
    row("golden records", lambda r: str(r["verify"]["golden_records"]))
    row("crosswalk sizes (1/2/3)", _crosswalk_sizes)
    row("load throughput", lambda r: f"{r['load']['records_per_s']:,.0f} records/s")
    row("load batch p50 (1000 rec)", lambda r: f"{r['load']['batch_ms']['p50']:,.0f} ms")
    table.add_section()
    row("HTTP floor: GET /healthz p50", lambda r: _floor(r, "p50"))
    row("HTTP floor: GET /healthz p99", lambda r: _floor(r, "p99"))
    for key in ("p50", "p90", "p99", "mean"):
        row(f"resolve {key}", _ms("resolve", key, 2))
    row("resolve max", _ms("resolve", "max", 2))
    row("resolve first request", lambda r: f"{r['resolve']['first_ms']:.2f} ms")
    row("resolve refs: cache hit/miss/bypass", _cache("resolve"))
    table.add_section()
    for key in ("p50", "p99"):
        row(f"resolveMany {key} (1000 refs)", _ms("resolve_many", key, 1))
    row("resolveMany max", _ms("resolve_many", "max", 1))
    row("resolveMany throughput", lambda r: f"{r['resolve_many']['refs_per_s']:,.0f} refs/s")
    row("resolveMany refs: cache hit/miss/bypass", _cache("resolve_many"))
    if results:
        console.print(table)
    for failed in (r for r in report["results"] if "error" in r):
        console.print(f"[red]{failed['store']} failed:[/red] {failed['error']}", markup=True)


def _ms(section: str, key: str, digits: int) -> Callable[[Json], str]:
    def cell(result: Json) -> str:
        return f"{result[section]['ms'][key]:.{digits}f} ms"

    return cell


def _floor(result: Json, key: str) -> str:
    floor = result.get("floor")
    return f"{floor['ms'][key]:.2f} ms" if floor else "-"


def _cache(section: str) -> Callable[[Json], str]:
    def cell(result: Json) -> str:
        counts = result[section].get("cache", {})
        return "/".join(f"{counts.get(name, 0):,}" for name in ("hit", "miss", "bypass"))

    return cell


def _store_version(result: Json) -> str:
    neo4j = result.get("neo4j")
    if neo4j:
        return f"Neo4j {neo4j['version']} {neo4j['edition']} ({neo4j['origin']})"
    import sqlite3  # noqa: PLC0415 - the server's SQLite is this interpreter's

    return f"SQLite {sqlite3.sqlite_version}"


def _crosswalk_sizes(result: Json) -> str:
    sizes = result["verify"]["records_by_crosswalk_size"]
    return "/".join(str(sizes.get(str(n), 0)) for n in (1, 2, 3))


# --------------------------------------------------------------------------- main


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--store", choices=("embedded", "neo4j", "both"), default="both")
    parser.add_argument("--records", type=_positive, default=20_000, help="customers to load")
    parser.add_argument("--single", type=_positive, default=2000, help="single resolve requests")
    parser.add_argument("--batches", type=_positive, default=50, help="1000-ref resolveMany calls")
    parser.add_argument(
        "--warmup",
        action="store_true",
        help=f"first send {WARMUP_SINGLE} resolve and {WARMUP_BATCHES} resolveMany untimed",
    )
    parser.add_argument(
        "--warm-load",
        type=int,
        default=0,
        help="first load this many other customers, untimed (a fresh Neo4j's JIT warms up)",
    )
    parser.add_argument(
        "--hot",
        type=int,
        default=0,
        help="draw resolves from this many refs only (0: from every loaded ref)",
    )
    parser.add_argument(
        "--no-resolve-cache",
        dest="resolve_cache",
        action="store_false",
        help="run the server with its resolve cache off (MDM_RESOLVE_CACHE_SIZE=0)",
    )
    parser.add_argument("--seed", type=int, default=42, help="data set and ref sampling seed")
    parser.add_argument("--output", type=Path, default=RESULTS_PATH, help="JSON results file")
    return parser.parse_args(argv)


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"{text} is not a positive integer")
    return value


def _exit_on_signal(signum: int, _frame: FrameType | None) -> None:
    # Unwinds through every `finally`/ExitStack, so servers and Neo4j stop as on Ctrl-C.
    raise SystemExit(128 + signum)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    for sig in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, _exit_on_signal)
    out = Console()
    progress = Console(stderr=True, highlight=False)
    stores = ["embedded", "neo4j"] if args.store == "both" else [args.store]
    tag = secrets.token_hex(3).upper()
    dataset = make_dataset(args.records, args.seed, tag)
    progress.print(
        f"data set: {len(dataset.records)} records, {len(dataset.groups)} entities, "
        f"{dataset.shared_records} records share a tax ID (run tag {tag})"
    )
    report: Json = {
        "generated_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "command": [Path(sys.argv[0]).name, *(sys.argv[1:] if argv is None else argv)],
        "machine": machine_facts(),
        "parameters": {
            "records": args.records,
            "single": args.single,
            "batches": args.batches,
            "warmup": args.warmup,
            "warm_load": args.warm_load,
            "hot": args.hot,
            "resolve_cache": args.resolve_cache,
            "seed": args.seed,
            "systems": list(SYSTEMS),
            "entities": len(dataset.groups),
            "records_sharing_tax_id": dataset.shared_records,
        },
        "results": [],
    }
    try:
        for store in stores:
            progress.print(f"[bold]{store}[/bold]")
            try:
                with contextlib.ExitStack() as stack:
                    report["results"].append(run_store(store, args, dataset, progress, stack))
            except Exception as exc:  # report this store's failure, still run the other one
                progress.print(f"[red]{store} failed:[/red] {type(exc).__name__}: {exc}")
                report["results"].append({"store": store, "error": f"{type(exc).__name__}: {exc}"})
    except KeyboardInterrupt:
        progress.print("[yellow]interrupted; every process started was stopped[/yellow]")
        return 130
    report["machine"]["load_average_at_end"] = load_average()
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    render(out, report)
    out.print(f"results written to {args.output}")
    return 1 if any("error" in r for r in report["results"]) else 0


if __name__ == "__main__":
    sys.exit(main())
