"""Every Cypher file is used by the code, and every query the code uses has a file."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from mdm_hub.adapters.neo4j.catalog import CypherCatalog, Query
from mdm_hub.domain.relationships import MAX_HIERARCHY_DEPTH
from mdm_hub.errors import ConfigurationError
from tests.support.paths import REPO_ROOT, SHIPPED

CYPHER = SHIPPED / "cypher"
ADAPTER = REPO_ROOT / "src" / "mdm_hub" / "adapters" / "neo4j"


def test_catalog_loads_every_query_and_the_schema() -> None:
    catalog = CypherCatalog.load(CYPHER)
    assert set(catalog.queries) == set(Query)
    assert [name for name, _ in catalog.schema][:2] == ["01_source_record_key", "02_golden_id"]
    # Idempotent: each rule made if missing, or a replaced one dropped if there.
    assert all(
        "IF NOT EXISTS" in statement or ("DROP " in statement and " IF EXISTS" in statement)
        for _, statement in catalog.schema
    )


def test_every_query_is_used_by_the_adapter() -> None:
    code = "".join(p.read_text() for p in ADAPTER.glob("*.py") if p.name != "catalog.py")
    # A whole name: Query.CREATE_GOLDENS once hid that Query.CREATE_GOLDEN was unused.
    unused = [q.name for q in Query if not re.search(rf"\bQuery\.{q.name}\b", code)]
    assert unused == []


def test_queries_take_parameters_not_interpolated_values() -> None:
    for path in CYPHER.rglob("*.cypher"):
        text = path.read_text()
        assert "{{" not in text
        assert "%s" not in text
        assert "'+" not in text


def test_missing_file_stops_the_load(tmp_path: Path) -> None:
    copy = tmp_path / "cypher"
    shutil.copytree(CYPHER, copy)
    (copy / "resolve_many.cypher").unlink()
    (copy / "stray.cypher").write_text("RETURN 1")
    with pytest.raises(ConfigurationError, match=r"missing files \['resolve_many'\].*\['stray'\]"):
        CypherCatalog.load(copy)


def test_empty_file_stops_the_load(tmp_path: Path) -> None:
    copy = tmp_path / "cypher"
    shutil.copytree(CYPHER, copy)
    (copy / "members.cypher").write_text("  \n")
    with pytest.raises(ConfigurationError, match=r"members\.cypher is empty"):
        CypherCatalog.load(copy)


def test_the_walk_query_is_bounded_by_the_documented_maximum_depth() -> None:
    # Cypher takes no parameter as a path bound, so the query repeats the constant.
    assert f"{{1,{MAX_HIERARCHY_DEPTH}}}" in (CYPHER / "walk.cypher").read_text()
