"""The landscape's local codes are what the shipped reference data maps: every system's own word
for a status, billing method, rate unit or dimension kind becomes the canonical code its labelled
record carries, without landing in the unmapped-codes queue."""

from __future__ import annotations

import pytest

from mdm_hub.domain.entity_types import EntityType
from mdm_hub.evaluation.landscape.codes import local_code_rows
from mdm_hub.onboarding.reference_files import shipped_code_sets


@pytest.mark.parametrize(
    ("system", "entity_type", "attribute", "word", "canonical"), local_code_rows()
)
def test_each_local_code_maps_to_its_canonical_code(
    system: str, entity_type: str, attribute: str, word: str, canonical: str
) -> None:
    codes = shipped_code_sets()
    code_set = codes.code_set(EntityType(entity_type), attribute)
    assert code_set is not None, (entity_type, attribute)
    found = codes.lookup(code_set, system, word)
    assert (found.value, found.unmapped, found.problem) == (canonical, False, None)
