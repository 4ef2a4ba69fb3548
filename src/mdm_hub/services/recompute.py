"""Roll out a rule or mapping change: recompute every golden record of an entity type under the
current rules and code sets. Paged by ID (never every record in memory), one transaction per
golden record, so a long run holds no lock for long and can be stopped and run again at any
point. Then the codes the current mappings map are taken off the unmapped-codes queue."""

from __future__ import annotations

from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass

from mdm_hub.domain.audit import SYSTEM, Action, AuditContext, AuditEntry
from mdm_hub.domain.entity_types import EntityType
from mdm_hub.domain.records import utc_now
from mdm_hub.domain.reference import UnmappedCode
from mdm_hub.ports import Clock, Store, StoreTransaction
from mdm_hub.reference.code_sets import CodeSets
from mdm_hub.services.changes import record_change
from mdm_hub.services.survivorship import GoldenRecomputer, Refresh
from mdm_hub.survivorship.rules import RuleSet

PAGE_SIZE = 200


@dataclass(frozen=True)
class RecomputeReport:
    entity_type: EntityType
    rule_set_hash: str
    outcomes: Counter[Refresh]
    # Unmapped codes taken off the queue: the current mappings map them.
    dropped_codes: int = 0

    @property
    def recomputed(self) -> int:
        return self.outcomes.total()

    @property
    def changed(self) -> int:
        """Golden records with a value or its provenance changed."""
        return self.outcomes[Refresh.CHANGED]

    @property
    def restamped(self) -> int:
        """Golden records whose values stood, now marked with the current rule set's hash."""
        return self.outcomes[Refresh.RESTAMPED]


class RecomputeService:
    def __init__(
        self,
        store: Store,
        rules: RuleSet,
        clock: Clock = utc_now,
        page_size: int = PAGE_SIZE,
        audit: AuditContext = SYSTEM,
        codes: CodeSets | None = None,
    ) -> None:
        self._audit = audit
        self._store = store
        self._golden = GoldenRecomputer(rules, codes)
        self._codes = codes
        self._clock = clock
        self._page_size = page_size

    def rule_set_hash(self, entity_type: EntityType) -> str:
        """The hash golden records computed now carry (rules and code sets)."""
        return self._golden.hash_for(entity_type)

    async def count(self, entity_type: EntityType) -> int:
        return await self._store.count_goldens(entity_type)

    async def count_stale(self, entity_type: EntityType) -> int:
        """Golden records not computed by the current rules: what a recompute would refresh."""
        return await self._store.count_goldens(entity_type, self.rule_set_hash(entity_type))

    async def recompute(
        self, entity_type: EntityType, on_each: Callable[[Refresh], None] | None = None
    ) -> RecomputeReport:
        """Recompute every golden record of `entity_type`; `on_each(outcome)` after each.
        Then drop the entity type's queued codes that the current mappings map."""
        outcomes: Counter[Refresh] = Counter()
        after = ""
        while page := await self._store.golden_ids(entity_type, after, self._page_size):
            for golden_id in page:
                outcome = await self._store.write(self._refresh(golden_id))
                outcomes[outcome] += 1
                if on_each is not None:
                    on_each(outcome)
            after = page[-1]
        dropped = 0
        async for mapped in self.mapped_codes(entity_type):
            dropped += await self._store.write(_dropping(mapped))
        return RecomputeReport(entity_type, self.rule_set_hash(entity_type), outcomes, dropped)

    async def count_mapped_codes(self, entity_type: EntityType) -> int:
        """Queued codes of `entity_type` the current mappings map: what a recompute drops."""
        return sum([len(mapped) async for mapped in self.mapped_codes(entity_type)])

    async def mapped_codes(self, entity_type: EntityType) -> AsyncIterator[list[UnmappedCode]]:
        """Page by page, the queued codes of `entity_type` that the current mappings map. A
        code whose attribute no code set governs any more stays queued."""
        if self._codes is None:
            return
        after = None
        while True:
            page = await self._store.unmapped_codes(self._page_size, after)
            mapped = [
                queued.code
                for _, queued in page.items
                if queued.code.entity_type is entity_type and _maps(self._codes, queued.code)
            ]
            if mapped:
                yield mapped
            if not page.has_next:
                return
            after = page.items[-1][0]

    def _refresh(self, golden_id: str) -> Callable[[StoreTransaction], Awaitable[Refresh]]:
        async def work(tx: StoreTransaction) -> Refresh:
            now = self._clock()
            outcome = await self._golden.recompute(
                tx, golden_id, now, only_if_changed=True, context=self._audit
            )
            if outcome is not Refresh.CURRENT:
                view = await tx.golden_for_update(golden_id)
                entry = AuditEntry(
                    now,
                    self._audit,
                    Action.RECOMPUTE,
                    (golden_id,),
                    None,
                    {
                        "outcome": str(outcome),
                        "ruleSetHash": view.golden.rule_set_hash if view else None,
                        "version": view.golden.version if view else None,
                    },
                )
                await record_change(tx, [entry])
            return outcome

        return work


def _dropping(codes: list[UnmappedCode]) -> Callable[[StoreTransaction], Awaitable[int]]:
    async def work(tx: StoreTransaction) -> int:
        return await tx.drop_unmapped_codes(codes)

    return work


def _maps(codes: CodeSets, code: UnmappedCode) -> bool:
    code_set = codes.code_set(code.entity_type, code.attribute)
    if code_set is None:
        return False
    found = codes.lookup(code_set, code.system, code.value)
    return found.value is not None and not found.unmapped
