"""Pairwise precision, recall and F1 of links against the true pairs: how every quality figure
of the hub (evaluate, the landscape report, rules fit) is counted."""

from __future__ import annotations


class PairwiseScores:
    """Mixed into a dataclass holding the three counts."""

    true_pairs: int
    predicted_pairs: int
    correct_pairs: int

    @property
    def precision(self) -> float:
        return self.correct_pairs / self.predicted_pairs if self.predicted_pairs else 1.0

    @property
    def recall(self) -> float:
        return self.correct_pairs / self.true_pairs if self.true_pairs else 1.0

    @property
    def f1(self) -> float:
        total = self.precision + self.recall
        return 2 * self.precision * self.recall / total if total else 0.0
