"""Errors a person can cause and act on. Their message is shown as-is, with no traceback."""

from __future__ import annotations

from pathlib import Path

from .messages import define

FILE_REASON = define("error.file_reason", "{path}: {reason}")  # ImageLoadError
NOT_A_FILE = define("error.not_a_file", "{path} {reason}.")  # NotAFileError
DISK_FULL = define("error.disk.full", "The disk is full")
QUOTA_FULL = define("error.disk.quota", "Your disk quota is used up")
NEEDS_MB = define("error.disk.needs_mb", "needs about {mb:,} MB more")
NEEDS_MORE = define("error.disk.needs_more", "needs more space than is free")
FULL = define(
    "error.disk.no_space", "{full}: writing {where} {more} (free some space or choose another folder)."
)
READ_ONLY = define(
    "error.disk.read_only", "Cannot write {where}: the disk is read-only (choose another folder)."
)
DENIED = define(
    "error.disk.denied",
    "Cannot write {where}: permission denied (choose a folder you can write to).",
)
IO_ERROR = define(
    "error.disk.io",
    "Cannot write {where}: the device reported an input/output error (the disk may be failing or "
    "was unplugged; check it, then try again or choose another folder).",
)
WRITE_FAILED = define("error.disk.failed", "Cannot write {where}: {detail}.")
THE_WRITE_FAILED = define("error.disk.the_write_failed", "the write failed")
WITH_KEPT = define("error.disk.with_kept", "{text} {kept}")
NOT_ENOUGH = define(
    "error.disk.not_enough",
    "Not enough free space in {path} for {what}: about {mb:,} MB more are needed (free some space "
    "or choose another folder).",
)
THE_OUTPUT = define("error.disk.the_output", "the output")
# what survived a failed write (DiskWriteError.kept), said by the code that knows
KEPT_UNCHANGED = define("error.kept.unchanged", "The file that was there is unchanged.")
KEPT_NO_PARTIAL = define("error.kept.no_partial", "No partial file was left behind.")
KEPT_NOTHING_STARTED = define("error.kept.nothing_started", "Nothing was started.")
KEPT_NOTHING_LEFT = define("error.kept.nothing_left", "Nothing was left behind.")
KEPT_CHECKPOINT = define("error.kept.checkpoint", "The last checkpoint {path} is unchanged.")
KEPT_NO_CHECKPOINT = define("error.kept.no_checkpoint", "No checkpoint was written.")
KEPT_EXPORT = define(
    "error.kept.export", "Nothing was written: {out} was not created or changed."
)
KEPT_CARD = define(
    "error.kept.card",
    "The model {saved} was saved complete (its card is inside it too); only the card beside it "
    "is missing.",
)


def _trimmed(kept: str) -> str:
    """`kept` without trailing blanks (a core Message stays one when it has none)."""
    return kept if kept == kept.rstrip() else kept.rstrip()


class BackboneStudioError(Exception):
    """Base for user-actionable errors: the message says what happened and what to do."""


class ImageLoadError(BackboneStudioError):
    """An image file that cannot be read; names the file and the reason."""

    def __init__(self, path: str | Path, reason: str):
        self.path = Path(path)
        self.reason = reason
        super().__init__(FILE_REASON(path=self.path, reason=reason))


class WeightsUnavailable(BackboneStudioError):
    """Pretrained weights are not in the cache and cannot be downloaded (or do not exist)."""


class DatasetError(BackboneStudioError):
    """A folder that cannot be used as a dataset (missing, too few classes, ...)."""


class ModelFileError(BackboneStudioError):
    """A model file that cannot be loaded: truncated, foreign, mismatched or unsafe."""


class TrainingError(BackboneStudioError):
    """Training could not go on (non-finite loss, out of memory at batch size 1, ...)."""


class ResumeError(BackboneStudioError):
    """A checkpoint that cannot be resumed (different data, different config, damaged)."""


class NotAFileError(BackboneStudioError):
    """Something the app was asked to read that is not a regular file: a named pipe (FIFO), a
    socket, a device or a folder. It is refused before it is opened (a pipe would block)."""

    def __init__(self, path: str | Path, reason: str):
        self.path = Path(path)
        self.reason = reason
        super().__init__(NOT_A_FILE(path=self.path, reason=reason))


_MEGABYTE = 1_000_000


class DiskWriteError(BackboneStudioError, OSError):
    """Writing a file failed: the disk is full, read-only, not ours to write, or failing.

    The message names the file, says what to do and what was kept (`kept`: a sentence, e.g.
    "Your training is kept in run.ckpt; ..."); `needed` is the bytes still missing on a full
    disk, where known. Also an OSError (`.errno`), so code that tolerates a failed write (a
    cache) keeps doing so. `with_kept()` rewords what was kept, for a caller that knows more.
    """

    def __init__(self, path: str | Path, error: int | None, *, needed: int | None = None,
                 kept: str = "", detail: str = ""):  # fmt: skip
        self.path = Path(path)
        self.needed = needed
        self.kept = kept
        self.detail = detail
        super().__init__(self._describe(error))
        self.errno = error

    def _describe(self, error: int | None) -> str:
        import errno as codes

        where = self.path
        if error in (codes.ENOSPC, getattr(codes, "EDQUOT", codes.ENOSPC)):
            full = DISK_FULL() if error == codes.ENOSPC else QUOTA_FULL()
            more = (NEEDS_MB(mb=max(1, -(-self.needed // _MEGABYTE)))
                    if self.needed else NEEDS_MORE())  # fmt: skip
            text = FULL(full=full, where=where, more=more)
        elif error == codes.EROFS:
            text = READ_ONLY(where=where)
        elif error in (codes.EACCES, codes.EPERM):
            text = DENIED(where=where)
        elif error == codes.EIO:
            text = IO_ERROR(where=where)
        else:
            text = WRITE_FAILED(where=where, detail=self.detail or THE_WRITE_FAILED())
        return WITH_KEPT(text=text, kept=_trimmed(self.kept)) if self.kept.strip() else text

    def with_kept(self, kept: str) -> DiskWriteError:
        """The same error, saying `kept` about what survived."""
        return type(self)(self.path, self.errno, needed=self.needed, kept=kept,
                          detail=self.detail)  # fmt: skip

    def __reduce__(self):
        return (_rebuild, (type(self), self.path, self.errno, self.needed, self.kept, self.detail))


class NotEnoughSpace(DiskWriteError):
    """Before a long job: the folder it writes to has too little free space (`detail` says
    for what, `needed` how much more)."""

    def _describe(self, error: int | None) -> str:
        more = max(1, -(-(self.needed or 0) // _MEGABYTE))
        text = NOT_ENOUGH(path=self.path, what=self.detail or THE_OUTPUT(), mb=more)
        return WITH_KEPT(text=text, kept=_trimmed(self.kept)) if self.kept.strip() else text


def _rebuild(cls, path, error, needed, kept, detail) -> DiskWriteError:  # noqa: PLR0913
    return cls(path, error, needed=needed, kept=kept, detail=detail)
