"""Read and validate `systems.yaml`, the declared source systems."""

from __future__ import annotations

from functools import cache
from importlib.resources.abc import Traversable
from pathlib import Path

from pydantic import ValidationError

from mdm_hub.datafiles import read_text, read_yaml, shipped, validation_problems
from mdm_hub.domain.systems import SystemRegistry, SystemsFile
from mdm_hub.errors import Problem, SystemsFileError

SYSTEMS_FILE = "systems.yaml"


def load_systems(path: Path | Traversable) -> SystemRegistry:
    """The systems declared in `path`; raise SystemsFileError naming each bad field."""
    return parse_systems(read_text(path, SystemsFileError), str(path))


def parse_systems(text: str, label: str) -> SystemRegistry:
    data = read_yaml(text, label, SystemsFileError)
    if not isinstance(data, dict):
        raise SystemsFileError(label, [Problem("", "must be a mapping with a `systems` list")])
    try:
        parsed = SystemsFile.model_validate(data)
    except ValidationError as exc:
        raise SystemsFileError(label, _named(validation_problems(exc), data)) from None
    seen: set[str] = set()
    problems = []
    for index, system in enumerate(parsed.systems):
        if system.code in seen:
            problems.append(Problem(f"systems[{index}].code", f"{system.code!r} declared twice"))
        seen.add(system.code)
    if problems:
        raise SystemsFileError(label, problems)
    return SystemRegistry.of(parsed.systems, label)


@cache
def shipped_systems() -> SystemRegistry:
    """The systems declared in the shipped `systems.yaml`."""
    return load_systems(shipped(SYSTEMS_FILE))


def _named(problems: list[Problem], data: dict[str, object]) -> list[Problem]:
    """`systems.3.kind` → `systems[3] (netsuite).kind`: which system, not just which index."""
    systems = data.get("systems")
    named = []
    some_system_failed = any(p.field.startswith("systems.") for p in problems)
    for problem in problems:
        if problem.field == "systems" and some_system_failed:
            continue  # pydantic's "at least 1 item" counts only the systems that validated
        parts = problem.field.split(".")
        if len(parts) >= 2 and parts[0] == "systems" and parts[1].isdigit():
            index = int(parts[1])
            code = None
            if isinstance(systems, list) and index < len(systems):
                entry = systems[index]
                code = entry.get("code") if isinstance(entry, dict) else None
            label = f"systems[{index}]" + (f" ({code})" if code else "")
            named.append(Problem(".".join([label, *parts[2:]]), problem.reason))
        else:
            named.append(problem)
    return named
