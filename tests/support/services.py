"""Services wired as production wires them, with the shipped rule files."""

from __future__ import annotations

from mdm_hub.ports import Store
from mdm_hub.services.ingest import IngestService
from mdm_hub.services.review import ReviewService
from mdm_hub.wiring import shipped_matcher, shipped_rules


def ingest_service(store: Store) -> IngestService:
    return IngestService(store, shipped_matcher(), rules=shipped_rules())


def review_service(store: Store) -> ReviewService:
    return ReviewService(store, shipped_matcher())
