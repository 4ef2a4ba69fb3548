"""Match rules as data: one YAML file per entity type in `matching/`, validated on load.

A rule file declares how records of one entity type are standardised, blocked, compared and
decided. It is compiled once (`MatchRules.load`) into the pure matcher. Errors name the file,
the rule and the field, and the service refuses to start on any of them.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Mapping
from enum import StrEnum
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Annotated, Any, Self

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from mdm_hub.domain.attributes import attribute_names
from mdm_hub.domain.entity_types import EntityType
from mdm_hub.domain.relationships import REFERENCE_RULES
from mdm_hub.domain.systems import SystemKind, SystemRegistry
from mdm_hub.errors import ConfigurationError
from mdm_hub.matching.identifiers import IDENTIFIER
from mdm_hub.matching.standardise import COUNTRY_AWARE, STANDARDISERS

Probability = Annotated[float, Field(gt=0, lt=1)]


class Comparator(StrEnum):
    JARO_WINKLER = "jaro_winkler"
    TOKEN_SET_RATIO = "token_set_ratio"
    TOKEN_SORT_RATIO = "token_sort_ratio"
    RATIO = "ratio"
    # rapidfuzz's WRatio: the best of plain, partial and token comparisons, so a name cut
    # short ("Stark Pharma"), reordered or mistyped still scores high, while two names sharing
    # only a first word ("Proseware Media", "Proseware Software") do not.
    WRATIO = "wratio"
    # 1 unless each name has a word the other lacks, with no like word (a typo of it, or it cut
    # short) on the other side: "Bellows Holdings" and "Bellows Financial Services" name two
    # companies, "Bellows" and "Bellows Holdings" or "Hooli edia" and "Hooli Media" may be one.
    COMPATIBLE_WORDS = "compatible_words"
    EXACT = "exact"
    # E-mail addresses: 1 equal, 0.75 one mailbox name at two domains (a person's second
    # domain), 0.5 two names at two domains, 0 two mailboxes at one domain: a firm gives a
    # person one mailbox per domain, so benjamin.martin2@ exists because benjamin.martin@ is
    # someone else's.
    MAILBOX = "mailbox"
    DATE = "date"
    NUMERIC = "numeric"
    # Graph evidence: the attribute is a reference, resolved through the crosswalk to the
    # golden record it points at; the same golden record agrees, another one disagrees, an
    # unresolved reference (its target not yet seen) is missing.
    REFERENCE = "reference"
    # Graph evidence from the other direction: the golden records of what refers to the record
    # (the employees in a cost centre, the projects of a customer). Two records most of whose
    # referrers are the same golden records are one thing; a record nothing refers to yet
    # gives no evidence. The attribute is the referring type's (`referrer_type`) reference.
    REFERRERS = "referrers"


class Transform(StrEnum):
    """How a standardised value becomes (part of) a blocking key."""

    VALUE = "value"
    FIRST_TOKEN = "first_token"
    PREFIX3 = "prefix3"
    SOUNDEX = "soundex"
    METAPHONE = "metaphone"
    YEAR = "year"
    SORTED_TOKENS = "sorted_tokens"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Level(_Strict):
    """Similarity at or above `min` falls in this level; m and u are the probabilities of
    that level among true matches and among non-matches."""

    min: float = Field(ge=0, le=1)
    m: Probability
    u: Probability

    @property
    def weight(self) -> float:
        """log2 Bayes factor: how much this level moves the odds that the pair is a match."""
        return math.log2(self.m / self.u)


class Otherwise(_Strict):
    m: Probability
    u: Probability

    @property
    def weight(self) -> float:
        return math.log2(self.m / self.u)


class Comparison(_Strict):
    name: str | None = None
    attributes: list[str] = Field(min_length=1)
    standardiser: str = "text"
    comparator: Comparator
    nicknames: bool = False
    # Two comparisons in one swap group are also tried crossed (given name against family
    # name and back): systems that swap the two fields still match, at the same weights.
    swap_group: str | None = None
    # Both present and below every level: never an automatic link, whatever else agrees
    # (a cost centre is never a GL account).
    required: bool = False
    # The same, but only for a link on the score: an equal strong identifier still links
    # (a company trading under another name keeps its tax ID).
    required_for_score: bool = False
    # Attributes whose values are taken out of this one before comparing: a name that repeats
    # the record's code ("210 Data and Analytics") or role compares by what it adds.
    without: list[str] = Field(default_factory=list)
    # Term-frequency adjustment (as Splink's): an exact agreement on a value common in the hub
    # ("James", "Smith") weighs less than the level says, from the hub's own value counts.
    term_frequency: bool = False
    # The `referrers` comparator: the entity type whose `attributes[0]` refers to this one.
    referrer_type: EntityType | None = None
    # A `reference` comparison: two records that name their targets in one system, where those
    # are two records of different golden records, never link on the score. Within a system
    # its IDs are its own (two PSA rate cards of two PSA projects are two rate cards); across
    # systems a different golden record stays ordinary evidence (the levels below).
    vetoes_within_system: bool = False
    levels: list[Level] = Field(min_length=1)
    otherwise: Otherwise

    @property
    def label(self) -> str:
        return self.name or "+".join(self.attributes)

    @model_validator(mode="after")
    def _levels_descend(self) -> Self:
        mins = [level.min for level in self.levels]
        if mins != sorted(mins, reverse=True) or len(set(mins)) != len(mins):
            raise ValueError("levels must be listed from the highest `min` down, each distinct")
        if self.nicknames and self.comparator is not Comparator.JARO_WINKLER:
            raise ValueError("nicknames applies to the jaro_winkler comparator only")
        if self.term_frequency and (
            self.levels[0].min != 1.0
            or self.comparator in (Comparator.REFERENCE, Comparator.REFERRERS)
        ):
            raise ValueError(
                "term_frequency needs a top level at min 1.0 (exact agreement) on a value"
            )
        if self.vetoes_within_system and self.comparator is not Comparator.REFERENCE:
            raise ValueError("vetoes_within_system applies to the reference comparator only")
        return self


class KeyPart(_Strict):
    attribute: str
    standardiser: str = "text"
    transform: Transform = Transform.VALUE


class BlockingRule(_Strict):
    name: str
    parts: list[KeyPart] = Field(default_factory=list)
    # Sort the parts' values before joining, so swapped fields give the same key.
    unordered: bool = False
    # Graph retrieval instead of parts: a reference attribute of the type. The record is
    # found with the other records whose same attribute points at the same golden record
    # (the projects of this customer), resolved through the crosswalk when candidates are
    # read, so it follows merges; at most `per_key_limit` of them, like any key.
    reference: str | None = None

    @model_validator(mode="after")
    def _parts_or_reference(self) -> Self:
        if self.reference is None and not self.parts:
            raise ValueError("a key needs parts (or, in blocking, a reference)")
        if self.reference is not None and (self.parts or self.unordered):
            raise ValueError("a reference key has no parts and is not unordered")
        return self


class IdentifierScope(StrEnum):
    """Where an identifier's values mean one thing."""

    GLOBAL = "global"  # everywhere: a tax ID, an e-mail
    SYSTEM = "system"  # within the system (or systems sharing one numbering) that issued it


class StrongIdentifier(BlockingRule):
    """Equal means the same thing; both present and different means never auto-match.
    A system-scoped identifier is strong only between records of one system, or of systems
    that share its numbering (`shared_by`: system codes or kinds); across others it is not
    strong (compare its normalised values as evidence with a comparison instead)."""

    scope: IdentifierScope = IdentifierScope.GLOBAL
    shared_by: list[str] = Field(default_factory=list)
    # False: equal still links, but different values veto nothing (a person has several
    # mailboxes: a firm's second domain, a personal one).
    differing_vetoes: bool = True

    @model_validator(mode="after")
    def _shared_needs_system_scope(self) -> Self:
        if self.reference is not None:
            raise ValueError("a strong identifier has parts, never a reference")
        if self.shared_by and self.scope is not IdentifierScope.SYSTEM:
            raise ValueError("shared_by applies to `scope: system` identifiers only")
        return self


class NeverAutoLink(_Strict):
    """Required evidence across comparisons: when every `agree` comparison is at its top level
    and every `disagree` one below all its levels, the pair never links on its score (an equal
    strong identifier still links). Two people sharing a common name whose birth dates
    disagree are two people, however much else agrees."""

    name: str
    agree: list[str] = Field(min_length=1)
    disagree: list[str] = Field(min_length=1)


class Thresholds(_Strict):
    auto_match: Probability
    review: Probability

    @model_validator(mode="after")
    def _review_below_auto(self) -> Self:
        if self.review >= self.auto_match:
            raise ValueError("review must be below auto_match")
        return self


class Candidates(_Strict):
    top_k: int = Field(default=30, ge=1, le=500)
    per_key_limit: int = Field(default=100, ge=1, le=10_000)


class CodeInName(_Strict):
    """Where a system sends no code but leads the name with it ("940 Marketing"): a record
    without `code` whose `name` starts with a word holding a digit, followed by more words,
    takes that word as its `code`, for comparisons and blocking keys alike (a comparison
    compared `without: [code]` then reads the name without it)."""

    code: str
    name: str


class RuleFile(_Strict):
    entity_type: EntityType
    prior: Probability
    thresholds: Thresholds
    candidates: Candidates = Candidates()
    strong_identifiers: list[StrongIdentifier] = Field(default_factory=list)
    # Prefixes the `identifier` standardiser drops before digits (E004711 -> 4711).
    identifier_prefixes: list[str] = Field(default_factory=list)
    code_in_name: CodeInName | None = None
    blocking: list[BlockingRule] = Field(min_length=1)
    comparisons: list[Comparison] = Field(min_length=1)
    never_auto_link: list[NeverAutoLink] = Field(default_factory=list)
    # How many records must hold a value of a term-frequency comparison before the hub's
    # counts are trusted: fewer say nothing about which values are common.
    term_frequency_after: int = Field(default=1000, ge=0)


def _known_standardiser(name: str) -> bool:
    return name in STANDARDISERS or name in COUNTRY_AWARE or name == IDENTIFIER


class MatchRules:
    """The validated rule file of one entity type."""

    def __init__(
        self,
        rules: RuleFile,
        source: str,
        digest: str,
        groups: Mapping[str, Mapping[str, str]] | None = None,
    ) -> None:
        self.rules = rules
        self.source = source
        self.digest = digest
        # Per system-scoped identifier: system code -> the sharing group it belongs to.
        self.groups: Mapping[str, Mapping[str, str]] = groups or {}
        self.system_scoped = frozenset(
            rule.name for rule in rules.strong_identifiers if rule.scope is IdentifierScope.SYSTEM
        )
        # Identifiers whose differing values are no conflict (`differing_vetoes: false`).
        self.never_conflicting = frozenset(
            rule.name for rule in rules.strong_identifiers if not rule.differing_vetoes
        )
        self.vetoes_within_system = tuple(
            c.label for c in rules.comparisons if c.vetoes_within_system
        )

    def scope_of(self, identifier: str, system: str) -> str:
        """Where a system-scoped identifier's value from `system` is strong: its sharing
        group's name (`HRIS+PAYROLL`) or the system itself."""
        return self.groups.get(identifier, {}).get(system, system)

    @property
    def entity_type(self) -> EntityType:
        return self.rules.entity_type

    @classmethod
    def parse(
        cls,
        document: Any,
        source: str,
        digest: str = "",
        systems: SystemRegistry | None = None,
    ) -> MatchRules:
        """`systems` resolves `shared_by` (None: no sharing group may be declared)."""
        try:
            rules = RuleFile.model_validate(document)
        except ValidationError as exc:
            raise ConfigurationError(_describe(source, exc)) from None
        problems = list(_semantic_problems(rules))
        groups, group_problems = _sharing_groups(rules, systems)
        problems += group_problems
        if problems:
            raise ConfigurationError(f"{source}: " + "; ".join(problems))
        return cls(rules, source, digest, groups)

    @classmethod
    def load(cls, path: Path | Traversable, systems: SystemRegistry | None = None) -> MatchRules:
        try:
            raw = path.read_bytes()
            document = yaml.safe_load(raw)
        except (OSError, yaml.YAMLError) as exc:
            raise ConfigurationError(f"{path}: cannot read match rules: {exc}") from None
        return cls.parse(document, str(path), hashlib.sha256(raw).hexdigest()[:16], systems)


def load_match_rules(
    directory: Path | Traversable, systems: SystemRegistry | None = None
) -> dict[EntityType, MatchRules]:
    """One rule file per entity type, `<entity_type>.yaml`; every type must have one.
    `systems` are the declared systems that `shared_by` may name."""
    loaded: dict[EntityType, MatchRules] = {}
    for entity_type in EntityType:
        path = directory / f"{entity_type.value.lower()}.yaml"
        if not path.is_file():
            raise ConfigurationError(f"{path}: missing match rule file for {entity_type}")
        rules = MatchRules.load(path, systems)
        if rules.entity_type is not entity_type:
            raise ConfigurationError(
                f"{path}: entity_type is {rules.entity_type}, expected {entity_type}"
            )
        loaded[entity_type] = rules
    return loaded


def _describe(source: str, exc: ValidationError) -> str:
    parts = []
    for error in exc.errors(include_url=False):
        where = _rule_path(error["loc"])
        parts.append(f"{where}: {error['msg'].removeprefix('Value error, ')}")
    return f"{source}: invalid match rules: " + "; ".join(parts)


def _rule_path(location: tuple[int | str, ...]) -> str:
    # ("comparisons", 2, "levels", 0, "m") -> "comparisons[2].levels[0].m"
    text = ""
    for part in location:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or "(file)"


def _sharing_groups(
    rules: RuleFile, systems: SystemRegistry | None
) -> tuple[dict[str, dict[str, str]], list[str]]:
    """Per system-scoped identifier with `shared_by`: each named system's group name."""
    groups: dict[str, dict[str, str]] = {}
    problems: list[str] = []
    for index, rule in enumerate(rules.strong_identifiers):
        if not rule.shared_by:
            continue
        label = "+".join(rule.shared_by)
        members: dict[str, str] = {}
        for entry_index, entry in enumerate(rule.shared_by):
            codes = systems.expand(entry) if systems is not None else None
            if codes is None and entry in SystemKind.__members__:
                codes = ()  # a kind no declared system has yet: nothing to share
            if codes is None:
                declared = f" in {systems.origin}" if systems is not None else ""
                problems.append(
                    f"strong_identifiers[{index}] ({rule.name}).shared_by[{entry_index}]: "
                    f"{entry!r} is neither a declared system{declared} nor a kind of system"
                )
                continue
            members.update(dict.fromkeys(codes, label))
        groups[rule.name] = members
    return groups, problems


def reference_attributes(entity_type: EntityType) -> frozenset[str]:
    """The attributes of `entity_type` that refer to another record."""
    return frozenset(rule.attribute for rule in REFERENCE_RULES[entity_type])


def _reference_problems(entity_type: EntityType, comparison: Comparison, where: str) -> list[str]:
    problems = []
    references = reference_attributes(entity_type)
    if len(comparison.attributes) != 1 or comparison.attributes[0] not in references:
        problems.append(
            f"{where}.attributes: the reference comparator compares one reference attribute "
            f"of {entity_type} ({', '.join(sorted(references)) or 'it has none'})"
        )
    if [level.min for level in comparison.levels] != [1.0]:
        problems.append(f"{where}.levels: a reference agrees or not: one level, min 1.0")
    if comparison.swap_group or comparison.nicknames:
        problems.append(f"{where}: swap_group and nicknames do not apply to references")
    return problems


def _referrers_problems(entity_type: EntityType, comparison: Comparison, where: str) -> list[str]:
    referrer = comparison.referrer_type
    if referrer is None:
        return [f"{where}.referrer_type: the referrers comparator needs the referring type"]
    pointing = sorted(
        rule.attribute for rule in REFERENCE_RULES[referrer] if rule.target_type is entity_type
    )
    problems = []
    if len(comparison.attributes) != 1 or comparison.attributes[0] not in pointing:
        problems.append(
            f"{where}.attributes: one reference attribute of {referrer} that points at "
            f"{entity_type} ({', '.join(pointing) or 'it has none'})"
        )
    if comparison.swap_group or comparison.nicknames or comparison.without:
        problems.append(f"{where}: swap_group, nicknames and without do not apply to referrers")
    return problems


def _comparison_problems(
    entity_type: EntityType, known: set[str], comparison: Comparison, where: str
) -> list[str]:
    if comparison.comparator is Comparator.REFERRERS:
        return _referrers_problems(entity_type, comparison, where)
    problems = []
    if comparison.referrer_type is not None:
        problems.append(f"{where}.referrer_type: applies to the referrers comparator only")
    problems += [
        f"{where}.attributes: unknown attribute {a!r}"
        for a in comparison.attributes
        if a not in known
    ]
    problems += [
        f"{where}.without: unknown attribute {a!r}" for a in comparison.without if a not in known
    ]
    if comparison.comparator is Comparator.REFERENCE:
        return problems + _reference_problems(entity_type, comparison, where)
    if not _known_standardiser(comparison.standardiser):
        problems.append(f"{where}.standardiser: unknown standardiser {comparison.standardiser!r}")
    return problems


def _semantic_problems(rules: RuleFile) -> list[str]:
    known = set(attribute_names(rules.entity_type))
    problems = []
    for index, comparison in enumerate(rules.comparisons):
        where = f"comparisons[{index}] ({comparison.label})"
        problems += _comparison_problems(rules.entity_type, known, comparison, where)
    labels = {c.label for c in rules.comparisons}
    for index, guard in enumerate(rules.never_auto_link):
        problems += [
            f"never_auto_link[{index}] ({guard.name}): no comparison labelled {label!r}"
            for label in (*guard.agree, *guard.disagree)
            if label not in labels
        ]
    for section, key_rules in (
        ("blocking", rules.blocking),
        ("strong_identifiers", rules.strong_identifiers),
    ):
        for index, rule in enumerate(key_rules):
            if rule.reference is not None and rule.reference not in reference_attributes(
                rules.entity_type
            ):
                problems.append(
                    f"{section}[{index}] ({rule.name}).reference: {rule.reference!r} is not a "
                    f"reference attribute of {rules.entity_type} "
                    f"({', '.join(sorted(reference_attributes(rules.entity_type))) or 'none'})"
                )
            for part_index, part in enumerate(rule.parts):
                where = f"{section}[{index}] ({rule.name}).parts[{part_index}]"
                if part.attribute not in known:
                    problems.append(f"{where}.attribute: unknown attribute {part.attribute!r}")
                if not _known_standardiser(part.standardiser):
                    problems.append(
                        f"{where}.standardiser: unknown standardiser {part.standardiser!r}"
                    )
    if rules.code_in_name is not None:
        problems += [
            f"code_in_name.{field}: unknown attribute {attribute!r}"
            for field, attribute in rules.code_in_name.model_dump().items()
            if attribute not in known
        ]
    problems += [
        f"identifier_prefixes[{i}]: {p!r} must be letters and digits only"
        for i, p in enumerate(rules.identifier_prefixes)
        if not p.isalnum()
    ]
    groups: dict[str, int] = {}
    for comparison in rules.comparisons:
        if comparison.swap_group:
            groups[comparison.swap_group] = groups.get(comparison.swap_group, 0) + 1
    problems += [
        f"comparisons: swap_group {g!r} needs exactly 2 comparisons, has {n}"
        for g, n in groups.items()
        if n != 2
    ]
    names = [rule.name for rule in (*rules.blocking, *rules.strong_identifiers)]
    problems += [
        f"blocking/strong_identifiers: name {n!r} used twice"
        for n in sorted({n for n in names if names.count(n) > 1})
    ]
    return problems
