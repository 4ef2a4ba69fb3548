#!/usr/bin/env python3
"""Cost per ingested employee record, with fuzzy matching, as the hub grows (either store).

One store (a SQLite file in a temporary directory, or with `--store neo4j` the Neo4j that
`provide_neo4j` gives) grows from 10 thousand to 1 million golden records. The bulk of each
step is written without matching, through the real store transaction (`create_golden`,
`put_source` with the keys `RecordMatcher.prepare` derives and the membership, then the
golden recompute and reference steps ingest runs), so the match-key index is exactly the
one ingest would have built. At each scale point a probe set goes through the real
`IngestService.upsert`, one record at a time: half are new people, half corrupted copies of
people already in the hub. Reports latency per record, where the time goes, how many
candidate keys hit the per-key limit, and the outcomes (so a reader can see that matching
really ran, and was right), and the memory of the hub process (and of a local Neo4j).

    .venv/bin/python bench/matching_scale.py                            # 10k, 100k, 1M
    .venv/bin/python bench/matching_scale.py --scales 10000,50000 --probes 500
    .venv/bin/python bench/matching_scale.py --store neo4j --scales 10000,100000 --warmup 500
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import functools
import hashlib
import itertools
import json
import math
import multiprocessing
import os
import platform
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from bisect import bisect_left
from collections import Counter, deque
from collections.abc import Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from types import FrameType
from typing import Any, cast

from machine_facts import cpu_model, load_average, memory_gib
from rich.console import Console
from rich.table import Table

import mdm_hub
from mdm_hub.adapters.embedded import EmbeddedStore
from mdm_hub.adapters.embedded.match_keys import key_hash
from mdm_hub.adapters.embedded.transaction import EmbeddedTransaction
from mdm_hub.adapters.neo4j import Neo4jStore
from mdm_hub.adapters.neo4j.catalog import Query
from mdm_hub.adapters.neo4j.transaction import Neo4jTransaction
from mdm_hub.datafiles import shipped
from mdm_hub.domain.entity_types import EntityType
from mdm_hub.domain.records import (
    IncomingRecord,
    Membership,
    ReferenceLookup,
    SourceKey,
    StoredCandidate,
    StoredSource,
    UpsertOutcome,
    UpsertResult,
    utc_now,
)
from mdm_hub.matching.decide import MatchDecision, rule_name
from mdm_hub.matching.prepare import PreparedRecord
from mdm_hub.matching.rarity import key_weights
from mdm_hub.neo4j_local import Neo4jEndpoint, Neo4jMemory, provide_neo4j
from mdm_hub.ports import Store, StoreTransaction, WorkHint
from mdm_hub.runtime import tune_garbage_collector
from mdm_hub.services.ingest import IngestService, RawRecord
from mdm_hub.services.matching import RecordMatcher
from mdm_hub.services.relationships import ReferenceLinker
from mdm_hub.services.survivorship import GoldenRecomputer
from mdm_hub.wiring import shipped_rules

ROOT = Path(__file__).resolve().parent.parent
RULES_DIR = ROOT / "src" / "mdm_hub" / "shipped" / "matching"
RESULTS_PATH = Path(__file__).resolve().parent / "results" / "matching_scale.json"
ENTITY = EntityType.EMPLOYEE
HUB_SYSTEM = "HRIS"
PROBE_SYSTEMS = ("PAYROLL", "EXPENSE", "PSA")
DEFAULT_SCALES = (10_000, 100_000, 1_000_000)
CHUNK = 10_000  # bulk records per store transaction (--chunk)
# Neo4j holds a transaction's writes in its heap until commit: 5,000 records took up to
# 1.8 GiB of the bench's 2g heap (more and a --neo4j-heap 2g server may run out).
NEO4J_CHUNK = 5_000
FRESH_BASE = 1 << 40  # person indexes of people who are not in the hub start here
FIRST_BIRTH_DATE = date(1945, 1, 1)
BIRTH_DATE_DAYS = (date(2004, 12, 31) - FIRST_BIRTH_DATE).days + 1  # 60 years
Json = dict[str, Any]

# --------------------------------------------------------------------------- vocabulary


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


ONSETS = _words("b br c ch d dr f fl g gr h j k kl l m n p pr r s sh st t tr v w z")
VOWELS = _words("a e i o u a e i o ai ea ie oo ou")  # plain vowels twice: more common
CODAS = ("", "", "", *_words("n r l s m nd rt ck th ll ng x"))
FAMILY_SUFFIXES = _words("son sen man er ley ton field berg ski ez ford well wood ham worth ing")
GIVEN_ENDINGS = _words("a o i an en el ie ia us on ette y ah io ina ert")
CITY_SUFFIXES = ("", "", "ville", "ford", "burg", "port", " Falls", "field", "ton", " Springs")
STREET_SUFFIXES = _words("Street Street Road Road Avenue Lane Drive Way Close Court Place")
STREET_ABBREVIATIONS = {
    "Street": "St",
    "Road": "Rd",
    "Avenue": "Ave",
    "Lane": "Ln",
    "Drive": "Dr",
    "Court": "Ct",
    "Place": "Pl",
}
COMMON_STREETS = (
    "Main Street", "High Street", "Church Road", "Station Road", "Park Avenue", "Mill Lane",
    "School Lane", "Oak Street", "Maple Avenue", "Elm Street", "Victoria Road", "Green Lane",
)  # fmt: skip
UNIT_WORDS = ("Apt", "Flat", "Unit", "Suite")
JOB_TITLES = (
    "Consultant", "Senior Consultant", "Manager", "Senior Manager", "Director", "Analyst",
    "Associate", "Partner", "Engineer", "Accountant", "Designer", "Recruiter",
)  # fmt: skip
PHONE_SHARE = 0.7
ADDRESS_LINE2_SHARE = 0.15
KEYBOARD_NEIGHBOURS = {
    "a": "sqz", "b": "vn", "c": "xv", "d": "sf", "e": "wr", "f": "dg", "g": "fh", "h": "gj",
    "i": "uo", "j": "hk", "k": "jl", "l": "k", "m": "n", "n": "bm", "o": "ip", "p": "o",
    "r": "et", "s": "ad", "t": "ry", "u": "yi", "v": "cb", "w": "qe", "x": "zc", "y": "tu",
    "z": "x", "q": "w",
}  # fmt: skip


def _syllable(rng: random.Random) -> str:
    return rng.choice(ONSETS) + rng.choice(VOWELS) + rng.choice(CODAS)


def _distinct(rng: random.Random, count: int, make: Any) -> list[str]:
    """`count` distinct strings from `make(rng)`, in the order first drawn (that order is
    the frequency rank). Bounded: gives up (and says so) if the space is too small."""
    seen: dict[str, None] = {}
    for _ in range(count * 50):
        seen.setdefault(make(rng), None)
        if len(seen) == count:
            return list(seen)
    raise RuntimeError(f"could only make {len(seen)} of {count} distinct names")


def _zipf_cumulative(count: int, shift: float, exponent: float = 1.0) -> list[float]:
    """Cumulative weights of a shifted Zipf law: rank r has weight 1 / (r + shift)^exponent."""
    return list(itertools.accumulate(1.0 / (rank + shift) ** exponent for rank in range(count)))


@dataclass(frozen=True)
class City:
    name: str
    region: str
    postcodes: tuple[str, ...]


@dataclass(frozen=True)
class Vocabulary:
    given: list[str]
    given_cum: list[float]
    family: list[str]
    family_cum: list[float]
    cities: list[City]
    city_cum: list[float]
    streets: list[str]
    street_cum: list[float]

    @property
    def postcode_count(self) -> int:
        return sum(len(c.postcodes) for c in self.cities)


def build_vocabulary(
    seed: int, given: int, family: int, cities: int, postcodes: int, streets: int
) -> Vocabulary:
    """Name lists built from syllables, each with a Zipf-like frequency (the first drawn is
    the most common): one family name covers ~0.8% of people, one given name ~3%."""
    rng = random.Random(f"vocabulary:{seed}")

    def family_name(r: random.Random) -> str:
        if r.random() < 0.5:
            return (_syllable(r) + _syllable(r)).capitalize()
        return (_syllable(r) + r.choice(FAMILY_SUFFIXES)).capitalize()

    def given_name(r: random.Random) -> str:
        if r.random() < 0.6:
            return (_syllable(r) + r.choice(GIVEN_ENDINGS)).capitalize()
        return (r.choice(ONSETS) + r.choice(VOWELS) + _syllable(r)).capitalize()

    def city_name(r: random.Random) -> str:
        stem = _syllable(r) + _syllable(r) if r.random() < 0.7 else _syllable(r)
        return stem.capitalize() + r.choice(CITY_SUFFIXES)

    def street_name(r: random.Random) -> str:
        return f"{(_syllable(r) + _syllable(r)).capitalize()} {r.choice(STREET_SUFFIXES)}"

    family_names = _distinct(rng, family, family_name)
    given_names = _distinct(rng, given, given_name)
    city_names = _distinct(rng, cities, city_name)
    street_names = (
        list(COMMON_STREETS)
        + [s for s in _distinct(rng, streets, street_name) if s not in COMMON_STREETS][
            : max(0, streets - len(COMMON_STREETS))
        ]
    )
    regions = _distinct(rng, 24, lambda r: (_syllable(r) + _syllable(r)).capitalize())
    city_cum = _zipf_cumulative(cities, shift=2.0)
    # Postcodes: 5 digits, distinct, shared out in proportion to each city's population
    # (every city has at least one, so there are a few more than asked for).
    weights = [b - a for a, b in zip([0.0, *city_cum], city_cum, strict=False)]
    counts = [max(1, round(postcodes * w / city_cum[-1])) for w in weights]
    codes = rng.sample(range(1000, 100_000), sum(counts))
    starts = [0, *itertools.accumulate(counts)]
    city_list = [
        City(name, rng.choice(regions), tuple(f"{c:05d}" for c in codes[a:b]))
        for name, a, b in zip(city_names, starts, starts[1:], strict=False)
    ]
    return Vocabulary(
        given=given_names,
        given_cum=_zipf_cumulative(len(given_names), shift=4.0),
        family=family_names,
        family_cum=_zipf_cumulative(len(family_names), shift=15.0),
        cities=city_list,
        city_cum=city_cum,
        streets=street_names,
        street_cum=_zipf_cumulative(len(street_names), shift=20.0),
    )


def _pick(rng: random.Random, items: Sequence[Any], cumulative: Sequence[float]) -> Any:
    index = bisect_left(cumulative, rng.random() * cumulative[-1])
    return items[min(index, len(items) - 1)]


# --------------------------------------------------------------------------- people


class People:
    """Person `index` is always the same person (a seeded Random per index), so a probe can
    copy any hub person without the million of them being kept in memory."""

    def __init__(self, vocabulary: Vocabulary, seed: int) -> None:
        self._v = vocabulary
        self._seed = seed

    def person(self, index: int) -> Json:
        v = self._v
        rng = random.Random((self._seed << 48) ^ index)
        given = _pick(rng, v.given, v.given_cum)
        family = _pick(rng, v.family, v.family_cum)
        city = _pick(rng, v.cities, v.city_cum)
        number = 1 + min(int(rng.expovariate(1 / 40)), 1998)
        person: Json = {
            "given_name": given,
            "family_name": family,
            "birth_date": (
                FIRST_BIRTH_DATE + timedelta(rng.randrange(BIRTH_DATE_DAYS))
            ).isoformat(),
            "address_line1": f"{number} {_pick(rng, v.streets, v.street_cum)}",
            "city": city.name,
            "postal_code": rng.choice(city.postcodes),
            "region": city.region,
            "country": "US",
            "job_title": rng.choice(JOB_TITLES),
        }
        if rng.random() < ADDRESS_LINE2_SHARE:
            person["address_line2"] = f"{rng.choice(UNIT_WORDS)} {rng.randint(1, 60)}"
        if rng.random() < PHONE_SHARE:
            area, exchange, line = (
                rng.randint(201, 989),
                rng.randint(200, 999),
                rng.randrange(10_000),
            )
            person["phone"] = f"+1 {area} {exchange} {line:04d}"
        return person

    def hub_record(self, index: int) -> RawRecord:
        """How the HR system of record holds person `index`: with strong identifiers."""
        attributes = self.person(index)
        attributes["employee_number"] = f"E{index:08d}"
        local = f"{attributes['given_name']}.{attributes['family_name']}.{index}".lower()
        attributes["email"] = f"{local}@staff.example.com"
        return RawRecord(HUB_SYSTEM, str(ENTITY), f"E{index:08d}", attributes)


def _typo(value: str, rng: random.Random) -> str:
    if len(value) < 3:
        return value + rng.choice("aeiou")
    i = rng.randrange(1, len(value) - 1)  # keep the first letter, as most real typos do
    op = rng.randrange(4)
    if op == 0:  # substitute a neighbouring key
        letter = value[i].lower()
        return value[:i] + rng.choice(KEYBOARD_NEIGHBOURS.get(letter, "e")) + value[i + 1 :]
    if op == 1:  # drop a letter
        return value[:i] + value[i + 1 :]
    if op == 2:  # double a letter
        return value[: i + 1] + value[i:]
    return value[:i] + value[i + 1] + value[i] + value[i + 2 :]  # transpose


def _birth_date_error(iso: str, rng: random.Random) -> str:
    moment = date.fromisoformat(iso)
    if moment.day <= 12 and moment.day != moment.month and rng.random() < 0.5:
        return date(moment.year, moment.day, moment.month).isoformat()  # day/month swapped
    for _ in range(10):  # a one-digit slip that is still a real date
        i = rng.choice((2, 3, 6, 8, 9))
        candidate = iso[:i] + str(rng.randrange(10)) + iso[i + 1 :]
        with contextlib.suppress(ValueError):
            if candidate != iso and date.fromisoformat(candidate):
                return candidate
    return (moment + timedelta(days=1)).isoformat()


def _drop_birth_date(a: Json, rng: random.Random) -> None:
    a.pop("birth_date", None)


def _wrong_birth_date(a: Json, rng: random.Random) -> None:
    if "birth_date" in a:
        a["birth_date"] = _birth_date_error(a["birth_date"], rng)


def _given_typo(a: Json, rng: random.Random) -> None:
    a["given_name"] = _typo(a["given_name"], rng)


def _family_typo(a: Json, rng: random.Random) -> None:
    a["family_name"] = _typo(a["family_name"], rng)


def _swap_names(a: Json, rng: random.Random) -> None:
    a["given_name"], a["family_name"] = a["family_name"], a["given_name"]


def _postcode_digit(a: Json, rng: random.Random) -> None:
    code = a["postal_code"]
    i = rng.randrange(1, len(code))
    a["postal_code"] = code[:i] + str((int(code[i]) + rng.randint(1, 9)) % 10) + code[i + 1 :]


def _street_abbreviated(a: Json, rng: random.Random) -> None:
    number, _, street = a["address_line1"].partition(" ")
    for word, short in STREET_ABBREVIATIONS.items():
        if street.endswith(word):
            a["address_line1"] = f"{number} {street.removesuffix(word)}{short}"
            return
    a["address_line1"] = f"{number} {_typo(street, rng)}"


def _house_number_typo(a: Json, rng: random.Random) -> None:
    number, _, street = a["address_line1"].partition(" ")
    a["address_line1"] = f"{int(number) + rng.choice((-2, -1, 1, 2, 10)) or 1} {street}"


def _moved(a: Json, rng: random.Random) -> None:
    """A new address in the same city (payroll still has the old one, or the other way)."""
    a["address_line1"] = f"{rng.randint(1, 400)} {a['address_line1'].partition(' ')[2]}"
    a.pop("address_line2", None)
    a.pop("phone", None)


def _city_typo(a: Json, rng: random.Random) -> None:
    a["city"] = _typo(a["city"], rng)


def _upper_case(a: Json, rng: random.Random) -> None:
    for name in ("given_name", "family_name", "address_line1", "city"):
        a[name] = a[name].upper()


def _new_family_name(a: Json, rng: random.Random) -> None:
    a["family_name"] = (_syllable(rng) + rng.choice(FAMILY_SUFFIXES)).capitalize()


CORRUPTIONS = (
    (_given_typo, 3.0),
    (_family_typo, 3.0),
    (_swap_names, 1.0),
    (_postcode_digit, 2.0),
    (_drop_birth_date, 1.5),
    (_wrong_birth_date, 1.5),
    (_street_abbreviated, 2.0),
    (_house_number_typo, 1.0),
    (_moved, 0.7),
    (_city_typo, 1.0),
    (_upper_case, 1.0),
    (_new_family_name, 0.3),
)


def corrupted_copy(person: Json, rng: random.Random) -> tuple[Json, list[str]]:
    """Another system's record of the same person: no shared identifier (so only fuzzy
    matching can link it), phone often missing, and 1 to 3 data errors."""
    attributes = dict(person)
    if "phone" in attributes and rng.random() < 0.6:
        del attributes["phone"]
    attributes.pop("job_title", None)
    functions = [f for f, _ in CORRUPTIONS]
    weights = [w for _, w in CORRUPTIONS]
    wanted = rng.choices((1, 2, 3), (0.55, 0.3, 0.15))[0]
    chosen: list[Any] = []
    for _ in range(50):  # distinct errors; bounded, 3 of 12 are always found long before
        pick = rng.choices(functions, weights)[0]
        if pick not in chosen:
            chosen.append(pick)
        if len(chosen) == wanted:
            break
    for corrupt in chosen:
        corrupt(attributes, rng)
    return attributes, [c.__name__.lstrip("_") for c in chosen]


@dataclass(frozen=True)
class Probe:
    raw: RawRecord
    kind: str  # "fresh" or "copy"
    person: int
    corruptions: tuple[str, ...] = ()


def make_probes(
    people: People, count: int, hub_people: int, seed: int, point: int, tag: str
) -> list[Probe]:
    """Half people not in the hub, half corrupted copies of random hub people, shuffled."""
    rng = random.Random(f"probes:{seed}:{point}:{tag}")
    probes: list[Probe] = []
    fresh_base = FRESH_BASE + (point << 24) + (1 << 20 if tag == "warmup" else 0)
    for j in range(count):
        system = PROBE_SYSTEMS[j % len(PROBE_SYSTEMS)]
        source_id = f"{tag}-{point}-{j:06d}"
        if j % 2 == 0:
            index = fresh_base + j
            attributes = people.person(index)
            attributes.pop("job_title", None)
            raw = RawRecord(system, str(ENTITY), source_id, attributes)
            probes.append(Probe(raw, "fresh", index))
        else:
            index = rng.randrange(hub_people)
            attributes, corruptions = corrupted_copy(people.person(index), rng)
            raw = RawRecord(system, str(ENTITY), source_id, attributes)
            probes.append(Probe(raw, "copy", index, tuple(corruptions)))
    rng.shuffle(probes)
    return probes


def golden_id_of(seed: int, index: int) -> str:
    """The bulk-built golden ID of hub person `index`: random-looking (as ingest's are, so
    the golden primary key fills the same way) but reproducible, so links can be checked."""
    digest = hashlib.blake2b(f"{seed}:{index}".encode(), digest_size=16).hexdigest()
    return f"{ENTITY.id_prefix}_{digest}"


# --------------------------------------------------------------------------- bulk build


# A chunk prepared for writing: (golden ID, source ID, attributes, content hash, match keys,
# the comparison values ingest stores with the record).
PreparedRow = tuple[str, str, Json, str, tuple[str, ...], str]
_WORKER: dict[str, Any] = {}  # per process: the People and RecordMatcher chunks are made with


def _init_worker(seed: int, vocabulary_sizes: tuple[int, int, int, int, int]) -> None:
    _WORKER["people"] = People(build_vocabulary(seed, *vocabulary_sizes), seed)
    _WORKER["matcher"] = RecordMatcher.from_directory(RULES_DIR)
    _WORKER["seed"] = seed


def _prepare_chunk(start: int, stop: int) -> list[PreparedRow]:
    """Hub people [start, stop) validated as ingest validates them (`IncomingRecord.parse`),
    with the keys and comparison values ingest would store them with (`RecordMatcher.prepare`)."""
    people: People = _WORKER["people"]
    matcher: RecordMatcher = _WORKER["matcher"]
    rows = []
    for index in range(start, stop):
        raw = people.hub_record(index)
        record = IncomingRecord.parse(raw.system, raw.entity_type, raw.source_id, raw.attributes)
        prepared = matcher.prepare(record)
        golden_id = golden_id_of(_WORKER["seed"], index)
        rows.append(
            (
                golden_id,
                record.key.source_id,
                record.attributes,
                record.content_hash,
                prepared.keys,
                matcher.stored_values(ENTITY, prepared),
            )
        )
    return rows


async def bulk_build(
    store: Store,
    writer: _Writer,
    seed: int,
    vocabulary_sizes: tuple[int, int, int, int, int],
    span: tuple[int, int],
    workers: int,
    console: Console,
    chunk: int = CHUNK,
) -> Json:
    """Hub people [start, stop) as one golden record each, in transactions of `chunk` records,
    stored as `IngestService._create` stores a record that matched nothing (no retrieval).
    On Neo4j the transaction holds those writes and sends them as one statement per kind
    (write_buffer.py), so a chunk is a handful of round trips, not a few per record.
    With `workers`, other processes generate, validate and derive keys while this one writes."""
    start, stop = span
    chunks = [(a, min(a + chunk, stop)) for a in range(start, stop, chunk)]
    began = time.perf_counter()
    last_report = began
    with contextlib.ExitStack() as stack:
        if workers:
            pool = stack.enter_context(
                ProcessPoolExecutor(
                    workers,
                    mp_context=multiprocessing.get_context("spawn"),
                    initializer=_init_worker,
                    initargs=(seed, vocabulary_sizes),
                )
            )
        else:
            _init_worker(seed, vocabulary_sizes)
        pending: deque[Future[list[PreparedRow]]] = deque()
        for number, (chunk_start, chunk_stop) in enumerate(chunks):
            if workers:
                # Keep every worker busy one chunk ahead of the writer (bounded queue).
                for ahead in chunks[number + len(pending) : number + workers + 1]:
                    pending.append(pool.submit(_prepare_chunk, *ahead))
                rows = await asyncio.wrap_future(pending.popleft())
            else:
                rows = _prepare_chunk(chunk_start, chunk_stop)
            now = utc_now()
            await store.write(functools.partial(writer.write, rows=rows, now=now))
            moment = time.perf_counter()
            if moment - last_report > 30 or chunk_stop == stop:
                done = chunk_stop - start
                rate = done / (moment - began)
                eta = (stop - chunk_stop) / rate if rate else 0.0
                console.print(
                    f"    built {chunk_stop:,} goldens ({rate:,.0f} records/s, {eta:,.0f} s to go)"
                )
                last_report = moment
    seconds = time.perf_counter() - began
    count = stop - start
    return {
        "records": count,
        "seconds": round(seconds, 1),
        "records_per_s": round(count / seconds, 1) if seconds else None,
        "workers": workers,
        "chunk": chunk,
    }


@dataclass(frozen=True)
class _Writer:
    """The writes `IngestService` makes for a new record that matched nothing, minus the
    retrieval: golden, source record with its keys, membership, golden values (through the
    same recomputer, so survivorship runs), and the reference bookkeeping of an arrival."""

    decided_by: str
    golden: GoldenRecomputer
    references: ReferenceLinker

    async def write(self, tx: StoreTransaction, rows: Sequence[PreparedRow], now: datetime) -> None:
        for golden_id, source_id, attributes, content_hash, keys, match_values in rows:
            stored = StoredSource(
                SourceKey(HUB_SYSTEM, ENTITY, source_id),
                attributes,
                content_hash,
                1,
                now,
                now,
                match_values=match_values,
            )
            await tx.create_golden(golden_id, ENTITY, now)
            # The record with its membership in one write, as ingest does.
            await tx.put_source(stored, keys, Membership(golden_id, now, self.decided_by))
            await self.golden.recompute(tx, golden_id, now, only_if_changed=False)
            await self.references.after_write(tx, stored, golden_id, None)


# --------------------------------------------------------------------------- measurement


@dataclass
class Timings:
    """Time inside matching for the record being ingested (reset per record)."""

    match_ns: int = 0
    retrieval_ns: int = 0
    candidates: int = 0
    # Neo4j only: the group's first reads, before matching (locks, and the candidate rows of
    # every key at once, which `candidates` then answers from; see Neo4jTransaction.prefetch).
    prefetch_ns: int = 0
    # Embedded only: the writes a transaction makes once, just before COMMIT (the search
    # index, term counts, outbox and audit; EmbeddedTransaction.finish).
    finish_ns: int = 0


class _TimedTransaction:
    """Passes every call matching makes through to the real transaction, timing candidate
    retrieval (the SQL and decoding the rows)."""

    def __init__(self, tx: StoreTransaction, timings: Timings) -> None:
        self._tx = tx
        self._timings = timings

    def __getattr__(self, name: str) -> Any:
        # Graph evidence, term counts, loop checks: read as matching reads them, untimed.
        return getattr(self._tx, name)

    async def candidates(
        self,
        entity_type: EntityType,
        keys: Sequence[str],
        per_key_limit: int,
        top_k: int,
        references: Sequence[ReferenceLookup] = (),
    ) -> list[StoredCandidate]:
        started = time.perf_counter_ns()
        found = await self._tx.candidates(entity_type, keys, per_key_limit, top_k, references)
        self._timings.retrieval_ns += time.perf_counter_ns() - started
        self._timings.candidates += len(found)
        return found


class TimedMatcher(RecordMatcher):
    """The real matcher, with the time spent in `match` (retrieval + scoring + decision)."""

    timings: Timings

    async def match(
        self,
        tx: StoreTransaction,
        record: IncomingRecord,
        prepared: PreparedRecord,
        own_golden: str | None = None,
        *,
        displace: bool = True,
    ) -> MatchDecision:
        started = time.perf_counter_ns()
        timed = cast("StoreTransaction", _TimedTransaction(tx, self.timings))
        decision = await super().match(timed, record, prepared, own_golden, displace=displace)
        self.timings.match_ns += time.perf_counter_ns() - started
        return decision


def time_neo4j_prefetch(matcher: TimedMatcher) -> None:
    """Count Neo4j's prefetch (where its candidate retrieval mostly happens) in the record's
    timings: the transaction class is wrapped, as the store builds one per attempt."""
    real = Neo4jTransaction.prefetch

    async def prefetch(self: Neo4jTransaction, hints: Sequence[WorkHint]) -> None:
        started = time.perf_counter_ns()
        await real(self, hints)
        matcher.timings.prefetch_ns += time.perf_counter_ns() - started

    Neo4jTransaction.prefetch = prefetch  # type: ignore[method-assign]


def time_embedded_finish(matcher: TimedMatcher) -> None:
    """Count the embedded transaction's end-of-transaction writes in the record's timings
    (the class is wrapped: the store builds one transaction per write)."""
    real = EmbeddedTransaction.finish

    def finish(self: EmbeddedTransaction) -> None:
        started = time.perf_counter_ns()
        real(self)
        matcher.timings.finish_ns += time.perf_counter_ns() - started

    EmbeddedTransaction.finish = finish  # type: ignore[method-assign]


def percentile(ordered: Sequence[float], pct: float) -> float:
    """Nearest-rank percentile of already sorted samples."""
    rank = max(1, math.ceil(pct / 100 * len(ordered)))
    return ordered[rank - 1]


def summarise(samples: Sequence[float], digits: int = 3) -> Json:
    if not samples:
        return {}
    ordered = sorted(samples)
    return {
        "mean": round(sum(ordered) / len(ordered), digits),
        "p50": round(percentile(ordered, 50), digits),
        "p90": round(percentile(ordered, 90), digits),
        "p99": round(percentile(ordered, 99), digits),
        "max": round(ordered[-1], digits),
    }


def classify(probe: Probe, result: UpsertResult, seed: int) -> str:
    if result.match_candidate_id is not None:
        return "review"
    if result.outcome is UpsertOutcome.CREATED:
        return "created"
    if result.outcome is UpsertOutcome.LINKED:
        if probe.kind == "copy":
            own = result.golden_id == golden_id_of(seed, probe.person)
            return "linked_own" if own else "linked_other"
        return "linked"
    return str(result.outcome).lower()  # UPDATED/UNCHANGED cannot happen: IDs are fresh


@dataclass(frozen=True)
class Sample:
    """One timed record: milliseconds in all, of this thread's CPU, in `match`, in candidate
    retrieval, in Neo4j's prefetch, in the embedded store's end-of-transaction writes; how many
    candidates were scored; and what became of it."""

    probe: Probe
    result: UpsertResult
    latency: float
    cpu: float
    match: float
    retrieval: float
    candidates: int
    prefetch: float = 0.0
    finish: float = 0.0

    @property
    def scoring(self) -> float:
        """Match time outside retrieval: standardising candidates, scoring, deciding."""
        return self.match - self.retrieval


async def measure(
    ingest: IngestService, matcher: TimedMatcher, probes: Sequence[Probe], seed: int
) -> tuple[Json, list[Sample]]:
    samples: list[Sample] = []
    began = time.perf_counter()
    for probe in probes:
        matcher.timings = timings = Timings()
        started = time.perf_counter_ns()
        cpu_started = time.thread_time_ns()
        result = await ingest.upsert(probe.raw)
        cpu = time.thread_time_ns() - cpu_started
        elapsed = time.perf_counter_ns() - started
        samples.append(
            Sample(
                probe,
                result,
                elapsed / 1e6,
                cpu / 1e6,
                timings.match_ns / 1e6,
                timings.retrieval_ns / 1e6,
                timings.candidates,
                timings.prefetch_ns / 1e6,
                timings.finish_ns / 1e6,
            )
        )
    wall = time.perf_counter() - began
    outcomes = Counter(str(s.result.outcome) for s in samples)
    review = sum(1 for s in samples if s.result.match_candidate_id is not None)
    by_kind: dict[str, Counter[str]] = {"fresh": Counter(), "copy": Counter()}
    for sample in samples:
        by_kind[sample.probe.kind][classify(sample.probe, sample.result, seed)] += 1
    stats: Json = {
        "records": len(probes),
        "seconds": round(wall, 2),
        "records_per_s": round(len(probes) / wall, 1) if wall else None,
        "latency_ms": summarise([s.latency for s in samples]),
        # This thread's CPU time (time.thread_time): moves far less with the machine's load
        # than the latency does; the store's own checkpoint thread is not in it.
        "cpu_ms": summarise([s.cpu for s in samples]),
        "match_ms": summarise([s.match for s in samples]),
        "retrieval_ms": summarise([s.retrieval for s in samples]),
        "scoring_ms": summarise([s.scoring for s in samples]),
        "outside_match_ms": summarise([s.latency - s.match for s in samples]),
        "prefetch_ms": summarise([s.prefetch for s in samples]),
        "finish_ms": summarise([s.finish for s in samples]),
        "candidates_after_top_k": summarise([s.candidates for s in samples], 1),
        "outcomes": {
            "LINKED": outcomes["LINKED"],
            "CREATED": outcomes["CREATED"] - review,
            "REVIEW": review,
        },
        "fresh": dict(sorted(by_kind["fresh"].items())),
        "copies": dict(sorted(by_kind["copy"].items())),
    }
    return stats, samples


PROFILED = 100  # probes whose retrieval queries are PROFILEd afterwards (Neo4j)
CANDIDATE_BUCKETS = ((0, 0), (1, 9), (10, 19), (20, 39), (40, 10**9))


def by_candidates(samples: Sequence[Sample], rows_read: Sequence[int]) -> list[Json]:
    """Mean times of the records that scored about as many candidates: if these stay put
    across hub sizes, the cost per candidate is flat and only the candidate count grows."""
    out = []
    for low, high in CANDIDATE_BUCKETS:
        picked = [
            (s, rows)
            for s, rows in zip(samples, rows_read, strict=True)
            if low <= s.candidates <= high
        ]
        if not picked:
            continue
        n = len(picked)
        out.append(
            {
                "candidates": f"{low}-{high}" if high < 10**9 else f"{low}+",
                "records": n,
                "latency_ms": round(sum(s.latency for s, _ in picked) / n, 3),
                "retrieval_ms": round(sum(s.retrieval for s, _ in picked) / n, 3),
                "scoring_ms": round(sum(s.scoring for s, _ in picked) / n, 3),
                "outside_match_ms": round(sum(s.latency - s.match for s, _ in picked) / n, 3),
                "index_rows_read": round(sum(rows for _, rows in picked) / n, 1),
            }
        )
    return out


async def wrong_links(
    store: Store, people: People, samples: Sequence[Sample], seed: int, limit: int
) -> list[Json]:
    """A few records linked where they should not have been, with what they were linked to:
    so a reader can judge whether the generator made look-alikes or matching erred."""
    out: list[Json] = []
    for sample in samples:
        verdict = classify(sample.probe, sample.result, seed)
        if verdict not in {"linked", "linked_other"} or len(out) >= limit:
            continue
        view = await store.get_golden(sample.result.golden_id)
        example: Json = {
            "kind": sample.probe.kind,
            "score": sample.result.score,
            "probe": sample.probe.raw.attributes,
            "linked_to": [dict(m.attributes) for m in view.members] if view else None,
        }
        if sample.probe.kind == "copy":
            example["corruptions"] = list(sample.probe.corruptions)
            example["copied_from"] = people.person(sample.probe.person)
        out.append(example)
    return out


def prepare_keys(matcher: RecordMatcher, probe: Probe) -> tuple[str, ...]:
    """The match keys ingest derived for a probe."""
    raw = probe.raw
    record = IncomingRecord.parse(raw.system, raw.entity_type, raw.source_id, raw.attributes)
    return tuple(matcher.prepare(record).keys)


async def key_diagnostics(
    hub: Hub, matcher: RecordMatcher, probes: Sequence[Probe], per_key_limit: int
) -> tuple[Json, list[int]]:
    """After the timed pass (so it warms no cache the timing uses): for each probe's keys,
    how many other records share each one, capped just above the per-key limit. A key at
    the limit is 'saturated': retrieval reads `per_key_limit` rows for it, the oldest first."""
    keys_per: list[int] = []
    rows_per: list[int] = []
    saturated_per: list[int] = []
    saturated_by_rule: Counter[str] = Counter()
    for probe in probes:
        keys = prepare_keys(matcher, probe)
        rows = saturated = 0
        for key, count in zip(keys, await hub.key_counts(keys, per_key_limit + 2), strict=True):
            others = count - 1  # the probe's own entry is in the index by now
            rows += min(others, per_key_limit)
            if others > per_key_limit:
                saturated += 1
                saturated_by_rule[key.split("|")[2]] += 1
        keys_per.append(len(keys))
        rows_per.append(rows)
        saturated_per.append(saturated)
    n = len(probes)
    stats = {
        "keys_per_record": summarise(keys_per, 2),
        "rows_read_per_record": summarise(rows_per, 1),
        "saturated_keys_per_record": summarise(saturated_per, 2),
        "records_with_a_saturated_key": round(sum(1 for s in saturated_per if s) / n, 3),
        "saturated_share_by_rule": {
            rule: round(count / n, 3) for rule, count in saturated_by_rule.most_common()
        },
    }
    return stats, rows_per


class Hub:
    """The store under test, with what the report reads of it beside the store's own API:
    sizes, how many records hold a key, and the memory of the processes involved."""

    store: Store
    name: str

    async def counts(self) -> Json:
        """live_goldens, merged_goldens, source_records, match_keys, db_mib."""
        raise NotImplementedError

    async def key_counts(self, keys: Sequence[str], cap: int) -> list[int]:
        """For each key, how many source records hold it, counting at most `cap`."""
        raise NotImplementedError

    def memory(self) -> Json:
        """This (the hub's) process's RSS and peak, and the store server's where there is one."""
        return process_memory("self")

    async def retrieval_work(
        self, keys_of: Sequence[Sequence[str]], per_key_limit: int, top_k: int
    ) -> Json:
        """What the store's own retrieval queries do for these records' keys, in units that
        do not move with the machine's load (empty where the store says nothing of it)."""
        return {}


class EmbeddedHub(Hub):
    name = "embedded"

    def __init__(self, db_path: Path) -> None:
        self.db_path = db_path
        self.store = EmbeddedStore(str(db_path))

    def _read(self, sql: str, params: Sequence[Any] = ()) -> tuple[Any, ...]:
        db = sqlite3.connect(f"file:{self.db_path}?mode=ro", uri=True)
        try:
            return cast("tuple[Any, ...]", db.execute(sql, params).fetchone())
        finally:
            db.close()

    async def counts(self) -> Json:
        live, merged = self._read(
            "SELECT count(*) FILTER (WHERE mergedInto IS NULL), "
            "count(*) FILTER (WHERE mergedInto IS NOT NULL) FROM golden"
        )
        (sources,) = self._read("SELECT count(*) FROM source_record")
        (keys,) = self._read("SELECT count(*) FROM match_key_hash")
        files = self.db_path.parent.glob(self.db_path.name + "*")
        return _counts(live, merged, sources, keys, sum(f.stat().st_size for f in files))

    async def key_counts(self, keys: Sequence[str], cap: int) -> list[int]:
        return [
            self._read(
                "SELECT count(*) FROM (SELECT 1 FROM match_key_hash WHERE keyHash = ? LIMIT ?)",
                (key_hash(key), cap),
            )[0]
            for key in keys
        ]


# Diagnostics only (what the report says of the graph): nothing the hub runs is measured here.
NEO4J_COUNTS = """
MATCH (g:Golden) WITH count(g) AS goldens, count(g.mergedInto) AS merged
MATCH (s:SourceRecord) WITH goldens, merged, count(s) AS sources
MATCH (k:MatchKey) RETURN goldens - merged AS live, merged, sources, count(k) AS keys
"""
NEO4J_KEY_COUNTS = """
UNWIND range(0, size($keys) - 1) AS i
CALL (i) {
  MATCH (:MatchKey {key: $keys[i]})<-[:HAS_KEY]-(s:SourceRecord)
  WITH s LIMIT $cap
  RETURN count(s) AS n
}
RETURN n ORDER BY i
"""
NEO4J_ANY_GOLDEN = "MATCH (g:Golden) RETURN g.id AS id LIMIT 1"
NEO4J_HEAP = (
    "CALL dbms.queryJmx('java.lang:type=Memory') YIELD attributes "
    "RETURN attributes.HeapMemoryUsage.value.properties AS heap"
)


class Neo4jHub(Hub):
    name = "neo4j"

    def __init__(self, endpoint: Neo4jEndpoint) -> None:
        self.endpoint = endpoint
        self.store = Neo4jStore(endpoint.uri, endpoint.user, endpoint.password, shipped("cypher"))
        self._heap: Json | None = None

    async def _rows(self, query: str, **params: Any) -> list[dict[str, Any]]:
        records, _, _ = await cast("Neo4jStore", self.store).driver.execute_query(query, params)
        return [record.data() for record in records]

    async def check_empty(self) -> None:
        """The bulk build writes fixed golden IDs: an earlier run's would collide with them."""
        if await self._rows(NEO4J_ANY_GOLDEN):
            raise SystemExit(
                f"Neo4j at {self.endpoint.uri} holds data: this bench needs an empty database "
                "(unset MDM_NEO4J_URI to let it start a throwaway one)"
            )

    async def counts(self) -> Json:
        [row] = await self._rows(NEO4J_COUNTS)
        home = _neo4j_home(self.endpoint.pid)
        self._heap = await self._read_heap()
        found = _counts(
            row["live"],
            row["merged"],
            row["sources"],
            row["keys"],
            _size(home / "data" / "databases") if home else 0,
        )
        # Kept apart: the bulk build's transaction logs are most of the data directory, and
        # are kept (by Neo4j's default retention) whatever the store's size.
        found["tx_log_mib"] = round(_size(home / "data" / "transactions") / 2**20, 1) if home else 0
        return found

    async def key_counts(self, keys: Sequence[str], cap: int) -> list[int]:
        rows = await self._rows(NEO4J_KEY_COUNTS, keys=list(keys), cap=cap)
        return [int(row["n"]) for row in rows]

    async def retrieval_work(
        self, keys_of: Sequence[Sequence[str]], per_key_limit: int, top_k: int
    ) -> Json:
        """Database hits of the shipped candidate queries, PROFILEd in a transaction rolled
        back afterwards (they lock keys by writing them): group_candidates.cypher, which
        the upsert's prefetch runs, and candidates.cypher, which a saturated key falls back
        to. Hits that grow with the hub where the candidates read do not would be a missing
        index or an unbounded expansion."""
        store = cast("Neo4jStore", self.store)
        now = utc_now()
        hits: dict[str, list[int]] = {"group_candidates": [], "candidates": []}
        for keys in keys_of:
            ordered = sorted(set(keys))
            hits["group_candidates"].append(
                await self._profiled(
                    store.catalog[Query.GROUP_CANDIDATES],
                    lockKeys=ordered,
                    keys=ordered,
                    limit=per_key_limit + 1,
                    now=now,
                    terms=[],  # the term counts it also reads: left out, as before they rode along
                )
            )
            hits["candidates"].append(
                await self._profiled(
                    store.catalog[Query.CANDIDATES],
                    keys=ordered,
                    references=[],  # the population's employees refer to nothing
                    now=now,
                    entityType=str(ENTITY),
                    perKeyLimit=per_key_limit,
                    weights=list(key_weights(per_key_limit)),
                    topK=top_k,
                )
            )
        return {
            "records_profiled": len(keys_of),
            "db_hits_per_record": {name: summarise(found, 1) for name, found in hits.items()},
        }

    async def _profiled(self, query: str, **params: Any) -> int:
        store = cast("Neo4jStore", self.store)
        async with store.driver.session() as session:
            tx = await session.begin_transaction()
            try:
                summary = await (await tx.run("PROFILE " + query, params)).consume()
            finally:
                await tx.rollback()
        return _db_hits(summary.profile or {})

    async def _read_heap(self) -> Json | None:
        try:
            [row] = await self._rows(NEO4J_HEAP)
        except Exception:  # JMX may be off: the report then has no heap figure
            return None
        heap = row["heap"]
        return {
            "used_mib": round(heap["used"] / 2**20, 1),
            "committed_mib": round(heap["committed"] / 2**20, 1),
            "max_mib": round(heap["max"] / 2**20, 1),
        }

    def memory(self) -> Json:
        found = super().memory()
        if self.endpoint.pid is not None:
            found["neo4j"] = {**process_memory(str(self.endpoint.pid)), "heap": self._heap}
        return found


def _db_hits(plan: Json) -> int:
    return int(plan.get("dbHits", 0)) + sum(_db_hits(child) for child in plan.get("children", []))


def _counts(live: int, merged: int, sources: int, keys: int, size: int) -> Json:
    return {
        "live_goldens": live,
        "merged_goldens": merged,
        "source_records": sources,
        "match_keys": keys,
        "db_mib": round(size / 2**20, 1),
    }


def _size(folder: Path) -> int:
    return sum(f.stat().st_size for f in folder.rglob("*") if f.is_file())


def _neo4j_home(pid: int | None) -> Path | None:
    """The home directory of a local Neo4j (its command line says), for its data's size."""
    if pid is None:
        return None
    with contextlib.suppress(OSError):
        for arg in Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0"):
            if arg.startswith(b"--home-dir="):
                return Path(arg.removeprefix(b"--home-dir=").decode())
    return None


def process_memory(pid: str) -> Json:
    """RSS and peak RSS (VmRSS, VmHWM) of a process on this machine, from /proc."""
    found: Json = {"rss_mib": None, "peak_rss_mib": None}
    with contextlib.suppress(OSError):
        for line in Path(f"/proc/{pid}/status").read_text(encoding="utf-8").splitlines():
            name, _, value = line.partition(":")
            if name in {"VmRSS", "VmHWM"}:
                mib = round(int(value.split()[0]) / 1024, 1)  # kB
                found["rss_mib" if name == "VmRSS" else "peak_rss_mib"] = mib
    return found


# --------------------------------------------------------------------------- machine


def _source_state() -> Json:
    """Which code was measured: other people edit src/ while benchmarks run."""
    facts: Json = {"commit": None, "uncommitted_changes": None}
    with contextlib.suppress(OSError, subprocess.SubprocessError):
        facts["commit"] = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        status = subprocess.run(
            ["git", "status", "--porcelain", "--", "src"],
            cwd=ROOT,
            check=True,
            capture_output=True,
            text=True,
        ).stdout.splitlines()
        facts["uncommitted_changes"] = [line[3:] for line in status]
    return facts


def machine_facts() -> Json:
    return {
        "cpu_count": os.cpu_count(),
        "usable_cpus": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None,
        "cpu_model": cpu_model(),
        "memory_gib": memory_gib(),
        "python": f"{platform.python_implementation()} {platform.python_version()}",
        "sqlite": sqlite3.sqlite_version,
        "platform": platform.platform(),
        "mdm_hub": mdm_hub.__version__,
        "load_average_at_start": load_average(),
        "source": _source_state(),
    }


# --------------------------------------------------------------------------- report


def render(console: Console, report: Json) -> None:
    machine = report["machine"]
    params = report["parameters"]
    console.print(
        f"Machine: {machine['cpu_count']} CPUs ({machine['usable_cpus']} usable), "
        f"{machine['cpu_model']}, {machine['memory_gib']} GiB, {machine['python']}, "
        f"SQLite {machine['sqlite']}; load average start {machine['load_average_at_start']}, "
        f"end {machine['load_average_at_end']}"
    )
    neo4j = report.get("neo4j")
    console.print(
        f"Store: {report['store']}"
        + (
            f", Neo4j {neo4j['version']} {neo4j['edition']} ({neo4j['origin']}), "
            f"page cache {neo4j['pagecache']}, heap {neo4j['heap']}"
            if neo4j
            else ""
        )
    )
    console.print(
        f"Probes: {params['probes']} per point (half new people, half corrupted copies), "
        f"{params['warmup']} untimed first; per_key_limit={params['per_key_limit']}, "
        f"top_k={params['top_k']}, seed={params['seed']}"
    )
    points = report["points"]
    table = Table(title="Employee ingest with matching, per record, by hub size")
    table.add_column("")
    for point in points:
        table.add_column(f"{point['scale']:,} goldens", justify="right")

    def row(label: str, cell: Any) -> None:
        table.add_row(label, *[cell(p) for p in points])

    def ms(section: str, key: str) -> Any:
        return lambda p: f"{p['ingest'][section][key]:.2f} ms"

    row("goldens when measured", lambda p: f"{p['hub_before']['live_goldens']:,}")
    row("records/s (one at a time)", lambda p: f"{p['ingest']['records_per_s']:,.0f}")
    row("latency mean", ms("latency_ms", "mean"))
    row("latency p50", ms("latency_ms", "p50"))
    row("latency p90", ms("latency_ms", "p90"))
    row("latency p99", ms("latency_ms", "p99"))
    if points and "cpu_ms" in points[0]["ingest"]:
        row(
            "CPU (this thread) mean / p50 / p90 / p99",
            lambda p: "{mean:.2f} / {p50:.2f} / {p90:.2f} / {p99:.2f} ms".format(
                **p["ingest"]["cpu_ms"]
            ),
        )
    row("  match (mean)", ms("match_ms", "mean"))
    row("    retrieval (mean)", ms("retrieval_ms", "mean"))
    row("    retrieval p99", ms("retrieval_ms", "p99"))
    row("    scoring + decision (mean)", ms("scoring_ms", "mean"))
    row("  outside match (mean)", ms("outside_match_ms", "mean"))
    if neo4j:
        row("    of which prefetch (mean)", ms("prefetch_ms", "mean"))
    elif points and "finish_ms" in points[0]["ingest"]:
        row("    end-of-transaction writes (mean)", ms("finish_ms", "mean"))
        row("    end-of-transaction writes p99", ms("finish_ms", "p99"))
    row(
        "candidates scored (mean)",
        lambda p: f"{p['ingest']['candidates_after_top_k']['mean']:.1f}",
    )
    if neo4j:
        row("db hits: group / single candidates (mean)", _db_hits_cell)
    row("index rows read (mean)", lambda p: f"{p['keys']['rows_read_per_record']['mean']:.0f}")
    row(
        "saturated keys (mean)",
        lambda p: (
            f"{p['keys']['saturated_keys_per_record']['mean']:.2f}"
            f" / {p['keys']['keys_per_record']['mean']:.1f}"
        ),
    )
    row(
        "LINKED / CREATED / REVIEW",
        lambda p: "{LINKED} / {CREATED} / {REVIEW}".format(**p["ingest"]["outcomes"]),
    )
    row("copies linked to own golden", lambda p: _share(p["ingest"]["copies"], "linked_own"))
    row("new people created", lambda p: _share(p["ingest"]["fresh"], "created"))
    row("DB size", lambda p: _db_size(p["hub_after"]))
    row("RSS (peak)", lambda p: _rss(p["memory"]))
    if neo4j:
        row("Neo4j RSS (peak)", lambda p: _rss(p["memory"].get("neo4j") or {}))
        row("Neo4j heap used / max", lambda p: _heap(p["memory"].get("neo4j") or {}))
    row("bulk build of this step", lambda p: _bulk(p["bulk"]))
    row(
        "load average (1 min) before/after",
        lambda p: f"{p['load_before'][0]} / {p['load_after'][0]}",
    )
    console.print(table)
    buckets = Table(
        title="Same records grouped by candidates scored: mean ms (retrieval + scoring), count"
    )
    buckets.add_column("candidates")
    for point in points:
        buckets.add_column(f"{point['scale']:,} goldens", justify="right")
    for low, high in CANDIDATE_BUCKETS:
        label = f"{low}-{high}" if high < 10**9 else f"{low}+"
        cells = []
        for point in points:
            found = [b for b in point["by_candidates"] if b["candidates"] == label]
            cells.append(
                f"{found[0]['latency_ms']:.2f} ({found[0]['retrieval_ms']:.2f} + "
                f"{found[0]['scoring_ms']:.2f}), n={found[0]['records']}"
                if found
                else "-"
            )
        buckets.add_row(label, *cells)
    console.print(buckets)


def _share(counts: Json, key: str) -> str:
    total = sum(counts.values())
    return (
        f"{counts.get(key, 0)}/{total} ({100 * counts.get(key, 0) / total:.1f}%)" if total else "-"
    )


def _db_hits_cell(point: Json) -> str:
    hits = point.get("retrieval_work", {}).get("db_hits_per_record")
    if not hits:
        return "-"
    return f"{hits['group_candidates']['mean']:,.0f} / {hits['candidates']['mean']:,.0f}"


def _db_size(counts: Json) -> str:
    size = f"{counts['db_mib']:,.0f} MiB"
    if "tx_log_mib" in counts:
        size += f" (+ {counts['tx_log_mib']:,.0f} MiB tx logs)"
    return size


def _rss(memory: Json) -> str:
    if memory.get("rss_mib") is None:
        return "-"
    return f"{memory['rss_mib']:,.0f} ({memory['peak_rss_mib']:,.0f}) MiB"


def _heap(memory: Json) -> str:
    heap = memory.get("heap")
    return f"{heap['used_mib']:,.0f} / {heap['max_mib']:,.0f} MiB" if heap else "-"


def _bulk(bulk: Json) -> str:
    if not bulk["records"]:
        return "-"
    return f"{bulk['records']:,} in {bulk['seconds']:,.0f} s ({bulk['records_per_s']:,.0f}/s)"


# --------------------------------------------------------------------------- main


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--scales",
        type=_scales,
        default=DEFAULT_SCALES,
        help="increasing golden counts to measure at (default 10000,100000,1000000)",
    )
    parser.add_argument("--probes", type=_positive, default=2000, help="timed records per point")
    parser.add_argument("--warmup", type=_non_negative, default=100, help="untimed records first")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--given-names", type=_positive, default=5_000)
    parser.add_argument("--family-names", type=_positive, default=40_000)
    parser.add_argument("--cities", type=_positive, default=600)
    parser.add_argument("--postcodes", type=_positive, default=10_000)
    parser.add_argument("--streets", type=_positive, default=3_000)
    parser.add_argument(
        "--build-workers",
        type=_non_negative,
        default=1,
        help="processes preparing bulk records while the main one writes (0: none)",
    )
    parser.add_argument(
        "--store",
        choices=("embedded", "neo4j"),
        default="embedded",
        help="embedded: a SQLite file; neo4j: MDM_NEO4J_URI (an empty database) if set, "
        "else a throwaway local Neo4j (provide_neo4j), stopped at the end",
    )
    parser.add_argument(
        "--chunk",
        type=_positive,
        default=None,
        help=f"bulk records per store transaction (default {CHUNK:,}; Neo4j {NEO4J_CHUNK:,})",
    )
    parser.add_argument(
        "--neo4j-pagecache",
        default="4g",
        help="page cache of the Neo4j this starts (Neo4j size syntax; default 4g holds the "
        "store to about 300k goldens, ~12 KiB each: give 1M ~12g; the test default is 256m)",
    )
    parser.add_argument(
        "--neo4j-heap", default="2g", help="heap (initial and maximum) of the Neo4j this starts"
    )
    parser.add_argument("--workdir", type=Path, default=None, help="where the temp DB goes")
    parser.add_argument("--keep-db", action="store_true", help="keep the database afterwards")
    parser.add_argument(
        "--output",
        type=Path,
        default=None,
        help=f"JSON report (default {RESULTS_PATH.name}, with --store neo4j "
        f"{RESULTS_PATH.stem}_neo4j.json, in {RESULTS_PATH.parent})",
    )
    args = parser.parse_args(argv)
    if args.output is None:
        name = f"{RESULTS_PATH.stem}_neo4j.json" if args.store == "neo4j" else RESULTS_PATH.name
        args.output = RESULTS_PATH.with_name(name)
    if args.chunk is None:
        args.chunk = NEO4J_CHUNK if args.store == "neo4j" else CHUNK
    return args


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


def _non_negative(text: str) -> int:
    value = int(text)
    if value < 0:
        raise argparse.ArgumentTypeError("must be 0 or more")
    return value


def _scales(text: str) -> tuple[int, ...]:
    try:
        values = tuple(int(part.replace("_", "")) for part in text.split(",") if part.strip())
    except ValueError:
        raise argparse.ArgumentTypeError("comma-separated integers, e.g. 10000,100000") from None
    if not values or values[0] < 1 or list(values) != sorted(set(values)):
        raise argparse.ArgumentTypeError("scales must be positive and strictly increasing")
    return values


async def run(args: argparse.Namespace, console: Console, hub: Hub) -> Json:
    matcher = cast("TimedMatcher", TimedMatcher.from_directory(RULES_DIR))
    matcher.timings = Timings()
    if isinstance(hub, Neo4jHub):
        time_neo4j_prefetch(matcher)
    else:
        time_embedded_finish(matcher)
    limits = matcher.rules_for(ENTITY).rules.candidates
    console.print("building the vocabulary ...")
    vocabulary = build_vocabulary(
        args.seed, args.given_names, args.family_names, args.cities, args.postcodes, args.streets
    )
    people = People(vocabulary, args.seed)
    sizes = (args.given_names, args.family_names, args.cities, args.postcodes, args.streets)
    writer = _Writer(
        f"{rule_name(matcher.rules_for(ENTITY))}#new",  # how ingest marks a new golden
        GoldenRecomputer(shipped_rules()),
        ReferenceLinker(),
    )
    report: Json = {
        "machine": machine_facts(),
        "store": hub.name,
        "parameters": {
            "scales": list(args.scales),
            "probes": args.probes,
            "warmup": args.warmup,
            "seed": args.seed,
            "chunk": args.chunk,
            "build_workers": args.build_workers,
            "per_key_limit": limits.per_key_limit,
            "top_k": limits.top_k,
            "blocking_rules": len(matcher.rules_for(ENTITY).rules.blocking),
            "vocabulary": {
                "given_names": len(vocabulary.given),
                "family_names": len(vocabulary.family),
                "cities": len(vocabulary.cities),
                "postcodes": vocabulary.postcode_count,
                "streets": len(vocabulary.streets),
            },
        },
        "points": [],
    }
    store = hub.store
    await store.open()
    try:
        if isinstance(hub, Neo4jHub):
            await hub.check_empty()
            report["neo4j"] = _describe(hub.endpoint, args)
        ingest = IngestService(store, matcher, rules=shipped_rules())
        # As `mdm-hub serve` does once start-up has loaded what lives as long as the process:
        # without it, a full collection walked the bench's own vocabulary and the matcher's
        # caches, 70-110 ms once in ~1,000 probes at 100k.
        tune_garbage_collector()
        built = 0
        for point, scale in enumerate(args.scales):
            console.print(f"[bold]{scale:,} goldens[/bold]: building {scale - built:,} ...")
            bulk = await bulk_build(
                store,
                writer,
                args.seed,
                sizes,
                (built, scale),
                args.build_workers,
                console,
                args.chunk,
            )
            built = scale
            # The bulk build leaves gigabytes for the kernel to write back; timed probes
            # beside that writeback would measure the disk, not the hub (a 1M point on disk
            # measured 5.96 ms a record without this, against 2.65 on /dev/shm).
            synced = time.perf_counter()
            await asyncio.to_thread(os.sync)
            bulk["sync_seconds"] = round(time.perf_counter() - synced, 1)
            hub_before = await hub.counts()
            warmup = make_probes(people, args.warmup, built, args.seed, point, "warmup")
            probes = make_probes(people, args.probes, built, args.seed, point, "probe")
            for probe in warmup:
                await ingest.upsert(probe.raw)
            load_before = load_average()
            console.print(f"  ingesting {len(probes):,} probes one at a time ...")
            stats, samples = await measure(ingest, matcher, probes, args.seed)
            load_after = load_average()
            keys, rows_read = await key_diagnostics(hub, matcher, probes, limits.per_key_limit)
            point_report: Json = {
                "scale": scale,
                "bulk": bulk,
                "hub_before": hub_before,
                "ingest": stats,
                "keys": keys,
                "by_candidates": by_candidates(samples, rows_read),
                "hub_after": await hub.counts(),
                "memory": hub.memory(),
                "load_before": load_before,
                "load_after": load_after,
                "retrieval_work": await hub.retrieval_work(
                    [prepare_keys(matcher, probe) for probe in probes[:PROFILED]],
                    limits.per_key_limit,
                    limits.top_k,
                ),
                "wrong_link_examples": await wrong_links(store, people, samples, args.seed, 6),
            }
            report["points"].append(point_report)
            write_report(args.output, report)  # after each point: a long run keeps its figures
            latency = stats["latency_ms"]
            console.print(
                f"  mean {latency['mean']:.2f} ms, p50 {latency['p50']:.2f}, "
                f"p99 {latency['p99']:.2f}; {stats['records_per_s']:,.0f} records/s; "
                f"outcomes {stats['outcomes']}"
            )
    finally:
        await store.close()
    return report


def _describe(endpoint: Neo4jEndpoint, args: argparse.Namespace) -> Json:
    return {
        "version": endpoint.version,
        "edition": endpoint.edition,
        "origin": endpoint.origin,
        # What this run asked of a server it started (an external one keeps its own).
        "pagecache": args.neo4j_pagecache if endpoint.origin != "external" else None,
        "heap": args.neo4j_heap if endpoint.origin != "external" else None,
    }


def write_report(path: Path, report: Json) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")


def _exit_on_signal(signum: int, _frame: FrameType | None) -> None:
    raise SystemExit(128 + signum)  # unwinds through `finally`, so the temp DB is removed


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    signal.signal(signal.SIGTERM, _exit_on_signal)
    console = Console(stderr=True)
    began = time.perf_counter()
    with contextlib.ExitStack() as stack:
        hub: Hub
        if args.store == "neo4j":
            console.print("providing Neo4j (a local one takes ~10-30 s to start) ...")
            memory = Neo4jMemory(args.neo4j_pagecache, args.neo4j_heap)
            hub = Neo4jHub(stack.enter_context(provide_neo4j(memory)))
        else:
            workdir = Path(tempfile.mkdtemp(prefix="mdm-matching-scale-", dir=args.workdir))
            if args.keep_db:
                stack.callback(console.print, f"database kept at {workdir / 'hub.db'}")
            else:
                stack.callback(shutil.rmtree, workdir, ignore_errors=True)
            hub = EmbeddedHub(workdir / "hub.db")
        report = asyncio.run(run(args, console, hub))
    report["machine"]["load_average_at_end"] = load_average()
    report["total_seconds"] = round(time.perf_counter() - began, 1)
    report["finished_at"] = datetime.now().astimezone().isoformat(timespec="seconds")
    render(Console(), report)
    write_report(args.output, report)
    console.print(f"total {report['total_seconds']:,.0f} s; wrote {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
