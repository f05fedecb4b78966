"""Entry point of the desktop app: `backbone-studio`, `python -m gui`.

    backbone-studio [--model FILE.safetensors] [IMAGE_OR_FOLDER ...]
    backbone-studio --self-test          # the packaged app's self-check (core.selftest)

`main()` sets up the QApplication (high-DPI pass-through scaling, Fusion style, icon, names used
by QSettings), logging to a file in the cache folder, and an exception hook that logs the
traceback and shows a dialog instead of letting the app die.
"""

from __future__ import annotations

import argparse
import logging
import multiprocessing
import signal
import sys
import threading
import traceback
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QObject, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from .settings import APPLICATION, ORGANIZATION, log_file

_log = logging.getLogger("gui")


# ------------------------------------------------------------------------------------ logging
def configure_logging(path: Path | None = None) -> Path:
    """Log warnings and errors (and our own info) to a rotating file; returns its path. The
    file is written through core.fileio and a disk that refuses it never stops the app
    (core.logfile.SafeLogFileHandler); a log folder that cannot be made means no log file."""
    from core.logfile import SafeLogFileHandler

    path = Path(path) if path is not None else log_file()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        print(f"Backbone Studio: no log file ({path.parent}: {exc.strerror or exc})",
              file=sys.stderr)  # fmt: skip
        return path
    root = logging.getLogger()
    for handler in root.handlers:
        if isinstance(handler, logging.FileHandler) and Path(handler.baseFilename) == path:
            return path
    handler = SafeLogFileHandler(path)
    handler.setFormatter(
        logging.Formatter("%(asctime)s %(levelname)s %(threadName)s %(name)s: %(message)s")
    )
    handler.setLevel(logging.INFO)
    root.addHandler(handler)
    if root.level > logging.INFO or root.level == logging.NOTSET:
        root.setLevel(logging.INFO)
    return path


# ------------------------------------------------------------------------------ exception hook
class _ErrorReporter(QObject):
    """Lives in the UI thread; `reported` may be emitted from any thread (queued)."""

    reported = Signal(str, str, str)  # title, text, details

    def __init__(self, parent_widget=None):
        super().__init__()
        self.parent_widget = parent_widget
        self.showing = False
        self.suppressed = 0
        self.reported.connect(self._on_reported, Qt.ConnectionType.QueuedConnection)

    @Slot(str, str, str)
    def _on_reported(self, title: str, text: str, details: str) -> None:
        show_error_dialog(title, text, details, self._parent())

    def _parent(self) -> QWidget | None:
        parent = self.parent_widget() if callable(self.parent_widget) else self.parent_widget
        if parent is None:
            app = QApplication.instance()
            parent = app.activeWindow() if isinstance(app, QApplication) else None
        return parent


_reporter: _ErrorReporter | None = None


def show_error_dialog(title: str, text: str, details: str = "", parent=None) -> None:
    """A modal error box with the traceback under "Show Details…"; never nests."""
    reporter = _reporter
    if reporter is not None and reporter.showing:
        reporter.suppressed += 1  # an error while the box is open (e.g. in a paint): log only
        return
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Critical)
    box.setWindowTitle(title)
    box.setText(text)
    if details:
        box.setDetailedText(details)
    box.setStandardButtons(QMessageBox.StandardButton.Ok)
    if reporter is not None:
        reporter.showing = True
    try:
        box.exec()
    finally:
        if reporter is not None:
            reporter.showing = False


def describe_exception(exc_type, exc, tb) -> tuple[str, str, str]:
    """(title, text, details) for an uncaught exception."""
    from core.errors import BackboneStudioError

    details = "".join(traceback.format_exception(exc_type, exc, tb))
    if isinstance(exc, BackboneStudioError):
        from .jobs import error_text

        return "Backbone Studio", error_text(exc), details  # user-actionable: the message says what to do
    text = QCoreApplication.translate(
        "App",
        "Something went wrong: {error}\n\nThe app keeps running, but the last action may not "
        "have completed. The details were written to {log}; please attach that file to a bug "
        "report.",
    ).format(error=f"{exc_type.__name__}: {exc}", log=log_file())
    return QCoreApplication.translate("App", "Unexpected error"), text, details


def excepthook(exc_type, exc, tb) -> None:
    """Log the error, then show it in a dialog (from the UI thread) instead of dying."""
    if issubclass(exc_type, KeyboardInterrupt):
        app = QApplication.instance()
        if app is not None:
            app.quit()
            return
        sys.__excepthook__(exc_type, exc, tb)
        return
    _log.error("Uncaught exception", exc_info=(exc_type, exc, tb))
    try:
        title, text, details = describe_exception(exc_type, exc, tb)
    except Exception:  # noqa: BLE001 - the hook itself must never raise
        title, text, details = "Unexpected error", f"{exc_type.__name__}: {exc}", ""  # i18n: ok
    app = QApplication.instance()
    if app is None:
        sys.__excepthook__(exc_type, exc, tb)
        return
    if threading.current_thread() is threading.main_thread():  # Qt's UI thread
        show_error_dialog(title, text, details, _reporter._parent() if _reporter else None)
    elif _reporter is not None:
        _reporter.reported.emit(title, text, details)  # queued into the UI thread


def _thread_excepthook(args: threading.ExceptHookArgs) -> None:
    if args.exc_type is SystemExit:
        return
    excepthook(args.exc_type, args.exc_value, args.exc_traceback)


def install_excepthook(parent_widget=None) -> None:
    """Route uncaught exceptions (UI thread, Python threads, Qt slots) to `excepthook`.

    `parent_widget`: the dialog's parent, or a callable returning it (e.g. the main window).
    Call after the QApplication exists.
    """
    global _reporter
    if _reporter is None:
        _reporter = _ErrorReporter(parent_widget)
    else:
        _reporter.parent_widget = parent_widget
    sys.excepthook = excepthook
    threading.excepthook = _thread_excepthook


# ------------------------------------------------------------------------------------ main
def _parse_args(argv: list[str]) -> tuple[argparse.Namespace, list[str]]:
    parser = argparse.ArgumentParser(
        prog="backbone-studio",
        description="Classify images and fine-tune CNN backbones on your own folders.",
    )
    parser.add_argument("--model", metavar="FILE", help="open this model file at start-up")
    parser.add_argument(
        "--self-test", action="store_true", help="check the installation and exit (no window)"
    )
    parser.add_argument("paths", nargs="*", help="images or folders to classify at start-up")
    return parser.parse_known_args(argv)  # unknown options are Qt's (-platform, -style, ...)


def platform_libraries_present(qt_args: list[str]) -> bool:
    """False (and what to install printed) when Qt's X11 platform would abort for want of system
    libraries: checked before the QApplication exists, since Qt aborts the process there."""
    from . import qt_platform

    missing = qt_platform.check(argv=qt_args)
    if missing is None:
        return True
    print(missing.message(), file=sys.stderr, flush=True)
    return False


def _run_self_test(rest: list[str]) -> int:
    from PySide6 import __version__ as qt_version

    from core import selftest

    return int(selftest.main(rest, extra_versions={"PySide6": qt_version}) or 0)


def create_application(argv: list[str] | None = None) -> QApplication:
    """The QApplication with names, icon and style (reuses an existing one, e.g. in tests)."""
    from .style import app_icon, apply_style

    app = QApplication.instance()
    if app is None:
        QGuiApplication.setHighDpiScaleFactorRoundingPolicy(
            Qt.HighDpiScaleFactorRoundingPolicy.PassThrough
        )
        app = QApplication(argv if argv is not None else sys.argv[:1])
    app.setOrganizationName(ORGANIZATION)
    app.setApplicationName(APPLICATION)
    app.setApplicationDisplayName(APPLICATION)
    app.setDesktopFileName("backbone-studio")
    from core import __version__

    app.setApplicationVersion(__version__)
    app.setWindowIcon(app_icon())
    apply_style(app)
    from .i18n import install_translators

    install_translators(app)
    return app


def _windows_taskbar_identity() -> None:
    """Give the process its own taskbar identity on Windows so our icon is shown, not Python's."""
    if sys.platform != "win32":
        return
    try:
        import ctypes

        ctypes.windll.shell32.SetCurrentProcessExplicitAppUserModelID("BackboneStudio.App")
    except (AttributeError, OSError):
        pass


def _splash(app: QApplication):
    """A splash screen while PyTorch loads (several seconds on a cold start)."""
    from PySide6.QtGui import QColor, QPainter, QPixmap
    from PySide6.QtWidgets import QSplashScreen

    from .style import COLORS, app_icon

    pixmap = QPixmap(420, 240)
    pixmap.fill(QColor(COLORS["window"]))
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.drawPixmap(40, 70, app_icon().pixmap(96, 96))
    font = painter.font()
    font.setPointSize(18)
    font.setBold(True)
    painter.setFont(font)
    painter.setPen(QColor(COLORS["text"]))
    painter.drawText(156, 110, APPLICATION)
    painter.end()
    splash = QSplashScreen(pixmap)
    splash.showMessage(
        QCoreApplication.translate("App", "Loading PyTorch…"),
        Qt.AlignmentFlag.AlignBottom | Qt.AlignmentFlag.AlignHCenter,
        QColor(COLORS["muted"]),
    )
    splash.show()
    app.processEvents()
    return splash


def main(argv: list[str] | None = None) -> int:
    """Start the app; returns the exit status. `argv` excludes the program name."""
    multiprocessing.freeze_support()  # frozen builds: child processes must not open windows
    argv = list(sys.argv[1:] if argv is None else argv)
    if "--self-test" in argv:  # before parsing: the self-test has options (and --help) of its own
        return _run_self_test([a for a in argv if a != "--self-test"])
    args, qt_args = _parse_args(argv)
    if not platform_libraries_present(qt_args):
        return 1

    log_path = configure_logging()
    _windows_taskbar_identity()
    app = create_application([sys.argv[0] if sys.argv else "backbone-studio", *qt_args])
    splash = _splash(app)

    from .about import versions_text
    from .main_window import MainWindow  # imports torch: seconds on a cold start

    window = MainWindow(reopen_last_model=not args.model)  # the last model, unless one is named
    install_excepthook(lambda: window)
    _log.info("starting; log file %s\n%s", log_path, versions_text())
    window.show()
    if splash is not None:
        splash.finish(window)
    # Ctrl+C in the terminal closes the window the normal way (asks while training). Qt's loop
    # runs in C++, so a timer lets Python look at its signal flags a few times a second.
    signal.signal(signal.SIGINT, lambda *_: window.close())
    ticker = QTimer(window)
    ticker.timeout.connect(lambda: None)
    ticker.start(250)
    if args.model:
        window.load_model(args.model)
    if args.paths:
        window.show_page(0)
        window.classify_page.classify_paths(args.paths)
    return app.exec()


if __name__ == "__main__":
    raise SystemExit(main())
