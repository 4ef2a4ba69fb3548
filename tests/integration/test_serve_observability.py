"""`mdm-hub serve` as an operator runs it: JSON log lines on stderr (uvicorn's own included),
one per request with its correlation ID, and /metrics answering."""

from __future__ import annotations

import json
import urllib.request
from pathlib import Path

from tests.support.served_hub import serving

# In the process's log, anyone's: the server's start-up lines and the request lines.
HEALTH_CHECKED = "healthz-1"


def test_serve_logs_json_lines_and_serves_metrics(tmp_path: Path) -> None:
    env = {
        "MDM_STORE": "embedded",
        "MDM_EMBEDDED_PATH": str(tmp_path / "hub.db"),
        "MDM_LOG_LEVEL": "debug",  # probe lines are debug
    }
    log = tmp_path / "serve.log"
    with serving(env, log) as url:
        base = url.removesuffix("/graphql")
        probe = urllib.request.Request(
            f"{base}/healthz", headers={"X-Correlation-ID": HEALTH_CHECKED}
        )
        with urllib.request.urlopen(probe, timeout=10) as response:
            assert response.headers["X-Correlation-ID"] == HEALTH_CHECKED
        with urllib.request.urlopen(f"{base}/metrics", timeout=10) as response:
            metrics = response.read().decode()
    assert "mdm_audit_head_seq 0.0" in metrics
    assert "mdm_review_queue_size 0.0" in metrics
    lines = [json.loads(line) for line in log.read_text().splitlines() if line.startswith("{")]
    assert len(lines) == len(log.read_text().splitlines())  # every line is a JSON object
    [probed] = [line for line in lines if line.get("correlation_id") == HEALTH_CHECKED]
    assert (probed["event"], probed["path"], probed["status"]) == ("request", "/healthz", 200)
    assert {"timestamp", "level", "logger", "duration_ms"} <= probed.keys()
    assert any(line["logger"].startswith("uvicorn") for line in lines)
