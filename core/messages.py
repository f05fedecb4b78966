"""Sentences core says to people, with stable ids, so that a front end can say them in its own
language while the command line keeps English.

A message is declared once, where it is used, with an id and its English template (Python
`str.format` syntax):

    PRECISION_GPU = define("plan.precision.gpu",
                           "Precision {precision} (automatic mixed precision on {name}).")
    notes.append(PRECISION_GPU(precision="bf16", name="NVIDIA H200"))

The call gives a `Message`: a `str` whose text is the English sentence (so `str(m)`, `print`,
`in`, `startswith`, logging and JSON all see exactly the English text), which also carries
`id`, `template` and `params`. The GUI renders `template` through its translation catalogue
(context `CoreMessage`, the id as disambiguation) and formats it with `params`
(`gui.i18n.render`). `CATALOGUE` maps every declared id to its template; the GUI's translation
sources are generated from it (`python -m gui.i18n_sources`).

Params are plain values (numbers, names, paths) or other Messages (rendered in turn).
Class names, paths and backbone names are params, so they are never translated.
"""

from __future__ import annotations

import string
from collections.abc import Mapping
from typing import Any

CONTEXT = "CoreMessage"  # the translation context of every core message

CATALOGUE: dict[str, str] = {}  # id -> English template, for every message declared


class Message(str):
    """An English sentence (the str itself) with the id, template and params it came from."""

    id: str
    template: str
    params: Mapping[str, Any]

    def __new__(cls, id: str, template: str, params: Mapping[str, Any] | None = None) -> Message:
        params = dict(params or {})
        self = super().__new__(cls, template.format(**params))
        self.id = id
        self.template = template
        self.params = params
        return self

    def __getnewargs__(self) -> tuple:  # pickling (events cross process boundaries)
        # an exception among the params goes as its message: not every exception pickles
        params = {k: message_of(v) if isinstance(v, BaseException) else v
                  for k, v in self.params.items()}  # fmt: skip
        return (self.id, self.template, params)

    def __reduce__(self):
        return (Message, self.__getnewargs__())

    def __repr__(self) -> str:
        return f"Message({self.id!r}, {str(self)!r})"


class MessageType:
    """A declared message: call it with the params to get a `Message`."""

    def __init__(self, id: str, template: str):
        self.id = id
        self.template = template

    def __call__(self, **params: Any) -> Message:
        return Message(self.id, self.template, params)

    def __repr__(self) -> str:
        return f"MessageType({self.id!r})"


def message_of(exc: BaseException) -> str:
    """An exception's message: the `Message` it was raised with (its first and only argument,
    e.g. `DatasetError(NOT_FOUND(root=root))`, or the `message` attribute of an error that builds
    its text itself), else str(exc). Either way its str is str(exc)."""
    text = str(exc)
    candidates = (getattr(exc, "message", None), exc.args[0] if len(exc.args) == 1 else None)
    for message in candidates:
        if isinstance(message, Message) and message == text:
            return message
    return text


def placeholders(template: str) -> set[str]:
    """The field names a template uses ({lr:g} -> "lr")."""
    return {field for _text, field, _spec, _conv in string.Formatter().parse(template) if field}


def define(id: str, template: str) -> MessageType:
    """Declare a message (once per id; declaring the same id with another text is a bug)."""
    known = CATALOGUE.get(id)
    if known is not None and known != template:
        raise ValueError(f"message id {id!r} is declared twice with different texts")
    CATALOGUE[id] = template
    return MessageType(id, template)


def message_modules() -> tuple[str, ...]:
    """The core modules that declare messages (imported to fill CATALOGUE)."""
    return (
        "core.training.plan_notes", "core.training.lr_find", "core.backbones.offer", "core.resume",
        "core.image_reasons", "core.errors", "core.training.run_messages",
        "core.dataset.scan", "core.dataset.splits", "core.modelfile.reader",
        "core.modelfile.writer", "core.backbones.weights", "core.training.config",
        "core.training.checkpoint", "core.training.features", "core.training.loop",
        "core.training.plan", "core.training.result", "core.sorting.manifest",
        "core.sorting.review", "core.sorting.sorter", "core.audit.source", "core.export.convert",
        "core.export.formats", "core.export.package", "core.export.verify",
        "core.review.actions", "core.review.exclusions", "core.dataset.scan_messages",
        "core.sorting.summary_text", "core.audit.text", "core.devices", "core.demo",
        "core.backbones.build", "core.backbones.table", "core.calibration.fit", "core.evaluate",
        "core.export.proof", "core.export.fast", "core.predict", "core.training.automatic",
    )  # fmt: skip


def load_catalogue() -> dict[str, str]:
    """Import every module that declares messages; returns CATALOGUE (id -> template)."""
    import importlib

    for name in message_modules():
        importlib.import_module(name)
    return dict(CATALOGUE)
