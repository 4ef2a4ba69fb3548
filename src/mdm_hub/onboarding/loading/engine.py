"""Loading one export file into the hub: read, map, send in batches, tally, checkpoint.

Rows are read one at a time; every `batch_size` records (upserts and retirements) go to the
hub in file order, and after each batch the reject file is made durable and the checkpoint
written, so a load that stops carries on, when run again, after its last completed batch.
Nothing stops on a bad row: it is refused with its reasons and the load goes on.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any

from mdm_hub.domain.records import RejectedRecord, UpsertOutcome, UpsertResult, utc_now
from mdm_hub.domain.retirement import RetireOutcome
from mdm_hub.errors import ConfigurationError, Problem, RecordRejected
from mdm_hub.onboarding.loading.checkpoint import (
    Checkpoint,
    Fingerprint,
    read_checkpoint,
    remove_checkpoint,
    write_checkpoint,
)
from mdm_hub.onboarding.loading.hub import Hub
from mdm_hub.onboarding.loading.readers import open_export
from mdm_hub.onboarding.loading.rejects import RejectFile
from mdm_hub.onboarding.loading.rows import Mapped, Refused, Retire, Skipped, Upsert, map_row
from mdm_hub.onboarding.mappings import ExportMapping
from mdm_hub.services.ingest import MAX_UPSERT_BATCH

DEFAULT_BATCH = 500


class Outcome(StrEnum):
    """What became of a row; each row has exactly one."""

    CREATED = "created"
    LINKED = "linked"
    UPDATED = "updated"
    UNCHANGED = "unchanged"
    REVIEW = "queued for review"  # created, with a match candidate for a steward
    RETIRED = "retired"
    REFUSED_MAPPING = "refused (mapping)"
    REFUSED_HUB = "refused (hub)"
    SKIPPED = "skipped"


_UPSERT_OUTCOMES = {
    UpsertOutcome.CREATED: Outcome.CREATED,
    UpsertOutcome.LINKED: Outcome.LINKED,
    UpsertOutcome.UPDATED: Outcome.UPDATED,
    UpsertOutcome.UNCHANGED: Outcome.UNCHANGED,
}


@dataclass(frozen=True)
class LoadOptions:
    batch_size: int = DEFAULT_BATCH
    rejects: Path | None = None  # default: <file>.rejects.csv
    checkpoint: Path | None = None  # default: <file>.checkpoint.json
    restart: bool = False  # ignore a checkpoint


@dataclass(frozen=True)
class Progress:
    rows: int  # rows done, this run and before a resume
    rows_this_run: int
    position: int  # how far the reader is (bytes, or rows for XLSX)
    total: int | None  # what position counts up to


@dataclass
class LoadSummary:
    counts: Counter[Outcome] = field(default_factory=Counter)
    rows: int = 0
    reject_lines: int = 0
    rejects: Path | None = None  # None: no row was refused
    resumed_after_line: int | None = None
    rows_this_run: int = 0
    seconds: float = 0.0  # this run's


Answer = UpsertResult | RetireOutcome | RecordRejected  # the hub's, for one record
Notify = Callable[[str], None]
OnProgress = Callable[[Progress], None]


def default_rejects(export: Path) -> Path:
    return export.with_name(f"{export.name}.rejects.csv")


def default_checkpoint(export: Path) -> Path:
    return export.with_name(f"{export.name}.checkpoint.json")


class FileLoad:
    """One load of `export` through `mapping` into `hub`."""

    def __init__(
        self,
        export: Path,
        mapping: ExportMapping,
        hub: Hub,
        options: LoadOptions | None = None,
        notify: Notify = lambda message: None,
        on_progress: OnProgress = lambda progress: None,
    ) -> None:
        self.options = options or LoadOptions()
        if not 1 <= self.options.batch_size <= MAX_UPSERT_BATCH:
            raise ValueError(f"batch size must be 1 to {MAX_UPSERT_BATCH}")
        self.export = export
        self.mapping = mapping
        self.hub = hub
        self.rejects_path = self.options.rejects or default_rejects(export)
        self.checkpoint_path = self.options.checkpoint or default_checkpoint(export)
        self._notify = notify
        self._on_progress = on_progress

    async def run(self) -> LoadSummary:
        """Load the file to its end. Raises MappingFileError (before anything is sent) when
        the export does not fit the mapping, and LoadStopped or StoreError when the load
        cannot go on: the checkpoint of the last completed batch is kept then."""
        started = time.perf_counter()
        if not self.export.is_file():
            raise ConfigurationError(f"{self.export}: no such file")
        fingerprint = Fingerprint.of(self.export)
        resumed = self._resume_point(fingerprint)
        done_before = resumed.rows if resumed else 0
        reader = open_export(self.export, self.mapping)
        summary = LoadSummary(rejects=self.rejects_path)
        rejects = RejectFile(
            self.rejects_path,
            keep_bytes=resumed.rejects_size if resumed else 0,
            lines=resumed.reject_lines if resumed else 0,
        )
        if resumed is not None:
            summary.counts.update({Outcome(k): v for k, v in resumed.counts.items()})
            summary.rows = resumed.rows
            summary.resumed_after_line = resumed.last_line
        try:
            done_line = resumed.last_line if resumed else 0
            for batch in self._batches(reader.rows(), done_line):
                await self._send(batch, summary, rejects)
                summary.reject_lines = rejects.lines
                write_checkpoint(
                    self.checkpoint_path,
                    Checkpoint(
                        file=fingerprint,
                        mapping_sha256=self.mapping.sha256,
                        last_line=batch[-1].line,
                        rows=summary.rows,
                        counts={str(k): v for k, v in summary.counts.items()},
                        reject_lines=rejects.lines,
                        rejects_size=rejects.commit(),
                    ),
                )
                this_run = summary.rows - done_before
                position = reader.position()
                self._on_progress(Progress(summary.rows, this_run, position, reader.total))
        finally:
            reader.close()
            rejects.close()
        remove_checkpoint(self.checkpoint_path)
        summary.reject_lines = rejects.lines
        if not rejects.lines:
            summary.rejects = None
        summary.seconds = time.perf_counter() - started
        summary.rows_this_run = summary.rows - done_before
        return summary

    def _resume_point(self, fingerprint: Fingerprint) -> Checkpoint | None:
        if self.options.restart:
            remove_checkpoint(self.checkpoint_path)
            return None
        try:
            checkpoint = read_checkpoint(self.checkpoint_path)
        except ValueError as exc:
            self._notify(f"ignoring the checkpoint {self.checkpoint_path}: {exc}; starting over")
            return None
        if checkpoint is None:
            return None
        changed = checkpoint.file.differences(fingerprint)
        if checkpoint.mapping_sha256 != self.mapping.sha256:
            changed.append(f"the mapping {self.mapping.label}")
        if changed:
            self._notify(
                f"the checkpoint {self.checkpoint_path} was written for another version of the "
                f"file or mapping (changed: {', '.join(changed)}); starting over (records "
                "already loaded come back unchanged)"
            )
            return None
        self._notify(f"resuming after line {checkpoint.last_line} ({checkpoint.rows} rows done)")
        return checkpoint

    def _batches(self, rows: Iterator[Any], done_line: int) -> Iterator[list[Mapped]]:
        """Mapped rows after `done_line`, cut after every `batch_size` records for the hub."""
        batch: list[Mapped] = []
        records = 0
        for row in rows:
            if row.line <= done_line:
                continue
            mapped = map_row(self.mapping, row)
            batch.append(mapped)
            if isinstance(mapped, Upsert | Retire):
                records += 1
                if records == self.options.batch_size:
                    yield batch
                    batch, records = [], 0
        if batch:
            yield batch

    async def _send(self, batch: list[Mapped], summary: LoadSummary, rejects: RejectFile) -> None:
        answers: dict[int, Answer] = {}
        for run in _runs(batch):
            answers.update(await self._send_run(run))
        refused = [item for item in batch if isinstance(item, Refused)]
        await self.hub.keep_refusals([self._queued(item) for item in refused])
        for item in batch:
            if isinstance(item, Refused):
                summary.counts[Outcome.REFUSED_MAPPING] += 1
                rejects.write(item.line, item.source_id, item.problems)
            elif isinstance(item, Skipped):
                summary.counts[Outcome.SKIPPED] += 1
            else:
                answer = answers[item.line]
                summary.counts[_outcome(answer)] += 1
                if isinstance(answer, RecordRejected):
                    rejects.write(item.line, _source_id(item), _problems(answer))
        summary.rows += len(batch)

    async def _send_run(self, run: list[Upsert] | list[Retire]) -> dict[int, Answer]:
        """The hub's answer to each record of a run, by line."""
        answers: dict[int, Answer] = {}
        for item in run:
            if isinstance(item, Retire):
                answers[item.line] = await self._retire(item)
        upserts = [item for item in run if isinstance(item, Upsert)]
        if upserts:
            results = await self.hub.upsert([item.record for item in upserts])
            answers.update(zip((item.line for item in upserts), results, strict=True))
        return answers

    async def _retire(self, item: Retire) -> Answer:
        """Retire the row's record. One the hub never had (an export's first load lists
        records deleted long ago) is loaded from the row first, then retired: its ID then
        resolves, as RETIRED, for the transactions that name it."""
        reason = f"deleted in the export {self.export.name}, line {item.line}"
        if item.record is not None and not await self.hub.knows(item.key):
            [loaded] = await self.hub.upsert([item.record])
            if isinstance(loaded, RecordRejected):
                return loaded
        return await self.hub.retire(item.key, reason, item.observed_at)

    def _queued(self, refused: Refused) -> RejectedRecord:
        """A row the mapping refused, as the hub's reject queue keeps it."""
        payload = {
            "system": self.mapping.system,
            "entityType": self.mapping.entity_type.value,
            "sourceId": refused.source_id,
            "file": str(self.export),
            "line": refused.line,
            "row": refused.row,
        }
        return RejectedRecord(utc_now(), payload, refused.problems)


def _runs(batch: Sequence[Mapped]) -> Iterator[list[Upsert] | list[Retire]]:
    """Consecutive upserts together (one call), each retirement alone, in file order."""
    upserts: list[Upsert] = []
    for item in batch:
        if isinstance(item, Upsert):
            upserts.append(item)
        elif isinstance(item, Retire):
            if upserts:
                yield upserts
                upserts = []
            yield [item]
    if upserts:
        yield upserts


def _outcome(answer: Answer) -> Outcome:
    if isinstance(answer, RecordRejected):
        return Outcome.REFUSED_HUB
    if isinstance(answer, RetireOutcome):
        return Outcome.RETIRED if answer is RetireOutcome.RETIRED else Outcome.UNCHANGED
    if answer.match_candidate_id is not None:
        return Outcome.REVIEW
    # An outcome without a row of its own (a retired record sent again comes back to life)
    # changed a known record: updated.
    return _UPSERT_OUTCOMES.get(answer.outcome, Outcome.UPDATED)


def _source_id(item: Mapped) -> str | None:
    if isinstance(item, Upsert):
        return str(item.record.source_id)
    if isinstance(item, Retire):
        return item.key.source_id
    return None


def _problems(rejected: RecordRejected) -> list[Problem]:
    return rejected.problems or [Problem("", str(rejected))]
