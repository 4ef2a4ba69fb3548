"""What every system module needs: its own random stream, its declared locale, weighted
choices and ID sequences."""

from __future__ import annotations

import random
from collections.abc import Sequence
from typing import TypeVar

from mdm_hub.domain.systems import Locale
from mdm_hub.onboarding.systems_file import shipped_systems

T = TypeVar("T")


def system_rng(seed: int, system: str) -> random.Random:
    """A stream of its own per system, so a change to one system's export leaves the others'
    files as they were."""
    return random.Random(f"{seed}:{system}")


def declared_locale(system: str) -> Locale:
    declared = shipped_systems().get(system)
    if declared is None:  # pragma: no cover - the landscape's systems are shipped
        raise LookupError(f"{system} is not declared in the shipped systems.yaml")
    return declared.locale


def weighted(rng: random.Random, choices: Sequence[tuple[T, int]]) -> T:
    return rng.choices([c for c, _ in choices], [w for _, w in choices])[0]


class Counter:
    """Increasing IDs with gaps, as a system hands them out while other records are made."""

    def __init__(self, rng: random.Random, start: int, most_gap: int = 1) -> None:
        self._rng = rng
        self._next = start
        self._most_gap = most_gap

    def take(self) -> int:
        value = self._next
        self._next += self._rng.randint(1, self._most_gap)
        return value


def initial(name: str | None) -> str | None:
    return f"{name[0]}" if name else None
