"""Reading the workbench's forms: text fields, the versions a page was rendered with."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from starlette.datastructures import FormData

VERSION_PREFIX = "version:"  # hidden inputs "version:<golden id>" carry the version read


def text(form: FormData, name: str) -> str:
    value = form.get(name)
    return value.strip() if isinstance(value, str) else ""


def expected_versions(form: FormData) -> list[dict[str, object]]:
    """The golden records' versions as the page showed them, for optimistic concurrency."""
    versions: list[dict[str, object]] = []
    for name, value in form.multi_items():
        if name.startswith(VERSION_PREFIX) and isinstance(value, str) and value.isdigit():
            versions.append({"goldenId": name[len(VERSION_PREFIX) :], "version": int(value)})
    return versions


def expected_version(form: FormData, golden_id: str) -> int | None:
    """The version the page showed of the one golden record an action changes."""
    value = form.get(VERSION_PREFIX + golden_id)
    return int(value) if isinstance(value, str) and value.isdigit() else None


@dataclass(frozen=True)
class ScoreBand:
    """The review queue's score filter, on a candidate's best score."""

    key: str
    low: float
    high: float

    CHOICES: ClassVar[list[tuple[str, str]]] = [
        ("", "Any score"),
        ("high", "0.80 and above"),
        ("mid", "0.50 to 0.80"),
        ("low", "below 0.50"),
    ]

    @classmethod
    def parse(cls, key: str) -> ScoreBand:
        bounds = {"high": (0.8, 1.01), "mid": (0.5, 0.8), "low": (0.0, 0.5)}
        low, high = bounds.get(key, (0.0, 1.01))
        return cls(key if key in bounds else "", low, high)

    def holds(self, score: float) -> bool:
        return self.low <= score < self.high
