"""The shipped export mappings against the generated landscape, through the loader's own
engine and the hub's door: every export has a mapping; each mapping is valid for a declared
system; its columns are in the export's header; and every row, read from the file as written,
mapped and admitted (values standardised, codes mapped through the shipped reference data),
is exactly the labelled record: no readable value refused, nothing retired that is live."""

from __future__ import annotations

from pathlib import Path

import pytest

from mdm_hub.domain.admission import admit
from mdm_hub.evaluation.landscape import Scale, generate_landscape, write_landscape
from mdm_hub.onboarding.loading.readers import open_export
from mdm_hub.onboarding.loading.rows import Refused, Retire, Skipped, Upsert, map_row
from mdm_hub.onboarding.mappings import load_mapping, mapping_names, mappings_root
from mdm_hub.onboarding.reference_files import shipped_code_sets
from mdm_hub.onboarding.systems_file import shipped_systems

LANDSCAPE = generate_landscape(7, Scale.MEDIUM)
EXPORTS = {export.mapping: export for export in LANDSCAPE.files}
SHIPPED = mapping_names(mappings_root(None))


@pytest.fixture(scope="module")
def written(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("landscape")
    write_landscape(LANDSCAPE, folder)
    return folder


def test_every_export_has_a_shipped_mapping_and_every_mapping_an_export() -> None:
    assert set(SHIPPED) == set(EXPORTS)


@pytest.mark.parametrize("name", sorted(EXPORTS))
def test_each_row_becomes_its_labelled_record(name: str, written: Path) -> None:
    export = EXPORTS[name]
    mapping = load_mapping(name, shipped_systems(), None)  # validates it, naming any problem
    assert (mapping.system, mapping.entity_type) == (export.system, export.entity_type)
    expected = {r.source_id: r for r in LANDSCAPE.records if r.file == export.path}
    seen: set[str] = set()
    reader = open_export(written / export.path, mapping)  # checks the header has its columns
    try:
        for row in reader.rows():
            mapped = map_row(mapping, row)
            assert not isinstance(mapped, Refused), (name, mapped)
            if isinstance(mapped, Skipped):
                continue
            if isinstance(mapped, Retire):
                record = expected[mapped.key.source_id]
                assert record.deleted, (name, mapped.key)
                seen.add(mapped.key.source_id)
                continue
            assert isinstance(mapped, Upsert)
            raw = mapped.record
            admitted = admit(
                raw.system,
                raw.entity_type,
                raw.source_id,
                raw.attributes,
                raw.observed_at,
                shipped_systems(),
                shipped_code_sets(),
            )
            record = expected[admitted.key.source_id]
            assert not record.deleted, (name, record.source_id)
            assert admitted.attributes == record.attributes, (name, record.source_id)
            assert not admitted.unmapped, (name, admitted.unmapped)
            seen.add(admitted.key.source_id)
    finally:
        reader.close()
    assert seen == set(expected)
