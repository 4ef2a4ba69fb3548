"""The checkpoint of a file load: which file and mapping, and the last line fully processed.

Written atomically after each batch, so a load that stops (a crash, Ctrl-C, the hub gone) can
carry on after its last completed batch. It is good only for the same file (size, mtime and
the SHA-256 of its first MB) and the same mapping (the SHA-256 of its text).
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

HEAD_BYTES = 1 << 20
FORMAT_VERSION = 1


@dataclass(frozen=True)
class Fingerprint:
    size: int
    mtime_ns: int
    head_sha256: str

    @classmethod
    def of(cls, path: Path) -> Fingerprint:
        stat = path.stat()
        with path.open("rb") as file:
            head = hashlib.sha256(file.read(HEAD_BYTES)).hexdigest()
        return cls(stat.st_size, stat.st_mtime_ns, head)

    def differences(self, other: Fingerprint) -> list[str]:
        """What changed, in words."""
        return [
            what
            for what, changed in (
                ("size", self.size != other.size),
                ("modification time", self.mtime_ns != other.mtime_ns),
                ("content", self.head_sha256 != other.head_sha256),
            )
            if changed
        ]


@dataclass(frozen=True)
class Checkpoint:
    file: Fingerprint
    mapping_sha256: str
    last_line: int  # every row up to this line is done
    rows: int  # rows read so far
    counts: dict[str, int] = field(default_factory=dict)  # outcome -> rows, so far
    reject_lines: int = 0  # lines written to the reject file so far
    rejects_size: int = 0  # its size then, in bytes (later lines are cut on resume)

    def to_json(self) -> dict[str, Any]:
        return {"version": FORMAT_VERSION, **asdict(self)}

    @classmethod
    def from_json(cls, data: Any) -> Checkpoint:
        if not isinstance(data, dict) or data.get("version") != FORMAT_VERSION:
            raise ValueError("not a checkpoint of this version")
        fields = {k: v for k, v in data.items() if k != "version"}
        return cls(**{**fields, "file": Fingerprint(**fields["file"])})


def read_checkpoint(path: Path) -> Checkpoint | None:
    """The checkpoint at `path`; None when there is none. Raises ValueError when it cannot be
    read (the caller starts over)."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise ValueError(str(exc)) from None
    try:
        return Checkpoint.from_json(json.loads(text))
    except (ValueError, TypeError, KeyError) as exc:
        raise ValueError(f"not a checkpoint ({exc})") from None


def write_checkpoint(path: Path, checkpoint: Checkpoint) -> None:
    """Replace the checkpoint at `path` in one step: a crash leaves the old one or the new."""
    temporary = path.with_name(f".{path.name}.tmp")
    with temporary.open("w", encoding="utf-8") as file:
        json.dump(checkpoint.to_json(), file)
        file.flush()
        os.fsync(file.fileno())
    os.replace(temporary, path)


def remove_checkpoint(path: Path) -> None:
    path.unlink(missing_ok=True)
