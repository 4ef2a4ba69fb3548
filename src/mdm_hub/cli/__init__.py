"""The `mdm-hub` command line: one module per command group, exit codes in `exit_codes`."""

from mdm_hub.cli.root import app

__all__ = ["app"]
