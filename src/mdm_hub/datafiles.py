"""Reading the hub's YAML data files (rules, systems, reference data, export mappings).

Plain YAML data only, a key written twice is an error, and every problem is raised as the
caller's DataFileError naming the file and the field. Shipped files live in the package
(`mdm_hub/shipped/`) and are found with importlib.resources, wherever the package is installed.
"""

from __future__ import annotations

from importlib import resources
from importlib.resources.abc import Traversable
from typing import Any

import yaml
from pydantic import ValidationError

from mdm_hub.domain.attributes import pydantic_reason
from mdm_hub.errors import DataFileError, Problem


def shipped(*parts: str) -> Traversable:
    """A file or folder shipped in the package's `shipped/` folder."""
    node = resources.files("mdm_hub").joinpath("shipped")
    for part in parts:
        node = node.joinpath(part)
    return node


def read_yaml(text: str, label: str, error: type[DataFileError]) -> Any:
    """Parse `text` (from the file `label`); raise `error` naming the line of a YAML error."""
    try:
        return yaml.load(text, Loader=_UniqueKeyLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else "somewhere"
        raise error(label, [Problem("", f"not valid YAML at {where}: {exc.problem}")]) from None
    except yaml.YAMLError as exc:
        raise error(label, [Problem("", f"not valid YAML: {exc}")]) from None


def read_text(path: Traversable, error: type[DataFileError]) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise error(str(path), [Problem("", "missing")]) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise error(str(path), [Problem("", f"cannot be read: {exc}")]) from None


def validation_problems(exc: ValidationError) -> list[Problem]:
    """pydantic's errors as problems: a dotted field path each, in our words."""
    return [
        Problem(
            ".".join(str(part) for part in error["loc"]),
            # A data file's keys are settings: an unknown one is most likely a typo.
            "unknown setting" if error["type"] == "extra_forbidden" else pydantic_reason(error),
        )
        for error in exc.errors(include_url=False)
    ]


class _UniqueKeyLoader(yaml.SafeLoader):
    """PyYAML keeps the last of two equal keys; here that is an error, since it would silently
    drop a rule or a mapping."""


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


_UniqueKeyLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _unique_mapping)
