"""Errors a person can cause and act on. Their message is shown as-is, with no traceback."""

from __future__ import annotations

from pathlib import Path


class BackboneStudioError(Exception):
    """Base for user-actionable errors: the message says what happened and what to do."""


class ImageLoadError(BackboneStudioError):
    """An image file that cannot be read; names the file and the reason."""

    def __init__(self, path: str | Path, reason: str):
        self.path = Path(path)
        self.reason = reason
        super().__init__(f"{self.path}: {reason}")


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
        super().__init__(f"{self.path} {reason}.")


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
            full = "The disk is full" if error == codes.ENOSPC else "Your disk quota is used up"
            more = (f"needs about {max(1, -(-self.needed // _MEGABYTE)):,} MB more"
                    if self.needed else "needs more space than is free")  # fmt: skip
            text = f"{full}: writing {where} {more} (free some space or choose another folder)."
        elif error == codes.EROFS:
            text = f"Cannot write {where}: the disk is read-only (choose another folder)."
        elif error in (codes.EACCES, codes.EPERM):
            text = (f"Cannot write {where}: permission denied (choose a folder you can write "
                    "to).")  # fmt: skip
        elif error == codes.EIO:
            text = (f"Cannot write {where}: the device reported an input/output error (the disk "
                    "may be failing or was unplugged; check it, then try again or choose "
                    "another folder).")  # fmt: skip
        else:
            text = f"Cannot write {where}: {self.detail or 'the write failed'}."
        return f"{text} {self.kept}".strip()

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
        return (
            f"Not enough free space in {self.path} for {self.detail or 'the output'}: about "
            f"{more:,} MB more are needed (free some space or choose another folder). {self.kept}"
        ).strip()


def _rebuild(cls, path, error, needed, kept, detail) -> DiskWriteError:  # noqa: PLR0913
    return cls(path, error, needed=needed, kept=kept, detail=detail)
