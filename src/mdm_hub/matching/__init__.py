"""Matching: which golden record does an incoming source record belong to. Pure, no I/O."""
