"""`budget`: the one-click default from scratch with a time budget against the plain tutorial loop
run for the same wall time, on small-image data (generated: see smalldata.py).

Ours is the whole job as the CLI runs it: scan the training folder, `Trainer(TrainConfig(
backbone="resnet18", pretrained=False, time_budget=B, flip=...)).fit(spent=scan seconds)`, save
the model file; its wall time is what the budget must hold. The plain loop (naive.py,
`naive_train_for`) then trains for exactly that wall time. Both are scored on the set's `test/`
folder, which neither saw.

Targets (the issue's, on 2 cores):
- 10,000 images of 28 px in 10 classes, B = 5 min: at least 4 points above the plain loop. On
  `clutter` (the same digits made hard: low contrast, texture, fragments of other digits, a
  blotted patch): the plain generated `glyphs` saturate (ours 99.6 %), so the margin there only
  measures how lucky the plain loop's 2.2 epochs were (89.1 % and 97.4 % in two runs);
- icons, 900 images at 12:1, B = 100 s: at least 10 points above the plain loop, and never below
  the majority-class rate;
- every budgeted run ends within 5 % (or 10 s) of its budget (three budgets: 5 min, 100 s, and
  1 min on 10,000 glyphs);
- with 60,000 images and B = 20 min, at least 2 points above the 10,000-image result in 5 min
  (clutter again; ours only: the target compares ours with ours). About 20 minutes more, so only
  with BACKBONE_STUDIO_BENCH_LONG=1; otherwise reported as not run.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass

from .harness import RunContext, ScenarioResult, Target
from .naive import naive_train_for
from .smalldata import SmallSet, clutter, ensure_small_set, glyphs, icons


@dataclass(frozen=True)
class Case:
    key: str
    small: SmallSet
    budget: float  # seconds
    margin: float | None  # points above the plain loop the target asks for (None: none)
    plain: bool = True  # whether the plain loop runs for the same seconds


def _cases(quick: bool) -> list[Case]:
    if quick:
        return [Case("clutter", clutter(12, 4), 5.0, None), Case("glyphs", glyphs(12, 4), 5.0, None),
                Case("icons", icons(0.08), 5.0, None)]  # fmt: skip
    cases = [
        Case("clutter", clutter(1000, 200), 300.0, 4.0),
        Case("icons", icons(), 100.0, 10.0),
        Case("glyphs-1m", glyphs(1000, 200), 60.0, None),
    ]
    if os.environ.get("BACKBONE_STUDIO_BENCH_LONG") == "1":
        cases.append(Case("clutter-60k", clutter(6000, 200), 1200.0, None, plain=False))
    return cases


def ours_within(root, small: SmallSet, budget: float, **changes) -> tuple[float, float, int]:
    """(wall seconds from scan to saved model, test accuracy, epochs) of our budgeted default,
    with `changes` to its TrainConfig (tools/recipe_ablation.py: one ingredient at a time)."""
    import tempfile
    from pathlib import Path

    from core.dataset import scan_folder
    from core.evaluate import evaluate
    from core.predict import Classifier
    from core.training import TrainConfig, Trainer

    started = time.perf_counter()
    scan = scan_folder(root / "train")
    settings = {"backbone": "resnet18", "pretrained": False, "time_budget": budget,
                "flip": small.flip, "device": "cpu", **changes}  # fmt: skip
    result = Trainer(TrainConfig(**settings), scan.index).fit(spent=time.perf_counter() - started)
    if result.outcome != "finished":
        raise RuntimeError(f"our budgeted run did not finish: {result.message}")
    with tempfile.TemporaryDirectory() as tmp:
        path = result.save(Path(tmp) / "model.safetensors")
        wall = time.perf_counter() - started
        scored = evaluate(Classifier.load(path, "cpu"), scan_folder(root / "test"))
    return wall, scored.accuracy, len(result.history)


def run(ctx: RunContext) -> ScenarioResult:
    result = ScenarioResult("budget", "Train within a time budget vs the plain loop, same seconds")
    result.params = {"backbone": "resnet18", "pretrained": False, "threads": ctx.threads}
    accuracy: dict[str, float] = {}
    for case in _cases(ctx.quick):
        root = ensure_small_set(case.small, ctx.cache_dir / "small", ctx.log)
        ctx.log(f"budget {case.key}: ours for {case.budget:.0f} s...")
        wall, ours, _epochs = ours_within(root, case.small, case.budget)
        accuracy[case.key] = ours
        label = f"{case.small.name} ({case.small.train_size} images), {case.budget:.0f} s"
        result.figure(f"{case.key}-ours", f"ours, test accuracy, {label}", 100 * ours, "%")
        if case.plain:
            ctx.log(f"budget {case.key}: the plain loop for {wall:.0f} s...")
            plain = naive_train_for(root, wall)
            result.figure(f"{case.key}-plain", f"plain loop, same {wall:.0f} s ({plain.epochs:.1f}"
                          " epochs)", 100 * plain.test_accuracy, "%")  # fmt: skip
        tolerance = max(0.05 * case.budget, 10.0)
        result.check(f"{case.key}-on-time", f"{label}: wall time minus budget",
                     abs(wall - case.budget), Target("<=", tolerance, "s"))  # fmt: skip
        if case.margin is not None:
            result.check(f"{case.key}-vs-plain", f"{label}: points above the plain loop",
                         100 * (ours - plain.test_accuracy), Target(">=", case.margin, "pt"))  # fmt: skip
        if case.key == "icons" and not ctx.quick:  # the quick sets only prove the path works
            result.check("icons-vs-majority", "icons: points above always answering the largest "
                         "class", 100 * (ours - case.small.majority_rate), Target(">=", 0.0, "pt"))  # fmt: skip
    if "clutter-60k" in accuracy:
        result.check("60k-vs-10k", "clutter: 60,000 images in 20 min, points above 10,000 in 5 min",
                     100 * (accuracy["clutter-60k"] - accuracy["clutter"]), Target(">=", 2.0, "pt"))  # fmt: skip
    elif not ctx.quick:
        result.notes.append("60,000 images in 20 minutes: not run (about 20 minutes more; set "
                            "BACKBONE_STUDIO_BENCH_LONG=1 to run it).")  # fmt: skip
    return result
