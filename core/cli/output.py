"""Output helpers shared by the CLI's commands: plain tables, printing that survives odd file
names, progress bars only on a terminal, atomic text files, and the exit statuses."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path

from ..errors import BackboneStudioError
from ..fileio import write_text_atomic

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130


class Failed(Exception):
    """A job that ran but did not succeed (exit status 1); the message was already printed."""


# ------------------------------------------------------------------------------------ output


def _table(headers: Sequence[str], rows: Sequence[Sequence[object]], right: Sequence[int] = ()) -> str:
    """A plain aligned text table (columns in `right` are right-aligned)."""
    cells = [[str(h) for h in headers]] + [["" if c is None else str(c) for c in r] for r in rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]

    def line(row: list[str]) -> str:
        parts = [
            cell.rjust(widths[i]) if i in right else cell.ljust(widths[i]) for i, cell in enumerate(row)
        ]
        return "  ".join(parts).rstrip()

    rule = "  ".join("-" * w for w in widths)
    return "\n".join([line(cells[0]), rule, *(line(r) for r in cells[1:])])


def _print(text: str, stream) -> None:
    """Print, spelling out what the stream cannot encode (file names that are not valid UTF-8
    arrive as surrogate escapes) instead of dying with UnicodeEncodeError."""
    try:
        print(text, file=stream, flush=True)
    except UnicodeEncodeError:
        encoding = getattr(stream, "encoding", None) or "utf-8"
        print(text.encode(encoding, "backslashreplace").decode(encoding), file=stream, flush=True)


def _out(text: str = "") -> None:
    _print(text, sys.stdout)


def _err(text: str) -> None:
    _print(text, sys.stderr)


def _tqdm(**kwargs):
    from tqdm import tqdm

    # disable=None: a bar only on a terminal, so pipes and logs stay clean
    return tqdm(file=sys.stderr, disable=None, dynamic_ncols=True, leave=False, **kwargs)


def _percent(value: float | None) -> str:
    return "-" if value is None else f"{100 * value:.1f}%"


def _write_text_atomic(path: Path, text: str, kept: str | None = None) -> None:
    """Write a file the way the app writes everything (core.fileio: temp file in the folder,
    then rename); DiskWriteError saying `kept` when the disk refuses."""
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise BackboneStudioError(f"Cannot write {path}: the folder {folder} does not exist.")
    write_text_atomic(path, text, kept=kept)

