"""The committed example landscape (six systems' native exports) loads through `mdm-hub load`'s
engine on every store, as the production wiring reads it (declared systems, shipped code sets):
no row refused by its mapping, no readable value refused by the hub, every labelled record in
the crosswalk, and every deleted row retired."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from mdm_hub.domain.audit import AuditContext
from mdm_hub.domain.entity_types import EntityType
from mdm_hub.domain.records import SourceKey
from mdm_hub.evaluation.landscape import Scale, generate_landscape
from mdm_hub.onboarding.loading.engine import FileLoad, LoadOptions, Outcome
from mdm_hub.onboarding.loading.hub import DirectHub
from mdm_hub.onboarding.mappings import load_mapping
from mdm_hub.onboarding.reference_files import shipped_code_sets
from mdm_hub.onboarding.systems_file import shipped_systems
from mdm_hub.ports import Store
from mdm_hub.wiring import Services
from tests.support.exports import reject_lines

EXAMPLE = Path(__file__).parents[2] / "examples" / "landscape"


async def test_every_export_loads_with_no_readable_value_refused(
    store: Store, tmp_path: Path
) -> None:
    landscape = generate_landscape(7, Scale.SMALL)  # what examples/landscape holds
    services = Services.over(store, codes=shipped_code_sets())
    hub = DirectHub(services.ingest, store, "example", AuditContext("test", "system"))
    totals: Counter[Outcome] = Counter()
    reasons: list[str] = []
    for export in landscape.files:
        mapping = load_mapping(export.mapping, shipped_systems(), None)
        rejects = tmp_path / f"{export.system}-{export.name}.rejects.csv"
        options = LoadOptions(rejects=rejects, checkpoint=tmp_path / "checkpoint.json")
        summary = await FileLoad(EXAMPLE / export.path, mapping, hub, options).run()
        totals.update(summary.counts)
        if rejects.exists():
            reasons += [reason for *_, reason in reject_lines(rejects)]

    # Subsidiaries at their holding's address are kept out of it by their parent reference
    # (graph evidence), so none is refused as closing a CHILD_OF loop.
    assert totals[Outcome.REFUSED_MAPPING] == 0
    assert reasons == []
    assert totals[Outcome.REFUSED_HUB] == 0
    keys = [SourceKey(r.system, EntityType(r.entity_type), r.source_id) for r in landscape.records]
    found = dict(zip(keys, await store.resolve_many(keys), strict=True))
    assert [k for k, r in found.items() if r is None] == []
    deleted = [k for k, r in zip(keys, landscape.records, strict=True) if r.deleted]
    assert totals[Outcome.RETIRED] == len(deleted)
    for key in deleted:
        resolution = found[key]
        assert resolution is not None
        assert key in resolution.retired
