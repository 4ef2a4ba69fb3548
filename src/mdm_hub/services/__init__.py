"""Use cases over the store port: ingest, resolve, read."""
