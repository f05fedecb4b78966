"""Faults: interrupted saves, killed trainings, files vanishing mid-fit, hostile checkpoints.

The promise: a save that fails half-way leaves the previous model loadable and no temp file; a
training process killed with SIGKILL resumes from its last checkpoint at the right epoch; a file
deleted (or damaged) during training is skipped and reported, never a crash; a checkpoint never
runs code. (Cancel/close in the GUI: see the end of this file.)
"""

from __future__ import annotations

import errno
import os
import pickle
import signal
import subprocess
import sys
import time
from pathlib import Path

import badfiles as bf
import numpy as np
import pytest
import torch

from core.errors import DiskWriteError

BACKBONE = "mobilenet_v3_small"
REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(autouse=True)
def _one_torch_thread():
    """One intra-op thread: two OpenMP threads on an oversubscribed shared CPU spin against
    each other (measured: ~40x slower steps)."""
    previous = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(previous)


def _model(seed: int):
    from core.backbones import build_model, get_spec
    from core.modelfile import new_metadata

    spec = get_spec(BACKBONE)
    torch.manual_seed(seed)
    model = build_model(BACKBONE, 2)
    return model, new_metadata(BACKBONE, ["cats", "dogs"], 32, spec.mean, spec.std)


def _same_weights(a, b) -> bool:
    return all(torch.equal(x, y) for x, y in zip(a.state_dict().values(), b.state_dict().values(),
                                                  strict=True))


# ------------------------------------------------------------------------------------------
# an exception in the middle of saving


def _inject(point: str, monkeypatch):
    """Make save_model fail at `point`; returns the exception type the caller should see."""
    import safetensors.torch

    if point == "writer-disk-full":  # the writer has written part of the file, then ENOSPC
        real = safetensors.torch.save_file

        def half_then_enospc(tensors, filename, metadata=None):
            real(tensors, filename, metadata=metadata)
            with open(filename, "r+b") as f:
                f.truncate(os.path.getsize(filename) // 2)
            raise OSError(errno.ENOSPC, "No space left on device")

        monkeypatch.setattr(safetensors.torch, "save_file", half_then_enospc)
        return DiskWriteError
    if point == "fsync-io-error":
        def failing_fsync(fd):
            raise OSError(errno.EIO, "Input/output error")

        monkeypatch.setattr(os, "fsync", failing_fsync)
        return DiskWriteError
    if point == "replace-fails":
        def failing_replace(src, dst, **kwargs):
            raise OSError(errno.EXDEV, "Invalid cross-device link")

        monkeypatch.setattr(os, "replace", failing_replace)
        return DiskWriteError
    if point == "keyboard-interrupt-in-writer":  # Ctrl-C while the bytes are being written
        real = safetensors.torch.save_file

        def interrupted(tensors, filename, metadata=None):
            real(tensors, filename, metadata=metadata)
            raise KeyboardInterrupt

        monkeypatch.setattr(safetensors.torch, "save_file", interrupted)
        return KeyboardInterrupt
    raise AssertionError(point)  # pragma: no cover


@pytest.mark.parametrize("point", ["writer-disk-full", "fsync-io-error", "replace-fails",
                                   "keyboard-interrupt-in-writer"])
def test_failed_save_keeps_previous_model_and_no_temp_file(point, tmp_path, monkeypatch):
    from core.modelfile import load_model, save_model

    old_model, meta = _model(seed=0)
    path = save_model(tmp_path / "classifier.safetensors", old_model, meta)
    listing = sorted(os.listdir(tmp_path))
    new_model, _ = _model(seed=1)
    assert not _same_weights(old_model, new_model)

    expected = _inject(point, monkeypatch)
    with pytest.raises(expected) as info:
        save_model(path, new_model, meta)
    monkeypatch.undo()

    if expected is DiskWriteError:
        assert path.name in str(info.value) and "unchanged" in str(info.value), info.value
    assert sorted(os.listdir(tmp_path)) == listing, "a temp file was left behind"
    loaded, loaded_meta = load_model(path)
    assert loaded_meta.class_names == meta.class_names
    assert _same_weights(loaded, old_model), "the previous model was damaged"


def test_failed_first_save_leaves_nothing(tmp_path, monkeypatch):
    from core.modelfile import save_model

    model, meta = _model(seed=0)
    _inject("writer-disk-full", monkeypatch)
    with pytest.raises(DiskWriteError, match="The disk is full"):
        save_model(tmp_path / "new.safetensors", model, meta)
    assert os.listdir(tmp_path) == []


# ------------------------------------------------------------------------------------------
# the training engine under faults


def _dataset(root: Path, per_class: int = 8):
    from core.dataset import scan_folder

    bf.make_good_tree(root, ("cats", "dogs"), per_class, size=(24, 24))
    return scan_folder(root, workers=2).index


def _config(**overrides):
    from core.training import TrainConfig

    values = dict(backbone=BACKBONE, strategy="full", pretrained=False, epochs=2, batch_size=4,
                  image_size=32, device="cpu", augment=False, seed=0, num_workers=0)
    values.update(overrides)
    return TrainConfig(**values)


def _warnings(events) -> list[str]:
    """The warnings a person sees (CLI stderr, the GUI's log): Logged events above info."""
    from core.events import Logged

    return [e.message for e in events if isinstance(e, Logged) and e.level != "info"]


@pytest.mark.parametrize("when", ["after-scan", "after-epoch-1-cache-evicted"])
@pytest.mark.parametrize("damage", ["deleted", "replaced-by-text"])
def test_file_vanishing_during_training_is_skipped_and_reported(damage, when, tmp_path):
    from core.dataset import DecodedImageCache, split_index
    from core.events import EpochEnded, FitStarted
    from core.training import Trainer

    index = _dataset(tmp_path / "photos")
    config = _config()
    train, _val = split_index(index, config.val_fraction, config.seed)
    victims = [next(s.path for s in train if s.label == label) for label in (0, 1)]
    spill = tmp_path / "spill"
    # memory_budget=1: nothing stays in memory, every decoded image goes to the spill folder,
    # which the callback empties, so the trainer has to read the (damaged) file again
    cache = DecodedImageCache(short_side=37, memory_budget=1, spill_dir=spill)
    events = []
    trigger = FitStarted if when == "after-scan" else EpochEnded

    def callback(event):
        events.append(event)
        if isinstance(event, trigger) and sum(isinstance(e, trigger) for e in events) == 1:
            for victim in victims:
                if damage == "deleted":
                    victim.unlink()
                else:
                    victim.write_text("this file was overwritten by another program\n")
            if when != "after-scan":
                for f in sorted(spill.rglob("*"), reverse=True):
                    f.unlink() if f.is_file() else f.rmdir()
                cache.clear()

    result = Trainer(config, index, callbacks=[callback], cache=cache).fit()
    assert result.outcome == "finished", result.message
    assert result.model is not None and len(result.history) == 2
    warnings = _warnings(events)
    for victim in victims:
        said = [w for w in warnings if str(victim) in w]
        assert len(said) == 1, (
            f"{victim.name} was {damage} during training ({when}): expected one warning naming "
            f"it, got {said or warnings}")


def test_files_unreadable_in_loader_worker_processes_are_reported_too(tmp_path):
    """DataLoader worker processes (used on CUDA) find bad files in their own copy of the
    dataset; the batches carry those problems to the main process, which names each once."""
    from core.events import FitStarted
    from core.training import Trainer

    index = _dataset(tmp_path / "photos")
    victim = index.samples[0].path
    events = []

    def callback(event):
        events.append(event)
        if isinstance(event, FitStarted):
            victim.unlink()

    result = Trainer(_config(num_workers=2), index, callbacks=[callback]).fit()
    assert result.outcome == "finished", result.message
    said = [w for w in _warnings(events) if str(victim) in w]
    assert len(said) == 1 and "vanished" in said[0], _warnings(events)


def test_checkpoint_write_failure_fails_cleanly_and_keeps_the_last_checkpoint(tmp_path,
                                                                               monkeypatch):
    from core.training import Trainer

    index = _dataset(tmp_path / "photos", per_class=5)
    ckpt = tmp_path / "out" / "run.ckpt"
    ckpt.parent.mkdir()
    first = Trainer(_config(epochs=1, checkpoint=str(ckpt)), index).fit()
    assert first.outcome == "finished" and ckpt.is_file()
    saved = ckpt.read_bytes()

    real_replace = os.replace

    def full_disk(src, dst, **kwargs):
        if str(dst) == str(ckpt):
            raise OSError(errno.ENOSPC, "No space left on device")
        return real_replace(src, dst, **kwargs)

    monkeypatch.setattr(os, "replace", full_disk)
    second = Trainer(_config(epochs=1, checkpoint=str(ckpt)), index).fit()
    monkeypatch.undo()
    assert second.outcome == "failed"
    assert ckpt.name in second.message and "space" in second.message.lower(), second.message
    assert ckpt.read_bytes() == saved, "the previous checkpoint was damaged"
    assert os.listdir(ckpt.parent) == [ckpt.name], "a temp file was left behind"
    torch.load(ckpt, map_location="cpu", weights_only=True)


class _Evil:
    def __init__(self, path):
        self.path = Path(path)

    def __reduce__(self):
        return (Path.touch, (self.path,))


@pytest.mark.parametrize("kind", ["pickle-payload", "truncated", "random-bytes", "a-model-file",
                                  "dataset-changed", "right-version-missing-keys",
                                  "config-not-json", "config-deeply-nested"])
def test_resume_from_hostile_or_damaged_checkpoint_is_refused(kind, tmp_path):
    from core.modelfile import save_model
    from core.training import Trainer

    index = _dataset(tmp_path / "photos", per_class=5)
    ckpt = tmp_path / "run.ckpt"
    sentinel = tmp_path / "PWNED"
    if kind == "pickle-payload":
        torch.save({"version": 1, "model": _Evil(sentinel)}, ckpt)
        control = tmp_path / "control"
        pickle.loads(pickle.dumps(_Evil(control)))
        assert control.exists(), "control: the payload is live"
    elif kind == "truncated":
        Trainer(_config(epochs=1, checkpoint=str(ckpt)), index).fit()
        ckpt.write_bytes(ckpt.read_bytes()[: ckpt.stat().st_size // 2])
    elif kind == "random-bytes":
        ckpt.write_bytes(bytes(np.random.default_rng(3).integers(0, 256, 4096, dtype=np.uint8)))
    elif kind in ("right-version-missing-keys", "config-not-json", "config-deeply-nested"):
        from core.training import CHECKPOINT_VERSION

        config = {"right-version-missing-keys": None, "config-not-json": "{{{ not json",
                  "config-deeply-nested": "[" * 100_000 + "]" * 100_000}[kind]
        state = {"version": CHECKPOINT_VERSION}
        if config is not None:
            state["config"] = config
        torch.save(state, ckpt)
    elif kind == "a-model-file":
        save_model(tmp_path / "m.safetensors", *_model(0))
        ckpt = tmp_path / "m.safetensors"
    else:  # a good checkpoint, but one image was edited since: mixing datasets is refused
        Trainer(_config(epochs=1, checkpoint=str(ckpt)), index).fit()
        edited = index.samples[0].path
        edited.write_bytes(bf.good_jpeg(bf.YELLOW, (24, 24), seed=99))
    result = Trainer(_config(epochs=1), index).fit(resume=ckpt)
    if kind == "dataset-changed":
        assert "changed" in result.message, result.message
    assert result.outcome == "failed"
    assert ckpt.name in result.message, result.message
    assert "Traceback" not in result.message and "bug" not in result.message.lower()
    assert not sentinel.exists()


# ------------------------------------------------------------------------------------------
# a training process killed with SIGKILL mid-epoch resumes from its checkpoint


def _cli(*args: str) -> list[str]:
    return [sys.executable, "-m", "core", *args]


def _env() -> dict:
    env = dict(os.environ)
    env.update(OMP_NUM_THREADS="1", MKL_NUM_THREADS="1", PYTHONUNBUFFERED="1")
    env["PYTHONPATH"] = str(REPO) + os.pathsep + env.get("PYTHONPATH", "")
    return env


def _checkpoint_epoch(path: Path) -> int:
    return int(torch.load(path, map_location="cpu", weights_only=True)["epoch"])


@pytest.mark.slow
def test_killed_training_resumes_from_its_checkpoint(tmp_path, capsys):
    root = tmp_path / "photos"
    bf.make_good_tree(root, ("cats", "dogs"), 10, size=(24, 24))
    out = tmp_path / "out"
    out.mkdir()
    model, ckpt = out / "model.safetensors", out / "run.ckpt"
    epochs = 2
    common = [str(root), "--backbone", BACKBONE, "--no-pretrained", "--strategy", "full",
              "--epochs", str(epochs), "--image-size", "32", "--batch-size", "2", "--device",
              "cpu", "--out", str(model), "--checkpoint", str(ckpt)]
    before = bf.snapshot(root)
    with open(tmp_path / "first.log", "w+") as log:
        done, first_mtime = _run_and_kill(common, ckpt, log)
    assert not model.exists(), "the killed run must not have written a model"
    assert 1 <= done < epochs
    assert ckpt.stat().st_mtime_ns >= first_mtime

    # resume in this process (the same CLI entry point; saves a second ~10 s interpreter start)
    from core.cli import main

    capsys.readouterr()
    code = main(["train", *common, "--resume", str(ckpt)])
    captured = capsys.readouterr()
    output = captured.out + captured.err
    assert code == 0, output
    epoch_lines = [line.split()[1] for line in output.splitlines() if line.startswith("epoch ")]
    assert epoch_lines == [f"{e}/{epochs}" for e in range(done + 1, epochs + 1)], output
    assert _checkpoint_epoch(ckpt) == epochs
    from core.modelfile import load_model

    _m, meta = load_model(model)
    assert meta.class_names == ("cats", "dogs")
    card = model.with_name(f"{model.stem}.MODEL_CARD.md")  # written beside every saved model
    leftovers = [n for n in os.listdir(out) if n not in (model.name, ckpt.name, card.name)]
    # a temp file can only be left if the SIGKILL landed inside a checkpoint write
    assert all(n.endswith(".tmp") for n in leftovers), leftovers
    bf.assert_unchanged(before, root, "by the killed and the resumed training")


# The CLI's own entry point, run in a fresh interpreter; the only addition is a step counter
# (and a 50 ms pause per step) so the parent can SIGKILL it provably in the middle of an epoch.
_COUNTING_CLI = """
import pathlib, sys, time
from core.training import TrainStep
marker, real, calls = pathlib.Path(sys.argv[1]), TrainStep.__call__, [0]
def counted(self, *args, **kwargs):
    out = real(self, *args, **kwargs)
    calls[0] += 1
    marker.write_text(str(calls[0]))
    time.sleep(0.05)
    return out
TrainStep.__call__ = counted
from core.cli import main
sys.exit(main(sys.argv[2:]))
"""


def _steps(marker: Path) -> int:
    try:
        return int(marker.read_text() or 0)
    except (OSError, ValueError):
        return 0


def _run_and_kill(common, ckpt, log) -> tuple[int, int]:
    """Start the CLI training, SIGKILL it two steps into the epoch after its first checkpoint;
    returns (the checkpoint's epoch, the first checkpoint's mtime)."""
    marker = ckpt.with_name("steps.txt")
    proc = subprocess.Popen([sys.executable, "-c", _COUNTING_CLI, str(marker), "train", *common],
                            cwd=REPO, env=_env(), stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 240

        def wait_for(condition, what):
            while not condition():
                assert proc.poll() is None, f"training ended before {what}:\n{_read(log)}"
                assert time.monotonic() < deadline, f"no {what} after 240 s:\n{_read(log)}"
                time.sleep(0.01)

        wait_for(ckpt.exists, "the first checkpoint")
        first_mtime = ckpt.stat().st_mtime_ns
        per_epoch = _steps(marker)
        wait_for(lambda: _steps(marker) >= per_epoch + 2, "two steps of the next epoch")
        proc.send_signal(signal.SIGKILL)
        proc.wait(30)
        killed_at = _steps(marker)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == -signal.SIGKILL
    assert per_epoch < killed_at < 2 * per_epoch, (per_epoch, killed_at)  # mid-epoch 2
    marker.unlink()
    return _checkpoint_epoch(ckpt), first_mtime  # the checkpoint survived the kill intact


def _read(handle) -> str:
    handle.flush()
    handle.seek(0)
    return handle.read()[-3000:]


# ------------------------------------------------------------------------------------------
# the GUI: cancelling and closing the window during training on a hostile folder
# (tests/gui covers closing while predicting; this adds training, the bad-file folder, and a
# thread census that does not rely on the pages' own bookkeeping)


@pytest.fixture
def gui_settings(tmp_path, monkeypatch):
    monkeypatch.setenv("BACKBONE_STUDIO_CONFIG", str(tmp_path / "config"))
    monkeypatch.setenv("BACKBONE_STUDIO_CACHE", str(tmp_path / "cache"))
    (tmp_path / "config").mkdir()
    from gui.settings import Settings

    return Settings()


@pytest.fixture
def thread_census(monkeypatch):
    """Every QThread that gui.jobs.start_worker creates, whoever asked for it."""
    import gui.jobs as workers

    started = []

    class CountedWorkerThread(workers.WorkerThread):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            started.append(self)

    monkeypatch.setattr(workers, "WorkerThread", CountedWorkerThread)
    return started


def _alive(threads) -> list:
    import shiboken6

    return [t for t in threads if shiboken6.isValid(t) and t.isRunning()]


@pytest.mark.gui
@pytest.mark.parametrize("how", ["cancel-button", "close-window"])
def test_gui_cancel_or_close_during_training_leaves_no_thread(how, qtbot, tmp_path, monkeypatch,
                                                              gui_settings, thread_census):
    import threading

    from PySide6.QtCore import QCoreApplication, Qt, QThread
    from PySide6.QtWidgets import QMessageBox

    import gui.main_window as main_window
    from core.training import TrainStep
    from gui.main_window import MainWindow

    manifest = bf.make_bad_tree(tmp_path / "photos", per_class=6)
    before = bf.snapshot(manifest.root)

    stepping = threading.Event()
    real_step = TrainStep.__call__

    def slow_step(self, *args, **kwargs):  # keep the fit busy so the cancel lands mid-epoch
        stepping.set()
        time.sleep(0.05)
        return real_step(self, *args, **kwargs)

    monkeypatch.setattr(TrainStep, "__call__", slow_step)

    window = MainWindow(gui_settings)
    qtbot.addWidget(window)
    window.show()
    page = window.train_page
    with qtbot.waitSignal(page.scanFinished, timeout=60000):
        page.scan(manifest.root)
    assert page.scan_result is not None and page.scan_result.problems  # the bad files
    page.set_backbone(BACKBONE)
    page.backbone_panel.pretrained_check.setChecked(False)
    page.settings_form.epochs_spin.setValue(50)
    page.settings_form.batch_spin.setValue(2)
    page.settings_form.size_spin.setValue(32)
    cpu = page.settings_form.device_combo.findData("cpu")
    if cpu >= 0:
        page.settings_form.device_combo.setCurrentIndex(cpu)
    assert page.start_training(), "training did not start"
    qtbot.waitUntil(stepping.is_set, timeout=60000)
    assert page.is_training() and _alive(thread_census)

    started = time.monotonic()
    if how == "cancel-button":
        assert page.cancel_button.isEnabled()
        qtbot.mouseClick(page.cancel_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: not page.is_training(), timeout=30000)
        qtbot.waitUntil(lambda: not _alive(thread_census), timeout=10000)
    else:
        monkeypatch.setattr(main_window.QMessageBox, "question",
                            lambda *a, **k: QMessageBox.StandardButton.Yes)
        assert window.close()
        assert not _alive(thread_census), "closing the window left a worker thread running"
    assert time.monotonic() - started < 30
    assert thread_census, "no worker thread was seen: the census is broken"
    assert not [t for t in QCoreApplication.instance().findChildren(QThread) if t.isRunning()]
    bf.assert_unchanged(before, manifest.root, f"by the GUI ({how})")
    window.shutdown(5000)
