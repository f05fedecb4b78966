"""`backbone-studio-cli audit DIR [--model M] [--csv out.csv] [--exclude-list FILE]`.

The data audit (core.audit): likely mislabelled images, exact and near duplicates, label
conflicts, train/validation leakage and outliers, each with a score and a reason.
"""

from __future__ import annotations

import argparse
import csv
import io
from pathlib import Path

from ..words import plural
from .output import EXIT_INTERRUPTED, EXIT_OK, _err, _out, _tqdm, _write_text_atomic

SHOWN_PER_KIND = 10


def add_audit_parser(sub) -> None:
    p = sub.add_parser("audit", help="find likely mislabelled images, duplicates, leakage and "
                       "outliers in a class-per-folder dataset")  # fmt: skip
    p.add_argument("dir", metavar="DIR", help="the class-per-folder dataset (left untouched)")
    p.add_argument("--model", help="a .safetensors model whose backbone gives the features "
                   "(default: cached ImageNet weights)")  # fmt: skip
    p.add_argument("--csv", help="write every finding (kind, score, path, other, label, "
                   "suggested, reason) to this CSV file")  # fmt: skip
    p.add_argument("--exclude-list", help="a file of paths (one a line) left out, as in train")
    p.add_argument("--device", default="cpu")
    p.set_defaults(func=cmd_audit)


def cmd_audit(args: argparse.Namespace) -> int:
    from ..audit import AuditOptions, choose_source, run_audit
    from ..events import Cancelled, CancelToken
    from .train import cancel_on_interrupt

    exclude = frozenset()
    if args.exclude_list:
        from ..review import read_exclude_list

        exclude = frozenset(read_exclude_list(args.exclude_list))
    source = choose_source(args.model, args.device)
    bar = _tqdm(desc="audit", total=None, unit="img")

    def progress(done: int, total: int) -> None:
        bar.total = total
        bar.update(done - bar.n)

    token = CancelToken()
    try:
        with cancel_on_interrupt(token):
            result = run_audit(args.dir, source, options=AuditOptions(exclude=exclude),
                               progress=progress, cancel=token)  # fmt: skip
    except Cancelled:
        _err("interrupted: nothing was written")
        return EXIT_INTERRUPTED
    finally:
        bar.close()
    _report(result)
    if args.csv:
        buffer = io.StringIO()
        csv.writer(buffer, lineterminator="\n").writerows(result.csv_rows())
        _write_text_atomic(Path(args.csv), buffer.getvalue())
        _out(f"wrote {plural(len(result.findings), 'finding')} to {args.csv}")
    return EXIT_OK


def _report(result) -> None:
    from ..audit import KIND_TITLES, KINDS

    _out(result.summary())
    if result.estimated_label_errors:
        _out(f"confident learning estimates about {result.estimated_label_errors} wrong labels")
    for kind in KINDS:
        found = result.by_kind(kind)
        if found:
            _out(f"\n{KIND_TITLES[kind]} ({len(found)}):")
            for f in found[:SHOWN_PER_KIND]:
                _out(f"  {f.score:.2f}  {f.path}  {f.reason}")
    for path, why in result.problems[:20]:
        _err(f"not audited: {path}: {why}")
