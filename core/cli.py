"""`backbone-studio-cli`: everything the app does, without a window.

    backbone-studio-cli backbones | devices
    backbone-studio-cli scan DIR
    backbone-studio-cli train DIR --backbone resnet18 --out model.safetensors [--epochs N] ...
    backbone-studio-cli predict MODEL PATH... [--top-k K] [--csv OUT]     (MODEL may be imagenet:NAME)
    backbone-studio-cli evaluate MODEL DIR
    backbone-studio-cli demo-data DIR
    backbone-studio-cli weights list | download NAME | import NAME FILE
    backbone-studio-cli self-test

Exit status: 0 success, 1 training failed (or nothing could be classified), 2 a usage or user
error (message on stderr, no traceback), 130 interrupted.
"""

from __future__ import annotations

import argparse
import csv
import io
import logging
import os
import signal
import sys
import threading
from collections.abc import Sequence
from contextlib import contextmanager, suppress
from pathlib import Path

from . import __version__
from .errors import BackboneStudioError, TrainingError, WeightsUnavailable
from .events import CancelToken
from .fileio import atomic_replace

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130
IMAGENET_PREFIX = "imagenet"


class _Failed(Exception):
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


def _write_text_atomic(path: Path, text: str) -> None:
    """Write a file the way the app writes everything: temp file in the folder, then rename."""
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise BackboneStudioError(f"Cannot write {path}: the folder {folder} does not exist.")
    try:
        with atomic_replace(path) as tmp:
            tmp.write_text(text, encoding="utf-8", newline="")
    except OSError as exc:
        raise BackboneStudioError(f"Cannot write {path}: {exc.strerror or exc}.") from exc


# ---------------------------------------------------------------------------- simple commands


def cmd_backbones(args: argparse.Namespace) -> int:
    from . import backbones

    rows = []
    for spec in backbones.BACKBONES:
        if spec.weights is None:
            weights = "none"
        elif backbones.weights_cached(spec):
            weights = "cached"
        else:
            weights = "downloadable"
        rows.append(
            (
                spec.name,
                spec.family,
                f"{spec.params / 1e6:.1f}",
                f"{spec.gmacs:.2f}",
                f"{spec.default_size}/{spec.min_size}",
                "yes" if spec.supports_small_input else "no",
                weights,
            )
        )
    headers = ("name", "family", "params (M)", "GMACs", "size (default/min)", "small-image stem",
               "pretrained weights")  # fmt: skip
    _out(_table(headers, rows, right=(2, 3, 4)))
    return EXIT_OK


def cmd_devices(args: argparse.Namespace) -> int:
    from .devices import list_devices

    rows = []
    for i, info in enumerate(list_devices()):
        rows.append(
            (
                info.id,
                info.name,
                f"{info.memory_bytes / 2**30:.1f} GiB" if info.memory_bytes else "-",
                info.threads or "-",
                info.precision,
                "yes" if i == 0 else "",
            )
        )
    _out(_table(("device", "name", "memory", "threads", "training precision", "auto"), rows, right=(2, 3)))
    return EXIT_OK


def _scan(folder: str):
    from .dataset import scan_folder

    bar = _tqdm(desc="scanning", unit="file")

    def progress(done: int, total: int) -> None:
        if total and bar.total != total:
            bar.total = total
        bar.n = done
        bar.refresh()

    try:
        return scan_folder(Path(folder), progress=progress)
    finally:
        bar.close()


def cmd_scan(args: argparse.Namespace) -> int:
    result = _scan(args.dir)
    index = result.index
    counts = index.counts()
    val_counts: dict[str, int] = {}
    for sample in index.val_samples or ():
        name = index.class_names[sample.label]
        val_counts[name] = val_counts.get(name, 0) + 1
    if index.val_samples is not None:
        rows = [(n, counts.get(n, 0), val_counts.get(n, 0)) for n in index.class_names]
        rows.append(("total", sum(counts.values()), sum(val_counts.values())))
        table = _table(("class", "train images", "val images"), rows, right=(1, 2))
    else:
        rows = [(n, counts.get(n, 0)) for n in index.class_names]
        rows.append(("total", sum(counts.values())))
        table = _table(("class", "images"), rows, right=(1,))
    _out(f"{index.root}: {len(index.class_names)} classes")
    _out(table)
    if result.warnings:
        _out("\nwarnings:")
        for warning in result.warnings:
            _out(f"  - {warning}")
    if result.problems:
        _out(f"\n{len(result.problems)} file(s) cannot be used:")
        for problem in result.problems:
            _out(f"  {problem.path}: {problem.reason}")
    _out(f"\nignored: {result.ignored_file_count()} file(s) (hidden files, system junk)")
    return EXIT_OK


def cmd_demo_data(args: argparse.Namespace) -> int:
    from .backbones import recommended_backbone
    from .demo import make_demo_dataset

    root = make_demo_dataset(args.dir, classes=args.classes, per_class=args.per_class, size=args.size)
    _out(
        f"Wrote a demo dataset to {root}: {args.classes} classes x {args.per_class} images of "
        f"{args.size} px.\nTry: backbone-studio-cli train {root} --backbone {recommended_backbone()} "
        f"--out demo.safetensors"
    )
    return EXIT_OK


# ---------------------------------------------------------------------------------- weights


def cmd_weights(args: argparse.Namespace) -> int:
    from . import backbones

    if args.action == "list":
        rows = []
        for spec in backbones.BACKBONES:
            if spec.weights is None:
                continue
            cached = backbones.weights_cached(spec)
            rows.append((spec.name, "cached" if cached else "not cached", backbones.weights_file(spec)))
        _out(_table(("backbone", "ImageNet weights", "file"), rows))
        _out(f"\ncache folder: {backbones.weights_cache_dir()}")
        return EXIT_OK
    if args.action == "download":
        spec = backbones.get_spec(args.name)
        if backbones.weights_cached(spec):
            _out(f"The weights for {spec.display_name} are already cached: {backbones.weights_file(spec)}")
            return EXIT_OK
        bar = _tqdm(desc=spec.name, unit="B", unit_scale=True, unit_divisor=1024)

        def progress(done: int, total: int) -> None:
            if total and bar.total != total:
                bar.total = total
            bar.update(done - bar.n)

        try:
            path = backbones.download_weights(spec, progress=progress)
        finally:
            bar.close()
        _out(f"Downloaded the ImageNet weights for {spec.display_name} to {path}")
        return EXIT_OK
    # import
    spec = backbones.get_spec(args.name)
    path = backbones.import_weights(spec, Path(args.file))
    _out(f"Imported {args.file} as the ImageNet weights for {spec.display_name}: {path}")
    return EXIT_OK


# ---------------------------------------------------------------------------------- predict


def _load_classifier(model: str, device: str):
    """A model file, or `imagenet` / `imagenet:NAME` for the cached ImageNet weights."""
    from .predict import Classifier

    prefix, _, name = model.partition(":")
    if prefix.lower() == IMAGENET_PREFIX and not Path(model).exists():
        if not name:
            available = Classifier.imagenet_available()
            if not available:
                raise WeightsUnavailable(
                    "No ImageNet weights are cached. Download some first, e.g. "
                    "`backbone-studio-cli weights download resnet18`, or import a weights file."
                )
            name = "resnet18" if "resnet18" in available else available[0]
        return Classifier.imagenet(name, device=device)
    return Classifier.load(model, device=device)


def _top_k_text(prediction) -> str:
    return "; ".join(f"{label} {100 * p:.1f}%" for label, p in prediction.top_k)


def _predictions_csv(predictions) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["file", "label", "confidence", "top_k", "error"])
    for p in predictions:
        top = ";".join(f"{label}:{prob:.6f}" for label, prob in p.top_k)
        confidence = f"{p.confidence:.6f}" if p.error is None else ""
        writer.writerow([p.source, p.label or "", confidence, top, p.error or ""])
    return buffer.getvalue()


def _run_predictions(classifier, paths, top_k: int, batch_size: int | None, what: str):
    bar = _tqdm(desc=what, total=len(paths), unit="img")

    def progress(done: int, total: int) -> None:
        bar.update(done - bar.n)

    try:
        return classifier.predict(paths, top_k=top_k, batch_size=batch_size, progress=progress)
    finally:
        bar.close()


def cmd_predict(args: argparse.Namespace) -> int:
    from .predict import expand_paths

    if args.top_k < 1:
        raise BackboneStudioError(f"--top-k must be at least 1 (got {args.top_k}).")
    paths = expand_paths(args.paths)
    if not paths:
        raise BackboneStudioError(
            f"No images found in {', '.join(args.paths)}. Give image files or folders holding them."
        )
    classifier = _load_classifier(args.model, args.device)
    predictions = _run_predictions(classifier, paths, args.top_k, args.batch_size, "classifying")
    rows = []
    for p in predictions:
        if p.error is None:
            rows.append((p.source, p.label, _percent(p.confidence), _top_k_text(p)))
        else:
            rows.append((p.source, "-", "-", f"error: {p.error}"))
    _out(_table(("file", "label", "confidence", f"top-{args.top_k}"), rows, right=(2,)))
    if args.csv:
        _write_text_atomic(Path(args.csv), _predictions_csv(predictions))
        _out(f"\nwrote {len(predictions)} rows to {args.csv}")
    failed = sum(p.error is not None for p in predictions)
    if failed:
        _err(f"{failed} of {len(predictions)} file(s) could not be read (see the error column).")
    return EXIT_FAILED if failed == len(predictions) else EXIT_OK


# --------------------------------------------------------------------------------- evaluate


def cmd_evaluate(args: argparse.Namespace) -> int:
    from .evaluate import evaluate

    classifier = _load_classifier(args.model, args.device)
    result = _scan(args.dir)
    bar = _tqdm(desc="evaluating", total=None, unit="img")

    def progress(done: int, total: int) -> None:
        bar.total = total
        bar.update(done - bar.n)

    try:
        ev = evaluate(classifier, result, batch_size=args.batch_size, progress=progress)
    finally:
        bar.close()
    if ev.used_validation_split:
        _out(f"{ev.data_root} has a predefined split: evaluated on its validation part.")
    if ev.skipped_classes:
        _err(
            "warning: the model does not know these classes, their images are skipped: "
            + ", ".join(ev.skipped_classes)
        )
    names = ev.class_names
    matrix = ev.confusion
    # Show only the classes that occur (a 1000-class ImageNet matrix would be unreadable).
    shown = [
        i for i in range(len(names)) if sum(matrix[i]) or sum(row[i] for row in matrix)
    ]
    correct = sum(matrix[i][i] for i in range(len(names)))
    _out(f"model: {classifier.name} ({classifier.backbone}, {len(names)} classes)")
    _out(f"data:  {ev.data_root}: {ev.num_images} images")
    _out(f"\naccuracy: {_percent(ev.accuracy)} ({correct}/{ev.num_images})\n")
    rows = [
        (m.name, f"{m.precision:.3f}", f"{m.recall:.3f}", f"{m.f1:.3f}", m.support)
        for i, m in enumerate(ev.per_class)
        if i in shown
    ]
    _out(_table(("class", "precision", "recall", "F1", "support"), rows, right=(1, 2, 3, 4)))
    _out("\nconfusion matrix (rows: true class, columns: predicted):")
    labels = [names[i] for i in shown]
    matrix_rows = [(labels[r], *(matrix[i][j] for j in shown)) for r, i in enumerate(shown)]
    _out(_table(("true \\ predicted", *labels), matrix_rows, right=tuple(range(1, len(shown) + 1))))
    if ev.problems:
        _out(f"\n{len(ev.problems)} file(s) could not be used:")
        for path, reason in ev.problems:
            _out(f"  {path}: {reason}")
    return EXIT_OK


# ------------------------------------------------------------------------------------ train


class _TrainReporter:
    """Turns Trainer events into a tqdm bar per epoch and one line per epoch."""

    def __init__(self) -> None:
        self._bar = None
        self._bar_key: tuple | None = None

    def __call__(self, event) -> None:
        from tqdm import tqdm

        from . import events as ev

        if isinstance(event, ev.FitStarted):
            plan = event.plan
            stages = f" {' -> '.join(plan.stages)}" if len(plan.stages) > 1 else ""
            _out(
                f"training {plan.backbone} ({plan.strategy}{stages}, "
                f"{'pretrained' if plan.pretrained else 'from scratch'}"
                f"{', small-image stem' if plan.small_input else ''}) on {plan.device_name} "
                f"[{plan.precision}]"
            )
            _out(
                f"  {plan.num_train} train / {plan.num_val} val images, {len(plan.class_names)} "
                f"classes, {plan.image_size} px, batch {plan.batch_size}, "
                f"{plan.epochs} epoch{'s' if plan.epochs != 1 else ''}, "
                f"lr {plan.learning_rate:g}"
            )
        elif isinstance(event, ev.StageStarted):
            self._close()
            _out(f"stage {event.stage}: {event.message or f'{event.epochs} epochs'}")
        elif isinstance(event, ev.FeaturePassProgressed):
            key = ("features",)
            if self._bar_key != key:
                self._open(key, tqdm, desc="features", total=event.total, unit="img")
            self._bar.update(event.done - self._bar.n)
            if event.done >= event.total:
                self._close()
        elif isinstance(event, ev.BatchEnded):
            key = ("epoch", event.epoch)
            if self._bar_key != key:
                self._open(key, tqdm, desc=f"epoch {event.epoch}", total=event.batches, unit="batch")
            self._bar.update(event.batch - self._bar.n)
            self._bar.set_postfix(
                loss=f"{event.loss:.4f}", img_s=f"{event.images_per_second:.0f}", refresh=False
            )
        elif isinstance(event, ev.EpochEnded):
            self._close()
            _out(
                f"epoch {event.epoch:>3}/{event.epochs} [{event.stage}] "
                f"train loss {event.train_loss:.4f} acc {_percent(event.train_accuracy)} | "
                f"val loss {event.val_loss:.4f} acc {_percent(event.val_accuracy)} | "
                f"{event.seconds:.1f} s, {event.images_per_second:.0f} img/s"
                f"{'  * best' if event.is_best else ''}"
            )
        elif isinstance(event, ev.Logged):
            # Errors end the fit: cmd_train reports the outcome once (the details of an
            # unexpected failure go to the log, not to the terminal as a traceback).
            if event.level == "error":
                logging.getLogger("backbone_studio.train").error(event.message)
                return
            self._close()
            if event.level == "warning":
                _err(f"warning: {event.message}")
            else:
                _out(f"note: {event.message}")
        elif isinstance(event, ev.FitEnded):
            self._close()

    def _open(self, key, tqdm, **kwargs) -> None:
        self._close()
        self._bar = tqdm(file=sys.stderr, disable=None, dynamic_ncols=True, leave=False, **kwargs)
        self._bar_key = key

    def _close(self) -> None:
        if self._bar is not None:
            self._bar.close()
        self._bar, self._bar_key = None, None


@contextmanager
def _cancel_on_interrupt(token):
    """First Ctrl-C cancels the fit cleanly (at the next batch); a second one aborts."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.getsignal(signal.SIGINT)

    def handler(signum, frame):
        if token.cancelled:
            raise KeyboardInterrupt
        token.cancel()
        _err("\ncancelling after this batch (press Ctrl-C again to abort at once)...")

    signal.signal(signal.SIGINT, handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


def cmd_train(args: argparse.Namespace) -> int:
    from . import backbones
    from .modelfile import save_model
    from .training import TrainConfig, Trainer

    spec = backbones.get_spec(args.backbone)
    out = Path(args.out)
    if out.suffix.lower() != ".safetensors":
        raise BackboneStudioError(f"--out must be a .safetensors file name (got {out}).")
    if not (out.parent if str(out.parent) else Path(".")).is_dir():
        raise BackboneStudioError(f"The folder for --out ({out.parent}) does not exist.")
    if args.resume and not Path(args.resume).is_file():
        raise BackboneStudioError(f"The checkpoint {args.resume} does not exist.")

    pretrained = args.pretrained
    if pretrained is None:
        pretrained = spec.weights is not None and backbones.weights_cached(spec)
        if not pretrained:
            why = ("it has no pretrained weights" if spec.weights is None
                   else f"its ImageNet weights are not cached (get them with "
                        f"`backbone-studio-cli weights download {spec.name}`)")  # fmt: skip
            _out(f"note: training {spec.name} from scratch: {why}.")
    elif pretrained and not backbones.weights_cached(spec):
        if spec.weights is None:
            raise WeightsUnavailable(f"{spec.name} has no pretrained weights; use --no-pretrained.")
        raise WeightsUnavailable(
            f"The ImageNet weights for {spec.name} are not cached. Run "
            f"`backbone-studio-cli weights download {spec.name}` (or `weights import`), "
            "or train from scratch with --no-pretrained."
        )
    checkpoint = Path(args.checkpoint) if args.checkpoint else out.with_suffix(".ckpt")

    config = TrainConfig(
        backbone=spec.name,
        strategy=args.strategy,
        pretrained=pretrained,
        epochs=args.epochs,
        batch_size=args.batch_size,
        learning_rate=args.lr,
        image_size=args.image_size,
        seed=args.seed,
        device=args.device,
        checkpoint=str(checkpoint),
    )
    scan = _scan(args.dir)
    if scan.problems:
        _err(f"note: {len(scan.problems)} file(s) in {args.dir} cannot be read and are skipped "
             "(see `backbone-studio-cli scan`).")  # fmt: skip
    for warning in scan.warnings:
        _err(f"warning: {warning}")

    token = CancelToken()
    reporter = _TrainReporter()
    trainer = Trainer(config, scan.index, callbacks=[reporter])
    with _cancel_on_interrupt(token):
        try:
            result = trainer.fit(token, resume=args.resume)
        finally:
            reporter._close()

    if (
        result.outcome == "failed"
        and not result.history
        and isinstance(result.error, BackboneStudioError)
        and not isinstance(result.error, TrainingError)
    ):
        raise result.error  # refused before training began (bad resume file, settings): exit 2
    saved = None
    if result.model is not None and result.metadata is not None:
        saved = save_model(out, result.model, result.metadata)
    written = result.checkpoint or (checkpoint if checkpoint.exists() else None)
    if result.outcome == "finished" and saved is None:
        _err(f"training finished without a model to save: {result.message}")
        raise _Failed
    if result.outcome == "finished":
        summary = (f" (best validation accuracy {_percent(result.metadata.metrics.get('val_accuracy'))}"
                   f" at epoch {result.best_epoch})") if saved and result.best_epoch else ""  # fmt: skip
        _out(f"saved the model to {saved}{summary}")
        return EXIT_OK
    if result.outcome == "cancelled":
        _err(f"training cancelled: {result.message}")
        _err(f"the best model so far was saved to {saved}" if saved
             else "no epoch finished, so no model was saved")  # fmt: skip
        if written:
            _err(f"checkpoint: {written} (continue with --resume {written})")
        return EXIT_INTERRUPTED
    _err(f"training failed: {result.message}")
    if saved:
        _err(f"the best model before the failure was saved to {saved}")
    if written:
        _err(f"checkpoint: {written}")
    raise _Failed


# -------------------------------------------------------------------------------- self-test


# ---------------------------------------------------------------------------------- parser


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
    p.add_argument("dir", help="folder with one subfolder per class")
    p.add_argument("--backbone", required=True, help="see `backbones` (e.g. resnet18)")
    p.add_argument("--strategy", default="auto",
                   choices=("auto", "head", "partial", "full", "two_stage"),
                   help="what trains: auto = two_stage with pretrained weights, else full")  # fmt: skip
    p.add_argument("--epochs", type=int, help="default: automatic")
    p.add_argument("--batch-size", type=int, help="default: automatic")
    p.add_argument("--lr", type=float, help="peak learning rate (default: automatic)")
    p.add_argument("--image-size", type=int, help="default: from the data")
    p.add_argument("--device", default="auto", help="auto, cpu, mps or cuda:N (default: auto)")
    p.add_argument("--pretrained", action=argparse.BooleanOptionalAction, default=None,
                   help="start from ImageNet weights (default: if cached, else from scratch)")  # fmt: skip
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--out", required=True, help="model file to write (.safetensors)")
    p.add_argument("--resume", help="continue from this checkpoint")
    p.add_argument("--checkpoint", help="per-epoch checkpoint file (default: next to --out)")
    p.set_defaults(func=cmd_train)

    p = sub.add_parser("predict", help="classify images")
    p.add_argument("model", help="a .safetensors model, or imagenet:NAME for cached ImageNet weights")
    p.add_argument("paths", nargs="+", metavar="PATH", help="image files or folders (recursive)")
    p.add_argument("--top-k", type=int, default=3)
    p.add_argument("--csv", help="also write one row per file to this CSV file")
    p.add_argument("--device", default="auto")
    p.add_argument("--batch-size", type=int)
    p.set_defaults(func=cmd_predict)

    p = sub.add_parser("evaluate", help="accuracy, per-class metrics and confusion matrix on a folder")
    p.add_argument("model", help="a .safetensors model, or imagenet:NAME")
    p.add_argument("dir", help="folder with one subfolder per class")
    p.add_argument("--device", default="auto")
    p.add_argument("--batch-size", type=int)
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
        from .selftest import main as self_test_main

        return self_test_main(argv[1:])
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # --help, --version, usage errors: argparse printed the message
        return exc.code if isinstance(exc.code, int) else EXIT_USAGE
    try:
        return int(args.func(args) or EXIT_OK)
    except _Failed:
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
