"""examples/landscape: the committed files are what the generator writes for seed 7 at small
scale, and the demo loads every one of them with its mapping, then reports."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from mdm_hub.evaluation.landscape import Scale, generate_landscape, write_landscape

EXAMPLE = Path(__file__).parents[3] / "examples" / "landscape"
SMALL = generate_landscape(7, Scale.SMALL)
STUB = """#!/usr/bin/env bash
# Stands in for `mdm-hub load` (logs its arguments); everything else is the real CLI.
if [ "$1" = load ]; then echo "$@" >> "$LOAD_LOG"; exit 0; fi
exec "{python}" -m mdm_hub.cli "$@"
"""


def test_the_committed_example_is_what_the_generator_writes(tmp_path: Path) -> None:
    """Regenerate it when the generator changes: mdm-hub landscape generate examples/landscape"""
    for path in write_landscape(SMALL, tmp_path):
        relative = path.relative_to(tmp_path)
        assert (EXAMPLE / relative).read_bytes() == path.read_bytes(), relative


def test_the_demo_loads_every_export_with_its_mapping_then_reports(tmp_path: Path) -> None:
    stub = tmp_path / "mdm-hub"
    stub.write_text(STUB.format(python=sys.executable))
    stub.chmod(0o755)
    log = tmp_path / "loads.log"
    env = {
        **os.environ,
        "MDM_HUB": str(stub),
        "LOAD_LOG": str(log),
        "MDM_EMBEDDED_PATH": str(tmp_path / "demo.db"),
        "PYTHONPATH": str(Path(__file__).parents[3] / "src"),
    }
    run = subprocess.run(
        [str(EXAMPLE / "demo.sh")], env=env, capture_output=True, text=True, check=False
    )
    assert run.returncode == 0, run.stderr
    loads = [line.split() for line in log.read_text().splitlines()]
    expected = {
        (f"{EXAMPLE}/{export.path}", export.system, export.mapping) for export in SMALL.files
    }
    assert {(args[1], args[3], args[5]) for args in loads} == expected
    assert len(loads) == len(expected)
    assert all(args[2] == "--system" and args[4] == "--mapping" for args in loads)
    assert "What the hub made of the landscape" in run.stdout
