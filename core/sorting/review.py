"""Filing a sorted folder's reviewed "Not sure" images.

After a sort, the images set aside in DEST/_not_sure are reviewed (the review grid: 1-9 gives a
class). `SortedReview.file(labels)` moves each labelled image into DEST/<class>/ (never over
another file: a clash gets a suffix) and its manifest row follows: the new destination, the
class, and the flag "reviewed". `undo(action)` puts the files and the rows back. Only DEST, the
folder the sort wrote, is changed; the photos the sort read are never touched.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from pathlib import Path

from ..errors import BackboneStudioError
from ..messages import define
from ..review.actions import Action, ReviewHistory
from .manifest import Manifest, ManifestRow
from .place import folder_name

_NOT_INSIDE_SORTED_FOLDER = define(
    "error.sort.not_inside_sorted_folder",
    "{path} is not inside the sorted folder {dest}; only images the sort put there can be "
    "filed into its class folders.",
)
_NOT_MANIFEST_SORT_FOLDER = define(
    "error.sort.not_manifest_sort_folder",
    "{path} is not in the manifest of {dest}; sort the folder again first.",
)


REVIEWED = "reviewed"


class SortedReview:
    def __init__(self, dest: str | Path, history: ReviewHistory | None = None):
        self.dest = Path(dest)
        self.history = history if history is not None else ReviewHistory()
        self._before: dict[int, list[ManifestRow]] = {}  # id(action) -> the rows before it

    def _relative(self, path: Path) -> str:
        try:
            return path.resolve().relative_to(self.dest.resolve()).as_posix()
        except ValueError:
            raise BackboneStudioError(
                _NOT_INSIDE_SORTED_FOLDER(path=path, dest=self.dest)
            ) from None

    def file(self, labels: Mapping[str, str]) -> Action | None:
        """Move each {image in DEST: class name} into DEST/<class>/ and update the manifest
        (one undoable action; None when `labels` is empty). A manifest that cannot be written
        takes the moves back and raises."""
        if not labels:
            return None
        manifest = Manifest(self.dest)
        known = {row.destination for row in manifest.rows}
        items = [(Path(p), name) for p, name in labels.items()]
        for path, _name in items:
            if self._relative(path) not in known:
                raise BackboneStudioError(
                    _NOT_MANIFEST_SORT_FOLDER(path=path, dest=self.dest)
                )
        action = self.history.move_into_classes(
            [(p, folder_name(name)) for p, name in items], self.dest
        )
        classes = {self._relative(p): folder_name(name) for p, name in items}
        moved = {self._relative(op.source): self._relative(op.dest) for op in action.ops}
        before = list(manifest.rows)
        rows = [
            dataclasses.replace(row, destination=moved[row.destination],
                                label=classes[row.destination],
                                flags=tuple(dict.fromkeys((*row.flags, REVIEWED))))
            if row.destination in moved else row
            for row in before
        ]  # fmt: skip
        manifest.replace_rows(rows)
        try:
            manifest.flush()
        except Exception:
            self.history.undo(action)
            raise
        self._before[id(action)] = before
        return action

    def undo(self, action: Action) -> None:
        """Put the files of `action` back into _not_sure and the manifest as it was."""
        self.history.undo(action)
        before = self._before.pop(id(action), None)
        if before is not None:
            manifest = Manifest(self.dest)
            manifest.replace_rows(before)
            manifest.flush()
