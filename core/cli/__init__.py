"""`backbone-studio-cli`: everything the app does, without a window.

    backbone-studio-cli backbones | devices
    backbone-studio-cli scan DIR
    backbone-studio-cli train DIR --backbone resnet18 --out model.safetensors [--epochs N | --time-budget 5m] ...
    backbone-studio-cli lr-find DIR --backbone resnet18 [--steps N] [--csv OUT]
    backbone-studio-cli predict MODEL PATH... [--top-k K] [--csv OUT]     (MODEL may be imagenet:NAME)
    backbone-studio-cli evaluate MODEL DIR
    backbone-studio-cli export MODEL --format onnx,int8,openvino,pt2 --out DIR [--verify DIR]
    backbone-studio-cli sort SRC DEST --model M [--copy | --link | --move] [--threshold auto|0.9]
    backbone-studio-cli demo-data DIR
    backbone-studio-cli weights list | download NAME | import NAME FILE
    backbone-studio-cli self-test

Exit status: 0 success, 1 training failed (or nothing could be classified), 2 a usage or user
error (message on stderr, no traceback), 130 interrupted.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from contextlib import suppress

from .. import __version__
from ..errors import BackboneStudioError, TrainingError
from .audit import add_audit_parser
from .commands import (
    cmd_backbones,
    cmd_demo_data,
    cmd_devices,
    cmd_evaluate,
    cmd_predict,
    cmd_scan,
    cmd_weights,
)
from .distributed import add_launch_arguments
from .export import add_export_parser, add_runtime_argument
from .lr_find import cmd_lr_find
from .output import EXIT_FAILED, EXIT_INTERRUPTED, EXIT_OK, EXIT_USAGE, Failed, _err
from .sort import add_sort_parser
from .train import add_training_arguments, cmd_train

# ---------------------------------------------------------------------------------- parser


def _at_least_five(text: str) -> int:
    value = int(text)
    if value < 5:
        raise argparse.ArgumentTypeError("a sweep needs at least 5 steps")
    return value


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="backbone-studio-cli",
        description="Classify images and fine-tune CNN backbones on your own folders.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    p = sub.add_parser("backbones", help="list the backbones you can train")
    p.set_defaults(func=cmd_backbones)

    p = sub.add_parser("devices", help="list the devices training can run on")
    p.set_defaults(func=cmd_devices)

    p = sub.add_parser("scan", help="check a class-per-folder dataset")
    p.add_argument("dir", help="folder with one subfolder per class")
    p.set_defaults(func=cmd_scan)

    p = sub.add_parser("train", help="train a classifier on a class-per-folder dataset")
    add_training_arguments(p)
    p.add_argument("--epochs", type=int, help="default: automatic")
    p.add_argument("--time-budget", metavar="TIME",
                   help="train for at most this long, scan to saved model included, with the "
                        "learning rate laid out over the time: 90s, 5m, 1h, 1h30m, or auto (a "
                        "minute per thousand images, 1-15 minutes)")  # fmt: skip
    p.add_argument("--lr", type=float, help="peak learning rate (default: automatic)")
    p.add_argument("--out", required=True, help="model file to write (.safetensors)")
    p.add_argument("--resume", help="continue from this checkpoint")
    p.add_argument("--checkpoint", help="per-epoch checkpoint file (default: next to --out)")
    p.add_argument("--exclude-list", metavar="FILE",
                   help="leave out the images listed in FILE (one path per line, relative to DIR "
                        "or absolute)")  # fmt: skip
    p.add_argument("--events-json", action="store_true",
                   help="report one JSON line per training event on stdout (for programs)")
    add_launch_arguments(p)  # --nproc-per-node N, --gpus all, --nnodes ...: torch.distributed
    p.set_defaults(func=cmd_train)

    p = sub.add_parser("lr-find", help="sweep the learning rate and suggest one (fastai's lr_find)")
    add_training_arguments(p)
    p.add_argument("--steps", type=_at_least_five,
                   help="steps to sweep, at least 5 (default: one epoch, 20 to 100)")  # fmt: skip
    p.add_argument("--csv", help="also write the learning rates and losses to this CSV file")
    p.set_defaults(func=cmd_lr_find)

    p = sub.add_parser("predict", help="classify images")
    p.add_argument("model", help="a .safetensors model, or imagenet:NAME for cached ImageNet weights")
    p.add_argument("paths", nargs="+", metavar="PATH", help="image files or folders (recursive)")
    p.add_argument("--top-k", type=int, default=3)
    p.add_argument("--csv", help="also write one row per file to this CSV file")
    p.add_argument("--device", default="auto")
    p.add_argument("--batch-size", type=int)
    add_launch_arguments(p, training=False)  # --nproc-per-node N: a part of the CSV per process
    add_runtime_argument(p)  # --runtime auto|onnxruntime|torch (core/cli/export.py)
    p.set_defaults(func=cmd_predict)

    add_sort_parser(sub)  # sort SRC DEST --model M (core/cli/sort.py)
    add_audit_parser(sub)  # audit DIR [--model M] --csv out.csv (core/cli/audit.py)
    add_export_parser(sub)  # export MODEL --format ... --out DIR (core/cli/export.py)

    p = sub.add_parser("evaluate", help="accuracy, per-class metrics and confusion matrix on a folder")
    p.add_argument("model", help="a .safetensors model, or imagenet:NAME")
    p.add_argument("dir", help="folder with one subfolder per class")
    p.add_argument("--device", default="auto")
    p.add_argument("--batch-size", type=int)
    p.add_argument("--errors", metavar="CSV",
                   help="also write every misclassified image (path, true, predicted, confidence, "
                        "loss; highest loss first) to this CSV file")  # fmt: skip
    p.set_defaults(func=cmd_evaluate)

    p = sub.add_parser("demo-data", help="write a small generated dataset to try things with")
    p.add_argument("dir", help="a new or empty folder")
    p.add_argument("--classes", type=int, default=4)
    p.add_argument("--per-class", type=int, default=40)
    p.add_argument("--size", type=int, default=64)
    p.set_defaults(func=cmd_demo_data)

    p = sub.add_parser("weights", help="pretrained ImageNet weights: list, download, import")
    actions = p.add_subparsers(dest="action", metavar="ACTION", required=True)
    actions.add_parser("list", help="which weights are cached")
    a = actions.add_parser("download", help="download a backbone's ImageNet weights")
    a.add_argument("name")
    a = actions.add_parser("import", help="import a weights file (.pth or .safetensors)")
    a.add_argument("name")
    a.add_argument("file")
    p.set_defaults(func=cmd_weights)

    # listed for --help only: main() hands `self-test ...` to core.selftest before parsing
    sub.add_parser("self-test", help="check that this installation works end to end "
                   "(demo data, train, save, reload, classify; `self-test --help`)")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["self-test"]:  # its options (and --help) belong to core.selftest
        from ..selftest import main as self_test_main

        return self_test_main(argv[1:])
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
        args.argv = argv  # as typed: a distributed launch hands it on to each rank
    except SystemExit as exc:  # --help, --version, usage errors: argparse printed the message
        return exc.code if isinstance(exc.code, int) else EXIT_USAGE
    try:
        return int(args.func(args) or EXIT_OK)
    except Failed:
        return EXIT_FAILED
    except TrainingError as exc:
        _err(f"error: {exc}")
        return EXIT_FAILED
    except BackboneStudioError as exc:
        _err(f"error: {exc}")
        return EXIT_USAGE
    except KeyboardInterrupt:
        _err("interrupted")
        return EXIT_INTERRUPTED
    except BrokenPipeError:  # `... | head`: the reader went away; nothing more to say
        with suppress(OSError):
            sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - silence the exit-time flush
        return EXIT_OK


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
