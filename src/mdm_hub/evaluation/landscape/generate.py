"""One firm's landscape from a seed: the world, then each system's export of it."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from pathlib import Path

from mdm_hub.evaluation.landscape.clients import generate_customers, generate_prospects
from mdm_hub.evaluation.landscape.dimensions import FIRM, firm_dimensions
from mdm_hub.evaluation.landscape.exports import (
    ExportBuilder,
    ExportFile,
    SourceRecord,
    write_export,
    write_labels,
)
from mdm_hub.evaluation.landscape.people import generate_employees
from mdm_hub.evaluation.landscape.projects import generate_projects
from mdm_hub.evaluation.landscape.rates import generate_rate_cards
from mdm_hub.evaluation.landscape.systems import adp, concur, netsuite, psa, salesforce, workday
from mdm_hub.evaluation.landscape.world import World

SYSTEMS: dict[str, Callable[[World, int], list[ExportBuilder]]] = {
    "salesforce": salesforce.export,
    "netsuite": netsuite.export,
    "psa": psa.export,
    "workday": workday.export,
    "adp": adp.export,
    "concur": concur.export,
}
DEFAULT_SEED = 7


class Scale(StrEnum):
    SMALL = "small"
    MEDIUM = "medium"


@dataclass(frozen=True)
class Size:
    customers: int
    prospects: int
    employees: int
    projects: int
    roles: int  # rate card roles, the most senior first
    currencies: tuple[str, ...]


SIZES = {
    Scale.SMALL: Size(22, 3, 40, 14, 4, ("USD", "EUR")),
    Scale.MEDIUM: Size(180, 20, 400, 140, 7, ("USD", "EUR", "GBP")),
}


@dataclass(frozen=True)
class Landscape:
    seed: int
    scale: Scale
    world: World
    files: list[ExportFile]
    records: list[SourceRecord]  # every labelled row, as the hub should see it once loaded


def generate_world(seed: int, scale: Scale) -> World:
    size = SIZES[scale]
    rng = random.Random(seed)
    customers = generate_customers(rng, size.customers)
    prospects = generate_prospects(rng, size.prospects, len(customers))
    employees = generate_employees(rng, size.employees)
    projects = generate_projects(rng, size.projects, customers, employees)
    rate_cards = generate_rate_cards(rng, size.roles, size.currencies, customers, projects)
    return World(FIRM, firm_dimensions(), customers, prospects, employees, projects, rate_cards)


@cache
def generate_landscape(seed: int = DEFAULT_SEED, scale: Scale = Scale.MEDIUM) -> Landscape:
    """The firm of `seed` at `scale`, and every system's export of it. Deterministic."""
    world = generate_world(seed, scale)
    builders = [builder for export in SYSTEMS.values() for builder in export(world, seed)]
    return Landscape(
        seed,
        scale,
        world,
        [builder.file() for builder in builders],
        [record for builder in builders for record in builder.records],
    )


def write_landscape(landscape: Landscape, folder: Path) -> list[Path]:
    """Write every export under `folder/<system>/` and the labels as `folder/labels.csv`."""
    folder.mkdir(parents=True, exist_ok=True)
    written = [write_export(export, folder) for export in landscape.files]
    return [*written, write_labels(landscape.records, folder)]
