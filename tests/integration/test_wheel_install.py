"""A wheel built from the repository, installed in a fresh virtual environment outside the
checkout, serves and ingests with no MDM_*_DIR set: every rule, query, reference and mapping
file it needs ships inside the package."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

from tests.integration.test_serve_end_to_end import quickstart
from tests.support.paths import REPO_ROOT
from tests.support.served_hub import create_key, serving

BUILD_TIMEOUT_S = 600
# What setuptools reads to build the wheel (the rest of the checkout is not shipped).
BUILD_INPUTS = ("pyproject.toml", "README.md", "src")


def _outside_the_checkout() -> dict[str, str]:
    """The environment without what would point the installed hub back at the checkout."""
    return {
        name: value
        for name, value in os.environ.items()
        if name != "PYTHONPATH" and not name.startswith("MDM_")
    }


def _run(*command: str | Path) -> str:
    done = subprocess.run(
        [str(part) for part in command],
        capture_output=True,
        text=True,
        timeout=BUILD_TIMEOUT_S,
        check=False,
        env=_outside_the_checkout(),
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    return done.stdout


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The `bin/` of a fresh venv holding only the built wheel; its dependencies come from the
    suite's own environment (a path entry, so that environment's editable install of mdm_hub
    is not seen)."""
    root = tmp_path_factory.mktemp("wheel")
    source = root / "source"
    for name in BUILD_INPUTS:
        origin = REPO_ROOT / name
        if origin.is_dir():
            shutil.copytree(origin, source / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            source.mkdir(exist_ok=True)
            shutil.copy(origin, source / name)
    _run(sys.executable, "-m", "pip", "wheel", "--no-deps", "-w", root / "dist", source)
    [wheel] = (root / "dist").glob("mdm_hub-*.whl")
    venv = root / "venv"
    _run(sys.executable, "-m", "venv", "--without-pip", venv)
    python = venv / "bin" / "python"
    purelib = _run(python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])")
    (Path(purelib.strip()) / "suite-dependencies.pth").write_text(
        sysconfig.get_paths()["purelib"] + "\n", encoding="utf-8"
    )
    _run(sys.executable, "-m", "pip", "--python", python, "install", "--no-deps", wheel)
    return venv / "bin"


def test_the_installed_package_is_the_wheel_not_the_checkout(installed: Path) -> None:
    where = _run(installed / "python", "-c", "import mdm_hub; print(mdm_hub.__file__)")
    assert Path(where.strip()).is_relative_to(installed.parent)


def test_the_wheel_serves_and_ingests_with_no_data_folder_set(
    installed: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in set(os.environ) - set(_outside_the_checkout()):
        monkeypatch.delenv(name)
    env = {"MDM_STORE": "embedded", "MDM_EMBEDDED_PATH": str(tmp_path / "hub.db")}
    mdm_hub = (str(installed / "mdm-hub"),)
    api_key = create_key(env, command=mdm_hub, cwd=tmp_path)
    with serving(env, tmp_path / "serve.log", command=mdm_hub, cwd=tmp_path) as url:
        answer = quickstart(url, api_key)
    assert "OK: both IDs resolve to one golden record" in answer


def test_the_wheel_finds_its_cypher_queries(installed: Path) -> None:
    script = (
        "from mdm_hub.adapters.neo4j.catalog import CypherCatalog, Query\n"
        "from mdm_hub.config import Settings\n"
        "from mdm_hub.wiring import cypher_directory\n"
        "catalog = CypherCatalog.load(cypher_directory(Settings(_env_file=None)))\n"
        "print(len(catalog.queries) == len(Query), len(catalog.schema))\n"
    )
    found_all, schema_files = _run(installed / "python", "-c", script).split()
    assert found_all == "True"
    assert int(schema_files) == len(
        list((REPO_ROOT / "src/mdm_hub/shipped/cypher/schema").iterdir())
    )
