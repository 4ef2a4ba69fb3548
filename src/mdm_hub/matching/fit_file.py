"""The proposed rule file of a fit: the current rules with the fitted m, u and prior."""

from __future__ import annotations

from typing import Any

import yaml

from mdm_hub.matching.fitting import FLOOR, RulesFit
from mdm_hub.matching.rules import MatchRules


def _probability(value: float) -> float:
    # Six significant digits read well and keep every value strictly between 0 and 1.
    return min(max(float(f"{value:.6g}"), FLOOR), 1 - FLOOR)


def fitted_document(rules: MatchRules, fit: RulesFit) -> dict[str, Any]:
    """The rule file as data, with every comparison's m and u and the prior replaced by the
    fitted ones; everything else (thresholds, blocking, levels' minimums) as it is."""
    document: dict[str, Any] = rules.rules.model_dump(mode="json", exclude_defaults=True)
    document["entity_type"] = rules.entity_type.value  # the model's default-free dump omits none
    document["prior"] = _probability(fit.fitted_prior)
    for comparison, (_, fitted) in zip(document["comparisons"], fit.comparisons, strict=True):
        *levels, otherwise = fitted
        for level, bucket in zip(comparison["levels"], levels, strict=True):
            level["m"], level["u"] = _probability(bucket.fitted_m), _probability(bucket.fitted_u)
        comparison["otherwise"] = {
            "m": _probability(otherwise.fitted_m),
            "u": _probability(otherwise.fitted_u),
        }
    return document


def fitted_rules_text(rules: MatchRules, fit: RulesFit, origin: str) -> str:
    """The proposed file's text, checked by the rule loader before it is returned."""
    document = fitted_document(rules, fit)
    MatchRules.parse(document, origin)  # a proposal the hub would refuse is a bug here
    header = (
        f"# Proposed by `mdm-hub rules fit` from {rules.source} on {fit.records} records\n"
        f"# ({fit.random_pairs} random pairs for u; EM over {fit.candidate_pairs} candidate pairs"
        f" for m, {fit.em.iterations} iterations{'' if fit.em.converged else ', not converged'}).\n"
        "# Review it, then copy it over the live file to use it.\n"
    )
    return header + yaml.safe_dump(document, sort_keys=False, allow_unicode=True, width=100)
