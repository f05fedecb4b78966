"""Measuring how long the UI thread is blocked, for the responsiveness tests."""

from __future__ import annotations

import time


class UiStallMeter:
    """Ticks a 10 ms QTimer on the UI thread while in use; `gaps` are the times between ticks,
    so the longest gap is the longest the UI thread was blocked."""

    def __init__(self, interval_ms: int = 10):
        from PySide6.QtCore import QTimer

        self.gaps: list[float] = []
        self._last = time.perf_counter()
        self._timer = QTimer()
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self._tick)

    def _tick(self) -> None:
        now = time.perf_counter()
        self.gaps.append(now - self._last)
        self._last = now

    def __enter__(self) -> UiStallMeter:
        self._last = time.perf_counter()
        self._timer.start()
        return self

    def __exit__(self, *exc) -> None:
        self._timer.stop()
