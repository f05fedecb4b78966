"""The Classify page's faster runtime: ONNX Runtime for a model file once it has proven, on this
machine, the same answers as PyTorch and more speed (core.export.fast).

- Loading a model file looks the proof up in the cache (a hash of the file, milliseconds to a
  second) and starts on ONNX Runtime at once when it is there.
- Without a proof, the page classifies with PyTorch; once it has shown at least MIN_PROOF
  readable image files of that model, it checks ONNX Runtime on up to PROBE of them in the
  background (an export of a few seconds, once per model file), and switches to it for the
  next images when it agreed and was faster. The images shown stay as they are: the runtime was
  proven to give the same answers.
- View ▸ "Use ONNX Runtime when proven faster" turns it off (QSettings; on by default).
"""

from __future__ import annotations

import os

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QAction

from core.export.proof import MIN_PROOF, PROBE

from ..i18n import render
from ..jobs import JobSlot, JobThreads
from ..workers import CallWorker

SETTING = "classify/fast_runtime"


def fast_runtime_enabled(settings) -> bool:
    """The View menu's choice; `BACKBONE_STUDIO_FAST_RUNTIME=0/1` sets the default (the test
    suite pins it off, as it pins the CPU's precision, and turns it on where it tests it)."""
    default = os.environ.get("BACKBONE_STUDIO_FAST_RUNTIME", "1") != "0"
    return bool(settings.value(SETTING, default, bool))


def load_with_runtime(path: str):
    """(the PyTorch classifier, the proven ONNX Runtime one or None, the proof's sentence, the
    file's cache key): runs on the loader's thread. The cache is looked up even while the View
    toggle is off, so turning it on needs no new check; the key is the hash of the file as it
    was loaded, so a check still running when the file is replaced caches under the old bytes."""
    from core.export.fast import cache_key, from_cache, usable
    from core.predict import Classifier

    key = cache_key(path)
    classifier = Classifier.load(path)
    if not usable(classifier):
        return classifier, None, "", None
    fast, proof = from_cache(classifier, path, key=key)
    return classifier, fast, (proof.sentence() if proof is not None else ""), key


def _build(classifier, path: str, sources: list[str], key: str | None):
    from core.export.fast import build_and_prove

    return build_and_prove(classifier, sources, path, key=key)


class FastRuntime(QObject):
    """The faster runtime of the page's current model. Signals: `changed(text)` when the runtime
    in use changes (text: which and why, in the user's language)."""

    changed = Signal(str)

    def __init__(self, settings, jobs: JobThreads, parent: QObject | None = None):
        super().__init__(parent)
        self.settings = settings
        self._slot = JobSlot(jobs, self)
        self.classifier = None  # the PyTorch classifier the runtime belongs to
        self.path: str | None = None
        self.key: str | None = None  # the model file's cache key, hashed when it was loaded
        self.fast = None  # its proven ONNX Runtime twin, when there is one
        self.sentence = ""  # which runtime and why, in the user's language
        self._proof = ""
        self._known = False  # a proof exists (used or not) or a check ran: no second check
        self._sources: list[str] = []  # readable image files shown with this model

    def enabled(self) -> bool:
        return fast_runtime_enabled(self.settings)

    def set_enabled(self, on: bool) -> None:
        """The View menu's toggle: takes effect from the next images on (a proven runtime is
        kept while off, so turning it on again needs no new check)."""
        self.settings.set_value(SETTING, bool(on))
        if self.fast is None:
            return
        self._say(self._proof if on else self.tr("Classifying with PyTorch (ONNX Runtime turned off)."))

    def make_action(self, parent) -> QAction:
        """View ▸ "Use ONNX Runtime when proven faster" (checkable, saved)."""
        action = QAction(self.tr("Use ONNX Runtime When Proven Faster"), parent)
        action.setCheckable(True)
        action.setChecked(self.enabled())
        action.setToolTip(self.tr("Classify with ONNX Runtime once it has given the same answers "
                                  "as PyTorch on your images and was faster on this computer"))
        action.toggled.connect(self.set_enabled)
        return action

    def describe(self) -> str:
        """A short word for the model line: which runtime classifies."""
        return self.tr("ONNX Runtime") if self.in_use() == "onnxruntime" else ""

    def reset(self, classifier, path: str | None, fast=None, sentence: str = "",
              key: str | None = None) -> None:  # fmt: skip
        """A new model: its cached runtime (if any) from the loader, no check running."""
        self._slot.discard()
        self.classifier, self.path, self.key = classifier, path, key
        self.fast = fast
        self._known = bool(sentence)
        self._sources = []
        self._proof = render(sentence) if sentence else ""  # why the runtime is what it is
        self.sentence = self._proof if self.enabled() or fast is None else ""
        self.changed.emit(self.sentence)

    def runner(self):
        """The classifier to classify with."""
        return self.fast if self.fast is not None and self.enabled() else self.classifier

    def in_use(self) -> str:
        return "onnxruntime" if self.runner() is self.fast and self.fast is not None else "torch"

    def saw(self, predictions) -> None:
        """Predictions of the current model: readable image files are candidates for the check."""
        room = PROBE - len(self._sources)
        if room > 0:
            self._sources += [p.source for p in predictions
                              if p.ok and os.path.isfile(p.source)][:room]  # fmt: skip

    def maybe_check(self) -> bool:
        """Start the background check when it is due (a model file, no proof yet, enough images
        shown, on the CPU, turned on); True when it started."""
        from core.export.fast import usable

        classifier = self.classifier
        due = (self.enabled() and not self._known and self.key is not None
               and classifier is not None and usable(classifier)
               and len(self._sources) >= MIN_PROOF and not self._slot.busy())  # fmt: skip
        if not due:
            return False
        self._known = True
        job = CallWorker(_build, classifier, self.path, list(self._sources), self.key,
                         description=self.tr("Checking ONNX Runtime"))  # fmt: skip
        self._slot.start(job, succeeded=lambda result: self._checked(classifier, result))
        return True

    def busy(self) -> bool:
        return self._slot.busy()

    def _checked(self, classifier, result) -> None:
        from core.export.proof import Proof

        if classifier is not self.classifier:
            return  # the model changed meanwhile
        fast, proof, note = result
        if not isinstance(proof, Proof):
            self._say(render(proof))
            return
        if proof.worth_it and fast is not None:
            self.fast = fast
        self._proof = render(proof.sentence())
        if self.fast is not None and not self.enabled():  # turned off while it was checking
            self._say(self.tr("Classifying with PyTorch (ONNX Runtime turned off)."))
            return
        self._say(self._proof + (" " + render(note) if note else ""))

    def _say(self, text: str) -> None:
        self.sentence = text
        self.changed.emit(text)
