"""Where the checkout keeps what tests read as files: the repository root (README, examples)
and the data folders shipped in the package (copied by tests that then change a file)."""

from __future__ import annotations

from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
SHIPPED = REPO_ROOT / "src" / "mdm_hub" / "shipped"
