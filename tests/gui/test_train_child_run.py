"""The Train page running a distributed training as a child process (gui.train.child_run):
2 CPU processes with gloo (BACKBONE_STUDIO_CPU_PROCESSES=2 offers them in the device picker,
as "All N GPUs" is offered on a machine with several GPUs). Its JSON-line events plot the
epochs like an in-process run; Cancel and closing the page end every child process."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from core.demo import make_demo_dataset
from gui.train.child_run import CPU_PROCESSES_ENV

pytestmark = [pytest.mark.gui, pytest.mark.slow]


def _children_of(pid: int) -> list[int]:
    """Every live descendant of `pid` (Linux /proc)."""
    parents = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().split(")")[-1].split()
            except OSError:
                continue
            if fields[0] != "Z":
                parents[int(entry.name)] = int(fields[1])
    found, frontier = [], [pid]
    while frontier:
        here = frontier.pop()
        kids = [child for child, parent in parents.items() if parent == here]
        found += kids
        frontier += kids
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.fixture
def page(train_page, monkeypatch, tmp_path, qtbot):
    monkeypatch.setenv(CPU_PROCESSES_ENV, "2")
    monkeypatch.setenv("OMP_NUM_THREADS", "1")
    train_page.settings_form.fill_devices()  # now with "2 CPU processes"
    root = make_demo_dataset(tmp_path / "shapes", classes=2, per_class=20, size=32)
    train_page.scan(root)
    qtbot.waitUntil(lambda: not train_page.is_scanning(), timeout=20000)
    form = train_page.settings_form
    train_page.set_backbone("resnet18")
    form.strategy_combo.setCurrentIndex(form.strategy_combo.findData("full"))
    form.epochs_spin.setValue(50)
    form.size_spin.setValue(32)
    form.batch_spin.setValue(8)
    index = form.device_combo.findData("cpu:x2")
    assert index >= 0 and form.device_combo.itemText(index) == "2 CPU processes (gloo)"
    form.device_combo.setCurrentIndex(index)
    return train_page


def _start(qtbot, page) -> int:
    qtbot.mouseClick(page.start_button, Qt.MouseButton.LeftButton)
    assert page.is_training()
    job = page.controller._train.job
    qtbot.waitUntil(lambda: job.process is not None, timeout=10000)
    return job.process.pid


def test_a_two_process_run_plots_its_epochs_and_cancels_leaving_no_process(qtbot, page):
    launcher = _start(qtbot, page)
    qtbot.waitUntil(lambda: page.run_monitor.live_plot.epoch_count >= 1, timeout=180000)
    assert page.run_monitor.live_plot.step_count >= 1
    ranks = _children_of(launcher)
    assert len(ranks) >= 2  # the two ranks (and nothing else is asked of the launcher)
    log = page.run_monitor.log_view.toPlainText()
    assert "Data parallel over 2 processes (gloo)" in log
    with qtbot.waitSignal(page.trainingFinished, timeout=60000) as finished:
        qtbot.mouseClick(page.cancel_button, Qt.MouseButton.LeftButton)
    result = finished.args[0]
    assert result.outcome == "cancelled", result.message
    assert result.model is not None  # the best epoch so far came back from rank 0's file
    assert result.history and result.history[0].epoch == 1
    assert result.checkpoint is not None and result.checkpoint.is_file()  # kept to resume
    assert page.outcome == "cancelled"
    qtbot.waitUntil(lambda: not any(_alive(p) for p in [launcher, *ranks]), timeout=10000)


def test_closing_the_page_ends_every_child_process(qtbot, page):
    launcher = _start(qtbot, page)
    qtbot.waitUntil(lambda: page.run_monitor.live_plot.step_count >= 1, timeout=180000)
    ranks = _children_of(launcher)
    assert len(ranks) >= 2
    page.close()  # cancels and waits for the job
    qtbot.waitUntil(lambda: not any(_alive(p) for p in [launcher, *ranks]), timeout=45000)
    assert not page.is_training()
