"""The CLI's side of the error review: `evaluate --errors FILE` and `train --exclude-list FILE`."""

from __future__ import annotations

import csv
import dataclasses
import io
from pathlib import Path

from ..review.records import ERRORS_CSV_HEADER, errors_csv_rows
from ..words import plural
from .output import _err, _out, _write_text_atomic


def errors_csv(records) -> str:
    """CSV text: path, true, predicted, confidence, loss of every mistake, highest loss first."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(ERRORS_CSV_HEADER)
    writer.writerows(errors_csv_rows(records))
    return buffer.getvalue()


def write_errors(evaluation, path: str) -> None:
    """`evaluate --errors FILE`: the misclassified images of `evaluation` as a CSV."""
    rows = errors_csv_rows(evaluation.records)
    _write_text_atomic(Path(path), errors_csv(evaluation.records),
                       kept="The results above are complete; only the CSV is missing.")  # fmt: skip
    _out(f"\nwrote {plural(len(rows), 'misclassified image')} to {path}")


def apply_exclude_list(scan, path: str | None):
    """`train --exclude-list FILE`: the scan without the listed images (said on stderr)."""
    if not path:
        return scan
    from ..dataset import exclude_samples
    from ..review import read_exclude_list

    listed = read_exclude_list(path)
    index, left_out = exclude_samples(scan.index, listed)
    _err(f"note: {plural(len(left_out), 'image')} of {len(listed)} listed in {path} "
         "left out of training.")  # fmt: skip
    return dataclasses.replace(scan, index=index)
