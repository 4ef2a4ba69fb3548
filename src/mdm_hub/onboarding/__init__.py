"""Bringing a firm's systems in: declared systems, reference data, export mappings, file loads."""
