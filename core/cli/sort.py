"""`backbone-studio-cli sort SRC DEST --model M [--copy | --link | --move] [--threshold auto|0.9]`.

Sorts the photos under SRC into DEST/<class>/, DEST/_not_sure/ and DEST/_unreadable/ with a
manifest (core.sorting). Running it again resumes an interrupted sort.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from ..errors import BackboneStudioError
from .export import add_runtime_argument, choose_runtime
from .output import EXIT_FAILED, EXIT_INTERRUPTED, EXIT_OK, _err, _out, _tqdm


def add_sort_parser(sub) -> None:
    p = sub.add_parser("sort", help="sort a folder of photos into class folders with a model")
    p.add_argument("src", metavar="SRC", help="folder of photos (recursive; left untouched "
                   "unless --move)")  # fmt: skip
    p.add_argument("dest", metavar="DEST", help="folder to sort into (made if missing)")
    p.add_argument("--model", required=True, help="a .safetensors model")
    how = p.add_mutually_exclusive_group()
    how.add_argument("--copy", dest="mode", action="store_const", const="copy",
                     help="copy the photos (default)")  # fmt: skip
    how.add_argument("--link", dest="mode", action="store_const", const="link",
                     help="hard-link where the file system allows, else copy")  # fmt: skip
    how.add_argument("--move", dest="mode", action="store_const", const="move",
                     help="move the photos out of SRC")  # fmt: skip
    p.add_argument("--threshold", default="auto", type=_threshold,
                   help="'auto' (the model's review threshold), a confidence from 0 to 1 "
                        "below which a photo goes to _not_sure, or a target accuracy such as "
                        "'98%%' (the threshold read from the model's validation curve)")  # fmt: skip
    p.add_argument("--device", default="auto")
    p.add_argument("--batch-size", type=int)
    add_runtime_argument(p)  # --runtime auto|onnxruntime|torch
    p.set_defaults(func=cmd_sort, mode="copy")


def _threshold(text: str):
    if text.strip().lower() == "auto":
        return "auto"
    if text.strip().endswith("%"):
        try:
            target = float(text.strip()[:-1])
        except ValueError:
            raise argparse.ArgumentTypeError("a target accuracy looks like 98%") from None
        if not 0.0 < target <= 100.0:
            raise argparse.ArgumentTypeError("a target accuracy is from 0% to 100%")
        return f"{target:g}%"
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError("use 'auto' or a number from 0 to 1") from None
    if not 0.0 <= value <= 1.0:
        raise argparse.ArgumentTypeError("the threshold must be from 0 to 1")
    return value


def cmd_sort(args: argparse.Namespace) -> int:
    from ..events import CancelToken
    from ..predict import Classifier
    from ..sorting import SortOptions, sort_folder
    from .train import cancel_on_interrupt

    classifier = Classifier.load(args.model, device=args.device)
    if args.threshold == "auto" and classifier.review.threshold is None:
        _err("note: this model has no review threshold (trained before calibration); nothing "
             "goes to _not_sure unless you give --threshold.")  # fmt: skip
    if Path(args.src).is_dir():  # else sort_folder says what is wrong with it
        from ..predict import expand_paths

        classifier = choose_runtime(classifier, args, expand_paths([args.src]))
    bar = _tqdm(desc="sorting", total=None, unit="img")
    token = CancelToken()

    def progress(done: int, total: int) -> None:
        bar.total = total
        bar.update(done - bar.n)

    options = SortOptions(mode=args.mode, threshold=args.threshold, batch_size=args.batch_size)
    try:
        with cancel_on_interrupt(token):
            summary = sort_folder(classifier, args.src, args.dest, options, progress=progress,
                                  cancel=token)  # fmt: skip
    finally:
        bar.close()
    _out(summary.describe())
    for path, why in summary.problems[:20]:
        _err(f"not sorted: {path}: {why}")
    if summary.cancelled:
        _err("interrupted: run the same command again to finish the sort")
        return EXIT_INTERRUPTED
    if summary.total == 0:
        raise BackboneStudioError(f"No images found in {args.src}.")
    return EXIT_FAILED if summary.problems else EXIT_OK
