"""The app's log file: rotated, written through core.fileio (so the fault seam reaches it), and
never a crash or a stream of tracebacks when the disk refuses.

When a record cannot be written (disk full, read-only, I/O error) one line says so on stderr,
the records that follow are dropped, and the file is tried again after `RETRY_SECONDS`; the
first record written after the pause says how many were lost.
"""

from __future__ import annotations

import contextlib
import logging
import logging.handlers
import sys
import time
from pathlib import Path

from .fileio import open_for_append

RETRY_SECONDS = 30.0


class SafeLogFileHandler(logging.handlers.RotatingFileHandler):
    """A RotatingFileHandler that survives a full or failing disk (see the module doc)."""

    def __init__(self, path: str | Path, max_bytes: int = 2 * 2**20, backups: int = 2,
                 clock=time.monotonic):  # fmt: skip
        super().__init__(path, maxBytes=max_bytes, backupCount=backups, encoding="utf-8",
                         delay=True)  # fmt: skip
        self._clock = clock
        self.failed_at: float | None = None
        self.dropped = 0
        self.last_error: str | None = None

    def _open(self):
        return open_for_append(self.baseFilename, self.encoding or "utf-8")

    def paused(self) -> bool:
        return self.failed_at is not None and self._clock() - self.failed_at < RETRY_SECONDS

    def emit(self, record: logging.LogRecord) -> None:
        if self.paused():
            self.dropped += 1
            return
        if self.dropped:
            lost, self.dropped = self.dropped, 0
            note = logging.makeLogRecord({"name": __name__, "levelno": logging.WARNING,
                                          "levelname": "WARNING",
                                          "msg": f"{lost} log records were lost: the disk "
                                                 f"refused them ({self.last_error})"})  # fmt: skip
            super().emit(note)
            if self.paused():  # still refused (handleError counted this record): lost too
                self.dropped += lost
                return
        super().emit(record)
        if self.failed_at is not None and not self.paused():  # written again
            self.failed_at = None

    def handleError(self, record: logging.LogRecord) -> None:  # noqa: N802 - logging's name
        error = sys.exc_info()[1]
        if not isinstance(error, OSError):
            super().handleError(record)
            return
        first = self.failed_at is None
        self.failed_at = self._clock()
        self.dropped += 1
        self.last_error = getattr(error, "strerror", None) or str(error)
        self._drop_stream()
        if first:
            with contextlib.suppress(Exception):
                sys.stderr.write(f"Backbone Studio: cannot write the log {self.baseFilename} "
                                 f"({self.last_error}); log records are dropped until it can "
                                 "be written again.\n")  # fmt: skip

    def _drop_stream(self) -> None:
        """Close the file without flushing what the disk refused (it would fail again)."""
        stream, self.stream = self.stream, None
        if stream is None:
            return
        with contextlib.suppress(Exception):
            stream.buffer.raw.close()
        with contextlib.suppress(Exception):
            stream.close()
