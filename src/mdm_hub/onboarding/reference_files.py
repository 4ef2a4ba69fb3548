"""Read and validate the reference data: `<directory>/<code_set>.yaml`, one code set each.

Loading is all or nothing: an invalid file raises ReferenceFileError naming the file, the code
set and the field, and nothing starts on reference data that cannot be used.
"""

from __future__ import annotations

from functools import cache
from importlib.resources.abc import Traversable
from pathlib import Path

from pydantic import ValidationError

from mdm_hub.datafiles import read_text, read_yaml, shipped, validation_problems
from mdm_hub.domain.entity_types import EntityType
from mdm_hub.domain.systems import SystemRegistry
from mdm_hub.errors import ConfigurationError, Problem, ReferenceFileError
from mdm_hub.onboarding.systems_file import shipped_systems
from mdm_hub.reference.code_sets import CodeSet, CodeSets
from mdm_hub.reference.model import CodeSetFile, code_set_problems

REFERENCE_DIR = "reference"
SUFFIX = ".yaml"


def load_code_sets(directory: Path | Traversable, systems: SystemRegistry) -> CodeSets:
    """Every code set in `directory`, checked against the declared `systems`."""
    if not directory.is_dir():
        raise ConfigurationError(
            f"reference data directory {directory} does not exist (set MDM_REFERENCE_DIR)"
        )
    entries = sorted(
        (entry for entry in directory.iterdir() if entry.name.endswith((SUFFIX, ".yml"))),
        key=lambda entry: entry.name,
    )
    loaded: dict[str, CodeSet] = {}
    governed: dict[tuple[EntityType, str], tuple[str, str]] = {}
    for entry in entries:
        label = str(entry)
        if not entry.name.endswith(SUFFIX):  # a file the loader skipped would be a trap
            raise ReferenceFileError(label, [Problem("", f"name it <code_set>{SUFFIX}")])
        code_set = parse_code_set(
            read_text(entry, ReferenceFileError), entry.name.removesuffix(SUFFIX), label, systems
        )
        problems = []
        for index, target in enumerate(code_set.file.applies_to):
            claimed = governed.setdefault(
                (target.entity_type, target.attribute), (code_set.name, label)
            )
            if claimed[0] != code_set.name:
                problems.append(
                    Problem(
                        f"applies_to[{index}]",
                        f"{target.entity_type}.{target.attribute} is already governed by the "
                        f"code set {claimed[0]} ({claimed[1]})",
                    )
                )
        if problems:
            raise ReferenceFileError(f"{label} (code set {code_set.name})", problems)
        loaded[code_set.name] = code_set
    return CodeSets(loaded, systems)


def parse_code_set(text: str, name: str, label: str, systems: SystemRegistry) -> CodeSet:
    """Validate one file's text; `name` is the code set its file name promises, `label` names
    the file in errors."""
    data = read_yaml(text, label, ReferenceFileError)
    if not isinstance(data, dict):
        raise ReferenceFileError(
            label, [Problem("", "must be a mapping (code_set, version, applies_to, codes, ...)")]
        )
    named = f"{label} (code set {data.get('code_set', name)!s:.64})"
    try:
        file = CodeSetFile.model_validate(data)
    except ValidationError as exc:
        raise ReferenceFileError(named, validation_problems(exc)) from None
    problems = code_set_problems(file, systems)
    if file.code_set != name:
        problems.insert(
            0, Problem("code_set", f"is {file.code_set!r} but the file is named for {name!r}")
        )
    if problems:
        raise ReferenceFileError(named, problems)
    return CodeSet.of(file)


def reference_directory(configured: Path | None) -> Path | Traversable:
    """Where the reference data is read from: the configured folder, else the shipped one."""
    return configured if configured is not None else shipped(REFERENCE_DIR)


@cache
def shipped_code_sets() -> CodeSets:
    """The code sets shipped in the package, over the shipped systems."""
    return load_code_sets(shipped(REFERENCE_DIR), shipped_systems())
