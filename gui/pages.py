"""What the main window needs of its pages, as typed protocols: the window calls these and
nothing else, so a page is free to change inside, and there is no `hasattr` probing.

Each page package (gui.classify, gui.train, gui.results) provides a QWidget satisfying its
protocol; tests/gui/test_app.py checks that they do.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

from PySide6.QtCore import SignalInstance


@runtime_checkable
class Page(Protocol):
    """Every page: it stops its background jobs when the window closes."""

    def cancel_and_wait(self, timeout_ms: int = ...) -> bool:
        """Cancel every job of the page and wait for its threads; True when all have ended."""
        ...


@runtime_checkable
class ClassifyPageProtocol(Page, Protocol):
    """Loads a model and classifies what is dropped, opened or pasted."""

    classifierChanged: SignalInstance  # (Classifier | None)
    statusMessage: SignalInstance  # (str)
    trainRequested: SignalInstance  # ()
    busyChanged: SignalInstance  # (bool)
    predictionsFinished: SignalInstance  # ()

    @property
    def model_path(self) -> str | None: ...

    def load_model(self, path: str) -> None: ...

    def classify_paths(self, paths: list) -> None: ...

    def open_images_dialog(self) -> None: ...

    def open_folder_dialog(self) -> None: ...

    def paste(self) -> None: ...

    def use_imagenet(self, backbone: str | None = None) -> None: ...

    def export_csv_dialog(self) -> None: ...

    def is_predicting(self) -> bool: ...

    def result_count(self) -> int: ...


@runtime_checkable
class TrainPageProtocol(Page, Protocol):
    """Scans a dataset and trains; hands a usable FitResult on through `trainingFinished`."""

    trainingFinished: SignalInstance  # (FitResult)
    trainingStarted: SignalInstance  # ()
    resumeOfferChanged: SignalInstance  # (str: the unfinished training on offer, "" for none)
    confirm_start: Callable[[], bool] | None  # asked before a new training starts

    def is_training(self) -> bool: ...

    def resume_offer(self) -> str:
        """The unfinished training on offer, in a sentence ("" when none is)."""
        ...

    def resume_interrupted_training(self) -> bool:
        """Scan the unfinished training's folder again and continue it; False if it cannot."""
        ...

    def forget_checkpoint(self) -> None:
        """The latest training's model was saved or discarded: its checkpoint is not needed."""
        ...


@runtime_checkable
class ResultsPageProtocol(Page, Protocol):
    """Shows a training result or an evaluation; saves the trained model."""

    useForClassificationRequested: SignalInstance  # (str: a saved model's path)
    modelSaved: SignalInstance  # (str)

    def show_result(self, result: Any) -> None: ...

    def save_model(self, path: str | Path | None = None) -> str | None: ...

    def has_unsaved_model(self) -> bool: ...

    def discard_result(self) -> None:
        """Forget the shown training result: the person discarded its model."""
        ...
