"""A reference reading of the export-mapping spec (/tmp/mapping-format.md, docs/landscape.md)
for the transforms the shipped mappings use, so tests can check a mapping against the rows it
reads before the loader exists. Values stay text: formats are the hub's door's job."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from importlib.resources.abc import Traversable
from typing import Any

from mdm_hub.datafiles import read_yaml, shipped
from mdm_hub.errors import DataFileError

TRUE = {"true", "yes", "y", "1", "t"}
TOP_LEVEL_KEYS = {
    "system", "entity_type", "object", "format", "csv", "source_id", "observed_at", "deleted",
    "skip_if", "attributes",
}  # fmt: skip


@dataclass(frozen=True)
class Value:
    text: str | None
    from_column: bool  # False: a constant the mapping wrote itself


def shipped_mappings() -> dict[str, dict[str, Any]]:
    """Every shipped mapping, by name ("netsuite/customer")."""
    found = {}
    root = shipped("mappings")
    for folder in root.iterdir():
        for file in folder.iterdir():
            if file.name.endswith(".yaml"):
                found[f"{folder.name}/{file.name.removesuffix('.yaml')}"] = _read(file)
    return found


def _read(file: Traversable) -> dict[str, Any]:
    data = read_yaml(file.read_text(encoding="utf-8"), str(file), DataFileError)
    assert isinstance(data, dict), f"{file}: not a mapping"
    return data


def columns(spec: Any) -> Iterator[str]:
    """Every column a field's spec reads."""
    if isinstance(spec, str):
        yield spec
    elif isinstance(spec, list):
        for item in spec:
            yield from columns(item)
    elif isinstance(spec, dict):
        for key, inner in spec.items():
            if key == "column":
                yield inner
            elif key in ("first_of", "concat", "reference", "split", "split_name", "then", "else"):
                yield from columns(inner)
            elif key == "when":
                for case in inner:
                    yield case["column"]
                    yield from columns(case["then"])


def mapping_columns(mapping: dict[str, Any]) -> set[str]:
    named = set()
    for field in ("source_id", "observed_at", "deleted"):
        if field in mapping:
            named |= set(columns(mapping[field]))
    if "skip_if" in mapping:
        named.add(mapping["skip_if"]["column"])
    for spec in mapping["attributes"].values():
        named |= set(columns(spec))
    return named


def evaluate(spec: Any, row: Mapping[str, str]) -> Value:
    """A field's value for one row (empty cells are absent)."""
    if isinstance(spec, str):
        spec = {"column": spec}
    if "column" in spec:
        text = row[spec["column"]] or None
        if text is not None and "strip_prefix" in spec:
            text = text.removeprefix(spec["strip_prefix"]) or None
        return Value(text, True)
    if "value" in spec:
        return Value(str(spec["value"]), False)
    if "first_of" in spec:
        for part in spec["first_of"]:
            found = evaluate(part, row)
            if found.text is not None:
                return found
        return Value(None, True)
    if "concat" in spec:
        parts = [evaluate(part, row) for part in spec["concat"]]
        if any(p.text is None for p in parts if p.from_column):
            return Value(None, True)  # a prefix alone is no value
        return Value("".join(p.text or "" for p in parts), True)
    if "split" in spec:
        whole = evaluate(spec["split"], row).text
        pieces = whole.split(spec["split"]["separator"]) if whole else []
        index = spec["split"]["index"]
        return Value(pieces[index] if index < len(pieces) else None, True)
    if "split_name" in spec:
        return Value(_name_part(evaluate(spec["split_name"], row).text, spec), True)
    if "when" in spec:
        for case in spec["when"]:
            if _holds(case, row):
                return evaluate(case["then"], row)
        return evaluate(spec["else"], row)
    if "reference" in spec:
        return evaluate(spec["reference"], row)
    raise AssertionError(f"a transform this reading does not know: {spec}")


def _name_part(name: str | None, spec: dict[str, Any]) -> str | None:
    if not name:
        return None
    part = spec["split_name"]["part"]
    if "," in name:  # "Family, Given [Middle]"
        family, rest = (p.strip() for p in name.split(",", 1))
        given, *middle = rest.split()
    else:  # "Given [Middle] Family"
        given, *middle, family = name.split()
    return {"given": given, "family": family, "middle": " ".join(middle) or None}[part]


def _holds(case: dict[str, Any], row: Mapping[str, str]) -> bool:
    cell = row[case["column"]]
    if "equals" in case:
        return cell == str(case["equals"])
    if "empty" in case:
        return (cell == "") == bool(case["empty"])
    if "in" in case:
        return cell in [str(v) for v in case["in"]]
    raise AssertionError(f"a condition this reading does not know: {case}")


def is_true(value: Value) -> bool:
    return value.text is not None and value.text.lower() in TRUE


def skipped(mapping: dict[str, Any], row: Mapping[str, str]) -> bool:
    return "skip_if" in mapping and _holds(mapping["skip_if"], row)
