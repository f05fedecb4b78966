"""The Classify page's faster runtime (gui/classify/runtime.py): after 16 images of a model file
it checks ONNX Runtime in the background and switches to it when it agreed and was faster; the
next load of the same file starts on it from the cache; View ▸ turns it off."""

from __future__ import annotations

import pytest

from core.export import fast, proof


@pytest.fixture
def photos(tmp_path):
    from core.demo import make_demo_dataset

    return make_demo_dataset(tmp_path / "photos", classes=3, per_class=7, size=32)  # 21 images


@pytest.fixture
def page(qtbot, settings, monkeypatch):
    from gui.classify import ClassifyPage

    monkeypatch.setenv("BACKBONE_STUDIO_FAST_RUNTIME", "1")
    widget = ClassifyPage(settings)
    qtbot.addWidget(widget)
    widget.show()
    yield widget
    assert widget.cancel_and_wait(20000)


def _load(qtbot, page, path) -> None:
    page.load_model(path)
    qtbot.waitUntil(lambda: page.classifier is not None and not page.is_busy(), timeout=30000)


def _classify(qtbot, page, paths) -> None:
    page.classify_paths([str(p) for p in paths])
    qtbot.waitUntil(lambda: not page.is_busy(), timeout=30000)


def _labels(page) -> dict[str, str]:
    model = page.results_model
    return {p.source: p.label for p in model.predictions()}


def test_the_page_switches_to_a_proven_faster_runtime(qtbot, page, tiny_model_file, photos,
                                                      monkeypatch):  # fmt: skip
    monkeypatch.setattr(proof, "FASTER", 0.0)  # faster or not is measured per machine: pinned
    runtime = page.controller.runtime
    _load(qtbot, page, tiny_model_file)
    assert runtime.in_use() == "torch" and "ONNX Runtime" not in page.model_label.text()
    images = sorted(photos.rglob("*.jpg"))
    _classify(qtbot, page, images[:10])
    assert not runtime.busy()  # 10 images: not enough to check on
    _classify(qtbot, page, images[10:20])
    qtbot.waitUntil(lambda: runtime.in_use() == "onnxruntime", timeout=60000)
    assert page.model_label.text().endswith("· ONNX Runtime")
    assert "the same answer on 20 of 20 images" in page.model_label.toolTip()
    before = _labels(page)
    _classify(qtbot, page, images[20:])  # classified by ONNX Runtime now
    page.clear()
    _classify(qtbot, page, images)
    assert _labels(page) == {**before, **{k: v for k, v in _labels(page).items() if k not in before}}

    # The next load of the same file starts on it from the cache: no export, no check.
    monkeypatch.setattr(fast, "_onnx_for", lambda c: pytest.fail("exported again"))
    page.set_classifier(None)
    _load(qtbot, page, tiny_model_file)
    assert runtime.in_use() == "onnxruntime" and page.model_label.text().endswith("ONNX Runtime")

    page.runtime_action.setChecked(False)  # View ▸ Use ONNX Runtime When Proven Faster
    assert runtime.in_use() == "torch" and "ONNX Runtime" not in page.model_label.text()
    assert "turned off" in page.model_label.toolTip()
    assert page.settings.value("classify/fast_runtime", True, bool) is False
    page.runtime_action.setChecked(True)  # back on: the proven runtime, no new check
    assert runtime.in_use() == "onnxruntime" and "20 of 20" in page.model_label.toolTip()
    page.runtime_action.setChecked(False)  # loaded while off: looked up all the same, so
    page.set_classifier(None)  # turning it on needs no new check (the exporter would fail)
    _load(qtbot, page, tiny_model_file)
    assert runtime.in_use() == "torch"
    page.runtime_action.setChecked(True)
    assert runtime.in_use() == "onnxruntime"


def test_a_runtime_that_is_not_faster_is_not_used(qtbot, page, tiny_model_file, photos,
                                                  monkeypatch):  # fmt: skip
    monkeypatch.setattr(proof, "FASTER", 1e9)
    runtime = page.controller.runtime
    _load(qtbot, page, tiny_model_file)
    _classify(qtbot, page, sorted(photos.rglob("*.jpg")))
    qtbot.waitUntil(lambda: "no faster" in runtime.sentence, timeout=60000)
    assert runtime.in_use() == "torch" and not runtime.maybe_check()  # checked once only


def test_off_by_default_in_the_suite_and_when_turned_off(qtbot, settings, tiny_model_file, photos,
                                                         monkeypatch):  # fmt: skip
    from gui.classify import ClassifyPage

    monkeypatch.setenv("BACKBONE_STUDIO_FAST_RUNTIME", "0")
    widget = ClassifyPage(settings)
    qtbot.addWidget(widget)
    assert not widget.runtime_action.isChecked()
    _load(qtbot, widget, tiny_model_file)
    _classify(qtbot, widget, sorted(photos.rglob("*.jpg")))
    assert not widget.controller.runtime.busy() and widget.controller.runtime.in_use() == "torch"
    assert widget.cancel_and_wait(5000)
