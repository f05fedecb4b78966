"""Classifying with ONNX Runtime instead of PyTorch, once it has proven itself on the images.

`benchmarks runtimes` measures ONNX Runtime faster than PyTorch fp32 on most CPUs, but not
every model on every CPU. So nothing is assumed: the model is exported to ONNX (a few seconds),
the job's first images go through both runtimes (core.export.proof), and ONNX Runtime is used
only when it gave the same answers on at least 99.5 % of them and, unless it was asked for, was
measured faster. The proof and the ONNX file are cached per model file
(core.export.runtime_cache), so every later job of that model, on the Classify page or with
`predict`, starts on the proven runtime without exporting again.

Runtimes: "auto" (the default: the cached proven runtime when there is one; a job of at least
AUTO_BUILD_MIN images builds the proof first), "onnxruntime" (build the proof now and use ONNX
Runtime whenever it agrees, faster or not), "torch" (PyTorch, nothing else tried).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import torch
from torch import nn

from ..errors import BackboneStudioError
from ..messages import define
from .formats import BY_NAME
from .proof import MIN_PROOF, Proof, compare, probe_tensors, versions
from .runtime_cache import RuntimeCache, model_key

RUNTIMES = ("auto", "torch", "onnxruntime")
AUTO_BUILD_MIN = 200  # images a job needs before "auto" spends seconds building a proof

CPU_ONLY = define("runtime.cpu_only",
                  "ONNX Runtime runs on the CPU here; classifying with PyTorch on {device}.")
NOT_INSTALLED = define("runtime.not_installed", "{missing}; classifying with PyTorch.")
EXPORT_FAILED = define("runtime.export_failed",
                       "Could not run the model in ONNX Runtime ({error}); classifying with PyTorch.")
NO_IMAGES = define("runtime.no_images",
                   "No readable image to compare the runtimes on; classifying with PyTorch.")
BUILDING = define("runtime.building",
                  "Checking ONNX Runtime against PyTorch on the first images (once for this model "
                  "file; the result is cached)…")  # fmt: skip
NOT_CACHED = define("runtime.not_cached",
                    "The checked ONNX model could not be cached ({error}); the next job checks "
                    "again.")  # fmt: skip


class LogitsAndFeatures(nn.Module):
    """(logits, penultimate features) in one call: what the "None of these" check reads, so
    that an ONNX model exported from it can serve a calibrated classifier whole."""

    def __init__(self, model: nn.Module, backbone: str):
        super().__init__()
        from ..backbones import split_features

        self.body, self.head = split_features(model, backbone)

    def forward(self, x):
        features = self.body(x)
        return self.head(features), features.flatten(1)


class RuntimeModule(nn.Module):
    """An ONNX model in ONNX Runtime, called like the PyTorch model it was exported from. One
    exported from `LogitsAndFeatures` also answers `logits_and_features(x)`
    (core.predict.Classifier asks for it when its review policy needs the features)."""

    def __init__(self, onnx: bytes, threads: int | None = None):
        super().__init__()
        import onnxruntime as ort

        options = ort.SessionOptions()
        options.intra_op_num_threads = int(threads or torch.get_num_threads())
        # Its threads sleep between runs instead of spinning: the job's decoding threads share
        # the cores (48 12 MP photos: 3.38 s spinning, 3.13 s not, PyTorch 3.29 s; one run).
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        self.onnx = onnx  # kept: the runtime cache stores exactly what was checked
        self.session = ort.InferenceSession(onnx, options, providers=["CPUExecutionProvider"])
        self.input_name = self.session.get_inputs()[0].name

    def _run(self, x: torch.Tensor) -> list:
        batch = np.ascontiguousarray(x.detach().float().cpu().numpy())
        return self.session.run(None, {self.input_name: batch})

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return torch.from_numpy(self._run(x)[0])

    def logits_and_features(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        logits, features = self._run(x)[:2]
        return torch.from_numpy(logits), torch.from_numpy(features)


def _same_kind(classifier, model: nn.Module):
    from ..predict import Classifier, ClassifierInfo

    info = ClassifierInfo(classifier.name, classifier.backbone, tuple(classifier.class_names),
                          classifier.input_size, classifier.mean, classifier.std,
                          classifier.metadata)  # fmt: skip
    fast = Classifier(model, info, device=torch.device("cpu"))
    fast.review = classifier.review  # the same calibration, threshold and "None of these"
    fast._channels_last = False  # ONNX Runtime takes plain NCHW arrays
    fast.runtime = "onnxruntime"
    return fast


def cache_key(model_path) -> str | None:
    """The runtime cache's key for a model file (a hash of its bytes); None without a file or
    when it cannot be read now."""
    try:
        return model_key(model_path) if model_path else None
    except OSError:
        return None  # unreadable now: no cache, the job itself says what is wrong


def usable(classifier) -> bool:
    """Whether ONNX Runtime can serve this classifier here (on the CPU, packages installed)."""
    return classifier.device.type == "cpu" and not BY_NAME["onnx"].missing()


def from_cache(classifier, model_path, forced: bool = False,
               key: str | None = None) -> tuple[object | None, Proof | None]:  # fmt: skip
    """(the ONNX Runtime classifier, its proof) from the cache for ``model_path`` (or its
    ``key``, when the caller hashed the file as it loaded it): the classifier only when the
    proof says to use it (agreed and faster, or agreed when ``forced``); (None, None) when
    nothing usable is cached."""
    if not usable(classifier):
        return None, None
    key = key or cache_key(model_path)
    if key is None:
        return None, None
    stored = RuntimeCache().read(key, versions(classifier))
    if stored is None:
        return None, None
    proof, onnx = stored
    if onnx is None or not (proof.worth_it or (forced and proof.proven)):
        return None, proof
    try:
        return _same_kind(classifier, RuntimeModule(onnx)), proof
    except Exception:  # noqa: BLE001 - a damaged cached file: build again
        return None, None


def build_and_prove(classifier, probe: Sequence, model_path=None,
                    key: str | None = None) -> tuple[object | None, Proof | str, str]:  # fmt: skip
    """Export, compare on up to PROBE images of ``probe`` and cache the proof (when it checked
    at least MIN_PROOF images and ``model_path`` or ``key`` is given): (the ONNX Runtime
    classifier or None, the Proof or, when there was none, the reason, a note when caching
    failed). The file is hashed before anything else (or ``key`` given, hashed when the
    classifier was loaded from it), so a file replaced meanwhile never gets this model's proof."""
    key = key or cache_key(model_path)
    try:
        fast = _same_kind(classifier, RuntimeModule(_onnx_for(classifier)))
        probed = probe_tensors(classifier, probe)
        proof = compare(classifier, fast, *probed) if probed is not None else None
    except Exception as exc:  # noqa: BLE001 - any export failure: stay on PyTorch, say why
        said = exc if isinstance(exc, BackboneStudioError) else (
            str(exc).splitlines()[0] if str(exc) else type(exc).__name__)
        return None, EXPORT_FAILED(error=said), ""
    if proof is None:
        return None, NO_IMAGES(), ""
    note = ""
    if key is not None and proof.checked >= MIN_PROOF:
        try:
            RuntimeCache().store(key, proof, fast.model.onnx if proof.agrees else None)
        except (BackboneStudioError, OSError) as exc:  # only the cache is lost; the job goes on
            note = NOT_CACHED(error=exc)
    return fast, proof, note


def with_runtime(classifier, runtime: str, probe: Sequence, model_path=None,
                 notify=None) -> tuple[object, str]:  # fmt: skip
    """(the classifier to use, a sentence saying which runtime and why; "" when there is nothing
    to say). ``runtime`` is one of RUNTIMES; ``probe`` the job's images; ``model_path`` the model
    file (the cache key; None for a model without a file); ``notify(text)`` hears about a build
    before it starts and about a cache that could not be written."""
    if runtime == "torch":
        return classifier, ""
    forced = runtime == "onnxruntime"
    if classifier.device.type != "cpu":
        return classifier, CPU_ONLY(device=str(classifier.device)) if forced else ""
    missing = BY_NAME["onnx"].missing()
    if missing:
        return classifier, NOT_INSTALLED(missing=missing) if forced else ""
    key = cache_key(model_path)  # once: the build below caches under what was loaded now
    fast, proof = from_cache(classifier, model_path, forced, key=key)
    if fast is not None:
        return fast, proof.sentence(forced)
    if proof is not None and not forced:
        return classifier, proof.sentence()  # proven here before: not worth it
    if not forced and (model_path is None or len(probe) < AUTO_BUILD_MIN):
        return classifier, ""
    if notify is not None:
        notify(BUILDING())
    fast, proof, note = build_and_prove(classifier, probe, model_path, key=key)
    if note and notify is not None:
        notify(note)
    if not isinstance(proof, Proof):
        return classifier, proof
    use = proof.agrees if forced else proof.worth_it
    return (fast if use else classifier), proof.sentence(forced)


def _onnx_for(classifier) -> bytes:
    """The classifier's model as ONNX for ONNX Runtime here; with a second output, the features,
    when its review policy ("None of these") reads them.

    Through torch.onnx's TorchScript exporter, not the dynamo one the Export dialog uses: this
    runs in the background while a training may run in another thread, and the dynamo exporter
    changes torch.fx's process-wide annotation state, which made that training's
    `torch.manual_seed` fail (KeyError 'custom' in torch/fx/traceback.py, seen in `make
    screenshots`). The result is checked against PyTorch before it is used either way."""
    import io
    import warnings

    from .convert import INPUT_NAME, OUTPUT_NAME, _plain

    review = getattr(classifier, "review", None)
    features = review is not None and review.needs_features
    model = LogitsAndFeatures(classifier.model, classifier.backbone) if features else classifier.model
    outputs = [OUTPUT_NAME, "features"] if features else [OUTPUT_NAME]
    example = torch.zeros(1, 3, classifier.input_size, classifier.input_size)
    buffer = io.BytesIO()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.onnx.export(_plain(model).eval(), (example,), buffer, dynamo=False, opset_version=18,
                          input_names=[INPUT_NAME], output_names=outputs,
                          dynamic_axes={name: {0: "batch"} for name in (INPUT_NAME, *outputs)})  # fmt: skip
    return buffer.getvalue()
