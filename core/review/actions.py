"""Changing a user's data from the review views: every change is an explicit action, written
atomically, logged, kept in a history and undoable.

* a **move** or **copy** of images into another class folder (the only writes into a user's
  folder): a move is a hard link then an unlink on one file system (never overwriting, the file
  keeps its bytes and times), else an atomic copy (bytes, times and permissions) then an unlink;
  undoing a move moves the file back, so the folder is byte-identical again;
* **Add to training set**: reviewed images copied into the training folder's class subfolders;
* **exclude** / **include**: the app's own list (`Exclusions`), the user's folder untouched.

A name clash never overwrites: the new file gets " (2)", " (3)", ... before its suffix. An action
that fails half-way takes back what it already did and raises the error.
"""

from __future__ import annotations

import errno
import logging
import os
import shutil
import stat
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import BackboneStudioError
from ..fileio import atomic_write, open_for_reading
from ..messages import define
from ..words import plural
from .exclusions import Exclusions

_COULD_NOT = define("error.review.could_not", "Could not {what} {path}: {error}. Nothing was changed.")
_VERBS = {
    "move": define("words.verb_move", "move")(),
    "copy": define("words.verb_copy", "copy")(),
    "move back": define("words.verb_move_back", "move back")(),
}
_NOT_INSIDE_FOLDER_NAMED = define(
    "error.review.not_inside_folder_named",
    "{path} is not inside a folder named {current_class!r}; move it by hand or rescan the "
    "dataset.",
)
_ALREADY_EXISTS_NOT_OVERWRITTEN = define(
    "error.review.already_exists_not_overwritten",
    "{dest} already exists; it was not overwritten.",
)
_NO_LONGER_THERE_MOVED = define(
    "error.review.no_longer_there_moved",
    "{source} is no longer there (moved or deleted since it was scanned); rescan the folder.",
)
_CANNOT_CREATE_FOLDER_NOTHING = define(
    "error.review.cannot_create_folder_nothing",
    "Cannot create the folder {folder}: {error}. Nothing was changed.",
)
_CANNOT_MOVE_BACK_EXISTS = define(
    "error.review.cannot_move_back_exists",
    "Cannot move {dest_name} back: {source} exists again. Nothing was changed.",
)
_CANNOT_MOVE_BACK_NO = define(
    "error.review.cannot_move_back_no",
    "Cannot move {dest} back: it is no longer there.",
)
_TRAINING_FOLDER_DOES_NOT = define(
    "error.review.training_folder_does_not",
    "The training folder {root} does not exist. Choose the dataset folder to add to.",
)
_CHANGED_SINCE_COPIED_THERE = define(
    "error.review.changed_since_copied_there",
    "{dest} was changed since it was copied there; it was left in place.",
)


log = logging.getLogger(__name__)


@dataclass(frozen=True)
class FileOp:
    """One file put somewhere: `kind` "move" or "copy", and what the copy looked like after."""

    kind: str
    source: Path
    dest: Path
    created: tuple[Path, ...] = ()  # folders this operation made (removed on undo when empty)
    size: int = 0
    mtime_ns: int = 0


@dataclass
class Action:
    """One entry of the history: a title a person reads and how to take it back."""

    title: str
    ops: tuple[FileOp, ...] = ()
    exclusions: Exclusions | None = None
    excluded: tuple[Path, ...] = ()  # paths this action excluded (or included, `included`)
    included: bool = False
    at: float = field(default_factory=time.time)

    @property
    def paths(self) -> list[Path]:
        """The images the action is about, where they are now."""
        return [op.dest for op in self.ops] or list(self.excluded)


def class_folder_for(path: str | os.PathLike, current_class: str, new_class: str) -> Path:
    """The folder of class `new_class` next to the folder of `current_class` that holds `path`
    (so an image of val/cat goes to val/dog, one of cat/ to dog/)."""
    path = Path(path)
    for parent in path.parents:
        if parent.name == current_class:
            return parent.parent / new_class
    raise BackboneStudioError(
        _NOT_INSIDE_FOLDER_NAMED(path=path, current_class=current_class)
    )


def free_name(folder: Path, name: str) -> Path:
    """`folder/name`, or `folder/stem (2).ext`, ... : a path where nothing is."""
    candidate = folder / name
    stem, suffix = os.path.splitext(name)
    n = 2
    while os.path.lexists(candidate):
        candidate = folder / f"{stem} ({n}){suffix}"
        n += 1
    return candidate


def _make_folder(folder: Path) -> tuple[Path, ...]:
    made = []
    for parent in [folder, *folder.parents]:
        if parent.exists():
            break
        made.append(parent)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise BackboneStudioError(
            _CANNOT_CREATE_FOLDER_NOTHING(folder=folder, error=exc.strerror or exc)
        ) from exc
    return tuple(made)


def _copy_bytes(source: Path, dest: Path) -> None:
    """`source` copied to `dest` atomically, with its times and permissions."""
    st = os.stat(source)
    with open_for_reading(source, "an image") as src, atomic_write(dest, size_hint=st.st_size) as out:
        shutil.copyfileobj(src, out, 1 << 20)
    os.utime(dest, ns=(st.st_atime_ns, st.st_mtime_ns))
    os.chmod(dest, stat.S_IMODE(st.st_mode))


def _relocate(source: Path, dest: Path) -> None:
    """Move one file without ever overwriting: a hard link then an unlink, else copy + unlink."""
    if os.path.lexists(dest):
        raise BackboneStudioError(_ALREADY_EXISTS_NOT_OVERWRITTEN(dest=dest))
    try:
        os.link(source, dest, follow_symlinks=False)
    except FileExistsError:
        raise BackboneStudioError(_ALREADY_EXISTS_NOT_OVERWRITTEN(dest=dest)) from None
    except OSError as exc:
        if exc.errno not in (errno.EXDEV, errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EMLINK):
            raise
        _copy_bytes(source, dest)
    os.unlink(source)


def _user_error(exc: OSError, what: str, path: Path) -> BackboneStudioError:
    if isinstance(exc, BackboneStudioError):
        return exc
    return BackboneStudioError(_COULD_NOT(what=_VERBS.get(what, what), path=path, error=exc.strerror or exc))


def _do(kind: str, source: Path, folder: Path) -> FileOp:
    source = Path(source)
    if not source.is_file():
        raise BackboneStudioError(
            _NO_LONGER_THERE_MOVED(source=source)
        )
    created = _make_folder(folder)
    dest = free_name(folder, source.name)
    try:
        if kind == "move":
            _relocate(source, dest)
        else:
            _copy_bytes(source, dest)
    except OSError as exc:
        _remove_empty(created)
        raise _user_error(exc, kind, source) from exc
    st = os.stat(dest)
    return FileOp(kind, source, dest, created, st.st_size, st.st_mtime_ns)


def _remove_empty(folders: Iterable[Path]) -> None:
    for folder in folders:  # deepest first
        try:
            folder.rmdir()
        except OSError:
            return


def _undo_op(op: FileOp) -> None:
    if op.kind == "move":
        if os.path.lexists(op.source):
            raise BackboneStudioError(
                _CANNOT_MOVE_BACK_EXISTS(dest_name=op.dest.name, source=op.source)
            )
        if not op.dest.is_file():
            raise BackboneStudioError(_CANNOT_MOVE_BACK_NO(dest=op.dest))
        _make_folder(op.source.parent)
        try:
            _relocate(op.dest, op.source)
        except OSError as exc:
            raise _user_error(exc, "move back", op.dest) from exc
    else:
        try:
            st = os.stat(op.dest)
        except FileNotFoundError:
            st = None  # already gone: nothing to take back
        if st is not None:
            if (st.st_size, st.st_mtime_ns) != (op.size, op.mtime_ns):
                raise BackboneStudioError(
                    _CHANGED_SINCE_COPIED_THERE(dest=op.dest)
                )
            os.unlink(op.dest)
    _remove_empty(op.created)


class ReviewHistory:
    """The actions done from the review views, newest last; each can be undone."""

    def __init__(self) -> None:
        self.entries: list[Action] = []

    # -- files ---------------------------------------------------------------------------
    def _files(self, title: str, jobs: list[tuple[str, Path, Path]]) -> Action:
        done: list[FileOp] = []
        try:
            for kind, source, folder in jobs:
                done.append(_do(kind, source, folder))
        except BaseException:
            for op in reversed(done):
                try:
                    _undo_op(op)
                except Exception:  # pragma: no cover - logged; the original error matters
                    log.exception("could not take back %s", op)
            raise
        return self._record(Action(title, ops=tuple(done)))

    def move(self, paths: Iterable[str | os.PathLike], folder: str | os.PathLike) -> Action:
        """Move images into `folder` (a class folder); undo moves them back."""
        jobs = [("move", Path(p), Path(folder)) for p in paths]
        return self._files(f"Moved {plural(len(jobs), 'image')} to {Path(folder).name}", jobs)

    def copy(self, paths: Iterable[str | os.PathLike], folder: str | os.PathLike) -> Action:
        """Copy images into `folder`; undo deletes the copies (when they are unchanged)."""
        jobs = [("copy", Path(p), Path(folder)) for p in paths]
        return self._files(f"Copied {plural(len(jobs), 'image')} to {Path(folder).name}", jobs)

    def add_to_training_set(
        self, items: Iterable[tuple[str | os.PathLike, str]], training_root: str | os.PathLike
    ) -> Action:
        """Copy each (image, class name) into the training folder's class subfolder
        (``train/<class>`` when the folder has a train/ split); undo deletes the copies."""
        root = Path(training_root)
        if not root.is_dir():
            raise BackboneStudioError(
                _TRAINING_FOLDER_DOES_NOT(root=root)
            )
        base = root / "train" if (root / "train").is_dir() else root
        jobs = [("copy", Path(p), base / name) for p, name in items]
        return self._files(f"Added {plural(len(jobs), 'image')} to the training set {root}", jobs)

    def move_into_classes(
        self, items: Iterable[tuple[str | os.PathLike, str]], base: str | os.PathLike
    ) -> Action:
        """Move each (image, class folder name) into `base/<class>` (a sorted folder's reviewed
        images, core.sorting.review); undo moves them back."""
        jobs = [("move", Path(p), Path(base) / name) for p, name in items]
        return self._files(f"Filed {plural(len(jobs), 'reviewed image')} into class folders", jobs)

    # -- exclusions --------------------------------------------------------------------------
    def exclude(self, exclusions: Exclusions, paths: Iterable, reason: str = "") -> Action:
        added = exclusions.add(paths, reason)
        return self._record(
            Action(f"Excluded {plural(len(added), 'image')} from training", exclusions=exclusions,
                   excluded=tuple(added))  # fmt: skip
        )

    def include(self, exclusions: Exclusions, paths: Iterable) -> Action:
        removed = exclusions.remove(paths)
        return self._record(
            Action(f"Included {plural(len(removed), 'image')} in training again",
                   exclusions=exclusions, excluded=tuple(removed), included=True)  # fmt: skip
        )

    # -- undo ------------------------------------------------------------------------------
    def undo(self, action: Action | None = None) -> Action | None:
        """Take back `action` (default: the newest); returns it, or None when there is none.
        BackboneStudioError when its files are no longer where it left them (then it stays)."""
        if not self.entries:
            return None
        action = action if action is not None else self.entries[-1]
        for op in reversed(action.ops):
            _undo_op(op)
        if action.exclusions is not None:
            if action.included:
                action.exclusions.add(action.excluded, "excluded again (undo)")
            else:
                action.exclusions.remove(action.excluded)
        self.entries.remove(action)
        log.info("undone: %s", action.title)
        return action

    def _record(self, action: Action) -> Action:
        self.entries.append(action)
        details = "; ".join(f"{op.source} -> {op.dest}" for op in action.ops[:50])
        log.info("%s%s", action.title, f": {details}" if details else "")
        return action
