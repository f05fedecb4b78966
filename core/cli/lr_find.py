"""`backbone-studio-cli lr-find`: sweep the learning rate, print the curve and a suggestion."""

from __future__ import annotations

import argparse
import math
from pathlib import Path

from ..events import Cancelled, CancelToken
from .commands import _scan
from .output import EXIT_INTERRUPTED, EXIT_OK, _err, _out, _table, _tqdm, _write_text_atomic
from .train import cancel_on_interrupt, training_config

ROWS = 12  # lines of the printed curve


def cmd_lr_find(args: argparse.Namespace) -> int:
    from ..training import LrRange, find_learning_rate

    config = training_config(args)
    scan = _scan(args.dir)
    token = CancelToken()
    bar = _tqdm(desc="lr-find", unit="step")

    def progress(done: int, total: int) -> None:
        bar.total = total
        bar.update(done - bar.n)

    with cancel_on_interrupt(token):
        try:
            finding = find_learning_rate(
                config, scan.index, token, progress, LrRange(steps=args.steps)
            )
        except Cancelled:
            _err("learning-rate sweep cancelled; nothing was changed")
            return EXIT_INTERRUPTED
        finally:
            bar.close()
    rates, losses = finding.learning_rates, finding.losses
    picks = sorted({round(i * (len(rates) - 1) / (ROWS - 1)) for i in range(ROWS)})
    rows = [(f"{rates[i]:.2e}", f"{losses[i]:.4f}" if math.isfinite(losses[i]) else "diverged")
            for i in picks]  # fmt: skip
    _out(f"learning-rate sweep of the '{finding.stage}' stage ({len(rates)} steps):")
    _out(_table(["learning rate", "smoothed loss"], rows, right=(0, 1)))
    _out(finding.message)
    if finding.suggestion:
        _out(f"use it with: backbone-studio-cli train ... --lr {finding.suggestion:.2g}")
    if args.csv:
        lines = ["learning_rate,loss", *(f"{r:.6g},{v:.6g}" for r, v in zip(rates, losses, strict=True))]
        _write_text_atomic(Path(args.csv), "\n".join(lines) + "\n",
                           kept="The sweep is printed above.")  # fmt: skip
        _out(f"wrote {args.csv}")
    return EXIT_OK
