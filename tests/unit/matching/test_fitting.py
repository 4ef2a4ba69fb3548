"""Rule fitting recovers known m, u and match share, and counts levels as the matcher does."""

from __future__ import annotations

import random
from collections import Counter
from typing import Any

import pytest
import yaml

from mdm_hub.domain.entity_types import EntityType
from mdm_hub.domain.records import ReferenceLookup, SourceKey
from mdm_hub.matching.fit_file import fitted_rules_text
from mdm_hub.matching.fitting import (
    MISSING,
    Pattern,
    candidate_pairs,
    estimate_u,
    expectation_maximisation,
    fit_rules,
    patterns,
    random_pair_patterns,
)
from mdm_hub.matching.prepare import PreparedRecord, prepare
from mdm_hub.matching.rules import MatchRules
from tests.support.paths import SHIPPED

# Three comparisons with 3, 2 and 4 buckets (levels, then otherwise).
TRUE_M = ((0.8, 0.15, 0.05), (0.9, 0.1), (0.6, 0.2, 0.1, 0.1))
TRUE_U = ((0.01, 0.04, 0.95), (0.2, 0.8), (0.001, 0.01, 0.05, 0.939))
SHARE = 0.3


def _draw(rng: random.Random, shares: tuple[float, ...]) -> int:
    return rng.choices(range(len(shares)), weights=shares)[0]


def _generated_pairs(count: int, seed: int) -> Counter[Pattern]:
    rng = random.Random(seed)
    found: Counter[Pattern] = Counter()
    for _ in range(count):
        table = TRUE_M if rng.random() < SHARE else TRUE_U
        pattern = tuple(
            # One value in twenty missing: no evidence, and must not bias the fit.
            MISSING if rng.random() < 0.05 else _draw(rng, shares)
            for shares in table
        )
        found[pattern] += 1
    return found


def test_em_recovers_m_and_the_match_share_with_u_fixed() -> None:
    found = _generated_pairs(40_000, seed=7)
    start = ((0.5, 0.3, 0.2), (0.6, 0.4), (0.4, 0.3, 0.2, 0.1))

    result = expectation_maximisation(found, start, TRUE_U, start_share=0.05)

    assert result.converged
    assert result.matches_share == pytest.approx(SHARE, abs=0.015)
    for fitted, true in zip(result.m, TRUE_M, strict=True):
        assert fitted == pytest.approx(true, abs=0.02)


def test_em_stops_at_max_iterations_without_convergence() -> None:
    found = _generated_pairs(2_000, seed=3)
    result = expectation_maximisation(
        found, ((0.34, 0.33, 0.33), (0.5, 0.5), (0.25,) * 4), TRUE_U, 0.5, max_iterations=2
    )
    assert result.iterations == 2
    assert not result.converged


RULES: dict[str, Any] = {
    "entity_type": "EMPLOYEE",
    "prior": 0.001,
    "thresholds": {"auto_match": 0.9, "review": 0.5},
    "blocking": [{"name": "family", "parts": [{"attribute": "family_name"}]}],
    "comparisons": [
        {
            "attributes": ["region"],
            "comparator": "exact",
            "levels": [{"min": 1.0, "m": 0.9, "u": 0.3}],
            "otherwise": {"m": 0.1, "u": 0.7},
        },
        {
            "attributes": ["phone"],
            "standardiser": "phone",
            "comparator": "exact",
            "levels": [{"min": 1.0, "m": 0.9, "u": 0.0001}],
            "otherwise": {"m": 0.1, "u": 0.9999},
        },
    ],
}
REGION_SHARES = {"north": 0.5, "south": 0.3, "east": 0.15, "west": 0.05}


def _regional_records(count: int) -> list[dict[str, object]]:
    rng = random.Random(11)
    names = list(REGION_SHARES)
    records: list[dict[str, object]] = []
    for index in range(count):
        record: dict[str, object] = {"family_name": f"family{index}"}
        if index % 10:  # one record in ten has no region
            record["region"] = rng.choices(names, weights=list(REGION_SHARES.values()))[0]
        records.append(record)
    return records


def test_u_from_random_pairs_is_the_chance_that_two_records_agree() -> None:
    rules = MatchRules.parse(RULES, "test")
    records = _regional_records(2_000)
    held = Counter(str(r["region"]) for r in records if "region" in r)
    present = sum(held.values())
    agree = sum(n * (n - 1) for n in held.values()) / (present * (present - 1))
    prepared = [prepare(rules, r) for r in records]

    u = estimate_u(rules, random_pair_patterns(rules, prepared, 30_000, seed=5))

    assert u[0][0] == pytest.approx(agree, abs=0.01)
    assert u[0][1] == pytest.approx(1 - agree, abs=0.01)
    # Nobody has a phone: the data says nothing, so the rule's u stays.
    assert u[1] == (0.0001, 0.9999)


def test_random_pairs_are_seeded_and_never_pair_a_record_with_itself() -> None:
    rules = MatchRules.parse(RULES, "test")
    prepared = [prepare(rules, {"family_name": "a", "region": f"r{i}"}) for i in range(50)]
    first = random_pair_patterns(rules, prepared, 500, seed=1)
    assert first == random_pair_patterns(rules, prepared, 500, seed=1)
    # Every region is different, so only a record against itself could agree.
    assert all(pattern[0] == 1 for pattern in first)


def test_a_level_never_seen_still_gets_a_valid_small_u() -> None:
    rules = MatchRules.parse(RULES, "test")
    prepared = [prepare(rules, {"family_name": "a", "region": f"r{i}"}) for i in range(50)]
    u = estimate_u(rules, random_pair_patterns(rules, prepared, 1_000, seed=1))
    assert 0 < u[0][0] <= 0.5 / 1_000
    assert u[0][1] == pytest.approx(1.0, abs=0.001)


def test_candidate_pairs_share_a_key_but_not_one_held_by_too_many() -> None:
    def record(*keys: str) -> PreparedRecord:
        return PreparedRecord({}, {}, keys)

    records = [record("a", "common"), record("a", "common"), record("b", "common"), record("b")]
    assert candidate_pairs(records, per_key_limit=2) == {(0, 1), (2, 3)}
    assert candidate_pairs(records, per_key_limit=3) == {(0, 1), (0, 2), (1, 2), (2, 3)}


def test_candidate_pairs_by_reference_follow_the_targets_golden_records() -> None:
    """Two systems' projects of one customer (each naming its own copy of the customer) are a
    candidate pair once both copies are one golden record, as the matcher's reference key
    finds them; a customer not yet in the hub finds nothing."""

    def project(system: str, customer: str) -> PreparedRecord:
        target = SourceKey(system, EntityType.CUSTOMER, customer)
        return PreparedRecord({}, {}, (), referenced=(ReferenceLookup("customer", target),))

    records = [project("crm", "C1"), project("erp", "9001"), project("erp", "9002")]
    goldens = {
        SourceKey("crm", EntityType.CUSTOMER, "C1"): "cus_a",
        SourceKey("erp", EntityType.CUSTOMER, "9001"): "cus_a",
        SourceKey("erp", EntityType.CUSTOMER, "9002"): None,
    }
    assert candidate_pairs(records, per_key_limit=5, goldens=goldens) == {(0, 1)}
    assert candidate_pairs(records, per_key_limit=5) == set()
    assert candidate_pairs(records, per_key_limit=1, goldens=goldens) == set()


def test_fitted_rules_are_a_file_the_loader_accepts() -> None:
    rules = MatchRules.parse(RULES, "test")
    records = _regional_records(300)
    for index in range(0, 300, 3):  # every third record has a duplicate in its block
        records.append({**records[index], "family_name": f"family{index}"})

    fit = fit_rules(rules, records, sample=2_000, seed=1)
    text = fitted_rules_text(rules, fit, "proposed.yaml")
    proposed = MatchRules.parse(yaml.safe_load(text), "proposed.yaml")

    assert proposed.rules.comparisons[0].levels[0].u == pytest.approx(
        fit.comparisons[0][1][0].fitted_u, rel=1e-5
    )
    assert proposed.rules.prior == pytest.approx(fit.fitted_prior, rel=1e-5)
    assert proposed.rules.blocking == rules.rules.blocking
    assert proposed.rules.thresholds == rules.rules.thresholds


def test_levels_are_the_matchers_swapped_names_included() -> None:
    rules = MatchRules.load(SHIPPED / "matching" / "employee.yaml")
    labels = [c.label for c in rules.rules.comparisons]
    person = prepare(rules, {"given_name": "Jonathan", "family_name": "Smithers", "city": "Oslo"})
    swapped = prepare(rules, {"given_name": "Smithers", "family_name": "Jonathan"})

    (pattern,) = patterns(rules, person, [swapped])

    by_label = dict(zip(labels, pattern, strict=True))
    assert by_label["given_name"] == 0  # the highest level, as the matcher crosses them
    assert by_label["family_name"] == 0
    assert by_label["city"] == MISSING
