"""Test-wide set-up: headless Qt, no network, a private torch hub cache."""

from __future__ import annotations

import os
import socket
import tempfile

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# A private hub cache: tests never see (or fill) the user's real weight cache.
_TORCH_HOME = tempfile.mkdtemp(prefix="bbs-torch-home-")
os.environ["TORCH_HOME"] = _TORCH_HOME
os.environ.setdefault("BACKBONE_STUDIO_CACHE", tempfile.mkdtemp(prefix="bbs-cache-"))
os.environ.setdefault("BACKBONE_STUDIO_CONFIG", tempfile.mkdtemp(prefix="bbs-config-"))

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
