"""Help ▸ Backbone Studio Help (F1): how each page is used, and every keyboard shortcut."""

from __future__ import annotations

import html
import re
from collections.abc import Iterable

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QTextBrowser, QVBoxLayout, QWidget

HOW_TO = (
    (QT_TRANSLATE_NOOP("HelpDialog", "Classify"), (
        QT_TRANSLATE_NOOP("HelpDialog", "Load a model: <b>File ▸ Open model…</b>, a recent one, one you just trained, or the "
        "ImageNet classifier when its weights are on this computer."),
        QT_TRANSLATE_NOOP("HelpDialog", "Drop images or folders anywhere on the page, or use <b>Open images…</b>, <b>Open "
        "folder…</b> or <b>Paste</b>. Folders are searched recursively; files already in the "
        "list are not added twice."),
        QT_TRANSLATE_NOOP("HelpDialog", "Double-click a row to see the image large with its top 3; right-click it to open the "
        "file, show it in its folder or copy its path."),
        QT_TRANSLATE_NOOP("HelpDialog", "<b>Export CSV…</b> saves the list, one row per image."),
        QT_TRANSLATE_NOOP("HelpDialog", "After 16 images of a model file the page checks ONNX Runtime "
        "against PyTorch in the background; when it gives the same answers and is faster on this "
        "computer, the page uses it (the model line then ends in “ONNX Runtime”). "
        "<b>View ▸ Use ONNX Runtime When Proven Faster</b> turns this off."),
    )),
    (QT_TRANSLATE_NOOP("HelpDialog", "Train"), (
        QT_TRANSLATE_NOOP("HelpDialog", "Choose or drop a folder with one subfolder of images per class, or click <b>Create demo "
        "dataset…</b> to try it out. The folder is scanned: images per class, files that cannot "
        "be used and why, and warnings."),
        QT_TRANSLATE_NOOP("HelpDialog", "Pick a backbone (with pretrained ImageNet weights if they are here) and press "
        "<b>Start training</b>. Every setting has an automatic value, shown as “Auto (n)”."),
        QT_TRANSLATE_NOOP("HelpDialog", "<b>Cancel</b> keeps the best model so far and offers <b>Resume training</b>; an "
        "unfinished training is also offered after the app was closed."),
    )),
    (QT_TRANSLATE_NOOP("HelpDialog", "Results"), (
        QT_TRANSLATE_NOOP("HelpDialog", "Accuracy, per-class precision, recall and F1, the confusion matrix and the curves of "
        "the latest training."),
        QT_TRANSLATE_NOOP("HelpDialog", "<b>Save model…</b> writes one .safetensors file; <b>Use for classification</b> loads "
        "it on the Classify page. <b>Evaluate a model on a folder…</b> scores a saved model."),
        QT_TRANSLATE_NOOP("HelpDialog", "The <b>Confidence</b> tab shows how well the model's confidence matches how often it "
        "is right, and the threshold below which a prediction counts as “Not sure”."),
    )),
    (QT_TRANSLATE_NOOP("HelpDialog", "Sorting a folder"), (
        QT_TRANSLATE_NOOP("HelpDialog", "On the Classify page, <b>Sort folder…</b> files a folder of photos into one folder "
        "per class: copied, linked or moved (moving asks first). A manifest in the destination "
        "records where each photo came from; sorting into the same folder again resumes."),
        QT_TRANSLATE_NOOP("HelpDialog", "Photos the model is not sure about go to <b>_not_sure/</b> instead of the wrong "
        "class: “Not sure” when the confidence is below the threshold (the model's own, or one "
        "you set), “None of these” when the photo looks like none of the classes."),
        QT_TRANSLATE_NOOP("HelpDialog", "<b>Review not sure…</b> shows those photos in a grid: 1-9 labels a photo, Enter "
        "takes the suggestion, X sets it aside, Ctrl+Z undoes. <b>Add to training set</b> copies "
        "the labelled photos into the training folder, ready to retrain."),
    )),
    (QT_TRANSLATE_NOOP("HelpDialog", "Mistakes, exclusions and retraining"), (
        QT_TRANSLATE_NOOP("HelpDialog", "On the Results page, click a cell of the confusion matrix to see its images, or "
        "<b>All mistakes…</b> for every misclassified image, highest loss first."),
        QT_TRANSLATE_NOOP("HelpDialog", "In a gallery, 1-9 moves an image to that class's folder, Enter to the predicted "
        "class, X excludes it from training (your folder is not changed), Ctrl+Z undoes; moves "
        "and copies ask first."),
        QT_TRANSLATE_NOOP("HelpDialog", "<b>Retrain</b> rescans the folder, leaves out the excluded images and trains again "
        "with the same settings; <b>Before and after the retrain</b> then compares both runs."),
    )),
    (QT_TRANSLATE_NOOP("HelpDialog", "Data audit and heat maps"), (
        QT_TRANSLATE_NOOP("HelpDialog", "<b>Data audit…</b> (Results page) looks for likely mislabelled images, exact and "
        "near duplicates, label conflicts, copies shared by training and validation (leakage) "
        "and outliers, with the reason for each; chosen images can be excluded from training."),
        QT_TRANSLATE_NOOP("HelpDialog", "<b>Why? (heat map)</b> in the Classify page's right-click menu shows where in the "
        "image the model looked for its answer."),
    )),
    (QT_TRANSLATE_NOOP("HelpDialog", "Export"), (
        QT_TRANSLATE_NOOP("HelpDialog", "<b>Export…</b> (Results page) writes the model as ONNX, INT8 ONNX, OpenVINO, "
        "torch.export (pt2) or Core ML files into a new folder, with a stand-alone predict.py."),
        QT_TRANSLATE_NOOP("HelpDialog", "Each file is run in its own runtime on the images you choose and compared with "
        "PyTorch before the folder is written; the table shows the result for each format."),
    )),
)

# "&Open" and Chinese "打开(&O)": the accelerator marks, not words
_ACCELERATOR = re.compile(r"\(&\w\)|&")


BUTTON_SHORTCUTS = ((QT_TRANSLATE_NOOP("HelpDialog", "Start training (Train page)"), "Ctrl+Return"),)


def shortcut_rows(actions: Iterable[QAction]) -> list[tuple[str, str]]:
    """(what, keys) for every action with a shortcut, menu mnemonics and dots removed, and the
    buttons' own shortcuts."""
    rows = []
    for action in actions:
        keys = action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
        if keys:
            what = _ACCELERATOR.sub("", action.text()).rstrip("…").rstrip(".")
            rows.append((what, keys))
    for what, keys in BUTTON_SHORTCUTS:
        rows.append((_tr(what), QKeySequence(keys).toString(QKeySequence.SequenceFormat.NativeText)))
    return rows


def _tr(text: str) -> str:
    """The help's texts are marked with QT_TRANSLATE_NOOP above and translated when shown."""
    return QCoreApplication.translate("HelpDialog", text)


def help_html(shortcuts: list[tuple[str, str]]) -> str:
    parts = ["<h2>Backbone Studio</h2>"]
    for page, steps in HOW_TO:
        parts.append(f"<h3>{_tr(page)}</h3><ul>")
        parts += [f"<li>{_tr(step)}</li>" for step in steps]
        parts.append("</ul>")
    shortcuts_title = QCoreApplication.translate("HelpDialog", "Keyboard shortcuts")
    parts.append(f"<h3><a name='shortcuts'></a>{shortcuts_title}</h3><table cellpadding='3'>")
    for what, keys in shortcuts:
        parts.append(f"<tr><td><b>{html.escape(keys)}</b></td><td>{html.escape(what)}</td></tr>")
    parts.append("</table>")
    return "\n".join(parts)


class HelpDialog(QDialog):
    """Non-modal help: the how-to for each page, then the shortcuts (`show_shortcuts()` scrolls
    there)."""

    def __init__(self, shortcuts: list[tuple[str, str]], parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(self.tr("Backbone Studio Help"))
        self.resize(640, 620)
        self.browser = QTextBrowser()
        self.browser.setOpenExternalLinks(False)
        self.browser.setHtml(help_html(shortcuts))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.browser)
        layout.addWidget(buttons)

    def show_shortcuts(self) -> None:
        self.browser.scrollToAnchor("shortcuts")
