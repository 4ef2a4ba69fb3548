"""Loading source records from systems' own exports (CSV, JSONL, XLSX) through a mapping."""
