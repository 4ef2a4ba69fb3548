#!/usr/bin/env python3
"""Two ways to keep match keys in Neo4j, measured alone: what writing a record's keys and
reading a record's candidates by them cost Neo4j, outside the hub.

- `nodes` (the hub's model): a node per key, unique on its text, and a `HAS_KEY` relationship
  from each record to each of its keys; candidates are the records found through the keys.
- `fulltext`: the record's keys as one space-separated property, in a fulltext index with the
  whitespace analyzer; candidates are what a query for the keys finds (Lucene ranks by shared
  keys).

The first `--records` febrl3 persons are standardised by the shipped rules (their real match
keys, hashed to hex tokens) and written `--group` to a transaction with each model, into
labels of their own (`KeyProbe*`), which are deleted before and after. Then `--probes`
records' keys are looked up with each model. Prints wall clock and Neo4j's CPU for each.
This measures the storage model only: the hub also locks keys, reads the records' attributes
and writes much else per record.

    MDM_NEO4J_URI=bolt://127.0.0.1:7687 .venv/bin/python bench/neo4j_key_models.py --server-pid PID
"""

from __future__ import annotations

import argparse
import hashlib
import time
from collections.abc import Callable
from functools import partial
from typing import Any

from machine_facts import cpu_seconds
from neo4j import Driver, GraphDatabase

from mdm_hub.domain.admission import admit
from mdm_hub.evaluation.datasets import febrl3
from mdm_hub.evaluation.harness import evaluation_systems
from mdm_hub.neo4j_local import provide_neo4j
from mdm_hub.wiring import shipped_matcher

SCHEMA = [
    "CREATE CONSTRAINT key_probe_key IF NOT EXISTS FOR (k:KeyProbeKey) REQUIRE k.key IS UNIQUE",
    "CREATE FULLTEXT INDEX key_probe_text IF NOT EXISTS FOR (s:KeyProbeText) ON EACH [s.keys] "
    "OPTIONS {indexConfig: {`fulltext.analyzer`: 'whitespace'}}",
]
CLEAR = (
    "MATCH (n) WHERE n:KeyProbeRecord OR n:KeyProbeKey OR n:KeyProbeText "
    "CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 5000 ROWS"
)
WRITE_NODES = """
UNWIND $rows AS row
CREATE (s:KeyProbeRecord {id: row.id})
WITH s, row
UNWIND row.keys AS key
MERGE (k:KeyProbeKey {key: key})
CREATE (s)-[:HAS_KEY]->(k)
"""
WRITE_TEXT = """
UNWIND $rows AS row
CREATE (:KeyProbeText {id: row.id, keys: row.text})
"""
READ_NODES = """
UNWIND $keys AS key
MATCH (:KeyProbeKey {key: key})<-[:HAS_KEY]-(s:KeyProbeRecord)
RETURN s.id AS id, count(*) AS shared
ORDER BY shared DESC
LIMIT $limit
"""
READ_TEXT = """
CALL db.index.fulltext.queryNodes('key_probe_text', $query, {limit: $limit})
YIELD node, score
RETURN node.id AS id, score
"""


def _records(count: int) -> list[dict[str, Any]]:
    matcher = shipped_matcher()
    systems = evaluation_systems()
    rows = []
    for record in list(febrl3().records)[:count]:
        incoming = admit(
            record.system, "EMPLOYEE", record.source_id, record.attributes, None, systems
        )
        keys = sorted(
            {
                hashlib.blake2b(k.encode(), digest_size=8).hexdigest()
                for k in matcher.prepare(incoming).keys
            }
        )
        rows.append({"id": record.source_id, "keys": keys, "text": " ".join(keys)})
    return rows


def _measured(pid: int | None, action: Callable[[], None]) -> tuple[float, float]:
    cpu, started = cpu_seconds(pid), time.perf_counter()
    action()
    return time.perf_counter() - started, cpu_seconds(pid) - cpu


def _write(driver: Driver, query: str, rows: list[dict[str, Any]], group: int) -> None:
    for start in range(0, len(rows), group):
        driver.execute_query(query, rows=rows[start : start + group])


def _read(driver: Driver, rows: list[dict[str, Any]], text: bool, limit: int) -> None:
    for row in rows:
        if text:
            driver.execute_query(READ_TEXT, query=" ".join(row["keys"]), limit=limit)
        else:
            driver.execute_query(READ_NODES, keys=row["keys"], limit=limit)


def _clear(driver: Driver) -> None:
    with driver.session() as session:  # IN TRANSACTIONS needs an auto-commit transaction
        session.run(CLEAR).consume()


def run(driver: Driver, args: argparse.Namespace) -> None:
    for statement in SCHEMA:
        driver.execute_query(statement)
    driver.execute_query("CALL db.awaitIndexes(300)")
    _clear(driver)
    rows = _records(args.records)
    keys = sum(len(row["keys"]) for row in rows) / len(rows)
    print(f"{len(rows)} febrl3 records, {keys:.1f} keys each, groups of {args.group}")
    probes = rows[:: max(1, len(rows) // args.probes)][: args.probes]
    try:
        for name, query, text in (("nodes", WRITE_NODES, False), ("fulltext", WRITE_TEXT, True)):
            wall, cpu = _measured(args.server_pid, partial(_write, driver, query, rows, args.group))
            print(
                f"  {name:9} write: {wall:6.2f} s ({len(rows) / wall:,.0f} records/s), "
                f"Neo4j CPU {cpu * 1000 / len(rows):.2f} ms a record"
            )
            wall, cpu = _measured(args.server_pid, partial(_read, driver, probes, text, 20))
            print(
                f"  {name:9} read:  {wall * 1000 / len(probes):6.2f} ms a probe, "
                f"Neo4j CPU {cpu * 1000 / len(probes):.2f} ms a probe ({len(probes)} probes)"
            )
    finally:
        _clear(driver)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--records", type=int, default=5000)
    parser.add_argument("--group", type=int, default=100, help="records per transaction")
    parser.add_argument("--probes", type=int, default=500)
    parser.add_argument("--server-pid", type=int, default=None, help="Neo4j's process ID")
    args = parser.parse_args()
    with provide_neo4j() as endpoint:
        args.server_pid = args.server_pid or endpoint.pid
        with GraphDatabase.driver(endpoint.uri, auth=(endpoint.user, endpoint.password)) as driver:
            run(driver, args)


if __name__ == "__main__":
    main()
