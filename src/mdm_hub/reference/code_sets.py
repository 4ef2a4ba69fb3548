"""Loaded code sets: which attribute each governs, and the lookup from a system's spelling to a
canonical code (the CodeMapper the door and survivorship use).

Lookup order for a value sent by a system: that system's own mapping, then its kind's, then
`any`; a value that already is a canonical code (in any case) maps to it. Spellings match
case-insensitively with surrounding spaces ignored.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace

from mdm_hub.domain.entity_types import EntityType
from mdm_hub.domain.records import StoredSource, canonical_json
from mdm_hub.domain.systems import SystemKind, SystemRegistry
from mdm_hub.reference.model import ANY, CodeSetFile, UnmappedPolicy, fold
from mdm_hub.standardise.codes import CodeLookup

# Part of every hash: bump it when the meaning of a file's fields changes.
FORMAT_VERSION = 1
# How many of a system's mapped spellings a refusal lists before it stops.
LISTED_SPELLINGS = 40


@dataclass(frozen=True)
class CodeSet:
    """One validated code set."""

    file: CodeSetFile
    # The file's mappings with folded spellings, by key (a system, a kind or `any`).
    mappings: Mapping[str, Mapping[str, str]]

    @classmethod
    def of(cls, file: CodeSetFile) -> CodeSet:
        """Compile a file that passed `code_set_problems`."""
        folded = {
            key: {fold(source): target for source, target in mapping.items()}
            for key, mapping in file.mappings.items()
        }
        return cls(file, folded)

    @property
    def name(self) -> str:
        return self.file.code_set

    @property
    def version(self) -> int:
        return self.file.version

    @property
    def codes(self) -> tuple[str, ...]:
        return self.file.codes

    @property
    def unmapped(self) -> UnmappedPolicy:
        return self.file.unmapped


@dataclass(frozen=True)
class CodeSets:
    """Every code set in force, over the declared systems."""

    by_name: Mapping[str, CodeSet]
    systems: SystemRegistry
    _by_attribute: dict[tuple[EntityType, str], CodeSet] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )
    # A system's whole table per code set (own, kind, any, the codes themselves), built once.
    _tables: dict[tuple[str, str], Mapping[str, str]] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )
    _by_type: dict[EntityType, dict[str, CodeSet]] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )
    _hashes: dict[EntityType, str | None] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )

    def __post_init__(self) -> None:
        for code_set in self.by_name.values():
            for target in code_set.file.applies_to:
                self._by_attribute[(target.entity_type, target.attribute)] = code_set
                self._by_type.setdefault(target.entity_type, {})[target.attribute] = code_set

    # The CodeMapper protocol.

    def code_set(self, entity_type: EntityType, attribute: str) -> str | None:
        """The code set governing an attribute, if any."""
        found = self._by_attribute.get((entity_type, attribute))
        return found.name if found is not None else None

    def lookup(self, code_set: str, system: str, value: str) -> CodeLookup:
        """The canonical code for `value` as `system` sent it. KeyError: no such code set."""
        found = self.by_name[code_set]
        mapped = self._table(found, system).get(fold(value))
        if mapped is not None:
            return CodeLookup(mapped, None)
        if found.unmapped is UnmappedPolicy.QUEUE:
            return CodeLookup(value.strip(), None, unmapped=True)
        return CodeLookup(None, self._refusal(found, system, value))

    # Versions and hashes: what tells callers the mappings changed.

    @property
    def versions(self) -> dict[str, int]:
        return {name: code_set.version for name, code_set in sorted(self.by_name.items())}

    @property
    def hash(self) -> str:
        """The hash of every code set in force."""
        return _hash_of(self.by_name.values())

    def hash_for(self, entity_type: EntityType) -> str | None:
        """The hash of the code sets governing this entity type's attributes (None: none do).
        Golden records carry it, so a mapping change marks them stale."""
        if entity_type not in self._hashes:
            governing = {cs.name: cs for cs in self.coded_attributes(entity_type).values()}
            self._hashes[entity_type] = _hash_of(governing.values()) if governing else None
        return self._hashes[entity_type]

    def coded_attributes(self, entity_type: EntityType) -> Mapping[str, CodeSet]:
        """The attributes of an entity type that code sets govern, with their code sets."""
        return self._by_type.get(entity_type, {})

    def canonical_members(
        self, entity_type: EntityType, members: Sequence[StoredSource]
    ) -> Sequence[StoredSource]:
        """The members with each coded value as the current mappings read it, for
        survivorship: a value stored as sent (queued, unmapped then) counts as the code a
        mapping added since gives it. A value already canonical, or still unmapped, is kept;
        so are the members themselves when nothing changes."""
        coded = self.coded_attributes(entity_type)
        if not coded:
            return members
        mapped: list[StoredSource] | None = None
        for index, member in enumerate(members):
            changed: dict[str, object] | None = None
            for attribute, code_set in coded.items():
                value = member.attributes.get(attribute)
                if not isinstance(value, str) or value in code_set.codes:
                    continue
                canonical = self.lookup(code_set.name, member.key.system, value).value
                if canonical is not None and canonical != value:
                    changed = changed if changed is not None else dict(member.attributes)
                    changed[attribute] = canonical
            if changed is not None:
                mapped = mapped if mapped is not None else list(members)
                mapped[index] = replace(member, attributes=changed, attributes_json=None)
        return members if mapped is None else mapped

    def _table(self, code_set: CodeSet, system: str) -> Mapping[str, str]:
        table = self._tables.get((code_set.name, system))
        if table is None:
            table = {fold(code): code for code in code_set.codes}
            for key in reversed(self._keys_for(system)):  # the most specific wins
                table.update(code_set.mappings.get(key, {}))
            self._tables[(code_set.name, system)] = table
        return table

    def _keys_for(self, system: str) -> tuple[str, ...]:
        """The mappings that apply to a system, most specific first. A key that names a kind
        (the generic CRM, ERP, ... systems' codes too) is read as the kind."""
        declared = self.systems.get(system)
        own = () if system in SystemKind.__members__ else (system,)
        kind = (str(declared.kind),) if declared is not None else ()
        return (*own, *kind, ANY)

    def _refusal(self, code_set: CodeSet, system: str, value: str) -> str:
        spellings = sorted(
            {
                source
                for key in self._keys_for(system)
                for source in code_set.file.mappings.get(key, {})
            }
        )
        text = f"{value.strip()!r:.80} is not a {code_set.name} code; codes: "
        text += ", ".join(code_set.codes)
        if spellings:
            listed = ", ".join(spellings[:LISTED_SPELLINGS])
            more = (
                f" and {len(spellings) - LISTED_SPELLINGS} more"
                if len(spellings) > LISTED_SPELLINGS
                else ""
            )
            text += f"; spellings mapped for {system}: {listed}{more}"
        return text


def _hash_of(code_sets: Iterable[CodeSet]) -> str:
    files = {cs.name: cs.file.model_dump(mode="json") for cs in code_sets}
    payload = {"format": FORMAT_VERSION, "code_sets": files}
    return hashlib.sha256(canonical_json(payload).encode("utf-8")).hexdigest()
