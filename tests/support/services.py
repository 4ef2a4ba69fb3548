"""Services wired as production wires them, with the shipped rule files."""

from __future__ import annotations

from mdm_hub.ports import Store
from mdm_hub.services.ingest import IngestService
from mdm_hub.services.matching import shipped_matcher
from mdm_hub.services.review import ReviewService


def ingest_service(store: Store) -> IngestService:
    return IngestService(store, shipped_matcher())


def review_service(store: Store) -> ReviewService:
    return ReviewService(store, shipped_matcher())
