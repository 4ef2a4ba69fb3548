"""`python -m mdm_hub.cli`: the `mdm-hub` command."""

from mdm_hub.cli.root import app

app()
