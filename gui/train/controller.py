"""What the Train page does, without a widget: the jobs (scan, training, weights, demo data), the
scanned dataset and its decoded-image cache, and the training to resume once its folder has been
scanned again. The page shows what these signals say and asks for the next step; it never starts
a worker itself.

Which unfinished training may be resumed, where its checkpoint lives and what to say about it is
`core.resume`'s: the CLI decides the same way.
"""

from __future__ import annotations

import gc
import logging
from dataclasses import replace
from pathlib import Path
from typing import Any

from PySide6.QtCore import QT_TRANSLATE_NOOP, QObject, Signal, Slot

from core import backbones, resume
from core.dataset import DecodedImageCache
from core.demo import make_demo_dataset
from core.errors import BackboneStudioError, DiskWriteError
from core.events import FitEnded, FitPlan, FitStarted
from core.training import CheckpointSummary, TrainConfig, Trainer, check_training_outputs

from ..jobs import JobSlot, JobThreads, error_text
from ..text import render
from ..workers import CallWorker, ScanWorker, TrainWorker
from .child_run import ChildTrainWorker, planning_config, processes_for

log = logging.getLogger(__name__)

DEMO_SUBFOLDER = "backbone-studio-demo"


def demo_target(folder: str | Path) -> Path:
    """Where the demo data goes: `folder` itself when empty (or new), else a new subfolder."""
    target = Path(folder)
    if target.is_dir() and any(target.iterdir()):
        target = target / DEMO_SUBFOLDER
        suffix = 2
        while target.exists():
            target = target.parent / f"{DEMO_SUBFOLDER}-{suffix}"
            suffix += 1
    return target


def failed_on_disk(result: Any) -> bool:
    """A fit stopped by a disk that refused its checkpoint (full, read-only, failing): what it
    trained is not lost (its best weights go to Results, its last checkpoint stays to resume)."""
    return getattr(result, "outcome", None) == "failed" and isinstance(
        getattr(result, "error", None), DiskWriteError
    )


def usable_result(result: Any) -> bool:
    """A fit that left a model to show and save: finished, or cancelled after an epoch, or
    stopped by a disk that refused its checkpoint."""
    return (
        result is not None
        and getattr(result, "model", None) is not None
        and (result.outcome in ("finished", "cancelled") or failed_on_disk(result))
    )


def kept_to_resume(result: Any) -> bool:
    """Whether the fit's checkpoint is kept and offered to resume: cancelled, or stopped by a
    disk that refused to write (resumed once there is room)."""
    return result is not None and (result.outcome == "cancelled" or failed_on_disk(result))


class TrainController(QObject):
    """The Train page's jobs and state. Signals (all on the UI thread):

    - scan: `scanStarted(folder)`, `scanProgressed(done, total)`, `scanned(ScanResult)` or
      `scanFailed(message)`, then `scanEnded()`;
    - a training to resume after its rescan: `resumeReady(CheckpointSummary)` (the same folder
      was scanned: start it) or `resumeDropped()` (it was not: offer it again);
    - training: `eventEmitted(event)` (core.events, FitEnded included; `fitPlanned(FitPlan)` too
      for FitStarted), `fitted(FitResult)` or `trainFailed(message)`, then
      `trainEnded(FitResult | None)`;
    - pretrained weights: `weightsProgressed(done, total)`, `weightsReady(path)` or
      `weightsFailed(message)`;
    - demo data: `demoWritten(folder)` or `demoFailed(message)`;
    - `logged(line)`: something for the training log (a warning about a checkpoint).
    """

    scanStarted = Signal(object)
    scanProgressed = Signal(int, int)
    scanned = Signal(object)
    scanFailed = Signal(str)
    scanEnded = Signal()
    resumeReady = Signal(object)
    resumeDropped = Signal()
    eventEmitted = Signal(object)
    fitPlanned = Signal(object)
    fitted = Signal(object)
    trainFailed = Signal(str)
    trainEnded = Signal(object)
    weightsProgressed = Signal(int, int)
    weightsReady = Signal(object)
    weightsFailed = Signal(str)
    demoWritten = Signal(object)
    demoFailed = Signal(str)
    logged = Signal(str)

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self.jobs = JobThreads()
        self._scan = JobSlot(self.jobs, self)
        self._train = JobSlot(self.jobs, self)
        self._weights = JobSlot(self.jobs, self)
        self._demo = JobSlot(self.jobs, self)
        self.scan_result = None  # ScanResult of the folder shown
        self.cache: DecodedImageCache | None = None
        self.plan: FitPlan | None = None  # the latest plan (asked for, or the fit's own)
        self.last_result = None  # FitResult of the latest fit
        self.fit_ended: FitEnded | None = None
        self.scan_problem: str | None = None  # why the last scan found no dataset
        self._resume_after_scan: CheckpointSummary | None = None

    # -- state --------------------------------------------------------------------------------
    def is_scanning(self) -> bool:
        return self._scan.busy()

    def is_training(self) -> bool:
        """True from the start until the training job has delivered its result."""
        return self._train.busy()

    def is_fetching_weights(self) -> bool:
        return self._weights.busy()

    def phase(self) -> str:
        """The Train page's one state, from which it shows what can be done: "training",
        "scanning", "no_dataset" (none scanned, or the last scan failed: `scan_problem` says why)
        or "ready"."""
        if self.is_training():
            return "training"
        if self.is_scanning():
            return "scanning"
        return "ready" if self.scan_result is not None else "no_dataset"

    @property
    def outcome(self) -> str | None:
        """The last fit's outcome ("finished", "cancelled", "failed"), None before one ended."""
        if self.last_result is not None:
            return self.last_result.outcome
        return self.fit_ended.outcome if self.fit_ended is not None else None

    # -- scanning -----------------------------------------------------------------------------
    def scan(self, folder: str | Path) -> bool:
        """Scan `folder` in the background, replacing a running scan; False while training."""
        if self.is_training():
            return False
        folder = Path(folder).expanduser()
        self.scan_result = None
        self.scan_problem = None
        self.cache = DecodedImageCache()
        self._scan.start(
            ScanWorker(folder, cache=self.cache),
            progressed=self.scanProgressed.emit,
            scanned=self._on_scan_scanned,
            failed=self._on_scan_failed,
            finished=self.scanEnded.emit,
        )
        self.scanStarted.emit(folder)
        return True

    @Slot()
    def cancel_scan(self) -> None:
        self._scan.cancel()

    def _on_scan_scanned(self, result: Any) -> None:
        self.scan_result = result
        self.scanned.emit(result)
        summary, self._resume_after_scan = self._resume_after_scan, None
        if summary is not None:
            if resume.same_folder(summary.data_root, result.index.root):
                self.resumeReady.emit(summary)
            else:  # another folder was scanned meanwhile: offer it again
                self.resumeDropped.emit()

    def _on_scan_failed(self, message: str) -> None:
        self.scan_problem = message
        if self._resume_after_scan is not None:
            self._resume_after_scan = None
            self.resumeDropped.emit()
        self.scanFailed.emit(message)

    # -- planning and training ------------------------------------------------------------------
    def make_plan(self, config: TrainConfig) -> FitPlan:
        """What the Trainer would do with `config` on the scanned data (trains nothing); raises
        what the Trainer raises about a bad combination."""
        plan = Trainer(planning_config(config), self.training_index(), cache=self.cache).plan()
        self.plan = plan
        return plan

    def training_index(self):
        """The scanned index without the images excluded in the app (core.review.Exclusions)."""
        from core.dataset import exclude_samples
        from core.review import Exclusions

        index = self.scan_result.index
        try:
            return exclude_samples(index, Exclusions.for_folder(index.root).paths())[0]
        except BackboneStudioError:  # an unreadable list: train on everything, said in the log
            log.warning("the exclusion list of %s cannot be read", index.root, exc_info=True)
            return index

    @staticmethod
    def app_config(config: TrainConfig) -> TrainConfig:
        """`config` checkpointing where the app keeps its unfinished training (core.resume)."""
        return replace(
            config,
            checkpoint=str(resume.app_checkpoint_path()),
            checkpoint_every=resume.APP_CHECKPOINT_EVERY,
        )

    @staticmethod
    def output_problem(config: TrainConfig) -> str | None:
        """Why the training's checkpoint cannot be written (a read-only folder, a nearly full
        disk), said before it starts; None when there is room. The CLI asks the same
        (core.training.check_training_outputs)."""
        try:
            check_training_outputs(config)
        except DiskWriteError as exc:
            return error_text(exc)
        return None

    def start_training(self, config: TrainConfig, summary: CheckpointSummary | None = None) -> None:
        """Train on the scanned data with `config` (from `app_config`), or continue the
        checkpointed training `summary`. A new training replaces the unfinished one."""
        self._resume_after_scan = None
        if summary is None:
            self.forget_checkpoint()
        self.last_result = None
        self.fit_ended = None
        worker = ChildTrainWorker if processes_for(config.device) else TrainWorker  # N ranks?
        job = worker(config, self.training_index(), cache=self.cache,
                     resume=summary.path if summary is not None else None)  # fmt: skip
        # Everything alive now outlives the fit: keep it out of the cyclic GC's full passes, which
        # would otherwise run on the training thread holding the GIL (measured 200-350 ms with
        # a few pages and models around), freezing the UI thread. Undone when the fit ends.
        gc.freeze()
        self._train.start(
            job,
            eventEmitted=self._on_train_event,
            fitted=self._on_train_fitted,
            failed=self.trainFailed.emit,
            finished=self._on_train_finished,
        )

    def cancel_training(self) -> bool:
        """Ask the training to stop after its current batch; False when none runs."""
        if not self.is_training():
            return False
        self._train.cancel()
        return True

    def _on_train_event(self, event: object) -> None:
        if isinstance(event, FitStarted):
            self.plan = event.plan
            self.fitPlanned.emit(event.plan)
        elif isinstance(event, FitEnded):
            self.fit_ended = event
        self.eventEmitted.emit(event)

    def _on_train_fitted(self, result: Any) -> None:
        self.last_result = result
        if self.fit_ended is None:  # a trainer that did not report its end: say it here
            self._on_train_event(FitEnded(outcome=result.outcome, message=result.message))
        self.fitted.emit(result)

    def _on_train_finished(self) -> None:
        gc.unfreeze()
        result = self.last_result
        if (result is None or result.outcome == "failed") and not failed_on_disk(result):
            self.forget_checkpoint()  # resuming would meet the same failure
        self.trainEnded.emit(result)

    # -- an interrupted training ------------------------------------------------------------------
    def interrupted_training(self) -> CheckpointSummary | None:
        """The training whose checkpoint the app still keeps (its model was never saved)."""
        offer = resume.find_interrupted()
        if offer.warning:
            self.logged.emit(self.tr("warning: {warning}").format(warning=render(offer.warning)))
        return offer.summary

    def resume_training(self, summary: CheckpointSummary) -> str | None:
        """Scan the folder of the interrupted training `summary` again; `resumeReady` follows
        when that scan is of the same folder. Returns why it cannot (None: the rescan started)."""
        problem = resume.folder_problem(summary)
        if problem is not None:
            return problem
        if not self.scan(summary.data_root):
            return self.tr("A training is running.")
        self._resume_after_scan = summary
        return None

    def resume_pending(self) -> bool:
        """True between `resume_training` and the end of its rescan."""
        return self._resume_after_scan is not None

    def forget_checkpoint(self) -> bool:
        """Delete the kept checkpoint (its model was saved or discarded, or it is replaced).
        Not while a training runs or is about to resume: the checkpoint is that training's.
        True when it is gone."""
        if self.is_training() or self._resume_after_scan is not None:
            return False
        warning = resume.forget()
        if warning is not None:
            self.logged.emit(self.tr("warning: {warning}").format(warning=render(warning)))
        return True

    # -- pretrained weights and demo data -----------------------------------------------------------
    def import_weights(self, backbone: str, path: str | Path) -> None:
        """Check a weights file against `backbone`'s architecture and copy it into the cache."""
        job = CallWorker(backbones.import_weights, backbone, Path(path),
                         description=QT_TRANSLATE_NOOP("Job", "Importing weights"))  # fmt: skip
        self._start_weights(job)

    def download_weights(self, backbone: str) -> None:
        job = CallWorker(backbones.download_weights, backbone,
                         description=QT_TRANSLATE_NOOP("Job", "Downloading weights"), with_progress=True)  # fmt: skip
        self._start_weights(job)

    def _start_weights(self, job: CallWorker) -> None:
        self._weights.start(
            job,
            progressed=self.weightsProgressed.emit,
            succeeded=self.weightsReady.emit,
            failed=self.weightsFailed.emit,
        )

    @Slot()
    def cancel_weights(self) -> None:
        self._weights.cancel()

    def create_demo_dataset(self, folder: str | Path) -> Path:
        """Write the demo data into `folder` (or a new subfolder of it); returns where."""
        target = demo_target(folder)
        job = CallWorker(
            make_demo_dataset,
            target,
            description=QT_TRANSLATE_NOOP("Job", "Creating the demo dataset"),
        )
        self._demo.start(job, succeeded=self.demoWritten.emit, failed=self.demoFailed.emit)
        return target

    # -- closing ------------------------------------------------------------------------------------
    def cancel_and_wait(self, timeout_ms: int = 10000) -> bool:
        """Cancel every job and wait for their threads; True when all have ended. The jobs'
        last signals (the final result) are delivered meanwhile."""
        self.jobs.cancel_all()
        return self.jobs.wait(timeout_ms)
