"""`mdm-hub rules fit`: fit a match rule file's m, u and prior to the hub's own records and
write the result beside the live rules as a proposal; with labels, compare both rule sets."""

from __future__ import annotations

import asyncio
import csv
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from mdm_hub.cli.exit_codes import EXIT_BAD_INPUT
from mdm_hub.config import Settings
from mdm_hub.domain.attributes import JsonAttributes
from mdm_hub.domain.entity_types import EntityType
from mdm_hub.domain.records import SourceKey
from mdm_hub.errors import MdmError
from mdm_hub.matching.fit_file import fitted_rules_text
from mdm_hub.matching.fit_quality import Quality, quality
from mdm_hub.matching.fitting import MAX_ITERATIONS, RulesFit, fit_rules
from mdm_hub.matching.prepare import prepare
from mdm_hub.matching.references import named_keys, reference_slots
from mdm_hub.matching.rules import MatchRules
from mdm_hub.ports import Store
from mdm_hub.wiring import build_store, matching_directory

PAGE = 500
LABEL_COLUMNS = ("system", "entity_type", "source_id", "entity_key")

_out = Console(highlight=False, width=120)
_err = Console(stderr=True, highlight=False, soft_wrap=True)


class _Refused(Exception):
    """Input the command cannot use; the message says which and why."""


def fit_command(
    entity_type: Annotated[
        EntityType,
        typer.Option("--entity-type", case_sensitive=False, help="The rule file to fit."),
    ],
    sample: Annotated[
        int, typer.Option(min=1, help="Random pairs of records u is counted over.")
    ] = 100_000,
    seed: Annotated[int, typer.Option(help="Seed of the random pairs.")] = 1,
    labels: Annotated[
        Path | None,
        typer.Option(
            help="CSV with system, entity_type, source_id, entity_key: also print precision, "
            "recall and F1 of the current and the fitted rules on the labelled records."
        ),
    ] = None,
    out: Annotated[
        Path | None,
        typer.Option(help="Where to write the proposed rules (default ./<type>.fitted.yaml)."),
    ] = None,
    max_iterations: Annotated[
        int, typer.Option(min=1, help="Most EM iterations for m.")
    ] = MAX_ITERATIONS,
) -> None:
    """Fit the match rules of one entity type to the hub's records (u from random pairs, m by
    expectation-maximisation over candidate pairs) and write them as a proposal. The live rule
    file is never changed."""
    settings = Settings()
    live = matching_directory(settings) / f"{entity_type.value.lower()}.yaml"
    target = out or Path(f"{entity_type.value.lower()}.fitted.yaml")
    try:
        if isinstance(live, Path) and target.resolve() == live.resolve():
            raise _Refused(f"--out {target} is the live rule file; write the proposal elsewhere")
        rules = MatchRules.load(live)
        truth = _read_labels(labels, entity_type) if labels else None
        keys, attributes, goldens = asyncio.run(_read_records(settings, entity_type, rules))
        if len(keys) < 2:
            raise _Refused(f"the store holds {len(keys)} {entity_type} record(s): nothing to fit")
        fit = fit_rules(rules, attributes, sample, seed, max_iterations, goldens)
        text = fitted_rules_text(rules, fit, str(target))
    except (_Refused, MdmError) as exc:
        _err.print(f"[red]error:[/red] {escape(str(exc))}")
        raise typer.Exit(EXIT_BAD_INPUT) from None
    _out.print(_fit_table(fit, entity_type))
    try:
        target.write_text(text, encoding="utf-8")
    except OSError as exc:
        _err.print(f"[red]error:[/red] cannot write {escape(str(target))}: {exc}")
        raise typer.Exit(EXIT_BAD_INPUT) from None
    _out.print(f"Proposed rules written to {escape(str(target))} (live rules unchanged: {live})")
    if truth is not None:
        fitted = MatchRules.load(target)
        _out.print(
            _quality_table(
                quality(rules, keys, attributes, truth, goldens),
                quality(fitted, keys, attributes, truth, goldens),
                sum(1 for key in keys if key in truth),
            )
        )


async def _read_records(
    settings: Settings, entity_type: EntityType, rules: MatchRules
) -> tuple[list[SourceKey], list[JsonAttributes], dict[SourceKey, str | None]]:
    """Every live source record of the type, page by page through its golden records, and
    the golden record each record they refer to belongs to (graph evidence)."""
    if settings.store == "embedded" and not Path(settings.embedded_path).is_file():
        raise _Refused(f"no embedded store at {settings.embedded_path} (MDM_EMBEDDED_PATH)")
    store = build_store(settings)
    await store.open()
    try:
        keys, attributes = await _members(store, entity_type)
        prepared = [prepare(rules, a) for a in attributes]
        # What reference comparisons compare, and what reference keys find candidates by.
        wanted = list(
            dict.fromkeys(
                [
                    *named_keys(reference_slots(rules), prepared),
                    *(lookup.target for record in prepared for lookup in record.referenced),
                ]
            )
        )
        found = await store.resolve_many(wanted) if wanted else []
        goldens = {k: r.golden_id if r else None for k, r in zip(wanted, found, strict=True)}
        return keys, attributes, goldens
    finally:
        await store.close()


async def _members(
    store: Store, entity_type: EntityType
) -> tuple[list[SourceKey], list[JsonAttributes]]:
    keys: list[SourceKey] = []
    attributes: list[JsonAttributes] = []
    after = ""
    while page := await store.golden_ids(entity_type, after, PAGE):
        for view in await store.get_goldens(page):
            # A merged-away ID answers with its survivor, whose members are read under its own.
            if view is None or view.merged_from is not None:
                continue
            for member in view.members:
                keys.append(member.key)
                attributes.append(member.attributes)
        after = page[-1]
    return keys, attributes


def _read_labels(path: Path, entity_type: EntityType) -> dict[SourceKey, str]:
    """Record -> the real-world thing it is, for the rows of this entity type."""
    try:
        with path.open(encoding="utf-8", newline="") as source:
            reader = csv.DictReader(source)
            missing = [c for c in LABEL_COLUMNS if c not in (reader.fieldnames or ())]
            if missing:
                raise _Refused(f"{path}: missing column(s) {', '.join(missing)}")
            truth: dict[SourceKey, str] = {}
            for line, row in enumerate(reader, start=2):
                if row["entity_type"].strip().upper() != entity_type.value:
                    continue
                if not row["system"] or not row["source_id"] or not row["entity_key"]:
                    raise _Refused(
                        f"{path} line {line}: system, source_id and entity_key are required"
                    )
                truth[SourceKey(row["system"], entity_type, row["source_id"])] = row["entity_key"]
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise _Refused(f"{path}: cannot read labels: {exc}") from None
    return truth


def _fit_table(fit: RulesFit, entity_type: EntityType) -> Table:
    table = Table(
        title=f"{entity_type} rules fitted to {fit.records} records",
        caption=(
            f"u: {fit.random_pairs} random pairs (seeded). m: EM over {fit.candidate_pairs} "
            f"candidate pairs, {fit.em.iterations} iterations"
            f"{'' if fit.em.converged else ' (not converged)'}; "
            f"{fit.em.matches_share:.1%} of candidate pairs estimated to match."
        ),
    )
    table.add_column("comparison")
    table.add_column("level")
    for column in ("m", "u", "weight", "fitted m", "fitted u", "fitted weight"):
        table.add_column(column, justify="right")
    for label, fitted in fit.comparisons:
        for index, bucket in enumerate(fitted):
            table.add_row(
                label if index == 0 else "",
                bucket.label,
                f"{bucket.m:.4g}",
                f"{bucket.u:.4g}",
                f"{bucket.weight:+.2f}",
                f"{bucket.fitted_m:.4g}",
                f"{bucket.fitted_u:.4g}",
                f"{bucket.fitted_weight:+.2f}",
                end_section=index == len(fitted) - 1,
            )
    table.add_row("prior", "", f"{fit.prior:.4g}", "", "", f"{fit.fitted_prior:.4g}", "", "")
    return table


def _quality_table(current: Quality, fitted: Quality, labelled: int) -> Table:
    table = Table(title=f"Linking the {labelled} labelled records (pairwise)")
    table.add_column("rules")
    for column in ("precision", "recall", "F1", "linked pairs", "true pairs"):
        table.add_column(column, justify="right")
    for name, result in (("current", current), ("fitted", fitted)):
        table.add_row(
            name,
            f"{result.precision:.4f}",
            f"{result.recall:.4f}",
            f"{result.f1:.4f}",
            str(result.predicted_pairs),
            str(result.true_pairs),
        )
    return table
