"""`mdm-hub load` and `mdm-hub mappings` as a user runs them: the summary, the exit codes, the
configuration errors; and a load into a served hub over HTTP."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from mdm_hub.cli import app
from mdm_hub.neo4j_local import Neo4jEndpoint
from tests.support.exports import TEST_MAPPINGS, psa_customers, reject_lines, write_psa_csv
from tests.support.integrity import neo4j_at
from tests.support.served_hub import KEYS_CREATE, serving

runner = CliRunner()
PSA_MAPPING = str(TEST_MAPPINGS / "psa" / "customer.yaml")


@pytest.fixture(params=["embedded", "neo4j"])
def store_env(request: pytest.FixtureRequest, tmp_path: Path) -> dict[str, str]:
    if request.param == "embedded":
        return {"MDM_STORE": "embedded", "MDM_EMBEDDED_PATH": str(tmp_path / "hub.db")}
    request.getfixturevalue("neo4j_store")  # an emptied graph
    endpoint: Neo4jEndpoint = request.getfixturevalue("neo4j_endpoint")
    return neo4j_at(endpoint)


def summary_rows(output: str) -> dict[str, str]:
    """The summary table's outcome -> rows."""
    rows = {}
    for line in output.splitlines():
        cells = [cell.strip() for cell in line.split("│")]
        if len(cells) == 2 and cells[1].replace(",", "").isdigit():
            rows[cells[0]] = cells[1]
    return rows


def test_load_prints_a_summary_and_a_second_run_changes_nothing(
    store_env: dict[str, str], tmp_path: Path
) -> None:
    rows = [*psa_customers(3), {"Account Name": "Nameless", "Country": "DE"}]
    export = write_psa_csv(tmp_path / "customers.csv", rows)
    args = ["load", str(export), "--system", "psa", "--mapping", PSA_MAPPING, "--batch", "2"]

    first = runner.invoke(app, args, env=store_env)
    assert first.exit_code == 0, first.output
    assert summary_rows(first.stdout) == {
        "created": "3", "linked": "0", "updated": "0", "unchanged": "0",
        "queued for review": "0", "retired": "0", "refused (mapping)": "1",
        "refused (hub)": "0", "skipped": "0", "total": "4",
    }  # fmt: skip
    assert f"refused rows: 1 problem lines in {export}.rejects.csv" in first.stdout
    assert reject_lines(Path(f"{export}.rejects.csv")) == [
        ("5", "", "source_id", "missing (empty: 'Account ID')")
    ]
    assert not Path(f"{export}.checkpoint.json").exists()

    again = runner.invoke(app, [*args, "--quiet"], env=store_env)
    assert again.exit_code == 0, again.output
    assert again.stdout == ""
    verbose = runner.invoke(app, args, env=store_env)
    assert summary_rows(verbose.stdout)["unchanged"] == "3"


def test_a_mapping_is_found_by_name_in_the_mappings_dir(tmp_path: Path) -> None:
    env = {
        "MDM_EMBEDDED_PATH": str(tmp_path / "hub.db"),
        "MDM_MAPPINGS_DIR": str(TEST_MAPPINGS),
    }
    export = write_psa_csv(tmp_path / "customers.csv", psa_customers(2))
    for name in ("psa/customer", "customer"):
        done = runner.invoke(
            app, ["load", str(export), "--system", "psa", "--mapping", name], env=env
        )
        assert done.exit_code == 0, done.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--system", "netsuite", "--mapping", PSA_MAPPING], "is for psa, not netsuite"),
        (["--system", "psa", "--mapping", "psa/vendor"], "no mapping of that name"),
        (["--system", "psa", "--mapping", "nope.yaml"], "invalid mapping file nope.yaml: missing"),
        (["--system", "workday", "--mapping", "employee"], "customers.csv: no such file"),
    ],
)
def test_a_configuration_error_exits_2_saying_what_is_wrong(
    tmp_path: Path, args: list[str], message: str
) -> None:
    env = {"MDM_EMBEDDED_PATH": str(tmp_path / "hub.db"), "MDM_MAPPINGS_DIR": str(TEST_MAPPINGS)}
    export = tmp_path / "customers.csv"
    if args[1] == "psa":
        write_psa_csv(export, psa_customers(1))
    done = runner.invoke(app, ["load", str(export), *args], env=env)
    assert done.exit_code == 2
    assert "configuration error" in done.stderr
    assert message in " ".join(done.stderr.split())


def test_a_missing_column_exits_2_before_anything_is_loaded(tmp_path: Path) -> None:
    env = {"MDM_EMBEDDED_PATH": str(tmp_path / "hub.db")}
    export = tmp_path / "customers.csv"
    export.write_text("Account ID;Name\nA-1;Acme\n", encoding="utf-8")
    done = runner.invoke(
        app, ["load", str(export), "--system", "psa", "--mapping", PSA_MAPPING], env=env
    )
    assert done.exit_code == 2
    stderr = " ".join(done.stderr.split())
    assert f"invalid mapping file {PSA_MAPPING}" in stderr
    assert "attributes.name: column 'Account Name' is not in the header of customers.csv" in (
        stderr
    )


def test_a_file_that_cannot_be_read_to_its_end_exits_1(tmp_path: Path) -> None:
    env = {"MDM_EMBEDDED_PATH": str(tmp_path / "hub.db")}
    export = write_psa_csv(tmp_path / "customers.csv", psa_customers(2))
    with export.open("ab") as file:
        file.write(b"A-9;M\xfcller;;;;DE;;;;;\n")  # latin-1 in a UTF-8 file
    done = runner.invoke(
        app, ["load", str(export), "--system", "psa", "--mapping", PSA_MAPPING], env=env
    )
    assert done.exit_code == 1
    assert "stopped:" in done.stderr
    assert "not utf-8-sig text" in done.stderr


def test_mappings_lists_name_system_object_and_entity_type(tmp_path: Path) -> None:
    done = runner.invoke(app, ["mappings"], env={"MDM_MAPPINGS_DIR": str(TEST_MAPPINGS)})
    assert done.exit_code == 0, done.output
    lines = [" ".join(line.replace("│", " ").split()) for line in done.stdout.splitlines()]
    assert "netsuite/project netsuite project PROJECT" in lines
    assert "psa/customer psa customer CUSTOMER csv" in lines
    assert "workday/employee workday worker EMPLOYEE" in lines

    broken = tmp_path / "mappings" / "psa"
    broken.mkdir(parents=True)
    (broken / "customer.yaml").write_text("system: psa\n", encoding="utf-8")
    done = runner.invoke(app, ["mappings"], env={"MDM_MAPPINGS_DIR": str(tmp_path / "mappings")})
    assert done.exit_code == 2
    assert "invalid mapping file" in done.stderr


def test_load_into_a_served_hub_over_http(tmp_path: Path) -> None:
    env = {"MDM_STORE": "embedded", "MDM_EMBEDDED_PATH": str(tmp_path / "hub.db")}
    created = subprocess.run(
        [*KEYS_CREATE, "--role", "integration", "--name", "loader", "--systems", "psa"],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    api_key = created.stdout.strip()
    rows = [*psa_customers(3), {"Account ID": "A-9", "Account Name": "X", "Country": "XX"}]
    export = write_psa_csv(tmp_path / "customers.csv", rows)
    with serving(env, tmp_path / "serve.log") as url:
        done = subprocess.run(
            [sys.executable, "-m", "mdm_hub.cli", "load", str(export), "--system", "psa",
             "--mapping", PSA_MAPPING, "--url", url.removesuffix("/graphql")],
            env={**os.environ, "MDM_API_KEY": api_key},
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    counts = summary_rows(done.stdout)
    assert (counts["created"], counts["refused (hub)"], counts["total"]) == ("3", "1", "4")
    [(line, source_id, field, _)] = reject_lines(Path(f"{export}.rejects.csv"))
    assert (line, source_id, field) == ("5", "A-9", "attributes.country")
