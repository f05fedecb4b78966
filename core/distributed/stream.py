"""Training events (core.events) as JSON lines, and back: how a training in a child process
(`train ... --events-json`, e.g. the launcher of a distributed run) reports to the app.

One line per event: {"event": "EpochEnded", "data": {...}}, flushed at once. `decode` turns a
line back into the same frozen dataclass; a line that is not an event gives None (the child's
other output: notes, warnings, torch's launcher messages), so a reader shows it as text.
"""

from __future__ import annotations

import dataclasses
import json
import threading
from typing import IO

from .. import events as ev

EVENT_TYPES = {
    cls.__name__: cls
    for cls in (ev.FitStarted, ev.StageStarted, ev.FeaturePassProgressed, ev.BatchEnded,
                ev.EpochEnded, ev.Logged, ev.FitEnded)  # fmt: skip
}
PREFIX = '{"event": '


def encode(event) -> str:
    """One JSON line (no newline) for an event."""
    return json.dumps({"event": type(event).__name__, "data": dataclasses.asdict(event)},
                      allow_nan=True)  # fmt: skip


def _build(cls, data: dict):
    if cls is ev.FitStarted:
        plan = dict(data["plan"])
        for name in ("class_names", "stages", "notes"):
            plan[name] = tuple(plan.get(name, ()))
        return ev.FitStarted(ev.FitPlan(**plan))
    if cls is ev.EpochEnded:
        data = dict(data)
        data["per_class"] = tuple(ev.ClassMetrics(**m) for m in data["per_class"])
        data["confusion"] = tuple(tuple(int(v) for v in row) for row in data["confusion"])
    return cls(**data)


def decode(line: str):
    """The event a line holds, or None for any other line."""
    line = line.strip()
    if not line.startswith(PREFIX):
        return None
    try:
        record = json.loads(line)
        cls = EVENT_TYPES[record["event"]]
        return _build(cls, record["data"])
    except (ValueError, KeyError, TypeError):
        return None


class JsonLines:
    """A training callback writing each event as a JSON line to a text stream."""

    def __init__(self, stream: IO[str]):
        self.stream = stream
        self._lock = threading.Lock()

    def __call__(self, event) -> None:
        if type(event).__name__ not in EVENT_TYPES:
            return
        with self._lock:
            self.stream.write(encode(event) + "\n")
            self.stream.flush()
