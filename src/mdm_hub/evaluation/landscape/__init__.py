"""A generated landscape: one professional-services firm's customers, people, projects, rate
cards and accounting dimensions, as six systems (Salesforce, NetSuite, a PSA, Workday, ADP,
Concur) export them, each under its own IDs, spellings and value formats, with the truth of
which real-world thing every record describes. See docs/landscape.md."""

from mdm_hub.evaluation.landscape.exports import ExportFile, Label, SourceRecord, read_labels
from mdm_hub.evaluation.landscape.generate import (
    DEFAULT_SEED,
    Landscape,
    Scale,
    generate_landscape,
    write_landscape,
)

__all__ = [
    "DEFAULT_SEED",
    "ExportFile",
    "Label",
    "Landscape",
    "Scale",
    "SourceRecord",
    "generate_landscape",
    "read_labels",
    "write_landscape",
]
