"""`BackboneStudio --self-test`: prove, without a window, that this installation really works.

It makes the generated demo dataset in a temporary folder, trains a classifier with the real
Trainer, saves it as a model file, reloads that file with the real Classifier, classifies a fresh
held-out set of generated images and checks that

* training finished,
* accuracy on the held-out images reaches `min_accuracy` (chance is 1 / classes), and
* every prediction of the reloaded model equals the prediction of the in-memory model before
  saving (same label, same confidence to 1e-4), so the model file and preprocessing round-trip.

Everything runs through the same core code the app uses (demo data, scan, Trainer, model file,
Classifier). It needs no network and no pretrained weights: a ResNet-18 starts from random
weights, and its head learns on cached random convolutional features (the demo classes differ in
shape and colour, so even those separate them). That keeps the whole run to seconds on a laptop
CPU, frozen or not. It prints a readable summary (versions, device, timings, accuracy) and
`main()` exits 0 on success, 1 with the reason on any failure, 2 on a usage error.

    python -m core.selftest [--quick] [--device auto|cpu|cuda:0|mps] [--workdir DIR] ...
    BackboneStudio --self-test [same options]          (the frozen app, via gui.app.main)
"""

from __future__ import annotations

import argparse
import platform
import sys
import tempfile
import time
import traceback
from collections.abc import Callable, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path

from . import __version__
from .errors import BackboneStudioError, DiskWriteError
from .fileio import atomic_write, write_text_atomic
from .words import plural

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130
DEFAULT_MIN_ACCURACY = 0.75
# Formats the app must read wherever it runs (a bundle that lost a Pillow plugin fails here)
REQUIRED_FORMATS = ("JPEG", "PNG", "WEBP", "TIFF", "BMP", "GIF")
CONFIDENCE_TOLERANCE = 1e-4


@dataclass(frozen=True)
class SelfTestPlan:
    """How big the self-test is and the accuracy it requires. `quick` trades a little margin for
    speed (used by the tests)."""

    backbone: str = "resnet18"
    classes: int = 4
    per_class: int = 24  # training images per class (20 % of them validate during training)
    holdout_per_class: int = 8  # fresh images per class, never seen in training
    image_size: int = 96  # the standard stem at 96 px costs about half the small stem at 32 px
    epochs: int = 25  # of the head, on cached features: cheap next to the one feature pass
    learning_rate: float = 0.05  # random features are small; the head needs a large step
    batch_size: int = 32
    min_accuracy: float = DEFAULT_MIN_ACCURACY  # held-out accuracy required to pass

    @classmethod
    def for_mode(cls, quick: bool) -> SelfTestPlan:
        return cls(per_class=20, holdout_per_class=5, epochs=25) if quick else cls()


@dataclass
class SelfTestReport:
    """What the self-test did and found. `passed` is False with `reason` on any failure."""

    passed: bool = False
    reason: str = ""
    plan: SelfTestPlan = field(default_factory=SelfTestPlan)
    quick: bool = False
    frozen: bool = False
    versions: dict[str, str] = field(default_factory=dict)
    device: str = ""
    device_detail: str = ""
    timings: dict[str, float] = field(default_factory=dict)  # stage -> seconds, in run order
    train_message: str = ""
    val_accuracy: float | None = None  # best validation accuracy during training
    accuracy: float | None = None  # on the held-out images, after reloading the model file
    min_accuracy: float = DEFAULT_MIN_ACCURACY
    images_classified: int = 0
    reload_mismatches: int | None = None
    max_confidence_difference: float | None = None
    runtime: str = ""  # ONNX Runtime against PyTorch on the held-out images
    model_file: str = ""
    model_bytes: int = 0
    formats_read: list[str] = field(default_factory=list)
    colour_management: bool | None = None
    workdir: str = ""  # set when the files were kept

    @property
    def total_seconds(self) -> float:
        return self.timings.get("total", sum(self.timings.values()))

    def summary(self) -> str:
        """A few human-readable lines; the last one is `RESULT: PASSED` or `RESULT: FAILED ...`."""
        plan = self.plan
        lines = [f"Backbone Studio {__version__} self-test{' (quick)' if self.quick else ''}"]
        where = "packaged app" if self.frozen else "from source"
        lines.append(f"  running:   {where}, {', '.join(f'{k} {v}' for k, v in self.versions.items())}")
        if self.device:
            lines.append(f"  device:    {self.device} — {self.device_detail}")
        lines.append(
            f"  data:      {plan.classes} generated classes x {plan.per_class} training images, "
            f"{plan.classes} x {plan.holdout_per_class} held-out images"
        )
        lines.append(
            f"  model:     {plan.backbone} from random weights at {plan.image_size} px, head "
            f"trained {plan.epochs} epochs on cached features (lr {plan.learning_rate:g})"
        )
        if self.formats_read:
            colour = ", ICC colour profiles converted" if self.colour_management else ""
            lines.append(f"  images:    reads {' '.join(self.formats_read)}{colour}")
        if self.train_message:
            lines.append(f"  training:  {self.train_message}")
        if self.model_file:
            lines.append(f"  model file: {self.model_bytes / 2**20:.1f} MiB, reloaded with Classifier.load")
        if self.accuracy is not None:
            lines.append(
                f"  accuracy:  {self.accuracy:.1%} on {self.images_classified} held-out images "
                f"(required >= {self.min_accuracy:.0%}; chance {1 / plan.classes:.0%})"
            )
        if self.reload_mismatches is not None:
            same = self.images_classified - self.reload_mismatches
            lines.append(
                f"  reload:    {same}/{self.images_classified} predictions identical before and "
                f"after saving (max confidence difference {self.max_confidence_difference or 0:.1e})"
            )
        if self.runtime:
            lines.append(f"  runtime:   {self.runtime}")
        if self.timings:
            stages = ", ".join(f"{k} {v:.1f} s" for k, v in self.timings.items() if k != "total")
            lines.append(f"  timings:   {stages}; total {self.total_seconds:.1f} s")
        if self.workdir:
            lines.append(f"  files kept in {self.workdir}")
        lines.append("RESULT: PASSED" if self.passed else f"RESULT: FAILED — {self.reason}")
        return "\n".join(lines)


class SelfTestFailure(BackboneStudioError):
    """One of the self-test's checks did not hold; the message says which and why."""


def _versions() -> dict[str, str]:
    import numpy
    import PIL
    import safetensors
    import torch
    import torchvision

    versions = {
        "Python": platform.python_version(),
        "torch": torch.__version__,
        "torchvision": torchvision.__version__,
        "Pillow": PIL.__version__,
        "numpy": numpy.__version__,
        "safetensors": getattr(safetensors, "__version__", "?"),
    }
    return versions


@contextmanager
def _timed(report: SelfTestReport, stage: str):
    started = time.perf_counter()
    try:
        yield
    finally:
        report.timings[stage] = time.perf_counter() - started


def _say(progress: Callable[[str], None] | None, text: str) -> None:
    if progress is not None:
        progress(text)


def run_self_test(
    workdir: str | Path | None = None,
    device: str = "auto",
    quick: bool = False,
    *,
    progress: Callable[[str], None] | None = None,
    plan: SelfTestPlan | None = None,
    extra_versions: Mapping[str, str] | None = None,
) -> SelfTestReport:
    """Run the end-to-end check; never raises for a failed check (see `report.passed/reason`).

    `workdir`: where the demo data and model file go. None = a temporary folder that is deleted
    afterwards; a given folder gets a new `self-test-*` subfolder that is kept for inspection.
    `progress(text)` is called at the start of each stage. `plan` overrides the sizes chosen by
    `quick` (the tests use a tiny one) and holds the accuracy required to pass.
    """
    plan = plan or SelfTestPlan.for_mode(quick)
    min_accuracy = plan.min_accuracy
    if not 0.0 < min_accuracy <= 1.0:
        raise BackboneStudioError(f"The required accuracy must be in (0, 1]; got {min_accuracy}.")
    report = SelfTestReport(
        plan=plan, quick=quick, frozen=bool(getattr(sys, "frozen", False)), min_accuracy=min_accuracy
    )
    started = time.perf_counter()
    try:
        with _timed(report, "imports"):
            _say(progress, "loading torch and torchvision")
            report.versions = {**_versions(), **(extra_versions or {})}
        if workdir is None:
            with tempfile.TemporaryDirectory(prefix="bbs-self-test-") as tmp:
                _run(report, Path(tmp), device, progress)
        else:
            root = Path(workdir)
            try:
                root.mkdir(parents=True, exist_ok=True)
                folder = Path(tempfile.mkdtemp(prefix="self-test-", dir=root))
            except OSError as exc:
                raise SelfTestFailure(
                    f"cannot create a folder in {root} ({exc.strerror or exc}); choose a writable "
                    "--workdir or leave it out to use a temporary folder"
                ) from None
            report.workdir = str(folder)
            _run(report, folder, device, progress)
        report.passed = True
    except BackboneStudioError as exc:
        report.reason = str(exc)
    except Exception as exc:  # an unexpected error is a failed self-test, with the details
        detail = traceback.format_exc(limit=-6).rstrip()
        report.reason = f"unexpected {type(exc).__name__}: {exc}\n{detail}"
    finally:
        report.timings["total"] = time.perf_counter() - started
    return report


def _run(report: SelfTestReport, folder: Path, device: str, progress) -> None:
    from .dataset import scan_folder
    from .demo import make_demo_dataset
    from .devices import device_info, resolve_device
    from .predict import Classifier
    from .training import TrainConfig, Trainer

    plan = report.plan
    target = resolve_device(device)
    info = device_info(target)
    report.device = str(target)
    report.device_detail = info.label

    with _timed(report, "image formats"):
        _say(progress, "reading every image format the app supports")
        _check_image_formats(report, folder / "formats")

    with _timed(report, "demo data"):
        _say(progress, "generating demo images")
        train_root = make_demo_dataset(
            folder / "train", classes=plan.classes, per_class=plan.per_class, seed=0
        )
        holdout_root = make_demo_dataset(
            folder / "held-out", classes=plan.classes, per_class=plan.holdout_per_class, seed=1
        )

    with _timed(report, "scan"):
        _say(progress, "scanning the training folder")
        scan = scan_folder(train_root)
        if scan.problems:
            first = scan.problems[0]
            raise SelfTestFailure(
                f"scanning the generated images found {plural(len(scan.problems), 'unreadable file')}, "
                f"e.g. {first.path}: {first.reason}"
            )
        expected = plan.classes * plan.per_class
        found = len(scan.index.samples) + len(scan.index.val_samples or [])
        if found != expected:
            raise SelfTestFailure(f"scanning found {found} training images instead of {expected}")

    with _timed(report, "training"):
        _say(progress, f"training {plan.backbone} on {report.device}")
        config = TrainConfig(
            backbone=plan.backbone,
            strategy="head",
            pretrained=False,
            epochs=plan.epochs,
            batch_size=plan.batch_size,
            learning_rate=plan.learning_rate,
            image_size=plan.image_size,
            device=str(target),
            seed=0,
        )
        result = Trainer(config, scan.index).fit()
    report.train_message = result.message
    if result.history:
        report.val_accuracy = max(e.val_accuracy for e in result.history)
    if result.outcome != "finished":
        raise SelfTestFailure(f"training did not finish ({result.outcome}): {result.message}")
    if result.model is None or result.metadata is None:
        raise SelfTestFailure("training finished but returned no model")

    with _timed(report, "save"):
        _say(progress, "saving the model file")
        path = result.save(folder / "self-test.safetensors")
        report.model_file = str(path)
        report.model_bytes = path.stat().st_size

    holdout = sorted(p for p in holdout_root.rglob("*") if p.is_file())
    with _timed(report, "classify before save"):
        _say(progress, "classifying the held-out images with the trained model")
        in_memory = Classifier.from_metadata(
            result.model, result.metadata, device=target, name="in memory"
        )
        before = in_memory.predict(holdout, top_k=1)

    with _timed(report, "reload"):
        _say(progress, "reloading the model file")
        reloaded = Classifier.load(path, device=target)
    with _timed(report, "classify after reload"):
        _say(progress, "classifying the held-out images with the reloaded model")
        after = reloaded.predict(holdout, top_k=1)

    _check_predictions(report, holdout, before, after, list(reloaded.class_names))
    if target.type == "cpu":
        with _timed(report, "ONNX Runtime"):
            _say(progress, "checking ONNX Runtime against PyTorch")
            report.runtime = _check_runtime(reloaded, holdout)


def _check_runtime(classifier, holdout: list[Path]) -> str:
    """The export and ONNX Runtime work (frozen too): PyTorch's answers (core.export.fast)."""
    from .export import BY_NAME
    from .export.fast import build_and_prove

    missing = BY_NAME["onnx"].missing()
    if missing:
        return f"not checked ({missing})"
    _fast, proof, _note = build_and_prove(classifier, holdout)
    if isinstance(proof, str) or not proof.agrees:
        raise SelfTestFailure(f"ONNX Runtime: {proof if isinstance(proof, str) else proof.sentence()}")
    return (f"ONNX Runtime gives the same answer on {proof.agreed}/{proof.checked} images "
            f"({proof.speedup:.1f}x PyTorch's speed here)")  # fmt: skip


def _check_image_formats(report: SelfTestReport, folder: Path) -> None:
    """Write a small picture in each required format and read it back through the app's loader;
    check that colour profiles can be converted."""
    from PIL import Image

    from .errors import ImageLoadError
    from .images import colour_management_available, load_image

    folder.mkdir(parents=True, exist_ok=True)
    colour = (200, 40, 90)
    for fmt in REQUIRED_FORMATS:
        path = folder / f"sample.{fmt.lower()}"
        try:
            with atomic_write(path, durable=False) as handle:  # a refusing disk: DiskWriteError
                Image.new("RGB", (24, 16), colour).save(handle, format=fmt)
        except DiskWriteError:
            raise
        except (KeyError, OSError, ValueError) as exc:
            raise SelfTestFailure(f"cannot write a {fmt} test image ({exc}): Pillow's {fmt} "
                                  "support is missing from this installation") from None  # fmt: skip
        try:
            pixel = load_image(path).getpixel((12, 8))
        except ImageLoadError as exc:
            raise SelfTestFailure(f"cannot read {fmt} images: {exc.reason}") from None
        if any(abs(a - b) > 12 for a, b in zip(pixel, colour, strict=True)):  # GIF quantises
            raise SelfTestFailure(f"a {fmt} image read back as {pixel}, expected about {colour}")
        report.formats_read.append(fmt)
    report.colour_management = colour_management_available()
    if not report.colour_management:
        raise SelfTestFailure("colour profiles cannot be converted: Pillow's ImageCms (littlecms) "
                              "is missing from this installation")  # fmt: skip


def _check_predictions(report, holdout: list[Path], before, after, class_names) -> None:
    """Fill in accuracy and reload agreement; raise SelfTestFailure naming what went wrong."""
    report.images_classified = len(after)
    if len(after) != len(holdout) or len(before) != len(holdout):
        raise SelfTestFailure(
            f"{len(holdout)} images were given but {len(before)} / {len(after)} predictions came "
            "back (before / after reloading)"
        )
    errors = [p for p in (*before, *after) if p.error is not None]
    if errors:
        raise SelfTestFailure(
            f"{plural(len(errors), 'image')} could not be classified, e.g. {errors[0].source}: "
            f"{errors[0].error}"
        )
    expected_names = sorted({p.parent.name for p in holdout})
    if sorted(class_names) != expected_names:
        raise SelfTestFailure(
            f"the reloaded model knows the classes {class_names}, expected {expected_names}"
        )

    mismatched = []
    worst = 0.0
    for b, a in zip(before, after, strict=True):
        worst = max(worst, abs(a.confidence - b.confidence))
        if a.label != b.label or abs(a.confidence - b.confidence) > CONFIDENCE_TOLERANCE:
            mismatched.append((b, a))
    report.reload_mismatches = len(mismatched)
    report.max_confidence_difference = worst
    correct = sum(Path(p.source).parent.name == p.label for p in after)
    report.accuracy = correct / len(after)

    failures = []
    if mismatched:
        b, a = mismatched[0]
        failures.append(
            f"the reloaded model file predicts differently from the model before saving on "
            f"{len(mismatched)} of {len(after)} images (e.g. {Path(b.source).name}: "
            f"{b.label} {b.confidence:.4f} before, {a.label} {a.confidence:.4f} after)"
        )
    if report.accuracy < report.min_accuracy:
        failures.append(
            f"accuracy {report.accuracy:.1%} on {len(after)} held-out images is below the required "
            f"{report.min_accuracy:.0%} (chance is {1 / len(class_names):.0%}): training or "
            "preprocessing is broken"
        )
    if failures:
        raise SelfTestFailure("; ".join(failures))


# ---------------------------------------------------------------------------------------- CLI


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="BackboneStudio --self-test",
        description=(
            "Check this installation end to end without a window: generate demo images, train, "
            "save, reload, classify. Exit status 0 = passed, 1 = failed (reason printed)."
        ),
    )
    parser.add_argument("--device", default="auto", help="auto, cpu, mps or cuda:N (default: auto)")
    parser.add_argument("--quick", action="store_true", help="a smaller run (fewer images/epochs)")
    parser.add_argument(
        "--workdir", help="keep the demo data and model file in a new subfolder of this folder"
    )
    parser.add_argument(
        "--min-accuracy",
        type=float,
        default=DEFAULT_MIN_ACCURACY,
        help=f"held-out accuracy required to pass (default: {DEFAULT_MIN_ACCURACY})",
    )
    parser.add_argument(
        "--report",
        metavar="FILE",
        help="also write the summary to FILE (useful where the app has no console, e.g. Windows)",
    )
    parser.add_argument("--quiet", action="store_true", help="print only the summary")
    return parser


def _print(text: str, stream=None) -> None:
    stream = stream if stream is not None else sys.stdout
    if stream is None:  # a windowed app on Windows/macOS has no console streams
        return
    try:
        print(text, file=stream, flush=True)
    except (OSError, ValueError):  # closed pipe or stream: the exit status still tells
        pass


def main(argv: Sequence[str] | None = None, extra_versions: Mapping[str, str] | None = None) -> int:
    """Run the self-test from a command line; returns the exit status. `extra_versions` adds
    what the caller knows and core does not (the GUI passes its Qt version)."""
    args_list = list(sys.argv[1:] if argv is None else argv)
    args_list = [a for a in args_list if a not in ("--self-test", "self-test")]
    parser = build_parser()
    try:
        args = parser.parse_args(args_list)
    except SystemExit as exc:  # --help (0) or a usage error (2); argparse printed the message
        return exc.code if isinstance(exc.code, int) else EXIT_USAGE
    if not 0.0 < args.min_accuracy <= 1.0:
        _print(f"--min-accuracy must be in (0, 1]; got {args.min_accuracy}", sys.stderr)
        return EXIT_USAGE

    progress = None if args.quiet else (lambda text: _print(f"... {text}"))
    try:
        plan = replace(SelfTestPlan.for_mode(args.quick), min_accuracy=args.min_accuracy)
        report = run_self_test(
            args.workdir, device=args.device, quick=args.quick, progress=progress, plan=plan,
            extra_versions=extra_versions,
        )  # fmt: skip
    except KeyboardInterrupt:
        _print("self-test interrupted", sys.stderr)
        return EXIT_INTERRUPTED
    text = report.summary()
    _print(text)
    if not report.passed:
        _print(f"self-test FAILED: {report.reason.splitlines()[0]}", sys.stderr)
    if args.report:
        try:
            write_text_atomic(args.report, text + "\n", kept="The report is printed above.")
        except OSError as exc:  # DiskWriteError: names the file, says why
            _print(f"could not write the report: {exc}", sys.stderr)
            return EXIT_FAILED
    return EXIT_OK if report.passed else EXIT_FAILED


if __name__ == "__main__":
    sys.exit(main())
