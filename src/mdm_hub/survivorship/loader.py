"""Read and validate the rule files: `<directory>/<entity_type>.yaml`, one per entity type.

Loading is all or nothing: a missing, stray or invalid file raises RuleFileError naming the
file, the field and the problem, and the service refuses to start with it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from mdm_hub.domain.attributes import pydantic_reason
from mdm_hub.domain.entity_types import EntityType
from mdm_hub.errors import ConfigurationError, Problem, RuleFileError
from mdm_hub.survivorship.rules import EntityRules, RuleFile, RuleSet, rule_problems

SUFFIX = ".yaml"


def rule_file_name(entity_type: EntityType) -> str:
    return f"{entity_type.lower()}{SUFFIX}"


def load_rule_set(directory: Path) -> RuleSet:
    """Every entity type's rules from `directory`; raise on the first unusable file."""
    if not directory.is_dir():
        raise ConfigurationError(
            f"survivorship rule directory {directory} does not exist (set MDM_SURVIVORSHIP_DIR)"
        )
    expected = {rule_file_name(entity_type): entity_type for entity_type in EntityType}
    # `.yml` counts too: a file the loader would silently skip is a trap.
    for path in sorted([*directory.glob("*.yaml"), *directory.glob("*.yml")]):
        if path.name not in expected:
            names = ", ".join(sorted(expected))
            raise RuleFileError(
                str(path), [Problem("", f"no entity type has this file name; expected {names}")]
            )
    return RuleSet({et: load_rule_file(directory / name, et) for name, et in expected.items()})


def load_rule_file(path: Path, entity_type: EntityType) -> EntityRules:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise RuleFileError(
            str(path), [Problem("", f"missing: every entity type needs a rule file ({path.name})")]
        ) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise RuleFileError(str(path), [Problem("", f"cannot be read: {exc}")]) from None
    return parse_rules(text, entity_type, str(path))


def parse_rules(text: str, entity_type: EntityType, label: str) -> EntityRules:
    """Validate one rule file's text for `entity_type`; `label` names it in errors."""
    data = _yaml(text, label)
    if not isinstance(data, dict):
        raise RuleFileError(label, [Problem("", "must be a mapping (entity_type, attributes, …)")])
    try:
        rules = RuleFile.model_validate(data)
    except ValidationError as exc:
        raise RuleFileError(label, _problems(exc)) from None
    problems = rule_problems(rules)
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
    return EntityRules.of(rules)


def _yaml(text: str, label: str) -> Any:
    try:
        return yaml.load(text, Loader=_UniqueKeyLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else "somewhere"
        raise RuleFileError(
            label, [Problem("", f"not valid YAML at {where}: {exc.problem}")]
        ) from None
    except yaml.YAMLError as exc:
        raise RuleFileError(label, [Problem("", f"not valid YAML: {exc}")]) from None


class _UniqueKeyLoader(yaml.SafeLoader):
    """Plain YAML data only, and a key written twice is an error: PyYAML's default of keeping
    the last one would silently drop a rule."""


def _unique_mapping(loader: yaml.SafeLoader, node: yaml.MappingNode) -> dict[Any, Any]:
    seen: set[Any] = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node)
        if key in seen:
            raise yaml.constructor.ConstructorError(
                None, None, f"key {key!r} is given twice", key_node.start_mark
            )
        seen.add(key)
    return loader.construct_mapping(node)


_UniqueKeyLoader.add_constructor(
    yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG,
    _unique_mapping,
)


def _problems(exc: ValidationError) -> list[Problem]:
    return [
        Problem(
            ".".join(str(part) for part in error["loc"]),
            # A rule file's keys are settings; the attribute names are checked separately.
            "unknown setting" if error["type"] == "extra_forbidden" else pydantic_reason(error),
        )
        for error in exc.errors(include_url=False)
    ]
