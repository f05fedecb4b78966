"""`predict-folder` and `predict-latency`: classifying 12 MP photos with `core.predict.Classifier`.

Ours is the app's classifier exactly as the Classify page and `backbone-studio-cli predict` use
it: the ImageNet ResNet-18 (random-init weights in a private hub cache, see `weights.py`), draft
decoding in a thread pool overlapping the forward passes, batches, channels_last. The naive side
is the blog's one-image-at-a-time loop: PIL open, `Resize((224, 224))` + `ToTensor` +
`Normalize`, `model(x.unsqueeze(0))`, softmax.

A third side, "ours, ONNX Runtime", is the same classifier on the runtime the app switches to
once it has proven itself (core.export.fast: exported, checked against PyTorch on 32 of the
photos, used when it agreed and was faster); its check is done before the timing and reported,
and its speed-up over PyTorch is reported next to the target figures, measured in the same run.
"""

from __future__ import annotations

import statistics

import torch

from .data import PHOTOS_12MP, PHOTOS_QUICK, ensure_image_set, image_files, mean_file_mib
from .harness import RunContext, ScenarioResult, Stopwatch, Target, alternate
from .naive import NaivePredictor
from .weights import private_weights

FOLDER_TARGET_SPEEDUP = 3.0
LATENCY_TARGET_MS = 150.0
BACKBONE = "resnet18"


def _forward_flops(model: torch.nn.Module, size: int) -> float:
    """FLOPs (2 x multiply-accumulates) of one image's forward pass, counted by torch."""
    from torch.utils.flop_counter import FlopCounterMode

    was_training = model.training
    model.eval()
    with torch.no_grad(), FlopCounterMode(display=False) as counter:
        model(torch.zeros(1, 3, size, size))
    model.train(was_training)
    return float(counter.get_total_flops())


def _classifier(ctx: RunContext):
    from core.predict import Classifier

    with private_weights(ctx.cache_dir, BACKBONE):
        return Classifier.imagenet(BACKBONE, device="cpu")


def _fast(ctx: RunContext, classifier, files) -> tuple[object | None, dict]:
    """The ONNX Runtime twin of ``classifier`` as the app proves it on the first 32 photos
    (None when onnxruntime is missing or it disagreed), and what the proof measured."""
    from core.export.fast import build_and_prove
    from core.export.proof import Proof

    try:
        import onnxruntime  # noqa: F401
    except ImportError:
        ctx.log("    onnxruntime is not installed: no ONNX Runtime side")
        return None, {}
    with Stopwatch() as sw:
        fast, proof, _note = build_and_prove(classifier, files[:32])
    if not isinstance(proof, Proof) or not proof.agrees:
        ctx.log(f"    ONNX Runtime not used: {proof if not isinstance(proof, Proof) else proof.sentence()}")
        return None, {}
    ctx.log(f"    {proof.sentence(forced=True)} (export and check {sw.seconds:.1f} s)")
    return fast, {"onnx_agreed": f"{proof.agreed}/{proof.checked}",
                  "onnx_check_s": round(sw.seconds, 1), "onnx_worth_it": proof.worth_it}


def _check(predictions, count: int) -> None:
    errors = [p for p in predictions if p.error]
    if len(predictions) != count or errors:
        raise RuntimeError(
            f"classifier returned {len(predictions)} predictions for {count} images"
            + (f"; first error: {errors[0].source}: {errors[0].error}" if errors else "")
        )


def run_folder(ctx: RunContext) -> ScenarioResult:
    spec_set = PHOTOS_QUICK if ctx.quick else PHOTOS_12MP
    folder = ensure_image_set(spec_set, ctx.cache_dir, ctx.log)
    files = image_files(folder)
    classifier = _classifier(ctx)
    size = classifier.input_size
    naive = NaivePredictor(BACKBONE, num_classes=len(classifier.class_names), image_size=size)

    def ours() -> float:
        with Stopwatch() as sw:
            predictions = classifier.predict(folder)  # the folder, as the app and CLI pass it
        _check(predictions, len(files))
        return sw.seconds

    def baseline() -> float:
        with Stopwatch() as sw:
            results = naive.predict_folder(files)
        if len(results) != len(files):
            raise RuntimeError("naive loop lost images")
        return sw.seconds

    fast, proof = _fast(ctx, classifier, files)

    def ours_fast() -> float:
        with Stopwatch() as sw:
            predictions = fast.predict(folder)
        _check(predictions, len(files))
        return sw.seconds

    # Warm-up on a few files (oneDNN primitives, page cache), not timed.
    _check(classifier.predict(files[:2]), 2)
    naive.predict_folder(files[:2])
    sides = {"ours": ours, "naive": baseline}
    if fast is not None:
        _check(fast.predict(files[:2]), 2)
        sides["ours_onnx"] = ours_fast
    times = alternate(sides, ctx.repeats_or(2), ctx.log)

    n = len(files)
    result = ScenarioResult("predict-folder", f"classify a folder of {n} {spec_set.megapixels:.0f} MP JPEGs")
    result.params = {
        "images": n, "width": spec_set.width, "height": spec_set.height,
        "mean_file_mib": round(mean_file_mib(folder), 2), "backbone": BACKBONE,
        "input_size": size, "batch_size": classifier.default_batch_size(),
        "repeats": len(times["ours"]), "weights": "random init (weights do not change the cost)",
        **proof,
    }
    ours_s = statistics.median(times["ours"])
    naive_s = statistics.median(times["naive"])
    result.figure("ours_s", "ours: Classifier.predict(folder)", ours_s, "s")
    result.figure("naive_s", "naive: one image at a time", naive_s, "s")
    result.figure("ours_images_per_s", "ours: throughput", n / ours_s, "images/s")
    result.figure("naive_images_per_s", "naive: throughput", n / naive_s, "images/s")
    flops = _forward_flops(naive.model, size)
    result.figure("forward_gflops", "ours: forward GFLOP/s achieved (decode included)",
                  n * flops / ours_s / 1e9, "GFLOP/s")
    result.figure("fraction_of_peak", "ours: % of fp32 matmul peak", 100 * n * flops / ours_s / 1e9
                  / ctx.peak_gflops(), "%")
    result.ratio("speedup", "speed-up vs naive one-at-a-time", times["ours"], times["naive"],
                 FOLDER_TARGET_SPEEDUP)
    if fast is not None:
        result.figure("onnx_images_per_s", "ours, ONNX Runtime: throughput",
                      n / statistics.median(times["ours_onnx"]), "images/s")
        result.ratio("onnx_speedup", "ONNX Runtime vs PyTorch (the same classifier)",
                     times["ours_onnx"], times["ours"])
        result.ratio("onnx_speedup_vs_naive", "ours, ONNX Runtime vs naive", times["ours_onnx"],
                     times["naive"])
    return result


def run_latency(ctx: RunContext) -> ScenarioResult:
    spec_set = PHOTOS_QUICK if ctx.quick else PHOTOS_12MP
    folder = ensure_image_set(spec_set, ctx.cache_dir, ctx.log)
    files = image_files(folder)
    classifier = _classifier(ctx)
    naive = NaivePredictor(BACKBONE, num_classes=len(classifier.class_names),
                           image_size=classifier.input_size)
    repeats = 3 if ctx.quick else max(3, ctx.repeats or 15)
    # A different photo each time (as in use); each is read once before so the page cache is
    # warm for both sides: we measure decode + preprocess + forward, not the disk.
    photos = [files[i % len(files)] for i in range(repeats)]
    fast, proof = _fast(ctx, classifier, files)
    runners = {"ours": lambda path: classifier.predict([path]), "naive": naive.predict}
    if fast is not None:
        runners["ours_onnx"] = lambda path: fast.predict([path])
    for path in photos[:2]:
        for run in runners.values():
            run(path)

    ms: dict[str, list[float]] = {side: [] for side in runners}
    for i, path in enumerate(photos):
        order = list(runners) if i % 2 == 0 else list(reversed(runners))
        for side in order:
            with Stopwatch() as sw:
                predictions = runners[side](path)
            if side != "naive":
                _check(predictions, 1)
            ms[side].append(sw.seconds * 1e3)
        ctx.log(f"    repeat {i + 1}/{repeats}: "
                + ", ".join(f"{side} {values[-1]:.1f} ms" for side, values in ms.items()))
    ours_ms, naive_ms = ms["ours"], ms["naive"]

    result = ScenarioResult("predict-latency",
                            f"one dropped {spec_set.megapixels:.0f} MP photo to a result")
    result.params = {"repeats": repeats, "width": spec_set.width, "height": spec_set.height,
                     "backbone": BACKBONE, "input_size": classifier.input_size, **proof}
    result.figure("ours_p90_ms", "ours: 90th percentile",
                  statistics.quantiles(ours_ms, n=10)[-1] if len(ours_ms) >= 2 else ours_ms[0], "ms")
    result.figure("naive_ms", "naive: PIL + transforms + forward, median", statistics.median(naive_ms), "ms")
    result.ratio("speedup", "speed-up vs naive", ours_ms, naive_ms)
    result.check("latency_ms", "ours: load + preprocess + forward, median",
                 statistics.median(ours_ms), Target("<=", LATENCY_TARGET_MS, "ms"), ours_ms)
    if fast is not None:
        result.figure("onnx_latency_ms", "ours, ONNX Runtime: median",
                      statistics.median(ms["ours_onnx"]), "ms")
        result.ratio("onnx_speedup", "ONNX Runtime vs PyTorch (the same classifier)",
                     ms["ours_onnx"], ours_ms)
    return result
