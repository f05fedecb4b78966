"""Training on several devices from the Train page: the distributed launcher
(`backbone-studio-cli train ... --nproc-per-node N --events-json`, core.distributed) runs as a
child process, and its JSON-line events drive the same plots, progress and log as a training in
the app's own process (they are the same core.events dataclasses, re-emitted by a TrainWorker).

- The device picker offers "All N GPUs" (`ALL_GPUS`) when more than one CUDA device exists.
  Setting BACKBONE_STUDIO_CPU_PROCESSES=N offers "N CPU processes" (gloo): how the tests run a
  distributed training from the page on a machine without GPUs.
- Cancel sends the launcher SIGINT: torch's launcher passes it to every rank, the ranks agree
  to stop after the same batch, rank 0 keeps the checkpoint and writes the best model so far.
  A launcher that has not ended after `STOP_GRACE_SECONDS` is killed; its ranks end with it
  (they die with their parent, core.distributed.env.die_with_parent), and so does the launcher
  when the app itself goes away.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication

from core.events import EpochEnded, FitEnded, Logged
from core.fileio import write_text_atomic

from ..workers import TrainWorker

ALL_GPUS = "cuda:all"
CPU_PROCESSES_ENV = "BACKBONE_STUDIO_CPU_PROCESSES"
CPU_PREFIX = "cpu:x"  # "cpu:x2": two CPU processes
STOP_GRACE_SECONDS = 40.0


def _cuda_count() -> int:
    import torch

    return torch.cuda.device_count() if torch.cuda.is_available() else 0


def extra_devices() -> list[tuple[str, str]]:
    """(label, device id) of the device picker's multi-process choices (none in the packaged
    app: its executable cannot run `python -m core`)."""
    if getattr(sys, "frozen", False):
        return []
    choices = []
    gpus = _cuda_count()
    if gpus > 1:
        label = QCoreApplication.translate("ChildRun", "All {gpus} GPUs (one process each, NCCL)")
        choices.append((label.format(gpus=gpus), ALL_GPUS))
    cpus = os.environ.get(CPU_PROCESSES_ENV, "")
    if cpus.isdigit() and int(cpus) >= 1:
        label = QCoreApplication.translate("ChildRun", "{cpus} CPU processes (gloo)")
        choices.append((label.format(cpus=cpus), f"{CPU_PREFIX}{int(cpus)}"))
    return choices


def processes_for(device: str) -> tuple[int, str] | None:
    """(processes, each one's device) for a multi-process choice; None for one device."""
    if device == ALL_GPUS:
        return max(1, _cuda_count()), "cuda"
    if device.startswith(CPU_PREFIX) and device[len(CPU_PREFIX) :].isdigit():
        return max(1, int(device[len(CPU_PREFIX) :])), "cpu"
    return None


def planning_config(config):
    """The config a plan preview can use: the device of one rank (the run itself splits the
    batch over the ranks and says so in its notes)."""
    split = processes_for(config.device)
    if split is None:
        return config
    return replace(config, device="cuda:0" if split[1] == "cuda" else "cpu")


def _excluded(root) -> list[str]:
    from core.errors import BackboneStudioError

    try:
        from core.review import Exclusions

        return [str(path) for path in Exclusions.for_folder(root).paths()]
    except (BackboneStudioError, ImportError, OSError):
        return []


class ChildTrainWorker(TrainWorker):
    """A TrainWorker whose training runs in the launcher's child processes."""

    def __init__(self, config, index, cache=None, resume=None):
        super().__init__(config, index, cache=cache, resume=resume)
        self.process: subprocess.Popen | None = None
        self._history: list[EpochEnded] = []
        self._ended: FitEnded | None = None
        self._tail: list[str] = []

    def command(self, folder: Path) -> list[str]:
        nproc, device = processes_for(self.config.device)
        settings = folder / "settings.json"
        write_text_atomic(settings, self.config.to_json())
        argv = [sys.executable, "-u", "-m", "core", "train", str(self.index.root),
                "--backbone", self.config.backbone, "--out", str(folder / "model.safetensors"),
                "--settings-json", str(settings), "--events-json",
                "--nproc-per-node", str(nproc), "--device", device]  # fmt: skip
        excluded = _excluded(self.index.root)
        if excluded:  # the images left out in the app (core.review) stay out
            listing = folder / "excluded.txt"
            write_text_atomic(listing, "\n".join(excluded) + "\n")
            argv += ["--exclude-list", str(listing)]
        if self.config.checkpoint:
            argv += ["--checkpoint", str(self.config.checkpoint)]
        if self.resume is not None:
            argv += ["--resume", str(self.resume)]
        return argv

    def work(self) -> Any:
        folder = Path(tempfile.mkdtemp(prefix="backbone-studio-run-"))
        try:
            env = {**os.environ, "PYTHONUNBUFFERED": "1", "BACKBONE_STUDIO_DIE_WITH_PARENT": "1"}
            self.process = subprocess.Popen(
                self.command(folder), stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                text=True, bufsize=1, env=env, start_new_session=True,
            )  # fmt: skip
            threading.Thread(target=self._stop_when_cancelled, daemon=True).start()
            self._read(self.process)
            self.process.wait()
            return self._result(self.process.returncode, folder / "model.safetensors")
        finally:
            shutil.rmtree(folder, ignore_errors=True)

    def _read(self, process: subprocess.Popen) -> None:
        from core.distributed import decode

        for line in process.stdout:
            event = decode(line)
            if event is None:
                text = line.rstrip()
                if text:
                    self._tail = [*self._tail[-19:], text]
                    self._on_event(Logged(text[:2000]))
                continue
            if isinstance(event, EpochEnded):
                self._history.append(event)
            elif isinstance(event, FitEnded):
                self._ended = event
            self._on_event(event)

    def _stop_when_cancelled(self) -> None:
        process = self.process
        while process.poll() is None and not self.cancel_token.cancelled:
            time.sleep(0.1)
        if process.poll() is not None:
            return
        process.send_signal(signal.SIGINT)  # the launcher passes it to every rank
        deadline = time.monotonic() + STOP_GRACE_SECONDS
        while process.poll() is None and time.monotonic() < deadline:
            time.sleep(0.1)
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)  # its ranks die with it

    def _result(self, code: int, model_file: Path):
        from core.training import FitResult

        ended = self._ended
        if ended is not None:
            outcome, message = ended.outcome, ended.message
        else:
            outcome = "cancelled" if self.cancel_token.cancelled else "failed"
            message = self._failure(code)
        if outcome == "finished" and code != 0:
            outcome, message = "failed", self._failure(code)
        model = metadata = None
        if outcome in ("finished", "cancelled") and model_file.is_file():
            from core.modelfile import load_model

            model, metadata = load_model(model_file)
        checkpoint = Path(self.config.checkpoint) if self.config.checkpoint else None
        return FitResult(
            outcome=outcome, message=message, model=model, metadata=metadata,
            history=list(self._history), best_epoch=ended.best_epoch if ended else None,
            checkpoint=checkpoint if checkpoint is not None and checkpoint.is_file() else None,
        )  # fmt: skip

    def _failure(self, code: int) -> str:
        errors = [line for line in self._tail if line.startswith("error:")]
        said = errors[-1][len("error:") :].strip() if errors else " / ".join(self._tail[-3:])
        text = QCoreApplication.translate(
            "ChildRun", "The training processes ended with status {code}: {said}"
        )
        return text.format(code=code, said=said)
