"""`mdm-hub keys create|list|revoke` on the configured store (embedded and Neo4j)."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from typer.testing import CliRunner

from mdm_hub.cli import app
from mdm_hub.cli.keys import dev_key
from mdm_hub.config import Settings
from mdm_hub.domain.access import Role
from mdm_hub.errors import Unauthenticated
from mdm_hub.neo4j_local import Neo4jEndpoint
from mdm_hub.ports import Store
from mdm_hub.services.api_keys import ApiKeyService
from mdm_hub.wiring import build_store
from tests.support.integrity import neo4j_at

runner = CliRunner()
CREATE = ["keys", "create", "--role", "integration"]


@pytest.fixture(params=["embedded", "neo4j"])
def store_env(request: pytest.FixtureRequest, tmp_path: Path) -> dict[str, str]:
    if request.param == "embedded":
        return {"MDM_STORE": "embedded", "MDM_EMBEDDED_PATH": str(tmp_path / "hub.db")}
    request.getfixturevalue("neo4j_store")  # an emptied graph
    endpoint: Neo4jEndpoint = request.getfixturevalue("neo4j_endpoint")
    return neo4j_at(endpoint)


def _authenticate(env: dict[str, str], token: str) -> str:
    async def check() -> str:
        store = _store(env)
        await store.open()
        try:
            principal = await ApiKeyService(store).authenticate(token)
        except Unauthenticated as exc:
            return str(exc)
        finally:
            await store.close()
        return f"{principal.name} {principal.role_names} {sorted(principal.systems or [])}"

    return asyncio.run(check())


def _store(env: dict[str, str]) -> Store:
    with pytest.MonkeyPatch.context() as patch:
        for name, value in env.items():
            patch.setenv(name, value)
        return build_store(Settings(_env_file=None))  # type: ignore[call-arg]


def test_create_list_revoke(store_env: dict[str, str]) -> None:
    created = runner.invoke(
        app,
        [*CREATE, "--name", "crm-sync", "--systems", "CRM,ERP", "--expires-in-days", "30"],
        env=store_env,
    )
    assert created.exit_code == 0, created.output
    token = created.stdout.strip()
    assert token.startswith("mdm_")
    prefix, secret = token.split("_", 2)[1:]
    assert "shown once" in created.stderr
    assert _authenticate(store_env, token) == "crm-sync integration ['CRM', 'ERP']"

    listed = runner.invoke(app, ["keys", "list"], env=store_env)
    assert listed.exit_code == 0, listed.output
    [line] = listed.stdout.splitlines()
    assert line.startswith(f"{prefix}  crm-sync  integration  CRM,ERP  expires 20")
    assert line.endswith("active")
    assert secret not in listed.output

    revoked = runner.invoke(app, ["keys", "revoke", prefix], env=store_env)
    assert revoked.exit_code == 0, revoked.output
    assert "revoked 20" in runner.invoke(app, ["keys", "list"], env=store_env).stdout
    assert _authenticate(store_env, token) == "API key expired or revoked"


def test_bad_requests_say_why(tmp_path: Path) -> None:
    env = {"MDM_STORE": "embedded", "MDM_EMBEDDED_PATH": str(tmp_path / "hub.db")}
    unknown_role = runner.invoke(app, ["keys", "create", "--role", "root", "--name", "x"], env=env)
    assert unknown_role.exit_code == 2
    bad_system = runner.invoke(
        app, ["keys", "create", "--role", "integration", "--name", "x", "--systems", "a b"], env=env
    )
    assert bad_system.exit_code == 1
    assert "systems[0]" in bad_system.stderr
    missing = runner.invoke(app, ["keys", "revoke", "nope"], env=env)
    assert missing.exit_code == 1
    assert "no API key with prefix 'nope'" in missing.stderr


def test_the_dev_key_is_a_steward_key_reused_while_it_works(tmp_path: Path) -> None:
    env = {"MDM_STORE": "embedded", "MDM_EMBEDDED_PATH": str(tmp_path / "hub.db")}
    settings = Settings(
        _env_file=None,  # type: ignore[call-arg]
        embedded_path=env["MDM_EMBEDDED_PATH"],
        dev_key_file=tmp_path / "dev-key",
    )
    first = dev_key(settings)
    assert dev_key(settings) == first
    assert _authenticate(env, first) == f"dev {Role.STEWARD} []"
    runner.invoke(app, ["keys", "revoke", first.split("_")[1]], env=env)
    replaced = dev_key(settings)
    assert replaced != first
    assert (tmp_path / "dev-key").read_text().strip() == replaced
