"""Export mappings: how one export of one system becomes source records (docs/mappings.md)."""

from mdm_hub.onboarding.mappings.compiled import ExportMapping
from mdm_hub.onboarding.mappings.files import (
    load_mapping,
    mapping_names,
    mappings_root,
    parse_mapping,
    read_mapping,
)

__all__ = [
    "ExportMapping",
    "load_mapping",
    "mapping_names",
    "mappings_root",
    "parse_mapping",
    "read_mapping",
]
