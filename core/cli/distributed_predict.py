"""`predict ... --nproc-per-node N --csv OUT`: every rank classifies its share of the images
(every N-th file of the input order) and writes its own part next to OUT; rank 0 merges the parts
into OUT in input order and removes them. Through torch's elastic launcher, like `train`."""

from __future__ import annotations

import argparse
import csv
import io
import os
import sys
from pathlib import Path

from ..errors import BackboneStudioError


def part_path(out: Path, rank: int, world: int) -> Path:
    return out.with_name(f"{out.name}.part{rank}-of-{world}")


def predict_distributed(args: argparse.Namespace, paths: list) -> int | None:
    """Launch or run one rank of a distributed prediction; None for an ordinary one."""
    from ..distributed.env import rank_info
    from .distributed import launch_from_cli, wants_launch

    info = rank_info()
    if info is None and not wants_launch(args):
        return None
    if not args.csv:
        raise BackboneStudioError(
            "predict --nproc-per-node needs --csv OUT: each process writes its part of the "
            "predictions and the first one merges them into OUT."
        )
    if info is None:
        return launch_from_cli(args)
    return _predict_rank(args, info, paths)


def _predict_rank(args: argparse.Namespace, info, paths: list) -> int:
    import torch.distributed as dist

    from ..distributed import env
    from .commands import _load_classifier, _predictions_csv, _run_predictions
    from .output import EXIT_FAILED, EXIT_OK, _out, _write_text_atomic

    env.die_with_parent()
    if not info.is_writer:
        sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - rank 0 alone prints
    device = env.rank_device(info, args.device)
    env.init_process_group(info, device)
    try:
        out = Path(args.csv)
        classifier = _load_classifier(args.model, device)
        mine = paths[info.rank :: info.world_size]
        predictions = (
            _run_predictions(classifier, mine, args.top_k, args.batch_size, "classifying")
            if mine else []
        )  # fmt: skip
        _write_text_atomic(part_path(out, info.rank, info.world_size), _predictions_csv(predictions),
                           kept="Nothing was merged.")  # fmt: skip
        dist.barrier()
        if not info.is_writer:
            return EXIT_OK
        rows, failed = merge_parts(out, info.world_size, len(paths))
        _out(f"wrote {rows} rows to {out} ({info.world_size} processes)")
        return EXIT_FAILED if rows and failed == rows else EXIT_OK
    finally:
        env.destroy_process_group()


def merge_parts(out: Path, world: int, count: int) -> tuple[int, int]:
    """Interleave the parts back into input order (file i is row i // world of part
    i % world), write OUT atomically, remove the parts; (rows, rows with an error)."""
    from .output import _write_text_atomic

    parts = [part_path(out, rank, world) for rank in range(world)]
    tables = [list(csv.reader(io.StringIO(p.read_text(encoding="utf-8"), newline=""))) for p in parts]
    header = tables[0][0]
    error_column = header.index("error")
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    failed = 0
    for i in range(count):
        row = tables[i % world][1 + i // world]
        failed += bool(row[error_column])
        writer.writerow(row)
    _write_text_atomic(out, buffer.getvalue(), kept="The parts are kept next to it.")
    for part in parts:
        part.unlink(missing_ok=True)
    return count, failed
