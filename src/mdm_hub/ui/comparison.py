"""A match explanation as the comparison page shows it: one row per attribute, marked."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Row:
    attribute: str
    incoming: str
    candidate: str
    similarity: float | None
    level: str
    weight: float
    verdict: str  # "agrees", "disagrees" or "missing": shown as text, not colour alone


def verdict(level: str, weight: float) -> str:
    if level == "missing":
        return "missing"
    return "agrees" if weight > 0 else "disagrees"


def rows(explanation: dict[str, Any]) -> list[Row]:
    return [
        Row(
            attribute=c["attribute"],
            incoming=c["incoming"],
            candidate=c["candidate"],
            similarity=c["similarity"],
            level=c["level"],
            weight=c["weight"],
            verdict=verdict(c["level"], c["weight"]),
        )
        for c in explanation["comparisons"]
    ]
