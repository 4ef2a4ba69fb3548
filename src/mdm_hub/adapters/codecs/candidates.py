"""Match candidates (the review queue) to and from the store's fields, and match explanations
as stored text."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

import orjson

from mdm_hub.adapters.codecs.sources import source_key_from_fields
from mdm_hub.adapters.codecs.values import (
    as_datetime,
    optional_field,
)
from mdm_hub.domain.records import (
    CandidateDecision,
    CandidateStatus,
    MatchCandidate,
    ScoredGolden,
)


def explanation_to_json(explanation: Mapping[str, Any] | None) -> str | None:
    """A match explanation as stored text. Never hashed, so not canonical: orjson writes
    it several times faster than the json module (every ingested record stores one)."""
    return None if explanation is None else orjson.dumps(explanation).decode("utf-8")


def scored_goldens_to_json(candidates: Sequence[ScoredGolden]) -> str:
    return orjson.dumps(
        [
            {"goldenId": c.golden_id, "score": c.score, "explanation": c.explanation}
            for c in candidates
        ]
    ).decode("utf-8")


def match_candidate_from_fields(fields: Mapping[str, Any]) -> MatchCandidate:
    return MatchCandidate(
        id=fields["id"],
        source=source_key_from_fields(fields),
        golden_id=fields["goldenId"],
        status=CandidateStatus(fields["status"]),
        created_at=as_datetime(fields["createdAt"]),
        candidates=tuple(
            ScoredGolden(c["goldenId"], c["score"], c["explanation"])
            for c in json.loads(fields["candidates"])
        ),
        decision=candidate_decision_from_fields(fields),
    )


def candidate_decision_from_fields(fields: Mapping[str, Any]) -> CandidateDecision | None:
    actor = optional_field(fields, "decidedBy")
    if actor is None:
        return None
    return CandidateDecision(actor, fields["decisionReason"], as_datetime(fields["decidedAt"]))
