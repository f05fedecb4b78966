"""Screenshots of every page in a realistic state, at several window sizes.

    python -m gui.screenshots --out DIR [--sizes 1280x800,1920x1080] [--epochs 15] [--language zh_CN]

What it does, with the real widgets and the real core (nothing is painted by hand):
1. the Classify page with no model (the empty state);
2. makes the demo dataset, scans it on the Train page and trains a small model there (live plots
   fill from the real training events); the window moves to the Results page when it ends;
3. saves the model from the Results page, loads it into the Classify page ("Use for
   classification"), and classifies demo images plus two unreadable files;
4. grabs each page at each size: DIR/<page>-<W>x<H>.png (a Classify row selected);
5. the dialogs a click leads to: a row shown large, the help, the demo dataset's folder;
6. a cancelled training: DIR/train-cancelled-*.png (Resume offered there) and
   DIR/results-cancelled-*.png (the offer in the status bar).

Settings, caches and the demo data live in a temporary folder: the user's settings are never
touched. Runs under a display (e.g. `xvfb-run`) or headless with QT_QPA_PLATFORM=offscreen (the
default on Linux when there is no display).
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

PAGES = ("classify", "train", "results")


def _parse_sizes(text: str) -> list[tuple[int, int]]:
    sizes = []
    for part in text.split(","):
        part = part.strip().lower()
        if not part:
            continue
        try:
            width, height = (int(v) for v in part.split("x"))
        except ValueError:
            raise SystemExit(f"--sizes: '{part}' is not WIDTHxHEIGHT (e.g. 1280x800)") from None
        if width < 320 or height < 240:
            raise SystemExit(f"--sizes: {part} is too small for a desktop window")
        sizes.append((width, height))
    if not sizes:
        raise SystemExit("--sizes: give at least one size, e.g. 1280x800")
    return sizes


def _say(message: str) -> None:
    print(f"screenshots: {message}", file=sys.stderr, flush=True)


def _wait(app, condition, timeout: float, what: str, status=None) -> None:
    """Run the event loop until `condition()` or fail with a message naming `what`.

    `status()`, when given, is printed every 10 s (e.g. the training progress)."""
    _say(f"waiting for {what}…")
    deadline = time.monotonic() + timeout
    next_report = time.monotonic() + 10
    while not condition():
        if status is not None and time.monotonic() > next_report:
            next_report += 10
            _say(f"  {status()}")
        if time.monotonic() > deadline:
            raise SystemExit(f"screenshots: timed out after {timeout:.0f} s waiting for {what}")
        app.processEvents()
        time.sleep(0.01)


def _settle(app, seconds: float = 0.3) -> None:
    """Let layouts, queued signals and lazy thumbnails finish."""
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        app.processEvents()
        time.sleep(0.01)


def _grab(app, window, page: int, name: str, size: tuple[int, int], out: Path) -> Path:
    window.show_page(page)
    window.resize(*size)
    _settle(app, 0.4)
    view = getattr(window.classify_page, "results_view", None)
    if page == 0 and view is not None and view.isVisible():
        # Thumbnails load lazily for the rows on screen: wait until they are there.
        thumbs = window.classify_page.results_model.thumbnails
        _wait(app, lambda: not thumbs._pending, 20, "thumbnails")
        _settle(app, 0.2)
    path = out / f"{name}-{size[0]}x{size[1]}.png"
    if not window.grab().save(str(path), "PNG"):
        raise SystemExit(f"screenshots: could not write {path}")
    print(path, flush=True)
    return path


def _make_unreadable_files(folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    truncated = folder / "holiday-photo.jpg"
    # A JPEG cut off after its header: what an interrupted copy leaves behind.
    from PIL import Image

    full = folder / "_full.jpg"
    Image.new("RGB", (64, 64), (200, 120, 40)).save(full, quality=90)
    data = full.read_bytes()
    truncated.write_bytes(data[: len(data) // 3])
    full.unlink()
    notes = folder / "notes.png"
    notes.write_text("shopping list: milk, eggs\n")
    return [truncated, notes]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m gui.screenshots", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("--out", required=True, type=Path, help="folder for the PNG files")
    parser.add_argument(
        "--sizes", default="1280x800,1920x1080", help="window sizes, e.g. 1280x800,1920x1080"
    )
    parser.add_argument("--epochs", type=int, default=15, help="training epochs (default 15)")
    parser.add_argument(
        "--backbone",
        default="mobilenet_v3_small",
        help="backbone to train (default mobilenet_v3_small: quick on a CPU)",
    )
    parser.add_argument(
        "--size", type=int, default=64, help="training image size in pixels (default 64)"
    )
    parser.add_argument("--timeout", type=float, default=600, help="seconds allowed for training")
    parser.add_argument("--language", default="en", help="the app's language: en (default), zh_CN")
    args = parser.parse_args(argv)
    sizes = _parse_sizes(args.sizes)
    out = args.out.expanduser().resolve()
    out.mkdir(parents=True, exist_ok=True)

    work = Path(tempfile.mkdtemp(prefix="bbs-screenshots-"))
    headless_linux = sys.platform.startswith("linux") and not (
        os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")
    )
    if headless_linux:
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # no X server: render offscreen
    # Private settings and caches: screenshots never change the user's app state.
    os.environ["BACKBONE_STUDIO_CONFIG"] = str(work / "config")
    os.environ["BACKBONE_STUDIO_CACHE"] = str(work / "cache")
    try:
        return _run(args, sizes, out, work)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _no_modal_dialogs() -> None:
    """A non-interactive run must never wait for a click: message boxes are printed instead."""
    from PySide6.QtWidgets import QMessageBox

    def report(kind):
        def show(*args, **kwargs):
            texts = [a for a in args if isinstance(a, str)]
            _say(f"{kind} dialog: " + " | ".join(texts))
            return QMessageBox.StandardButton.Ok

        return show

    for kind in ("critical", "warning", "information", "question", "about"):
        setattr(QMessageBox, kind, staticmethod(report(kind)))
    QMessageBox.exec = lambda box: report("message")(box.windowTitle(), box.text())


def _run(args, sizes, out: Path, work: Path) -> int:
    from .app import create_application

    _no_modal_dialogs()

    app = create_application([sys.argv[0]])
    from .i18n import install_translators

    install_translators(app, args.language)  # before any window: every text in that language
    from core.demo import make_demo_dataset

    from .main_window import PAGE_CLASSIFY, PAGE_RESULTS, PAGE_TRAIN, MainWindow
    from .settings import Settings

    window = MainWindow(Settings())
    window.show()
    _settle(app)

    # 1. Nothing loaded yet.
    for size in sizes:
        _grab(app, window, PAGE_CLASSIFY, "classify-empty", size, out)

    # 2. Demo data, scanned and trained on the Train page.
    demo = make_demo_dataset(work / "demo-shapes", classes=4, per_class=30, size=64, seed=0)
    train = window.train_page
    scanned = []
    train.scanFinished.connect(lambda result: scanned.append(result))
    window.show_page(PAGE_TRAIN)
    train.scan(demo)
    _wait(app, lambda: bool(scanned) and not train.is_scanning(), 120, "the dataset scan")
    train.set_backbone("auto")  # what a new user starts on: the plan says what it chose
    train.refresh_plan()
    _grab(app, window, PAGE_TRAIN, "train-automatic", sizes[0], out)
    train.set_backbone(args.backbone)
    train.settings_form.epochs_spin.setValue(args.epochs)
    train.settings_form.size_spin.setValue(args.size)
    finished = []
    window.train_page.trainingFinished.connect(lambda result: finished.append(result))
    if not train.start_training():
        raise SystemExit("screenshots: the Train page refused to start training")
    _wait(
        app,
        lambda: bool(finished) or not train.is_training(),
        args.timeout,
        "training",
        status=lambda: train.run_monitor.status_label.text(),
    )
    _wait(app, lambda: not train.is_training(), 30, "the training thread to end")
    if not finished:
        raise SystemExit("screenshots: training ended without a model (see the Train page log)")
    _settle(app, 0.5)

    # 3. Save it, use it for classification, classify demo images and two unreadable files.
    (work / "models").mkdir()
    model_path = window.results_page.save_model(work / "models" / "demo-shapes.safetensors")
    if model_path is None:
        raise SystemExit("screenshots: could not save the trained model")
    page = window.classify_page
    window.load_model(model_path)
    _wait(app, lambda: page.classifier is not None, 120, "the model to load")
    samples = sorted(p for p in demo.rglob("*") if p.is_file())[::5][:22]
    unreadable = _make_unreadable_files(work / "downloads")
    # One unreadable file near the top, so the error row shows in the screenshot.
    page.classify_paths(
        [str(p) for p in samples[:3]] + [str(unreadable[0])] + [str(p) for p in samples[3:12]]
    )
    page.classify_paths([str(p) for p in samples[12:]] + [str(unreadable[1])])
    _wait(app, lambda: not page.is_predicting() and not page.controller.waiting, 120, "predictions")

    # 4. Every page at every size.
    page.results_view.selectRow(0)
    for size in sizes:
        _grab(app, window, PAGE_CLASSIFY, "classify", size, out)
        _grab(app, window, PAGE_TRAIN, "train", size, out)
        _grab(app, window, PAGE_RESULTS, "results", size, out)

    _grab_dialogs(app, window, work, out)
    _cancelled_training(app, window, sizes, out)
    window.shutdown(10000)
    window.close()
    return 0


def _save(app, widget, path: Path) -> None:
    widget.show()
    _settle(app, 0.4)
    if not widget.grab().save(str(path), "PNG"):
        raise SystemExit(f"screenshots: could not write {path}")
    print(path, flush=True)


def _grab_dialogs(app, window, work: Path, out: Path) -> None:
    """5. A prediction row shown large, the help (F1), the demo dataset's dialog."""
    from .main_window import PAGE_CLASSIFY
    from .train.demo_dialog import DemoFolderDialog

    window.show_page(PAGE_CLASSIFY)
    page = window.classify_page
    preview = page.row_actions.open_preview(page.results_view.model().index(0, 1))
    _save(app, preview, out / "classify-preview.png")
    preview.close()
    help_dialog = window.show_help()
    _save(app, help_dialog, out / "help.png")
    help_dialog.close()
    (work / "photos").mkdir(exist_ok=True)
    (work / "photos" / "holiday.jpg").write_bytes(b"x")
    demo = DemoFolderDialog(str(work), window)
    demo.name_edit.setText("photos")  # not empty: the dialog says a new folder is made inside
    _save(app, demo, out / "demo-dialog.png")
    demo.close()


def _cancelled_training(app, window, sizes, out: Path) -> None:
    """6. A long training cancelled after its first epoch: Resume is offered right there."""
    from .main_window import PAGE_RESULTS, PAGE_TRAIN

    train = window.train_page
    window.show_page(PAGE_TRAIN)
    train.settings_form.epochs_spin.setValue(200)
    if not train.start_training():
        raise SystemExit("screenshots: the second training did not start")
    _wait(app, lambda: train.run_monitor.live_plot.epoch_count >= 1, 300, "a first epoch")
    train.cancel_training()
    _wait(app, lambda: not train.is_training(), 60, "the cancelled training to end")
    for size in sizes:
        _grab(app, window, PAGE_TRAIN, "train-cancelled", size, out)
        _grab(app, window, PAGE_RESULTS, "results-cancelled", size, out)


if __name__ == "__main__":
    raise SystemExit(main())
