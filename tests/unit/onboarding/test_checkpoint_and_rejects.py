"""The checkpoint (which file, which mapping, how far) and the reject file, on their own."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from mdm_hub.errors import Problem
from mdm_hub.onboarding.loading.checkpoint import (
    Checkpoint,
    Fingerprint,
    read_checkpoint,
    write_checkpoint,
)
from mdm_hub.onboarding.loading.rejects import RejectFile
from tests.support.exports import reject_lines


def test_a_checkpoint_reads_back_as_written(tmp_path: Path) -> None:
    export = tmp_path / "export.csv"
    export.write_text("a,b\n1,2\n", encoding="utf-8")
    checkpoint = Checkpoint(Fingerprint.of(export), "ab" * 32, 1500, 1499, {"created": 1499}, 0, 0)
    path = tmp_path / "export.csv.checkpoint.json"
    write_checkpoint(path, checkpoint)
    assert read_checkpoint(path) == checkpoint
    # No temporary file is left behind.
    assert sorted(os.listdir(tmp_path)) == ["export.csv", "export.csv.checkpoint.json"]


def test_no_checkpoint_and_an_unreadable_one(tmp_path: Path) -> None:
    path = tmp_path / "x.checkpoint.json"
    assert read_checkpoint(path) is None
    path.write_text("{not json", encoding="utf-8")
    with pytest.raises(ValueError, match="not a checkpoint"):
        read_checkpoint(path)
    path.write_text('{"version": 99}', encoding="utf-8")
    with pytest.raises(ValueError, match="not a checkpoint"):
        read_checkpoint(path)


def test_a_fingerprint_tells_what_changed(tmp_path: Path) -> None:
    export = tmp_path / "export.csv"
    export.write_text("a,b\n1,2\n", encoding="utf-8")
    before = Fingerprint.of(export)
    assert before.differences(Fingerprint.of(export)) == []
    os.utime(export, ns=(before.mtime_ns + 10**9, before.mtime_ns + 10**9))
    assert before.differences(Fingerprint.of(export)) == ["modification time"]
    export.write_text("a,b\n1,3\n", encoding="utf-8")
    assert "content" in before.differences(Fingerprint.of(export))
    assert "size" not in before.differences(Fingerprint.of(export))


def test_the_reject_file_is_created_on_the_first_refused_row(tmp_path: Path) -> None:
    path = tmp_path / "export.csv.rejects.csv"
    path.write_text("line,source_id,field,reason\n9,old,x,from a previous load\n", "utf-8")
    rejects = RejectFile(path)
    assert not path.exists()  # a previous load's rejects are not this one's
    rejects.write(2, "A-1", [Problem("attributes.country", "bad"), Problem("", 'also, "this"')])
    assert rejects.commit() == path.stat().st_size
    rejects.close()
    assert reject_lines(path) == [
        ("2", "A-1", "attributes.country", "bad"),
        ("2", "A-1", "", 'also, "this"'),
    ]
    assert rejects.lines == 2


def test_on_resume_lines_after_the_checkpoint_are_cut_then_appended_to(tmp_path: Path) -> None:
    path = tmp_path / "export.csv.rejects.csv"
    first = RejectFile(path)
    first.write(2, "A-1", [Problem("f", "in batch 1")])
    size = first.commit()
    first.write(30, "A-30", [Problem("f", "in batch 2, not checkpointed")])
    first.commit()
    first.close()

    resumed = RejectFile(path, keep_bytes=size, lines=1)
    resumed.write(30, "A-30", [Problem("f", "in batch 2, sent again")])
    resumed.commit()
    resumed.close()
    assert reject_lines(path) == [
        ("2", "A-1", "f", "in batch 1"),
        ("30", "A-30", "f", "in batch 2, sent again"),
    ]
    assert resumed.lines == 2
