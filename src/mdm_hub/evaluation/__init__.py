"""Measure matching quality and speed on labelled data sets, through the real ingest service."""
