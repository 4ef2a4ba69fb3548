"""`mdm-hub serve --workers N`: several processes on Neo4j keep what one process guarantees;
the embedded store's file is served by one process, and a second is refused at start."""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
import time
import urllib.request
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from mdm_hub.neo4j_local import Neo4jEndpoint
from tests.support.served_hub import serving

SERVE = [sys.executable, "-m", "mdm_hub.cli", "serve"]
UPSERT = """mutation($inputs: [SourceRecordInput!]!) {
  upsertSourceRecords(inputs: $inputs) { goldenId outcome }
}"""
RESOLVE_MANY = """query($refs: [SourceRefInput!]!) {
  resolveMany(refs: $refs) { goldenId crosswalk { system sourceId } }
}"""
VERIFY = [sys.executable, "-m", "mdm_hub.cli", "verify-audit"]
COMPANIES = 40
CLIENTS = 4


def _records() -> list[dict[str, Any]]:
    """Each company as CRM, ERP and PSA send it: the same tax ID written three ways."""
    records = []
    for n in range(COMPANIES):
        name = f"Workers Test {n:03d} Holdings Ltd"
        for system, tax_id in (
            ("CRM", f"GB {n:09d}"),
            ("ERP", f"gb{n:09d}"),
            ("PSA", f"GB-{n:09d}"),
        ):
            records.append(
                {
                    "system": system,
                    "entityType": "CUSTOMER",
                    "sourceId": f"{system}-{n}",
                    "attributes": {"name": name, "tax_id": tax_id, "country": "GB"},
                }
            )
    return records


def _post(url: str, query: str, variables: dict[str, Any]) -> dict[str, Any]:
    body = json.dumps({"query": query, "variables": variables}).encode()
    request = urllib.request.Request(url, body, {"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=120) as response:
        answer: dict[str, Any] = json.loads(response.read())
    assert "errors" not in answer, answer
    return answer["data"]


def _clusters(url: str, records: list[dict[str, Any]]) -> set[frozenset[tuple[str, str]]]:
    refs = [
        {"system": r["system"], "entityType": "CUSTOMER", "sourceId": r["sourceId"]}
        for r in records
    ]
    answers = _post(url, RESOLVE_MANY, {"refs": refs})["resolveMany"]
    return {frozenset((m["system"], m["sourceId"]) for m in a["crosswalk"]) for a in answers}


def _neo4j_env(endpoint: Neo4jEndpoint) -> dict[str, str]:
    return {
        "MDM_STORE": "neo4j",
        "MDM_NEO4J_URI": endpoint.uri,
        "MDM_NEO4J_USER": endpoint.user,
        "MDM_NEO4J_PASSWORD": endpoint.password,
        "MDM_AUTH": "off",
        "MDM_LOG_LEVEL": "warning",
    }


def test_four_processes_ingesting_the_same_companies_at_once_give_one_process_clusters(
    tmp_path: Path, neo4j_endpoint: Neo4jEndpoint
) -> None:
    env = _neo4j_env(neo4j_endpoint)
    records = _records()
    expected = {frozenset((s, f"{s}-{n}") for s in ("CRM", "ERP", "PSA")) for n in range(COMPANIES)}
    with serving(env, tmp_path / "serve.log", "--workers", str(CLIENTS)) as url:
        # Every client sends every record, in its own order, in batches of 10: the same
        # company reaches several processes at the same moment.
        def send(seed: int) -> None:
            mine = random.Random(seed).sample(records, len(records))
            for start in range(0, len(mine), 10):
                _post(url, UPSERT, {"inputs": mine[start : start + 10]})

        with ThreadPoolExecutor(CLIENTS) as pool:
            list(pool.map(send, range(CLIENTS)))
        assert _clusters(url, records) == expected  # one golden record per company
    verified = subprocess.run(
        VERIFY, env={**os.environ, **env}, check=False, capture_output=True, text=True, timeout=120
    )
    assert verified.returncode == 0, verified.stdout + verified.stderr


def test_a_link_made_through_one_process_is_resolved_by_all_within_the_cache_bound(
    tmp_path: Path, neo4j_endpoint: Neo4jEndpoint
) -> None:
    bound = 1.0
    env = {**_neo4j_env(neo4j_endpoint), "MDM_RESOLVE_CACHE_SECONDS": str(bound)}
    # Its own company: the server's Neo4j may hold other tests' records.
    tag = uuid.uuid4().hex[:12]
    crm, erp = (
        {
            "system": system,
            "entityType": "CUSTOMER",
            "sourceId": f"{system}-cache-{tag}",
            "attributes": {"name": f"Cache Test {tag} Ltd", "tax_id": f"GB{tag}", "country": "GB"},
        }
        for system in ("CRM", "ERP")
    )
    ref = {"system": "CRM", "entityType": "CUSTOMER", "sourceId": crm["sourceId"]}

    def crosswalks(requests: int) -> set[frozenset[str]]:
        # A connection per request (urllib): the processes take them in turn as they accept.
        return {
            frozenset(m["system"] for m in answer["crosswalk"])
            for _ in range(requests)
            for answer in _post(url, RESOLVE_MANY, {"refs": [ref]})["resolveMany"]
        }

    with serving(env, tmp_path / "serve.log", "--workers", "2") as url:
        _post(url, UPSERT, {"inputs": [crm]})
        assert crosswalks(40) == {frozenset({"CRM"})}  # now kept by the processes that answered
        _post(url, UPSERT, {"inputs": [erp]})  # links on the tax ID, through one of them
        time.sleep(bound)
        assert crosswalks(40) == {frozenset({"CRM", "ERP"})}


def test_the_embedded_store_is_served_by_one_process(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "MDM_STORE": "embedded",
        "MDM_EMBEDDED_PATH": str(tmp_path / "hub.db"),
        "MDM_AUTH": "off",
    }
    refused = subprocess.run(
        [*SERVE, "--workers", "2"], env=env, check=False, capture_output=True, text=True, timeout=60
    )
    assert refused.returncode == 2
    assert "--workers 2 needs the Neo4j store" in refused.stderr
    with serving({k: v for k, v in env.items() if k.startswith("MDM_")}, tmp_path / "a.log"):
        second = subprocess.run(
            [*SERVE, "--port", "1"],
            env=env,
            check=False,
            capture_output=True,
            text=True,
            timeout=60,
        )
    assert second.returncode == 2
    assert "another mdm-hub serve already serves the embedded store" in second.stderr
