"""Finding and reading export mapping files: by name (`netsuite/customer`, in MDM_MAPPINGS_DIR
or the package's shipped `mappings/`) or by path."""

from __future__ import annotations

import hashlib
from importlib.resources.abc import Traversable
from pathlib import Path

from pydantic import ValidationError

from mdm_hub.datafiles import read_text, read_yaml, shipped, validation_problems
from mdm_hub.domain.systems import SystemRegistry
from mdm_hub.errors import MappingFileError, Problem
from mdm_hub.onboarding.mappings.compiled import ExportMapping, compile_mapping
from mdm_hub.onboarding.mappings.model import MappingFile

SUFFIXES = (".yaml", ".yml")


def mappings_root(mappings_dir: Path | None) -> Path | Traversable:
    """Where mappings are looked up by name: the override, else the shipped ones."""
    return mappings_dir if mappings_dir is not None else shipped("mappings")


def load_mapping(
    name_or_path: str, systems: SystemRegistry, mappings_dir: Path | None = None
) -> ExportMapping:
    """The mapping a user named: an existing file (or a `.yaml` path), else a name
    `<system>/<object>` under `mappings_root`. Raises MappingFileError saying what is wrong."""
    path = Path(name_or_path)
    if path.is_file() or path.suffix in SUFFIXES:
        return read_mapping(path, systems)
    root = mappings_root(mappings_dir)
    for suffix in SUFFIXES:
        candidate = root.joinpath(*f"{name_or_path}{suffix}".split("/"))
        if candidate.is_file():
            return read_mapping(candidate, systems)
    known = ", ".join(mapping_names(root)) or "none"
    raise MappingFileError(
        name_or_path,
        [Problem("", f"no such file, and no mapping of that name in {root} (mappings: {known})")],
    )


def read_mapping(path: Path | Traversable, systems: SystemRegistry) -> ExportMapping:
    return parse_mapping(read_text(path, MappingFileError), str(path), systems)


def parse_mapping(text: str, label: str, systems: SystemRegistry) -> ExportMapping:
    """Validate and compile one mapping file's text; `label` names it in errors."""
    data = read_yaml(text, label, MappingFileError)
    if not isinstance(data, dict):
        raise MappingFileError(
            label, [Problem("", "must be a mapping (system, entity_type, source_id, ...)")]
        )
    try:
        spec = MappingFile.model_validate(data)
    except ValidationError as exc:
        raise MappingFileError(label, validation_problems(exc)) from None
    sha256 = hashlib.sha256(text.encode("utf-8")).hexdigest()
    return compile_mapping(spec, label, sha256, systems)


def mapping_names(root: Path | Traversable) -> list[str]:
    """`<system>/<object>` of every mapping file under `root`, sorted."""
    if not root.is_dir():
        return []
    names = [
        f"{folder.name}/{entry.name.rsplit('.', 1)[0]}"
        for folder in root.iterdir()
        if folder.is_dir()
        for entry in folder.iterdir()
        if entry.is_file() and entry.name.endswith(SUFFIXES)
    ]
    return sorted(names)
