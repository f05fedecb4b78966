"""Test-wide set-up: headless Qt, no network, a private torch hub cache."""

from __future__ import annotations

import os
import socket
import sys
import tempfile

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# A private hub cache: tests never see (or fill) the user's real weight cache.
_TORCH_HOME = tempfile.mkdtemp(prefix="bbs-torch-home-")
os.environ["TORCH_HOME"] = _TORCH_HOME
os.environ.setdefault("BACKBONE_STUDIO_CACHE", tempfile.mkdtemp(prefix="bbs-cache-"))
os.environ.setdefault("BACKBONE_STUDIO_CONFIG", tempfile.mkdtemp(prefix="bbs-config-"))
os.environ.setdefault("BACKBONE_STUDIO_STATE", tempfile.mkdtemp(prefix="bbs-state-"))
# The CPU's training precision is pinned, never left to the hardware: CI runs on CPUs with native
# bf16 (AVX512-BF16) and without. fp32 unless the run asks otherwise
# (`BACKBONE_STUDIO_CPU_BF16=1 make test`); tests of the bf16 branch set it themselves.
os.environ.setdefault("BACKBONE_STUDIO_CPU_BF16", "0")
# The Classify page checks ONNX Runtime in the background once it has shown 16 images of a
# model file (gui/classify/runtime.py): seconds of export no other test needs. Off unless a test
# turns it on (tests/gui/test_classify_runtime.py).
os.environ.setdefault("BACKBONE_STUDIO_FAST_RUNTIME", "0")

import pytest  # noqa: E402


class _NoNetwork(socket.socket):
    def connect(self, address):  # pragma: no cover - only hit by a faulty test
        host = address[0] if isinstance(address, tuple) else address
        if host in ("127.0.0.1", "::1", "localhost") or isinstance(address, str):
            return super().connect(address)
        raise OSError(f"tests must not touch the network (tried {address!r})")


socket.socket = _NoNetwork  # type: ignore[misc]


@pytest.fixture(autouse=True)
def _deterministic_torch():
    import torch

    torch.manual_seed(0)
    torch.set_num_threads(max(1, min(2, os.cpu_count() or 1)))
    yield


@pytest.fixture(autouse=True)
def _unattended_questions(monkeypatch):
    """No test may hang on a modal question (offscreen, nobody would answer it). Unless a test
    answers it itself, QMessageBox.question returns Discard where that is offered (a person who
    lets unsaved work go), else the dialog's default button."""
    widgets = sys.modules.get("PySide6.QtWidgets")
    if widgets is not None:
        box = widgets.QMessageBox

        def answer(parent, title, text, buttons=box.StandardButton.Ok,
                   default=box.StandardButton.NoButton):  # fmt: skip
            if buttons & box.StandardButton.Discard:
                return box.StandardButton.Discard
            return default

        monkeypatch.setattr(box, "question", answer)
    yield
