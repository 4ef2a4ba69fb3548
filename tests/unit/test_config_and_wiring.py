"""Settings come from MDM_ variables; a Neo4j store without a URI, or unusable survivorship
rules, are refused with advice."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path

import pytest

from mdm_hub.adapters.embedded import EmbeddedStore
from mdm_hub.api.app import create_app
from mdm_hub.api.correlation import correlation_id_from
from mdm_hub.config import Settings
from mdm_hub.errors import ConfigurationError, RuleFileError
from mdm_hub.wiring import (
    build_store,
    cypher_directory,
    matching_directory,
    survivorship_directory,
)
from tests.support.paths import SHIPPED


def test_settings_read_the_documented_variables(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MDM_STORE", "neo4j")
    monkeypatch.setenv("MDM_EMBEDDED_PATH", "/tmp/x.db")
    monkeypatch.setenv("MDM_NEO4J_URI", "bolt://db:7687")
    monkeypatch.setenv("MDM_NEO4J_USER", "hub")
    monkeypatch.setenv("MDM_NEO4J_PASSWORD", "s3cret")
    monkeypatch.setenv("MDM_HOST", "0.0.0.0")
    monkeypatch.setenv("MDM_PORT", "9000")
    settings = Settings()
    assert (settings.store, settings.embedded_path) == ("neo4j", "/tmp/x.db")
    assert (settings.neo4j_uri, settings.neo4j_user) == ("bolt://db:7687", "hub")
    assert settings.neo4j_password.get_secret_value() == "s3cret"
    assert "s3cret" not in repr(settings)
    assert (settings.host, settings.port) == ("0.0.0.0", 9000)


def test_defaults_are_the_zero_setup_embedded_store() -> None:
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    assert settings.store == "embedded"
    assert settings.embedded_path == "./mdm-hub.db"
    assert isinstance(build_store(settings), EmbeddedStore)


def test_neo4j_without_uri_is_refused_with_advice() -> None:
    with pytest.raises(ConfigurationError, match="MDM_NEO4J_URI"):
        build_store(Settings(store="neo4j", neo4j_uri=None))


def test_correlation_ids_are_kept_only_when_safe() -> None:
    assert correlation_id_from("order-42:retry.1") == "order-42:retry.1"
    assert correlation_id_from("x" * 200) != "x" * 200
    assert correlation_id_from("a\r\nSet-Cookie: x") != "a\r\nSet-Cookie: x"
    assert correlation_id_from(None)


@pytest.mark.parametrize(
    ("variable", "folder", "chosen"),
    [
        ("MDM_CYPHER_DIR", "cypher", cypher_directory),
        ("MDM_MATCHING_DIR", "matching", matching_directory),
        ("MDM_SURVIVORSHIP_DIR", "survivorship", survivorship_directory),
    ],
)
def test_data_folders_default_to_the_package_and_read_their_variable(
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    variable: str,
    folder: str,
    chosen: Callable[[Settings], Path | Traversable],
) -> None:
    monkeypatch.delenv(variable, raising=False)
    assert chosen(Settings(_env_file=None)) == files("mdm_hub") / "shipped" / folder  # type: ignore[call-arg]
    monkeypatch.setenv(variable, str(tmp_path))
    assert chosen(Settings(_env_file=None)) == tmp_path  # type: ignore[call-arg]


def test_the_app_refuses_to_start_on_unusable_rules(tmp_path: Path) -> None:
    rules = Path(shutil.copytree(SHIPPED / "survivorship", tmp_path / "rules"))
    (rules / "customer.yaml").write_text("entity_type: CUSTOMER\ntrust: CRM\n")
    with pytest.raises(RuleFileError, match=r"customer\.yaml:\n  trust: Input should be"):
        create_app(Settings(survivorship_dir=rules))
    with pytest.raises(ConfigurationError, match="does not exist"):
        create_app(Settings(survivorship_dir=tmp_path / "missing"))
