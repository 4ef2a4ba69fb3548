"""The order in which members are ranked when a strategy leaves a tie. Always total.

The tie-breakers a rule file names come first; system, then source ID, always come last.
Within one golden record (one entity type) no two members share both, so no two members ever
rank equal and the result never depends on the order in which members arrived.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime, timedelta

from mdm_hub.domain.records import StoredSource
from mdm_hub.survivorship.rules import TieBreaker

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND = timedelta(microseconds=1)

RankKey = tuple[int | str, ...]


def microseconds(moment: datetime) -> int:
    """Exact, unlike a float timestamp: two instants a microsecond apart never compare equal."""
    return (moment - _EPOCH) // _MICROSECOND


def member_rank(
    tie_breakers: Sequence[TieBreaker], trust_rank: Mapping[str, int]
) -> Callable[[StoredSource], RankKey]:
    """A sort key: sorting members by it puts the preferred member first. `trust_rank` gives
    each trusted system its group's position (systems of one kind share a position)."""
    # Systems the ranking does not name come after those it does.
    untrusted = max(trust_rank.values(), default=-1) + 1
    tie_breakers = tuple(tie_breakers)

    def key(member: StoredSource) -> RankKey:
        # A plain loop: this runs for every member of every golden record ingest touches.
        source = member.key
        parts: list[int | str] = []
        for tie_breaker in tie_breakers:
            if tie_breaker is TieBreaker.TRUST:
                parts.append(trust_rank.get(source.system, untrusted))
            elif tie_breaker is TieBreaker.MOST_RECENT:
                parts.append(-microseconds(member.observed_at))
            else:
                parts.append(microseconds(member.observed_at))
        parts.append(source.system)
        parts.append(source.source_id)
        return tuple(parts)

    return key
