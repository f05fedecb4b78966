"""The Results page's Export… dialog, driven through its widgets."""

from __future__ import annotations

import pytest

pytest.importorskip("PySide6")
pytestmark = pytest.mark.gui

from PySide6.QtCore import Qt  # noqa: E402

from core.export import formats as formats_module  # noqa: E402
from core.training.result import FitResult  # noqa: E402
from gui.results.export_dialog import ExportDialog, ExportSource  # noqa: E402


def _dialog(qtbot, tiny_model, verify, out) -> ExportDialog:
    model, metadata = tiny_model
    dialog = ExportDialog(ExportSource("tiny", model, metadata), str(verify))
    qtbot.addWidget(dialog)
    dialog.out_edit.setText(str(out))
    for name, box in dialog.checks.items():
        box.setChecked(name == "pt2")
    return dialog


def test_export_shows_progress_and_the_verification_table(qtbot, tiny_model, export_data,
                                                          tmp_path):  # fmt: skip
    dialog = _dialog(qtbot, tiny_model, export_data, tmp_path / "out")
    seen = []
    dialog.states["pt2"].setText = lambda text, real=dialog.states["pt2"].setText: (
        seen.append(text), real(text))
    qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.report is not None, timeout=90_000)
    qtbot.waitUntil(lambda: dialog.export_button.isEnabled(), timeout=10_000)
    assert seen[-1] == "✓ verified" and "exporting…" in seen
    assert dialog.table.rowCount() == 1
    assert dialog.table.item(0, 0).text().startswith("PyTorch torch.export")
    assert dialog.table.item(0, 3).text() == "100.0%"
    assert dialog.open_button.isEnabled() and "Exported to" in dialog.status_label.text()
    assert (tmp_path / "out" / "model.pt2").is_file()
    dialog.close()


def test_a_refusal_is_shown_not_raised(qtbot, tiny_model, export_data, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "keep.txt").write_text("mine")
    dialog = _dialog(qtbot, tiny_model, export_data, out)
    assert dialog.start() is True
    qtbot.waitUntil(lambda: "already exists" in dialog.status_label.text(), timeout=30_000)
    qtbot.waitUntil(lambda: dialog.export_button.isEnabled(), timeout=10_000)
    assert dialog.report is None and not dialog.open_button.isEnabled()
    assert (out / "keep.txt").read_text() == "mine"
    for box in dialog.checks.values():
        box.setChecked(False)
    assert dialog.start() is False and "at least one format" in dialog.status_label.text()
    dialog.close()


def test_a_missing_runtime_is_named_with_how_to_get_it(qtbot, tiny_model, export_data,
                                                       tmp_path, monkeypatch):  # fmt: skip
    real = formats_module.importlib.util.find_spec
    monkeypatch.setattr(formats_module.importlib.util, "find_spec",
                        lambda name: None if name == "openvino" else real(name))  # fmt: skip
    dialog = _dialog(qtbot, tiny_model, export_data, tmp_path / "out")
    assert not dialog.checks["openvino"].isEnabled()
    assert "pip install" in dialog.states["openvino"].text()
    assert dialog.checks["onnx"].isEnabled()
    dialog.close()


def test_the_results_page_offers_export_for_a_training(qtbot, tiny_model, export_data):
    from gui.results.page import ResultsPage

    page = ResultsPage()
    qtbot.addWidget(page)
    assert not page.export_button.isEnabled()
    model, metadata = tiny_model
    page.show_result(FitResult("finished", "done", model, metadata))
    assert page.export_button.isEnabled()
    dialog = page.exporter.open()
    assert dialog is not None and dialog.verify_edit.text() == str(export_data)
    assert dialog.source.model is model
    dialog.close()
