"""`sort`: sorting a folder of 12 MP photos (core.sorting) against classifying it.

Both sides use the app's classifier (the ImageNet ResNet-18 of `predict-folder`, random-init
weights in a private hub cache). The baseline is `Classifier.predict(folder)`, exactly what
`predict-folder` times; ours is `sort_folder(classifier, folder, dest)` with copies (the
default: every photo read again, hashed, copied atomically with fsync, a manifest written), into
a fresh destination each repeat. Target: sorting runs at >= 0.9x the throughput of prediction,
i.e. the placing threads keep up with the model and the copy is not the bottleneck.
"""

from __future__ import annotations

import shutil
import statistics

from .data import PHOTOS_12MP, PHOTOS_QUICK, ensure_image_set, image_files, mean_file_mib
from .harness import RunContext, ScenarioResult, Stopwatch, alternate
from .predict import BACKBONE, _check, _classifier

TARGET_RATIO = 0.9


def run(ctx: RunContext) -> ScenarioResult:
    from core.sorting import SortOptions, sort_folder

    spec_set = PHOTOS_QUICK if ctx.quick else PHOTOS_12MP
    folder = ensure_image_set(spec_set, ctx.cache_dir, ctx.log)
    files = image_files(folder)
    classifier = _classifier(ctx)
    out = ctx.cache_dir / "sort-output"
    shutil.rmtree(out, ignore_errors=True)
    rounds = iter(range(1000))

    def predict() -> float:
        with Stopwatch() as sw:
            predictions = classifier.predict(folder)
        _check(predictions, len(files))
        return sw.seconds

    def sort(mode: str = "copy") -> float:
        dest = out / f"{mode}-{next(rounds)}"
        try:
            with Stopwatch() as sw:
                summary = sort_folder(classifier, folder, dest, SortOptions(mode=mode))
            if summary.sorted != len(files) or summary.problems:
                raise RuntimeError(f"sort placed {summary.sorted} of {len(files)} photos; "
                                   f"problems: {summary.problems[:2]}")  # fmt: skip
            return sw.seconds
        finally:
            shutil.rmtree(dest, ignore_errors=True)

    _check(classifier.predict(files[:2]), 2)  # warm-up: oneDNN primitives, page cache
    times = alternate({"sort": sort, "predict": predict, "link": lambda: sort("link")},
                      ctx.repeats_or(2), ctx.log)  # fmt: skip
    shutil.rmtree(out, ignore_errors=True)
    n = len(files)
    result = ScenarioResult("sort", f"sort a folder of {n} {spec_set.megapixels:.0f} MP JPEGs")
    result.params = {
        "images": n, "width": spec_set.width, "height": spec_set.height,
        "mean_file_mib": round(mean_file_mib(folder), 2), "backbone": BACKBONE,
        "repeats": len(times["sort"]), "mode": "copy (fsync per file) and link",
    }  # fmt: skip
    for key, label in (("sort", "ours: sort_folder, copy"), ("link", "ours: sort_folder, hard link"),
                       ("predict", "baseline: Classifier.predict(folder)")):  # fmt: skip
        seconds = statistics.median(times[key])
        result.figure(f"{key}_images_per_s", label, n / seconds, "images/s")
    result.ratio("copy_vs_predict", "sort (copy) throughput / predict-folder throughput",
                 times["sort"], times["predict"], TARGET_RATIO)  # fmt: skip
    result.ratio("link_vs_predict", "sort (link) throughput / predict-folder throughput",
                 times["link"], times["predict"])  # fmt: skip
    return result
