"""Read and validate the rule files: `<directory>/<entity_type>.yaml`, one per entity type.

Loading is all or nothing: a missing, stray or invalid file raises RuleFileError naming the
file, the field and the problem, and the service refuses to start with it.
"""

from __future__ import annotations

from importlib.resources.abc import Traversable
from pathlib import Path

from pydantic import ValidationError

from mdm_hub.datafiles import read_yaml, validation_problems
from mdm_hub.domain.entity_types import EntityType
from mdm_hub.domain.systems import SystemRegistry
from mdm_hub.errors import ConfigurationError, Problem, RuleFileError
from mdm_hub.onboarding.systems_file import shipped_systems
from mdm_hub.survivorship.rules import EntityRules, RuleFile, RuleSet, rule_problems

SUFFIX = ".yaml"


def rule_file_name(entity_type: EntityType) -> str:
    return f"{entity_type.lower()}{SUFFIX}"


def load_rule_set(directory: Path | Traversable, systems: SystemRegistry | None = None) -> RuleSet:
    """Every entity type's rules from `directory`, their system names read through `systems`
    (default: the shipped declared systems); raise on the first unusable file."""
    systems = systems if systems is not None else shipped_systems()
    if not directory.is_dir():
        raise ConfigurationError(
            f"survivorship rule directory {directory} does not exist (set MDM_SURVIVORSHIP_DIR)"
        )
    expected = {rule_file_name(entity_type): entity_type for entity_type in EntityType}
    # `.yml` counts too: a file the loader would silently skip is a trap.
    named = (entry for entry in directory.iterdir() if entry.name.endswith((".yaml", ".yml")))
    for path in sorted(named, key=lambda entry: entry.name):
        if path.name not in expected:
            names = ", ".join(sorted(expected))
            raise RuleFileError(
                str(path), [Problem("", f"no entity type has this file name; expected {names}")]
            )
    return RuleSet(
        {et: load_rule_file(directory / name, et, systems) for name, et in expected.items()}
    )


def load_rule_file(
    path: Path | Traversable, entity_type: EntityType, systems: SystemRegistry
) -> EntityRules:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise RuleFileError(
            str(path), [Problem("", f"missing: every entity type needs a rule file ({path.name})")]
        ) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise RuleFileError(str(path), [Problem("", f"cannot be read: {exc}")]) from None
    return parse_rules(text, entity_type, str(path), systems)


def parse_rules(
    text: str, entity_type: EntityType, label: str, systems: SystemRegistry | None = None
) -> EntityRules:
    """Validate one rule file's text for `entity_type`; `label` names it in errors. System
    names are read through `systems` (default: the shipped declared systems)."""
    systems = systems if systems is not None else shipped_systems()
    data = read_yaml(text, label, RuleFileError)
    if not isinstance(data, dict):
        raise RuleFileError(label, [Problem("", "must be a mapping (entity_type, attributes, …)")])
    try:
        rules = RuleFile.model_validate(data)
    except ValidationError as exc:
        raise RuleFileError(label, validation_problems(exc)) from None
    problems = rule_problems(rules, systems)
    if rules.entity_type is not entity_type:
        problems.insert(
            0,
            Problem(
                "entity_type",
                f"is {rules.entity_type} but the file is named for {entity_type}",
            ),
        )
    if problems:
        raise RuleFileError(label, problems)
    return EntityRules.of(rules, systems)
