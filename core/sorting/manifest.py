"""The sort manifest: one CSV row per sorted file, the record that makes a re-run resume.

Columns: source (the original path), destination (relative to DEST), class, confidence, flags
("not_sure", "unfamiliar", "unreadable", "moved"; ";"-separated), sha256 (of the content). It is
rewritten atomically (core.fileio) every second or so and at the end; rows lost to a kill
since the last write are recovered on the re-run, because a destination file with the same
content is adopted rather than copied again (`place.py`).
"""

from __future__ import annotations

import csv
import io
import time
from dataclasses import dataclass
from pathlib import Path

from ..errors import BackboneStudioError
from ..fileio import open_for_reading, write_text_atomic
from ..messages import define

_NOT_SORT_MANIFEST_BACKBONE = define(
    "error.sort.not_sort_manifest_backbone",
    "{path} is not a sort manifest Backbone Studio wrote (its columns differ). Move it away, "
    "or sort into another folder.",
)
_CANNOT_READ_SORT_MANIFEST = define(
    "error.sort.cannot_read_sort_manifest",
    "Cannot read the sort manifest {path} ({exc}). Move it away to start a new sort into "
    "this folder.",
)


MANIFEST_NAME = "sort-manifest.csv"
COLUMNS = ("source", "destination", "class", "confidence", "flags", "sha256")


@dataclass(frozen=True)
class ManifestRow:
    source: str
    destination: str  # relative to DEST, "/"-separated
    label: str  # the class folder's name, or _not_sure / _unreadable
    confidence: str  # "0.934512", or "" for an unreadable file
    flags: tuple[str, ...]
    sha256: str

    def cells(self) -> list[str]:
        return [self.source, self.destination, self.label, self.confidence, ";".join(self.flags),
                self.sha256]  # fmt: skip


class Manifest:
    """The rows of DEST/sort-manifest.csv, kept in memory, flushed atomically."""

    def __init__(self, dest: Path, every: float = 1.0):
        self.path = Path(dest) / MANIFEST_NAME
        self.rows: list[ManifestRow] = []
        self.every = every
        self._last = time.monotonic()
        self._dirty = False
        if self.path.exists():
            self.rows = read_manifest(self.path)
        self.by_source = {row.source: row for row in self.rows}
        self.destinations = {row.destination for row in self.rows}

    def add(self, row: ManifestRow) -> None:
        self.rows.append(row)
        self.by_source[row.source] = row
        self.destinations.add(row.destination)
        self._dirty = True

    def replace_rows(self, rows: list[ManifestRow]) -> None:
        """All rows at once (a review moved files within DEST); written at the next flush."""
        self.rows = list(rows)
        self.by_source = {row.source: row for row in self.rows}
        self.destinations = {row.destination for row in self.rows}
        self._dirty = True

    def due(self) -> bool:
        """Rows waiting and `every` seconds since the last write."""
        return self._dirty and time.monotonic() - self._last >= self.every

    def flush(self) -> None:
        if not self._dirty and self.path.exists():
            return
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(COLUMNS)
        for row in self.rows:
            writer.writerow(row.cells())
        write_text_atomic(self.path, buffer.getvalue(),
                          kept="The sorted files are in place; run the sort again to "
                               "rebuild the manifest.")  # fmt: skip
        self._dirty = False
        self._last = time.monotonic()


def read_manifest(path: Path) -> list[ManifestRow]:
    """The rows of a manifest file (BackboneStudioError naming it when it is not one)."""
    try:
        with open_for_reading(path, "a sort manifest") as handle:
            text = handle.read().decode("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise BackboneStudioError(
            _CANNOT_READ_SORT_MANIFEST(path=path, exc=exc)
        ) from None
    reader = csv.reader(io.StringIO(text))
    header = next(reader, None)
    if header is None or tuple(header) != COLUMNS:
        raise BackboneStudioError(
            _NOT_SORT_MANIFEST_BACKBONE(path=path)
        )
    rows = []
    for cells in reader:
        if len(cells) != len(COLUMNS):
            continue  # a damaged line: that file is sorted again (and adopted by its hash)
        source, destination, label, confidence, flags, sha = cells
        rows.append(ManifestRow(source, destination, label, confidence,
                                tuple(f for f in flags.split(";") if f), sha))  # fmt: skip
    return rows
