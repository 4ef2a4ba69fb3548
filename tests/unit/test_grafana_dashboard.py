"""deploy/grafana/mdm-hub.json charts what the hub exports: every metric a panel queries
exists, and every metric the hub exports has a panel."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from prometheus_client.metrics import MetricWrapperBase

import mdm_hub.observability.metrics as hub_metrics

DASHBOARD = Path(__file__).resolve().parents[2] / "deploy" / "grafana" / "mdm-hub.json"
METRIC_NAME = re.compile(r"\bmdm_[a-z_]+")
SUFFIXES = ("", "_total", "_bucket", "_count", "_sum")


def _queried(panels: list[dict[str, Any]]) -> set[str]:
    return {
        name
        for panel in panels
        for target in panel.get("targets", [])
        for name in METRIC_NAME.findall(target["expr"])
    }


def _exported() -> dict[str, set[str]]:
    """Each of the hub's metric families, with the sample names Prometheus sees for it."""
    families = [
        family
        for value in vars(hub_metrics).values()
        if isinstance(value, MetricWrapperBase)
        for family in value.describe()
    ]
    return {family.name: {family.name + suffix for suffix in SUFFIXES} for family in families}


def test_every_queried_metric_is_exported_and_every_exported_one_is_charted() -> None:
    dashboard = json.loads(DASHBOARD.read_text(encoding="utf-8"))
    queried = _queried(dashboard["panels"])
    exported = _exported()
    known = set().union(*exported.values())
    assert queried <= known, f"panels query metrics the hub does not export: {queried - known}"
    uncharted = [name for name, samples in exported.items() if not samples & queried]
    assert not uncharted, f"metrics with no panel: {uncharted}"
    assert dashboard["uid"] == "mdm-hub"
