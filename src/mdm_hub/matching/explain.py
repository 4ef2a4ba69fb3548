"""Match explanations as plain JSON-ready dicts: what is kept with every link and candidate."""

from __future__ import annotations

from typing import Any

from mdm_hub.matching.decide import MatchExplanation


def explanation_to_dict(explanation: MatchExplanation) -> dict[str, Any]:
    return {
        "rule": explanation.rule,
        "score": round(explanation.score, 6),
        "weight": round(explanation.weight, 4),
        "member": {
            "system": explanation.member.system,
            "entityType": str(explanation.member.entity_type),
            "sourceId": explanation.member.source_id,
        },
        "strongIdentifier": explanation.strong_identifier,
        "conflicts": list(explanation.conflicts),
        "unverifiedIdentifiers": list(explanation.unverified),
        "identifiers": [
            {
                "name": use.name,
                "scope": use.scope,
                "incomingScope": use.incoming_scope,
                "candidateScope": use.candidate_scope,
                "actedAs": use.role.value,
            }
            for use in explanation.identifiers
        ],
        "comparisons": [
            {
                "attribute": c.name,
                "incoming": c.incoming,
                "candidate": c.candidate,
                "similarity": None if c.similarity is None else round(c.similarity, 4),
                "level": c.level,
                "weight": round(c.weight, 4),
            }
            for c in explanation.comparisons
        ],
    }
