"""Core's errors, end-of-training messages, scan warnings, sort and audit sentences in the
Chinese GUI (phase 3 of issue 16): rendered from their message ids, naming the same paths and
numbers, while str() stays the exact English the CLI prints. And counts in the thousands keep
their digit grouping (Qt's %Ln)."""

from __future__ import annotations

import errno
import pickle
import re
from collections import Counter
from types import SimpleNamespace

import pytest
import torch

from core.dataset import scan_folder
from core.demo import make_demo_dataset
from core.errors import DatasetError, DiskWriteError, ModelFileError
from core.events import CancelToken, FitEnded
from core.messages import Message, message_of
from core.training import run_messages as said

CJK = re.compile(r"[\u4e00-\u9fff]")


def _zh(language):
    assert language("zh_CN") == "zh_CN"
    from gui.i18n import error_text, render

    return error_text, render


def test_a_missing_folder_is_refused_in_english_on_the_cli_and_in_chinese_in_the_app(
    qtbot, settings, language, tmp_path
):
    missing = tmp_path / "没有这个" / "pets"
    with pytest.raises(DatasetError) as caught:
        scan_folder(missing)
    assert str(caught.value) == f"{missing}: folder not found — choose an existing folder"
    assert message_of(caught.value).id == "error.dataset.folder_not_found_choose"

    _zh(language)
    from gui.train import TrainPage

    page = TrainPage(settings.qsettings)
    qtbot.addWidget(page)
    page.show()
    page.scan(missing)
    qtbot.waitUntil(lambda: not page.is_scanning() and bool(page.run_monitor.error_label.text()),
                    timeout=30000)  # fmt: skip
    shown = page.run_monitor.error_label.text()
    assert shown == f"{missing}：找不到该文件夹——请选择一个存在的文件夹", shown
    assert page.run_monitor.status_label.text() != "This folder cannot be used for training."
    assert page.cancel_and_wait(15000)


def test_a_folder_with_one_class_says_the_layout_in_chinese(language, tmp_path):
    (tmp_path / "data" / "cats").mkdir(parents=True)
    from PIL import Image

    Image.new("RGB", (16, 16), "red").save(tmp_path / "data" / "cats" / "a.png")
    Image.new("RGB", (16, 16), "red").save(tmp_path / "data" / "loose.png")
    with pytest.raises(DatasetError) as caught:
        scan_folder(tmp_path / "data")
    english = str(caught.value)
    assert english.startswith(f"{tmp_path / 'data'}: found 1 class folder with images ('cats');")
    assert english.endswith(" There is 1 file directly in the folder: move them into class subfolders.")
    error_text, _render = _zh(language)
    shown = error_text(caught.value)
    assert "只找到 1 个含有图像的类别文件夹（“cats”）" in shown and "至少需要两个类别" in shown
    assert "该文件夹中直接放着 1 个文件" in shown and str(tmp_path / "data") in shown
    assert "found" not in shown and "There is" not in shown


def test_model_file_and_disk_errors_in_chinese_and_after_a_process_boundary(language, tmp_path):
    from core.modelfile import load_model

    with pytest.raises(ModelFileError) as caught:
        load_model(tmp_path / "gone.safetensors")
    assert str(caught.value) == f"Model file {tmp_path / 'gone.safetensors'} does not exist. Check the path."
    full = DiskWriteError(tmp_path / "m.safetensors", errno.ENOSPC, needed=2_500_000_000,
                          kept="Your training is kept.")  # fmt: skip
    assert str(full) == (f"The disk is full: writing {tmp_path / 'm.safetensors'} needs about "
                         "2,500 MB more (free some space or choose another folder). Your training "
                         "is kept.")  # fmt: skip
    again = pickle.loads(pickle.dumps(full))  # jobs and child processes send errors pickled
    assert str(again) == str(full)
    error_text, _render = _zh(language)
    assert error_text(caught.value) == f"模型文件 {tmp_path / 'gone.safetensors'} 不存在。请检查路径。"
    shown = error_text(again)
    assert shown.startswith(f"磁盘已满：写入 {tmp_path / 'm.safetensors'} 还需要约 2,500 MB")
    assert shown.endswith("Your training is kept.")  # a caller's own sentence stays as given
    assert error_text(ValueError("plain")) == "plain"  # not a core message: as it is


def test_a_message_whose_param_is_an_exception_still_pickles():
    class Stubborn(Exception):
        def __init__(self, a, b):  # cannot be rebuilt from its args: pickling it fails
            super().__init__(f"{a}/{b}")

    message = said.BUG(kind="Stubborn", error=Stubborn(1, 2))
    back = pickle.loads(pickle.dumps(message))
    assert back == message and back.id == "run.bug" and back.params["error"] == "1/2"


@pytest.fixture(scope="module")
def tiny_index(tmp_path_factory):
    root = tmp_path_factory.mktemp("tiny") / "shapes"
    return scan_folder(make_demo_dataset(root, classes=2, per_class=8, size=16)).index


def test_a_cancelled_training_ends_with_a_chinese_reason_and_no_resume_hint(
    qtbot, language, tiny_index, tmp_path
):
    from core.training import TrainConfig, Trainer

    torch.set_num_threads(1)
    cancel = CancelToken()
    cancel.cancel()  # before the first batch: nothing is trained
    config = TrainConfig(backbone="resnet18", pretrained=False, epochs=1, image_size=32,
                         device="cpu", num_workers=0, checkpoint=str(tmp_path / "run.ckpt"))  # fmt: skip
    result = Trainer(config, tiny_index).fit(cancel=cancel)
    assert result.outcome == "cancelled" and isinstance(result.message, Message)
    assert str(result.message).startswith("Cancelled ")  # the CLI's English
    assert "No epoch was completed, so no trained weights are kept" in result.message

    _zh(language)
    from gui.train.run_monitor import RunMonitorWidget

    monitor = RunMonitorWidget()
    qtbot.addWidget(monitor)
    monitor.start_run(1)
    # the same ending with a checkpoint to resume from: the app offers a button instead
    kept = said.kept(SimpleNamespace(epoch=1, accuracy=0.75), tmp_path / "run.ckpt")
    for message in (result.message, said.cancelled(SimpleNamespace(epoch=2, batch=5), kept)):
        monitor.show_event(FitEnded(outcome="cancelled", message=message, epochs_completed=1))
    monitor.flush_log()
    log = monitor.log_view.toPlainText()
    assert "取消。没有完成任何一轮，因此没有保留训练好的权重。" in log, log
    assert "已在第 2 轮第 5 个批次取消。已保留目前最好的权重（第 1 轮，验证准确率 75.0%）。" in log
    assert "Cancelled" not in log and "resume from" not in log and ".ckpt" not in log


def test_a_diverged_training_says_why_in_chinese(qtbot, language):
    kept = said.kept(None)
    message = said.NON_FINITE(what=said.what("loss"), epoch=2, batch=1, learning_rate=0.002,
                              kept=kept)  # fmt: skip
    assert message == ("The loss became NaN/inf at epoch 2, batch 1 — lower the learning rate "
                       "(currently 0.002). No epoch was completed, so no trained weights are kept.")  # fmt: skip
    _zh(language)
    from gui.train.run_monitor import RunMonitorWidget

    monitor = RunMonitorWidget()
    qtbot.addWidget(monitor)
    monitor.start_run(3)
    monitor.show_event(FitEnded(outcome="failed", message=message, epochs_completed=1))
    shown = monitor.error_label.text()
    assert shown == ("第 2 轮第 1 个批次时损失变成了 NaN/inf——请降低学习率（当前为 0.002）。"
                     "没有完成任何一轮，因此没有保留训练好的权重。"), shown  # fmt: skip


def test_scan_warnings_sort_summary_and_audit_reasons_render_in_chinese(language, tmp_path):
    from core.audit import text as audit_text
    from core.dataset import scan_messages
    from core.sorting.sorter import SortSummary

    warning = scan_messages.FEW_IMAGES(name="猫", images=scan_messages.images(3), minimum=10)
    summary = SortSummary(tmp_path / "in", tmp_path / "out", total=1204,
                          per_class=Counter({"cat": 1200, "dog": 2}), not_sure=2, seconds=3.25)  # fmt: skip
    english = summary.describe()
    assert english == (f"Sorted: 1,204 images in 3.2 s; cat 1200, dog 2; 2 not sure. "
                       f"Manifest: {summary.manifest}")  # fmt: skip
    reason = audit_text.conflict(0.97, False, "cat", "dog")
    assert reason == "A near copy (similarity 0.970) sits in two classes: 'cat' and 'dog'."

    _error_text, render = _zh(language)
    assert render(warning) == "类别“猫”只有 3 张图像；建议至少 10 张（其中一张会用于验证）"
    assert render(english) == (f"已整理：3.2 秒内整理了 1,204 张图像；cat 1200, dog 2；2 张不确定。"
                               f"清单：{summary.manifest}")  # fmt: skip
    assert render(reason) == "近似副本（相似度 0.970）同时位于两个类别：“cat”和“dog”。"


def test_the_calibration_line_of_the_training_log_in_chinese(language):
    from core.calibration.fit import describe

    calibration = SimpleNamespace(report={"samples": 24, "ece_before": 0.008, "ece_after": 0.0,
                                          "target_accuracy": 0.95},
                                  temperature=20.0, review_threshold=0.87)  # fmt: skip
    line = describe(calibration)
    assert line == ("Calibrated on 24 validation images: temperature 20.00, calibration error "
                    "0.8% -> 0.0%. Predictions below 87% confidence are 'Not sure' (accepted ones "
                    "were 95%+ correct on validation).")  # fmt: skip
    _error_text, render = _zh(language)
    assert render(line) == ("已在 24 张验证图像上校准：温度 20.00，校准误差 0.8% -> 0.0%。置信度低于 87% "
                            "的预测标为“不确定”（被接受的预测在验证集上的正确率达 95% 以上）。")  # fmt: skip


@pytest.mark.parametrize("choice, expected", [
    ("en", "12,000 images · 1,500 unreadable files · 1,000 images excluded from training"),
    ("zh_CN", "12,000 张图像 · 1,500 个无法读取的文件 · 1,000 张图像不参与训练"),
])  # fmt: skip
def test_counts_in_the_thousands_keep_their_digit_grouping(language, monkeypatch, choice, expected):
    assert language(choice) == choice
    from gui.train import dataset_panel

    monkeypatch.setattr(dataset_panel, "excluded_count", lambda index: 1000)
    index = SimpleNamespace(class_names=["a", "b"], counts=lambda: {"a": 11000, "b": 1000},
                            val_samples=[])  # fmt: skip
    result = SimpleNamespace(index=index, problems=[None] * 1500, warnings=[], ignored=[])
    html = dataset_panel.summary_html(result)
    shown = re.sub(r"<[^>]+>", "", html).split(" · ", 1)[1]
    assert shown == expected


def test_the_help_describes_the_newer_features_in_both_languages(language):
    from gui.help_dialog import help_html

    assert language("en") == "en"
    english = help_html([])
    for words in ("Sort folder…", "None of these", "Review not sure…", "All mistakes…",
                  "Retrain", "Data audit…", "Why? (heat map)", "Export…"):  # fmt: skip
        assert words in english
    _zh(language)
    chinese = help_html([])
    for words in ("整理文件夹", "都不是", "复核不确定的图像…", "全部错误…", "重新训练", "数据审查…",
                  "为什么？（热力图）", "导出…"):  # fmt: skip
        assert words in chinese
    assert "Sort folder" not in chinese and len(CJK.findall(chinese)) > 500
