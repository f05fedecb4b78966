"""The "Data audit…" dialog and the "Why?" heat-map dialog, driven through real widgets."""

from __future__ import annotations

import shutil

import numpy as np
import pytest

pytestmark = pytest.mark.gui


@pytest.fixture
def audit_folder(tmp_path):
    from core.demo import make_demo_dataset

    root = make_demo_dataset(tmp_path / "shapes", classes=3, per_class=8, size=32)
    first = sorted((root / "circle").glob("*.jpg"))[0]
    shutil.copyfile(first, root / "square" / "copy_of_circle.jpg")  # a label conflict
    return root


def test_audit_dialog_runs_and_excludes_an_image(qtbot, wait_for, audit_folder, tmp_path,
                                                 tiny_model_file, one_torch_thread):  # fmt: skip
    from core.review import Exclusions
    from gui.audit import DataAuditDialog

    dialog = DataAuditDialog(audit_folder, str(tiny_model_file), state_dir=tmp_path / "state")
    qtbot.addWidget(dialog)
    dialog.show()
    (result,) = wait_for(dialog.audited, dialog.start, timeout=60000)
    qtbot.waitUntil(lambda: not dialog.is_running(), timeout=10000)
    assert len(result.paths) == 25
    conflicts = result.by_kind("label_conflict")
    assert conflicts
    dialog.kind_combo.setCurrentIndex(dialog.kind_combo.findData("label_conflict"))
    assert dialog.table.rowCount() == len(conflicts)
    assert conflicts[0].reason in dialog.table.item(0, 3).text()
    assert len(dialog.map.items) == 3  # one scatter per class
    dialog.map.show_point(0)
    assert str(result.paths[0]) in dialog.map.info_label.text()
    dialog.table.selectRow(0)
    added = dialog.exclude_selected()
    assert added == [conflicts[0].path]
    exclusions = Exclusions.for_folder(audit_folder, state_dir=tmp_path / "state")
    assert conflicts[0].path in exclusions.paths()
    assert (audit_folder / "square" / "copy_of_circle.jpg").exists()  # the folder is untouched
    # the next audit leaves the excluded image out
    (again,) = wait_for(dialog.audited, dialog.start, timeout=60000)
    qtbot.waitUntil(lambda: not dialog.is_running(), timeout=10000)
    assert again.excluded == 1 and conflicts[0].path not in again.paths
    # a group chosen on the map: a small rectangle around one point
    dialog.tabs.setCurrentWidget(dialog.map)
    points = again.embedding
    lo, hi = points.min(axis=0), points.max(axis=0)
    # the lower-left quarter of the map (the random tiny model may put every image on one
    # point: then a small square around it), the rectangle's edges just outside the points
    width, height = np.maximum((hi - lo) / 2, 1e-3)
    group = dialog.map.select_rect(lo[0] - 1e-4, lo[1] - 1e-4, width + 1e-4, height + 1e-4)
    inside = (points[:, 0] <= lo[0] + width) & (points[:, 1] <= lo[1] + height)
    assert group == [p for p, keep in zip(again.paths, inside, strict=True) if keep]
    assert group  # this data has points in that quarter
    assert set(dialog.exclude_selected()) == set(group)
    assert again.paths[0] in Exclusions.for_folder(audit_folder, state_dir=tmp_path / "state")


def test_audit_dialog_without_a_model_says_what_is_needed(qtbot, audit_folder):
    from gui.audit import DataAuditDialog

    dialog = DataAuditDialog(audit_folder, None)
    qtbot.addWidget(dialog)
    dialog.start()
    qtbot.waitUntil(lambda: "needs a backbone" in dialog.status_label.text(), timeout=20000)
    qtbot.waitUntil(lambda: not dialog.is_running(), timeout=10000)
    assert dialog.result is None


def test_why_dialog_shows_a_heat_map_and_switches_class(qtbot, tmp_path, tiny_classifier,
                                                        one_torch_thread):  # fmt: skip
    from core.demo import make_demo_image
    from gui.widgets.heatmap_dialog import show_heatmap

    path = tmp_path / "circle.png"
    make_demo_image(0, 48).save(path)
    dialog = show_heatmap(None, tiny_classifier, path)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.heat is not None, timeout=20000)
    assert dialog.image_label.pixmap() is not None and not dialog.image_label.pixmap().isNull()
    predicted = dialog.heat.class_index
    other = (predicted + 1) % len(tiny_classifier.class_names)
    dialog.class_combo.setCurrentIndex(dialog.class_combo.findData(other))
    qtbot.waitUntil(lambda: dialog.heat.class_index == other, timeout=20000)
    assert dialog.heat.class_name in dialog.status_label.text()
    dialog.opacity_slider.setValue(90)  # redrawn at once, no recomputation
    qtbot.waitUntil(lambda: not dialog.is_busy(), timeout=10000)
    assert dialog.heat.class_index == other


def test_why_from_the_classify_page(qtbot, classify_page, tmp_path, wait_for, one_torch_thread):
    from core.demo import make_demo_image

    path = tmp_path / "square.png"
    make_demo_image(1, 48).save(path)
    wait_for(classify_page.predictionsFinished, lambda: classify_page.classify_paths([str(path)]))
    menu = classify_page.row_actions.menu_for(classify_page.results_view.model().index(0, 0))
    actions = {a.text(): a for a in menu.actions() if a.text()}
    assert actions["Why? (heat map)"].isEnabled()
    actions["Why? (heat map)"].trigger()
    dialog = classify_page.row_actions.heatmap
    qtbot.waitUntil(lambda: dialog.heat is not None, timeout=20000)
    prediction = classify_page.results_model.prediction(0)
    assert dialog.heat.class_name == prediction.label  # the predicted class by default
    dialog.close()


def test_results_page_opens_the_audit_and_warns_of_leakage(qtbot):
    from types import SimpleNamespace

    from gui.audit import DataAuditDialog
    from gui.audit.launch import show_leakage
    from gui.results import ResultsPage

    page = ResultsPage()
    qtbot.addWidget(page)
    page.audit_button.click()
    dialogs = page.findChildren(DataAuditDialog)
    assert len(dialogs) == 1 and dialogs[0].isVisible()
    assert not dialogs[0].run_button.isEnabled()  # no folder known yet: the user chooses one
    page.accuracy_caption.setText("validation accuracy")
    audit = SimpleNamespace(leaked_validation_images=2,
                            leakage_warning=lambda: "2 validation images have a copy ...")  # fmt: skip
    show_leakage(page, audit)
    show_leakage(page, audit)  # said once, however often the audit runs
    text = page.accuracy_caption.text()
    assert text.count("2 validation images copied in training") == 1
    assert text.startswith("validation accuracy")
    assert "copy" in page.accuracy_caption.toolTip()
    clean = SimpleNamespace(leaked_validation_images=0, leakage_warning=lambda: "")
    show_leakage(page, clean)
    assert page.accuracy_caption.text() == "validation accuracy"


def test_the_audit_reuses_the_train_pages_decoded_images(qtbot, audit_folder, tmp_path,
                                                          tiny_model_file, one_torch_thread):  # fmt: skip
    from types import SimpleNamespace

    from PySide6.QtWidgets import QWidget

    from core.dataset import DecodedImageCache, scan_folder
    from gui.audit.launch import open_audit_for_result
    from gui.results import ResultsPage

    cache = DecodedImageCache(spill_dir=tmp_path / "spill")
    for sample in scan_folder(audit_folder).index.samples:  # what the Train page's scan decoded
        cache.get(sample.path)
    window = QWidget()  # stands in for the main window: its train_page.controller.cache
    window.train_page = SimpleNamespace(controller=SimpleNamespace(cache=cache))
    qtbot.addWidget(window)
    page = ResultsPage(window)
    hits = cache.hits
    dialog = open_audit_for_result(page, None, str(tiny_model_file), str(audit_folder))
    assert dialog.cache is cache
    qtbot.waitUntil(lambda: dialog.result is not None, timeout=60000)
    qtbot.waitUntil(lambda: not dialog.is_running(), timeout=10000)
    assert cache.hits - hits >= len(dialog.result.paths)  # every image came from the cache
    assert cache.misses == len(cache)  # nothing was decoded a second time
