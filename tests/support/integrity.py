"""After a crash: is everything an embedded store file was sent there exactly once, with a
crosswalk that holds together and an intact audit chain?"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Sequence
from pathlib import Path

from mdm_hub.adapters.embedded import EmbeddedStore
from mdm_hub.domain.access import Role
from mdm_hub.domain.records import SourceKey
from mdm_hub.neo4j_local import Neo4jEndpoint
from tests.support.auth import new_key
from tests.support.served_hub import CLI


async def assert_each_stored_once(database: Path, keys: Sequence[SourceKey]) -> None:
    """Each key resolves to a golden record of its own whose crosswalk holds it (the keys are
    records that match nothing else), and the store holds no other golden record."""
    store = EmbeddedStore(str(database))
    await store.open()
    try:
        resolutions = await store.resolve_many(keys)
        missing = [key for key, found in zip(keys, resolutions, strict=True) if found is None]
        assert not missing, f"{len(missing)} of {len(keys)} records not stored: {missing[:3]}"
        for key, found in zip(keys, resolutions, strict=True):
            assert found is not None
            assert found.crosswalk == (key,), f"{key}: crosswalk {found.crosswalk}"
        goldens = {found.golden_id for found in resolutions if found is not None}
        assert len(goldens) == len(keys)
        entity_types = {key.entity_type for key in keys}
        counted = [await store.count_goldens(entity_type) for entity_type in entity_types]
        assert sum(counted) == len(keys), f"{sum(counted)} golden records for {len(keys)} records"
    finally:
        await store.close()


def assert_audit_intact(env: dict[str, str]) -> None:
    done = subprocess.run(
        [*CLI, "verify-audit"],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def stored_at(database: Path) -> dict[str, str]:
    return {"MDM_STORE": "embedded", "MDM_EMBEDDED_PATH": str(database)}


def neo4j_at(endpoint: Neo4jEndpoint) -> dict[str, str]:
    """The environment that points a hub process at this Neo4j."""
    return {
        "MDM_STORE": "neo4j",
        "MDM_NEO4J_URI": endpoint.uri,
        "MDM_NEO4J_USER": endpoint.user,
        "MDM_NEO4J_PASSWORD": endpoint.password,
    }


async def integration_key(database: Path) -> str:
    """An integration key for CRM and ERP in the embedded store file `database` (made in this
    process: quicker than `mdm-hub keys create`)."""
    store = EmbeddedStore(str(database))
    await store.open()
    try:
        return await new_key(store, Role.INTEGRATION, systems=["CRM", "ERP"])
    finally:
        await store.close()
