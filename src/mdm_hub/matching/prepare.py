"""Turn a record's attributes into what matching compares: standardised values and keys."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from operator import itemgetter
from typing import Any, NamedTuple
from weakref import WeakKeyDictionary

import jellyfish

from mdm_hub.domain.entity_types import EntityType
from mdm_hub.domain.records import ReferenceLookup, SourceKey
from mdm_hub.domain.relationships import REFERENCE_RULES
from mdm_hub.matching.identifiers import (
    IDENTIFIER,
    identifier_standardiser,
    normalise_identifier,
)
from mdm_hub.matching.rules import (
    BlockingRule,
    Comparator,
    IdentifierScope,
    MatchRules,
    RuleFile,
    Transform,
)
from mdm_hub.matching.standardise import (
    CACHE_SIZE,
    COUNTRY_AWARE,
    STANDARDISERS,
    VALIDATORS,
    country,
)


class PreparedRecord(NamedTuple):
    """Standardised comparison values (by comparison label, "" when missing), the record's
    strong-identifier values (by name; a system-scoped one as `name@scope`, so that it is
    equal or different only to records of its own scope), the names of those whose value
    fails its check (a tax ID with a wrong check digit) and every key the record is stored
    and found under."""

    values: Mapping[str, str]
    strong: Mapping[str, str]
    keys: tuple[str, ...]
    unverified: frozenset[str] = frozenset()
    # Reference keys (`reference:` blocking rules): found under, never stored.
    referenced: tuple[ReferenceLookup, ...] = ()
    # Per reference comparison, once resolved (the value is then the target's golden ID):
    # the record it named, for `vetoes_within_system`.
    named: Mapping[str, SourceKey] = {}

    @property
    def strong_keys(self) -> tuple[str, ...]:
        return tuple(k for k in self.keys if k.startswith(STRONG_PREFIX))


# Joins a system-scoped identifier's name and its scope (`employee_number@HRIS+PAYROLL`).
SCOPE_SEPARATOR = "@"
STRONG_PREFIX = "S|"
BLOCKING_PREFIX = "B|"

Validator = Callable[[str, str | None], bool | None]

# Joins a reference's system and source ID in a prepared value (`netsuite\x1f2023`): what it
# points at, until the matcher resolves it to a golden ID.
REFERENCE_SEPARATOR = "\x1f"
_REFERENCE = "reference"  # the standardiser name reference comparisons use internally
# Referrers comparisons read nothing of the record: the matcher fills them in from the graph.
_REFERRERS = "referrers"


def _nothing(raw: str) -> str:
    return ""


def reference_parts(raw: object) -> tuple[str, str] | None:
    """The system and source ID a reference attribute (`{system, sourceId}`) names; None
    when `raw` is not one."""
    if isinstance(raw, dict):
        system, source_id = raw.get("system"), raw.get("sourceId")
        if isinstance(system, str) and isinstance(source_id, str):
            return system, source_id
    return None


def reference_value(raw: object) -> str:
    """A reference attribute as a prepared value; "" when absent."""
    parts = reference_parts(raw)
    return f"{parts[0]}{REFERENCE_SEPARATOR}{parts[1]}" if parts else ""


def standardise(name: str, raw: Any, record_country: str | None) -> str:
    if raw is None or isinstance(raw, dict | list):
        return ""
    value = str(raw)
    if name in COUNTRY_AWARE:
        return COUNTRY_AWARE[name](value, record_country)
    return STANDARDISERS[name](value)


def _record_country(attributes: Mapping[str, Any]) -> str | None:
    raw = attributes.get("country")
    return (country(raw) or None) if isinstance(raw, str) else None


# Phonetic codes are pure functions of a name, and names recur across records.
@lru_cache(maxsize=CACHE_SIZE)
def _soundex(value: str) -> str:
    return jellyfish.soundex(value.replace(" ", ""))


@lru_cache(maxsize=CACHE_SIZE)
def _metaphone(value: str) -> str:
    return jellyfish.metaphone(value)


# Each transform of a non-empty standardised value (VALUE, the identity, is not called).
_TRANSFORMS: dict[Transform, Callable[[str], str]] = {
    Transform.FIRST_TOKEN: lambda value: value.split(maxsplit=1)[0],
    Transform.PREFIX3: lambda value: value.replace(" ", "")[:3],
    Transform.SOUNDEX: _soundex,
    Transform.METAPHONE: _metaphone,
    Transform.YEAR: lambda value: value[:4],
    Transform.SORTED_TOKENS: lambda value: " ".join(sorted(value.split())),
}


@dataclass(frozen=True, slots=True)
class _KeyRecipe:
    """One key rule, compiled: which of the record's pieces it joins, under what prefix."""

    name: str
    prefix: str
    # The record's pieces this key joins, picked in one C call (operator.itemgetter).
    select: Callable[[list[str]], tuple[str, ...]]
    unordered: bool
    # (validator, attribute) of the parts whose standardiser can check its raw value.
    checks: tuple[tuple[Validator, str], ...]
    scoped: bool = False  # a system-scoped strong identifier


@dataclass(frozen=True, slots=True)
class _Recipe:
    """A rule file compiled once: every (standardiser, attribute) and every key part
    (standardised value, transform) it uses, each numbered once, so that a record is
    standardised into two flat lists and its keys are joins of list entries. The entries
    needed without keys (comparisons, strong identifiers) come first."""

    # (standardiser, needs the record's country, attribute)
    standardised: tuple[tuple[Callable[..., str], bool, str], ...]
    base_standardised: int  # how many of them are needed without keys
    pieces: tuple[tuple[int, Callable[[str], str] | None], ...]  # (standardised, transform)
    base_pieces: int
    comparisons: tuple[tuple[str, tuple[int, ...]], ...]  # (label, standardised)
    labels: tuple[str, ...]
    # Where every comparison reads one attribute (the usual case), all values in one pick.
    single_values: Callable[[list[str]], tuple[str, ...]] | None
    strong: tuple[_KeyRecipe, ...]
    strong_prefix: str
    blocking: tuple[_KeyRecipe, ...]
    # (label, its standardiser, attributes whose values are taken out of it)
    without: tuple[tuple[str, Callable[[str], str], tuple[str, ...]], ...] = ()
    # (label, its standardiser, reference attributes whose related golden record's name is
    # taken out of it: the matcher knows those names, prepare does not)
    related: tuple[tuple[str, Callable[[str], str], tuple[str, ...]], ...] = ()
    # (attribute, the type it points at) of each reference key
    references: tuple[tuple[str, EntityType], ...] = ()
    # (code attribute, name attribute) of `code_in_name`
    code_in_name: tuple[str, str] | None = None


def _compile(spec: RuleFile) -> _Recipe:
    identifier = identifier_standardiser(spec.identifier_prefixes)
    references = {rule.attribute for rule in REFERENCE_RULES[spec.entity_type]}
    standardised: dict[tuple[str, str], int] = {}
    pieces: dict[tuple[int, Transform], int] = {}

    def standardised_index(standardiser: str, attribute: str) -> int:
        return standardised.setdefault((standardiser, attribute), len(standardised))

    def key_recipe(rule: BlockingRule, prefix: str, scoped: bool = False) -> _KeyRecipe:
        indices = []
        for part in rule.parts:
            source = standardised_index(part.standardiser, part.attribute)
            indices.append(pieces.setdefault((source, part.transform), len(pieces)))
        checks = tuple(
            (VALIDATORS[part.standardiser], part.attribute)
            for part in rule.parts
            if part.standardiser in VALIDATORS
        )
        return _KeyRecipe(
            rule.name, f"{prefix}{rule.name}|", _selector(indices), rule.unordered, checks, scoped
        )

    comparisons = tuple(
        (
            c.label,
            tuple(
                standardised_index(_INTERNAL.get(c.comparator, c.standardiser), a)
                for a in c.attributes
            ),
        )
        for c in spec.comparisons
    )
    strong = tuple(
        key_recipe(rule, "", rule.scope is IdentifierScope.SYSTEM)
        for rule in spec.strong_identifiers
    )
    base_standardised, base_pieces = len(standardised), len(pieces)
    blocking_prefix = f"{BLOCKING_PREFIX}{spec.entity_type}|"
    blocking = tuple(
        key_recipe(rule, blocking_prefix) for rule in spec.blocking if rule.reference is None
    )
    targets = {rule.attribute: rule.target_type for rule in REFERENCE_RULES[spec.entity_type]}
    reference_keys = tuple(
        dict.fromkeys(
            (rule.reference, targets[rule.reference])
            for rule in spec.blocking
            if rule.reference is not None
        )
    )
    return _Recipe(
        standardised=tuple(
            (COUNTRY_AWARE[name], True, attribute)
            if name in COUNTRY_AWARE
            else (_standardiser(name, identifier), False, attribute)
            for name, attribute in standardised
        ),
        base_standardised=base_standardised,
        pieces=tuple(
            (source, None if transform is Transform.VALUE else _TRANSFORMS[transform])
            for source, transform in pieces
        ),
        base_pieces=base_pieces,
        comparisons=comparisons,
        labels=tuple(label for label, _ in comparisons),
        single_values=(
            _selector([sources[0] for _, sources in comparisons])
            if all(len(sources) == 1 for _, sources in comparisons)
            else None
        ),
        strong=strong,
        strong_prefix=f"{STRONG_PREFIX}{spec.entity_type}|",
        blocking=blocking,
        without=tuple(
            (c.label, _standardiser(c.standardiser, identifier), tuple(c.without))
            for c in spec.comparisons
            if c.without and c.standardiser not in COUNTRY_AWARE
        ),
        related=tuple(
            (c.label, _standardiser(c.standardiser, identifier), related)
            for c in spec.comparisons
            if (related := tuple(a for a in c.without if a in references))
            and c.standardiser not in COUNTRY_AWARE
        ),
        references=reference_keys,
        code_in_name=(
            (spec.code_in_name.code, spec.code_in_name.name) if spec.code_in_name else None
        ),
    )


_INTERNAL = {Comparator.REFERENCE: _REFERENCE, Comparator.REFERRERS: _REFERRERS}


def _standardiser(name: str, identifier: Callable[[str], str]) -> Callable[..., str]:
    if name == IDENTIFIER:
        return identifier
    if name == _REFERENCE:
        return reference_value
    if name == _REFERRERS:
        return _nothing
    return STANDARDISERS[name]


# Compiled recipes by rule set (weak: rule sets reloaded in tests come and go), each kept
# with the rule file it was compiled from, in case `rules.rules` is replaced.
_RECIPES: WeakKeyDictionary[MatchRules, tuple[RuleFile, _Recipe]] = WeakKeyDictionary()


def _recipe(rules: MatchRules) -> _Recipe:
    found = _RECIPES.get(rules)
    if found is None or found[0] is not rules.rules:
        found = (rules.rules, _compile(rules.rules))
        _RECIPES[rules] = found
    return found[1]


def _selector(indices: list[int]) -> Callable[[list[str]], tuple[str, ...]]:
    if len(indices) == 1:  # itemgetter of one index gives the item, not a 1-tuple
        (index,) = indices
        return lambda pieces: (pieces[index],)
    select: Callable[[list[str]], tuple[str, ...]] = itemgetter(*indices)
    return select


def _key_value(recipe: _KeyRecipe, pieces: list[str]) -> str:
    parts = recipe.select(pieces)
    if not all(parts):
        return ""  # a key with a missing part would lump unrelated records together
    return "\x1f".join(sorted(parts) if recipe.unordered else parts)


def _standardise(
    recipe: _Recipe, attributes: Mapping[str, Any], record_country: str | None, with_keys: bool
) -> tuple[list[str], list[str]]:
    """The record's standardised values and key pieces, in the recipe's numbering (only
    those comparisons and strong identifiers use, without keys)."""
    wanted = recipe.standardised if with_keys else recipe.standardised[: recipe.base_standardised]
    standardised = []
    for standardiser, country_aware, attribute in wanted:
        raw = attributes.get(attribute)
        if type(raw) is not str:  # the usual case skips the checks; subclasses converted
            if raw is None or isinstance(raw, dict | list):
                # A reference is the one value kept as a structure.
                standardised.append(reference_value(raw) if standardiser is reference_value else "")
                continue
            raw = str(raw)
        standardised.append(
            standardiser(raw, record_country) if country_aware else standardiser(raw)
        )
    wanted_pieces = recipe.pieces if with_keys else recipe.pieces[: recipe.base_pieces]
    pieces = []
    for source, transform in wanted_pieces:
        value = standardised[source]
        pieces.append(transform(value) if transform is not None and value else value)
    return standardised, pieces


def prepare(
    rules: MatchRules,
    attributes: Mapping[str, Any],
    with_keys: bool = True,
    system: str | None = None,
) -> PreparedRecord:
    """Standardise a record for comparison; `with_keys` also derives its lookup keys (only the
    incoming record needs them, not the candidates it is compared with). `system` sent it:
    system-scoped identifiers are strong only within its scope (without it they are left
    out of the strong identifiers)."""
    recipe = _recipe(rules)
    attributes = (
        attributes
        if recipe.code_in_name is None
        else with_code_in_name(attributes, *recipe.code_in_name)
    )
    record_country = _record_country(attributes)
    standardised, pieces = _standardise(recipe, attributes, record_country, with_keys)

    if recipe.single_values is not None:
        # " ".join of one value is the value; dict() keeps a repeated label's first place
        # and last value, as the comprehension does.
        picked = recipe.single_values(standardised)
        values = dict(zip(recipe.labels, picked, strict=True))
    else:
        values = {
            label: " ".join([v for v in (standardised[i] for i in sources) if v])
            for label, sources in recipe.comparisons
        }
    if recipe.without:
        values = _without(recipe, dict(values), attributes)
    strong: dict[str, str] = {}
    unverified: set[str] = set()
    for rule in recipe.strong:
        value = _key_value(rule, pieces)
        if not value:
            continue
        name = rule.name
        if rule.scoped:
            if system is None:
                continue
            name = f"{name}{SCOPE_SEPARATOR}{rules.scope_of(name, system)}"
        strong[name] = value
        if _fails_check(rule.checks, attributes, record_country):
            unverified.add(name)
    keys: list[str] = []
    if with_keys:
        keys = [f"{recipe.strong_prefix}{name}|{value}" for name, value in strong.items()]
        for rule in recipe.blocking:  # _key_value, inlined: this runs ~17 times a record
            parts = rule.select(pieces)
            if all(parts):
                keys.append(rule.prefix + "\x1f".join(sorted(parts) if rule.unordered else parts))
    referenced = (
        _reference_lookups(recipe.references, attributes) if with_keys and recipe.references else ()
    )
    return PreparedRecord(
        values, strong, tuple(sorted(set(keys))), frozenset(unverified), referenced
    )


def with_code_in_name(attributes: Mapping[str, Any], code: str, name: str) -> Mapping[str, Any]:
    """`attributes`, with `code` taken from the first word of `name` where the record has no
    code and its name leads with one ("940 Marketing": code 940): a word holding a digit,
    followed by at least one word with a letter."""
    if attributes.get(code):
        return attributes
    raw = attributes.get(name)
    if not isinstance(raw, str):
        return attributes
    words = raw.split(maxsplit=1)
    if len(words) != 2:
        return attributes
    first = words[0].strip("-:.,")
    if not any(c.isdigit() for c in first) or not any(c.isalpha() for c in words[1]):
        return attributes
    return {**attributes, code: first}


def _reference_lookups(
    references: tuple[tuple[str, EntityType], ...], attributes: Mapping[str, Any]
) -> tuple[ReferenceLookup, ...]:
    """The record's reference keys: each referenced record it names."""
    found = []
    for attribute, target_type in references:
        parts = reference_parts(attributes.get(attribute))
        if parts and all(parts):
            system, source_id = parts
            found.append(ReferenceLookup(attribute, SourceKey(system, target_type, source_id)))
    return tuple(found)


def _without(
    recipe: _Recipe, values: dict[str, str], attributes: Mapping[str, Any]
) -> dict[str, str]:
    """Each `without` comparison's value with the words of the named attributes taken out
    (as its own standardiser writes them, and a code's number without leading zeros; of a
    reference, the ID it names: "Analyst - PRJ-20098" compares by what it adds to its
    project's ID, the project itself being compared through the graph); the value stays
    whole when nothing else would be left."""
    for label, standardiser, names in recipe.without:
        value = values.get(label, "")
        if not value:
            continue
        gone: set[str] = set()
        for name in names:
            raw = attributes.get(name)
            parts = reference_parts(raw)
            if parts:
                raw = parts[1]
            if isinstance(raw, str) and raw:
                gone.update(standardiser(raw).split())
                gone.add(normalise_identifier(raw).lower())
        kept = [word for word in value.split() if word not in gone]
        if kept:
            values[label] = " ".join(kept)
    return values


def related_without(rules: MatchRules) -> frozenset[str]:
    """The reference attributes whose related record's name some comparison is compared
    without (`without: [customer]` on a project's name)."""
    return frozenset(a for _, _, names in _recipe(rules).related for a in names)


def without_related(
    rules: MatchRules, record: PreparedRecord, names: Mapping[str, str]
) -> PreparedRecord:
    """`record` with the words of its related records' names (reference attribute -> the
    name of the golden record it resolves to) taken out of each comparison that is compared
    without them, as that comparison's standardiser writes them; a value stays whole when
    nothing else would be left."""
    recipe = _recipe(rules)
    values = dict(record.values)
    for label, standardiser, attributes in recipe.related:
        value = values.get(label, "")
        gone = {
            word
            for attribute in attributes
            if (name := names.get(attribute))
            for word in standardiser(name).split()
        }
        if not value or not gone:
            continue
        kept = [word for word in value.split() if word not in gone]
        if kept:
            values[label] = " ".join(kept)
    return record._replace(values=values)


def _fails_check(
    checks: tuple[tuple[Validator, str], ...],
    attributes: Mapping[str, Any],
    record_country: str | None,
) -> bool:
    """Whether a part's raw value fails its standardiser's check (where it has one)."""
    for validator, attribute in checks:
        raw = attributes.get(attribute)
        if isinstance(raw, str) and validator(raw, record_country) is False:
            return True
    return False
