"""`audit`: the data audit (core.audit) against one plain feature pass over the same images, and
a Grad-CAM map (core.explain) against one forward pass.

Data: 2,000 generated 64 px shapes (8 classes; 200 with --quick). Model: ResNet-18 (standard
stem, random weights: the cost does not depend on what the weights learned) at 64 px.
Baseline: the plain PyTorch feature pass a person would write (ImageDataset through a fresh
decoded-image cache, eval transform, the model's body under inference_mode). Ours: `run_audit`
on the same index with its own fresh cache: the same pass plus content hashes, k-fold heads,
confident learning, duplicate search, outliers and PCA. Targets: audit <= 1.3x the feature pass;
Grad-CAM per image <= 2.5x a forward pass of one image (both include the transform).
"""

from __future__ import annotations

import statistics

import numpy as np
import torch

from .harness import RunContext, ScenarioResult, Stopwatch, Target, alternate

IMAGES, IMAGES_QUICK, SIZE = 2000, 200, 64
AUDIT_TARGET, CAM_TARGET = 1.3, 2.5
CAM_IMAGES = 20


def _data(ctx: RunContext, count: int):
    from core.dataset import scan_folder
    from core.demo import make_demo_dataset

    root = ctx.cache_dir / f"audit-shapes-{count}"
    if not root.exists():
        make_demo_dataset(root, classes=8, per_class=count // 8, size=SIZE, seed=0)
    return scan_folder(root).index


def _model(folder):
    from core.backbones import build_model, get_spec
    from core.modelfile import new_metadata, save_model

    torch.manual_seed(0)
    spec = get_spec("resnet18")
    model = build_model("resnet18", 8).eval()
    metadata = new_metadata("resnet18", [str(i) for i in range(8)], SIZE, spec.mean, spec.std)
    return save_model(folder / "features.safetensors", model, metadata)


def _feature_pass(source, samples, cache) -> int:
    from core.dataset import ImageDataset, collate_skip_missing, eval_transform

    dataset = ImageDataset(samples, eval_transform(source.input_size, source.mean, source.std),
                           cache=cache)  # fmt: skip
    loader = torch.utils.data.DataLoader(dataset, batch_size=64, collate_fn=collate_skip_missing)
    rows = 0
    with torch.inference_mode():
        for images, _labels, _idx, _problems in loader:
            rows += len(source.body(images).flatten(1))
    return rows


def run(ctx: RunContext) -> ScenarioResult:
    from core.audit import FeatureSource, run_audit
    from core.dataset import DecodedImageCache

    count = IMAGES_QUICK if ctx.quick else IMAGES
    index = _data(ctx, count)
    samples = index.samples + (index.val_samples or [])
    result = ScenarioResult("audit", f"data audit of {len(samples)} {SIZE} px images")
    with ctx.scratch_dir("audit-") as scratch:
        source = FeatureSource.from_file(_model(scratch))

        def fresh_cache():
            return DecodedImageCache(short_side=74, spill_dir=scratch / "decoded")

        def feature_pass() -> float:
            with Stopwatch() as sw:
                _feature_pass(source, samples, fresh_cache())
            return sw.seconds

        def audit() -> float:
            with Stopwatch() as sw:
                found = run_audit(index, source, cache=fresh_cache())
            result.params["findings"] = len(found.findings)
            result.params["phase_seconds"] = {k: round(v, 2) for k, v in found.seconds.items()}
            return sw.seconds

        _feature_pass(source, samples[:64], fresh_cache())  # warm-up
        times = alternate({"audit": audit, "features": feature_pass}, ctx.repeats_or(2), ctx.log)
    ratios = [a / f for a, f in zip(times["audit"], times["features"], strict=True)]
    result.params.update(images=len(samples), backbone="resnet18", size=SIZE,
                         repeats=len(ratios), threads=torch.get_num_threads())  # fmt: skip
    result.figure("audit_s", "ours: run_audit", statistics.median(times["audit"]), "s")
    result.figure(
        "features_s", "baseline: one feature pass", statistics.median(times["features"]), "s"
    )
    result.check("audit_vs_feature_pass", "audit time / feature-pass time",
                 statistics.median(ratios), Target("<=", AUDIT_TARGET, "x"), ratios)  # fmt: skip
    _grad_cam(ctx, result)
    return result


def _grad_cam(ctx: RunContext, result: ScenarioResult) -> None:
    from core.backbones import build_model, get_spec
    from core.demo import make_demo_image
    from core.explain import GradCam
    from core.modelfile import new_metadata
    from core.predict import Classifier

    spec = get_spec("resnet18")
    torch.manual_seed(0)
    metadata = new_metadata("resnet18", [str(i) for i in range(8)], 224, spec.mean, spec.std)
    classifier = Classifier.from_metadata(build_model("resnet18", 8).eval(), metadata,
                                          device=torch.device("cpu"), name="bench")  # fmt: skip
    explainer = GradCam(classifier)
    images = [make_demo_image(i % 8, 256, np.random.default_rng(i)) for i in range(CAM_IMAGES)]

    def forward() -> float:
        with Stopwatch() as sw, torch.inference_mode():
            for image in images:
                classifier.model(explainer.transform(image).unsqueeze(0))
        return sw.seconds / len(images)

    def cam() -> float:
        with Stopwatch() as sw:
            for image in images:
                explainer.explain(image)  # in-memory images: never served from the cache
        return sw.seconds / len(images)

    forward()
    times = alternate({"cam": cam, "forward": forward}, ctx.repeats_or(3), ctx.log)
    ratios = [c / f for c, f in zip(times["cam"], times["forward"], strict=True)]
    result.figure(
        "cam_ms", "ours: one Grad-CAM map (224 px)", 1000 * statistics.median(times["cam"]), "ms"
    )
    result.figure("forward_ms", "baseline: one forward pass (224 px)",
                  1000 * statistics.median(times["forward"]), "ms")  # fmt: skip
    result.check("cam_vs_forward", "Grad-CAM time / forward time", statistics.median(ratios),
                 Target("<=", CAM_TARGET, "x"), ratios)  # fmt: skip
