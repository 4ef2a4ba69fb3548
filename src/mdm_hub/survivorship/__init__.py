"""Survivorship: rule files (validated on load) and the pure engine that chooses each golden
attribute, with its provenance, from the member source records."""
