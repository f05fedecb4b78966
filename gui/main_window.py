"""The main window: a sidebar with the Classify, Train and Results pages, menus, a status bar.

Wiring between pages lives here and only here:
- Train page `trainingFinished(result)` -> Results page `show_result(result)`, switch to Results;
- Results page `useForClassificationRequested(path)` -> Classify page `load_model(path)`;
- Results page `modelSaved(path)` -> recent models; File ▸ Save model as… saves the latest
  training result through the Results page (or copies the loaded model file);
- Classify page `trainRequested()` -> switch to Train.
Closing the window while training asks first, then cancels and waits for every worker thread.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSize, Qt, QTimer, Slot
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMessageBox,
    QStackedWidget,
    QWidget,
)

from core.errors import BackboneStudioError

from .about import APP_NAME, about_html, device_text, imagenet_available
from .classify import ClassifyPage, describe_classifier, model_filter
from .help_dialog import HelpDialog, shortcut_rows
from .i18n import LanguageMenu, error_text
from .page_entries import PAGE_ENTRIES  # sidebar and View menu texts, icons, shortcuts
from .pages import ClassifyPageProtocol, Page, ResultsPageProtocol, TrainPageProtocol
from .recent_menu import RecentModelsMenu
from .results import ResultsPage
from .results.retrain import Retrainer
from .settings import Settings, log_file
from .style import app_icon, page_icon
from .train import TrainPage
from .widgets.resume_notice import ResumeNoticeWidget

__all__ = ["APP_NAME", "PAGE_CLASSIFY", "PAGE_RESULTS", "PAGE_TRAIN", "MainWindow"]

PAGE_CLASSIFY, PAGE_TRAIN, PAGE_RESULTS = range(3)


class MainWindow(QMainWindow):
    """The app window. `classify_page`, `train_page`, `results_page` are public for tests."""

    def __init__(self, settings: Settings | None = None, parent: QWidget | None = None,
                 reopen_last_model: bool = True):  # fmt: skip
        """`reopen_last_model`: load the most recent model file once the window is up."""
        super().__init__(parent)
        self.settings = settings or Settings()
        self.setWindowTitle(APP_NAME)
        self.setWindowIcon(app_icon())
        self.setMinimumSize(960, 600)
        self.last_result = None  # the latest training result (FitResult)
        self._save_target = None  # "result" or "file": what Save model as… writes

        self.classify_page: ClassifyPageProtocol = ClassifyPage(self.settings, self)
        self.train_page: TrainPageProtocol = TrainPage(self.settings, self)
        self.results_page: ResultsPageProtocol = ResultsPage(self)

        self.stack = QStackedWidget(self)
        self.sidebar = QListWidget(self)
        self.sidebar.setObjectName("sidebar")
        self.sidebar.setIconSize(QSize(28, 28))
        self.sidebar.setFixedWidth(156)
        self.sidebar.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        for (name, _menu, icon, shortcut), page in zip(PAGE_ENTRIES, self.pages(), strict=True):
            item = QListWidgetItem(page_icon(icon), self.tr(name))
            item.setToolTip(f"{self.tr(name)} ({shortcut})")
            item.setSizeHint(QSize(140, 48))
            self.sidebar.addItem(item)
            self.stack.addWidget(page)
        self.sidebar.currentRowChanged.connect(self.stack.setCurrentIndex)
        self.sidebar.currentRowChanged.connect(self._on_sidebar_current_row_changed)

        central = QWidget(self)
        layout = QHBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.sidebar)
        layout.addWidget(self.stack, 1)
        self.setCentralWidget(central)

        self.model_status = QLabel(describe_classifier(None), self)
        self.device_status = QLabel(device_text(), self)
        self.resume_notice = ResumeNoticeWidget(self)
        self.statusBar().addPermanentWidget(self.resume_notice)
        self.statusBar().addPermanentWidget(self.model_status)
        self.statusBar().addPermanentWidget(self.device_status)
        self.help_dialog: HelpDialog | None = None

        self._build_actions()
        self._build_menus()
        self._connect_pages()
        self._restore()
        if reopen_last_model:
            QTimer.singleShot(0, self, self.reopen_last_model)

    # ------------------------------------------------------------------------------ pages
    def pages(self) -> tuple[Page, ...]:
        """The pages, in the order of the PAGE_ numbers."""
        return (self.classify_page, self.train_page, self.results_page)

    def _connect_pages(self) -> None:
        cp = self.classify_page
        cp.classifierChanged.connect(self._on_classifier_changed)
        cp.statusMessage.connect(self._show_status)
        cp.trainRequested.connect(lambda: self.show_page(PAGE_TRAIN))
        self.train_page.trainingFinished.connect(self._on_training_finished)
        self.train_page.trainingStarted.connect(self._on_training_started)
        self.train_page.confirm_start = lambda: self.keep_or_discard_unsaved_model(
            self.tr("training a new one"),
            self.tr("The new training replaces it on the Results page."),
        )
        self.train_page.resumeOfferChanged.connect(self.resume_notice.set_offer)
        self.resume_notice.set_offer(self.train_page.resume_offer())
        self.resume_notice.resumeRequested.connect(self._on_resume_requested)
        self.results_page.useForClassificationRequested.connect(self._on_use_for_classification)
        self.results_page.modelSaved.connect(self._on_model_saved)
        self._retrainer = Retrainer(self.results_page, self.train_page, lambda: self.show_page(PAGE_TRAIN))
        self._retrainer.listen(self.classify_page.retrainRequested)  # Sort > Review > Retrain

    def show_page(self, index: int) -> None:
        self.sidebar.setCurrentRow(index)

    def current_page(self) -> int:
        return self.stack.currentIndex()

    # ------------------------------------------------------------------------------ actions
    def _action(self, text: str, slot, shortcut=None, tip: str = "") -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        if tip:
            action.setStatusTip(tip)
        action.triggered.connect(slot)
        self.addAction(action)  # shortcuts work whichever page has focus
        return action

    def _build_actions(self) -> None:
        cp = self.classify_page
        self.open_images_action = self._action(self.tr("&Open images…"), self._open_images,
            QKeySequence.StandardKey.Open, self.tr("Choose image files to classify"))  # fmt: skip
        self.open_folder_action = self._action(self.tr("Open &folder…"), self._open_folder, None,
                                               self.tr("Classify every image in a folder"))
        self.open_model_action = self._action(self.tr("Open &model…"), self.open_model_dialog,
                                              "Ctrl+Shift+O", self.tr("Load a trained model file"))
        self.imagenet_action = self._action(
            self.tr("Use &ImageNet classifier"), self._use_imagenet, None,
            self.tr("Classify into the 1,000 ImageNet categories with cached pretrained weights"),
        )  # fmt: skip
        self.save_model_action = self._action(
            self.tr("&Save model as…"), self.save_model_dialog, QKeySequence.StandardKey.Save,
            self.tr("Save the latest trained (or the loaded) model to a file"),
        )  # fmt: skip
        self.export_action = self._action(
            self.tr("&Export results as CSV…"), self._export_csv, "Ctrl+E",
            self.tr("Save the results table as CSV"),
        )
        self.quit_action = self._action(self.tr("&Quit"), self.close, "Ctrl+Q")
        self.quit_action.setMenuRole(QAction.MenuRole.QuitRole)
        self.paste_action = self._action(
            self.tr("&Paste"), self._paste, QKeySequence.StandardKey.Paste,
            self.tr("Classify an image or image files from the clipboard"),
        )  # fmt: skip
        self.page_actions = []
        for index, (_name, menu_text, _icon, shortcut) in enumerate(PAGE_ENTRIES):
            action = self._action(self.tr(menu_text), lambda _=False, i=index: self.show_page(i),
                                  shortcut)  # fmt: skip
            self.page_actions.append(action)
        self.help_action = self._action(
            self.tr("{app} &Help").format(app=APP_NAME), self.show_help,
            QKeySequence.StandardKey.HelpContents,
            self.tr("How each page is used, and the keyboard shortcuts"),
        )  # fmt: skip
        if self.help_action.shortcut().isEmpty():  # platforms without a standard help key
            self.help_action.setShortcut(QKeySequence("F1"))
        self.shortcuts_action = self._action(self.tr("&Keyboard shortcuts"),
                                             lambda: self.show_help(True))
        self.about_action = self._action(self.tr("&About {app}").format(app=APP_NAME),
                                         self.show_about)
        self.about_action.setMenuRole(QAction.MenuRole.AboutRole)
        self.about_qt_action = self._action(self.tr("About &Qt"), QApplication.aboutQt)
        self.about_qt_action.setMenuRole(QAction.MenuRole.AboutQtRole)
        self.log_action = self._action(self.tr("Show &log file"), self._show_log_location)
        self.save_model_action.setEnabled(False)
        self.export_action.setEnabled(False)
        cp.busyChanged.connect(self._update_actions)
        cp.predictionsFinished.connect(self._update_actions)

    def _build_menus(self) -> None:
        bar = self.menuBar()
        file_menu = bar.addMenu(self.tr("&File"))
        file_menu.addAction(self.open_images_action)
        file_menu.addAction(self.open_folder_action)
        file_menu.addSeparator()
        file_menu.addAction(self.open_model_action)
        self.recent_menu = RecentModelsMenu(self.settings, self.load_model, self)
        file_menu.addMenu(self.recent_menu)
        file_menu.addAction(self.imagenet_action)
        file_menu.addAction(self.save_model_action)
        file_menu.addSeparator()
        file_menu.addAction(self.export_action)
        file_menu.addSeparator()
        file_menu.addAction(self.quit_action)
        file_menu.aboutToShow.connect(self._update_actions)

        edit_menu = bar.addMenu(self.tr("&Edit"))
        edit_menu.addAction(self.paste_action)

        view_menu = bar.addMenu(self.tr("&View"))
        for action in self.page_actions:
            view_menu.addAction(action)
        view_menu.addAction(self.classify_page.runtime_action)  # ONNX Runtime once proven faster
        view_menu.addMenu(LanguageMenu(self.settings, self))  # gui.i18n: applied at restart

        help_menu = bar.addMenu(self.tr("&Help"))
        help_menu.addAction(self.help_action)
        help_menu.addAction(self.shortcuts_action)
        help_menu.addSeparator()
        help_menu.addAction(self.about_action)
        help_menu.addAction(self.log_action)
        help_menu.addAction(self.about_qt_action)

    def _fill_recent_menu(self) -> None:
        self.recent_menu.fill()

    @Slot()
    def _update_actions(self, *_args) -> None:
        cp = self.classify_page
        has_result = self.last_result is not None and getattr(self.last_result, "model", None)
        self.save_model_action.setEnabled(bool(has_result) or bool(cp.model_path))
        self.export_action.setEnabled(cp.result_count() > 0 and not cp.is_predicting())
        self.imagenet_action.setEnabled(bool(imagenet_available()))

    # ------------------------------------------------------------------------------ commands
    def _open_images(self) -> None:
        self.show_page(PAGE_CLASSIFY)
        self.classify_page.open_images_dialog()

    def _open_folder(self) -> None:
        self.show_page(PAGE_CLASSIFY)
        self.classify_page.open_folder_dialog()

    def _paste(self) -> None:
        self.show_page(PAGE_CLASSIFY)
        self.classify_page.paste()

    def _use_imagenet(self) -> None:
        self.show_page(PAGE_CLASSIFY)
        self.classify_page.use_imagenet()

    def _export_csv(self) -> None:
        self.show_page(PAGE_CLASSIFY)
        self.classify_page.export_csv_dialog()

    def open_model_dialog(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, self.tr("Open model"), self.settings.last_folder("models"), model_filter()
        )
        if path:
            self.load_model(path)

    def load_model(self, path: str) -> None:
        """Load a model file into the Classify page (in the background) and show that page."""
        self.show_page(PAGE_CLASSIFY)
        self.classify_page.load_model(path)

    def save_model_dialog(self) -> None:
        """Save the latest training result; or copy the loaded model file elsewhere."""
        target = self._save_target
        result = self.last_result
        if target != "file" and (result is None or getattr(result, "model", None) is None):
            target = "file"
        if target == "file" and not self.classify_page.model_path:
            QMessageBox.information(
                self,
                self.tr("Nothing to save"),
                self.tr("There is no trained model to save yet. Train one on the Train page, or "
                        "open a model file first."),
            )
            return
        if target == "file":
            suggested = Path(self.classify_page.model_path).name
        else:
            backbone = getattr(getattr(result, "metadata", None), "backbone", "model")
            suggested = f"{backbone}-classifier.safetensors"
        start = str(Path(self.settings.last_folder("models")) / suggested)
        path, _ = QFileDialog.getSaveFileName(self, self.tr("Save model as"), start, model_filter())
        if not path:
            return
        self.save_model(path, target)

    def save_model(self, path: str, target: str | None = None) -> Path | None:
        """Write the model to `path` (.safetensors added when missing); None on failure."""
        target = target or self._save_target or "file"
        dest = Path(path)
        if dest.suffix.lower() != ".safetensors":
            dest = dest.with_name(dest.name + ".safetensors")
        try:
            QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
            try:
                if target == "result":
                    saved = self.results_page.save_model(dest)  # shows its own error box
                    if saved is None:
                        return None
                    written = Path(saved)
                else:
                    from core.modelfile import copy_model

                    written = copy_model(Path(self.classify_page.model_path), dest)
            finally:
                QApplication.restoreOverrideCursor()
        except Exception as exc:  # noqa: BLE001 - shown to the person, who can pick another place
            text = error_text(exc) if isinstance(exc, BackboneStudioError) else (
                self.tr("Could not write {path}:\n{error}").format(path=dest, error=exc))  # fmt: skip
            QMessageBox.warning(self, self.tr("Could not save the model"), text)
            return None
        self.settings.set_last_folder("models", written)
        self.settings.add_recent_model(written)
        self._show_status(self.tr("Model saved to {path}").format(path=written))
        return written

    def show_help(self, shortcuts: bool = False) -> HelpDialog:
        """The help (how each page is used, the shortcuts); `shortcuts` scrolls to those."""
        if self.help_dialog is None:
            self.help_dialog = HelpDialog(shortcut_rows(self.actions()), self)
        self.help_dialog.show()
        self.help_dialog.raise_()
        if shortcuts:
            self.help_dialog.show_shortcuts()
        return self.help_dialog

    def reopen_last_model(self) -> bool:
        """Load the most recent model file (as the app does at start); False when there is none
        or a model is loaded already."""
        recent = self.settings.recent_models()
        if not recent or self.classify_page.model_path or self.classify_page.is_busy():
            return False
        self.classify_page.load_model(recent[0])
        return True

    def show_about(self) -> None:
        QMessageBox.about(self, self.tr("About {app}").format(app=APP_NAME), about_html(log_file()))

    def _show_log_location(self) -> None:
        QMessageBox.information(
            self,
            self.tr("Log file"),
            self.tr("Errors and warnings are written to:\n{path}\n\n"
                    "Attach this file when you report a problem.").format(path=log_file()),
        )

    # ------------------------------------------------------------------------------ slots
    @Slot(int)
    def _on_sidebar_current_row_changed(self, index: int) -> None:
        # The Classify page names its model itself, and the Train page has its own resume banner.
        self.model_status.setVisible(index != PAGE_CLASSIFY)
        self.resume_notice.set_wanted(index != PAGE_TRAIN)

    @Slot()
    def _on_resume_requested(self) -> None:
        self.show_page(PAGE_TRAIN)
        self.train_page.resume_interrupted_training()

    @Slot()
    def _on_training_started(self) -> None:
        # A resumed training continues the unsaved model shown on Results: it is not offered for
        # saving any more (a new training asked Save or Discard before it started).
        if self.results_page.has_unsaved_model():
            self._discard_result()

    def _discard_result(self) -> None:
        self.results_page.discard_result()
        self.last_result = None
        self._save_target = "file" if self.classify_page.model_path else None
        self._update_actions()

    @Slot(object)
    def _on_classifier_changed(self, classifier) -> None:
        self.model_status.setText(self.tr("Model: {m}").format(m=describe_classifier(classifier)))
        self.model_status.setToolTip(self.classify_page.model_path or "")
        self.device_status.setText(
            device_text(classifier.device if classifier is not None else None)
        )
        self._save_target = "file" if self.classify_page.model_path else self._save_target
        self._update_actions()

    @Slot(object)
    def _on_training_finished(self, result) -> None:
        self.last_result = result
        if getattr(result, "model", None) is not None:
            self._save_target = "result"
        self.results_page.show_result(result)
        self.show_page(PAGE_RESULTS)
        self._update_actions()

    @Slot(str)
    def _on_model_saved(self, path: str) -> None:
        self.settings.set_last_folder("models", path)
        self.settings.add_recent_model(path)
        self._forget_checkpoint()
        self._show_status(self.tr("Model saved to {path}").format(path=path))

    @Slot(str)
    def _on_use_for_classification(self, path: str) -> None:
        self.load_model(path)

    @Slot(str)
    def _show_status(self, message: str) -> None:
        self.statusBar().showMessage(message, 8000)

    # ------------------------------------------------------------------------------ lifetime
    def _restore(self) -> None:
        geometry = self.settings.window_geometry()
        if geometry is None or not self.restoreGeometry(geometry):
            screen = QApplication.primaryScreen()
            if screen is not None:
                available = screen.availableGeometry()
                width = min(1280, max(960, int(available.width() * 0.8)))
                height = min(860, max(600, int(available.height() * 0.85)))
                self.resize(width, height)
            else:
                self.resize(1280, 800)
        state = self.settings.window_state()
        if state is not None:
            self.restoreState(state)
        page = self.settings.current_page
        self.show_page(page if 0 <= page < self.stack.count() else PAGE_CLASSIFY)

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt override
        if self.train_page.is_training():
            answer = QMessageBox.question(
                self,
                self.tr("Training is running"),
                self.tr("A model is being trained. Stop training and quit?\n\n"
                        "Once an epoch has finished, the Train page offers to resume the training "
                        "the next time Backbone Studio opens."),
                QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
                QMessageBox.StandardButton.No,
            )
            if answer != QMessageBox.StandardButton.Yes:
                event.ignore()
                return
        elif not self.keep_or_discard_unsaved_model(self.tr("quitting"),
                                                    self.tr("Otherwise it is lost.")):
            event.ignore()
            return
        if not self.shutdown():
            self._show_status(self.tr("Still waiting for a background job to stop…"))
        self.settings.save_window(self.saveGeometry(), self.saveState())
        self.settings.current_page = self.current_page()
        self.settings.sync()
        event.accept()

    def keep_or_discard_unsaved_model(self, doing: str, consequence: str) -> bool:
        """When the latest trained model has not been saved, ask: Save (the usual file dialog),
        Discard or Cancel. True when it is fine to go on (saved, discarded, or nothing to lose)."""
        if not self.results_page.has_unsaved_model():
            return True
        answer = QMessageBox.question(
            self,
            self.tr("Save the trained model?"),
            self.tr("The model you trained has not been saved. Save it before {doing}?\n\n"
                    "{consequence}").format(doing=doing, consequence=consequence),
            QMessageBox.StandardButton.Save
            | QMessageBox.StandardButton.Discard
            | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Save,
        )
        if answer == QMessageBox.StandardButton.Save:
            self.show_page(PAGE_RESULTS)
            return self.results_page.save_model() is not None  # cancelled dialog: stay
        if answer != QMessageBox.StandardButton.Discard:
            return False
        self._forget_checkpoint()  # not offered for resuming either
        self._discard_result()  # Results no longer shows it, or offers to save it
        return True

    def _forget_checkpoint(self) -> None:
        """The latest training's model is saved or discarded: its checkpoint is not needed."""
        self.train_page.forget_checkpoint()

    def shutdown(self, timeout_ms: int = 10000) -> bool:
        """Cancel every background job and wait for its thread; True if all stopped."""
        stopped = True
        for page in (self.train_page, self.results_page, self.classify_page):
            stopped = page.cancel_and_wait(timeout_ms) and stopped
        return stopped
