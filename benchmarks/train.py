"""`train-head` and `train-full`: `core.training.Trainer` against the naive blog loop.

Both sides train ResNet-18 at 224 px on the same generated class-per-folder tree (1080p JPEGs,
`train/` + `val/`), validating every epoch. Ours is the whole job as the app runs it: scan the
folder into a `DecodedImageCache` (every file decoded once, draft-decoded to a 288 px short
side), then `Trainer(...).fit()` with the product's own defaults apart from the strategy, the
epoch count, the image size and the device. Each of our repeats starts cold: a fresh decoded-
image cache and a fresh app cache folder (`BACKBONE_STUDIO_CACHE`), so nothing is reused between
repeats. "Pretrained" weights are random-init (see `weights.py`); they do not change the cost.

`train-head`: 10 epochs of the `head` strategy (one pass through the frozen backbone to cache
features, then epochs over the cached features), total wall time, vs the naive frozen loop (the
transfer-learning tutorial: `requires_grad=False`, but every epoch still decodes every JPEG and
runs the whole backbone) and vs the naive full-network loop.

`train-full`: full fine-tuning, training throughput of a steady-state epoch (images/s), vs the
naive full-network loop; and achieved training FLOP/s (3 x forward FLOPs per image) as a
fraction of the measured matmul peak in the precision our training computes in (bf16 where the
CPU has native bf16, else fp32; the naive loop's fraction is of the fp32 peak).
"""

from __future__ import annotations

import statistics
import time
from dataclasses import dataclass, field

import torch

from .data import TRAIN_1080P, TRAIN_QUICK, ensure_image_set, mean_file_mib
from .harness import RunContext, ScenarioResult, Stopwatch, Target, alternate, environ
from .naive import NaiveTrainRun, blog_model, naive_train
from .peak import PRECISION_DTYPES, cpu_training_precision
from .weights import private_weights

BACKBONE = "resnet18"
HEAD_TARGET_VS_FROZEN = 8.0
HEAD_TARGET_VS_FULL = 20.0
FULL_TARGET_SPEEDUP = 1.3
FULL_TARGET_PEAK_FRACTION = 60.0  # percent
QUICK_SIZE = 32  # --quick: the smallest input ResNet-18 takes, to prove the path works in seconds


@dataclass
class EventClock:
    """A Trainer callback that timestamps the events it receives."""

    events: list[tuple[float, object]] = field(default_factory=list)

    def __call__(self, event: object) -> None:
        self.events.append((time.perf_counter(), event))

    def of(self, kind: str) -> list[tuple[float, object]]:
        return [(t, e) for t, e in self.events if type(e).__name__ == kind]

    def epochs(self, stage: str) -> list[dict[str, float]]:
        """Per epoch of `stage`: wall seconds (train + validation) and training-phase seconds.

        An epoch runs from the previous epoch's end (or its stage's start) to its EpochEnded;
        its training phase ends at its last BatchEnded (validation follows it).
        """
        out = []
        start = None
        last_batch = None
        for t, event in self.events:
            name = type(event).__name__
            if name == "StageStarted" and event.stage == stage:
                start, last_batch = t, None
            elif name == "BatchEnded" and start is not None:
                last_batch = t
            elif name == "EpochEnded" and start is not None and event.stage == stage:
                out.append({"seconds": t - start, "train_seconds": (last_batch or t) - start})
                start, last_batch = t, None
        return out

    def stage_seconds(self, stage: str) -> float | None:
        """Seconds from StageStarted(stage) to the next StageStarted or FitEnded."""
        begin = None
        for t, event in self.events:
            name = type(event).__name__
            if begin is not None and name in ("StageStarted", "FitEnded"):
                return t - begin
            if name == "StageStarted" and event.stage == stage:
                begin = t
        return None


@dataclass
class OursRun:
    seconds: float  # scan + fit, wall
    scan_seconds: float
    clock: EventClock
    plan: object
    num_train: int
    num_val: int


def _train_ours(ctx: RunContext, root, *, strategy: str, epochs: int, size: int) -> OursRun:
    from core.dataset import DecodedImageCache, scan_folder
    from core.training import TrainConfig, Trainer

    clock = EventClock()
    with ctx.scratch_dir(f"{strategy}-") as scratch, environ(BACKBONE_STUDIO_CACHE=str(scratch)), \
            private_weights(ctx.cache_dir, BACKBONE):
        with Stopwatch() as total:
            cache = DecodedImageCache(spill_dir=scratch / "decoded")
            with Stopwatch() as scan_sw:
                scan = scan_folder(root, cache=cache)
            config = TrainConfig(backbone=BACKBONE, strategy=strategy, pretrained=True,
                                 epochs=epochs, image_size=size, device="cpu", seed=0)
            trainer = Trainer(config, scan.index, callbacks=[clock], cache=cache)
            result = trainer.fit()
    if result.outcome != "finished":
        raise RuntimeError(f"Trainer({strategy}) ended {result.outcome}: {result.message}")
    if scan.problems:
        raise RuntimeError(f"scan found problems in generated data: {scan.problems[:3]}")
    started = clock.of("FitStarted")
    plan = started[0][1].plan if started else None
    index = scan.index
    return OursRun(total.seconds, scan_sw.seconds, clock, plan, len(index.samples),
                   len(index.val_samples or []))


def _forward_flops(size: int, num_classes: int) -> float:
    from torch.utils.flop_counter import FlopCounterMode

    model = blog_model(BACKBONE, num_classes, freeze_backbone=False).eval()
    with torch.no_grad(), FlopCounterMode(display=False) as counter:
        model(torch.zeros(1, 3, size, size))
    return float(counter.get_total_flops())


def peak_for_training(ctx: RunContext, plan: object | None = None) -> tuple[str, float]:
    """(precision, matmul GFLOP/s peak in it) for our training on the CPU: the precision the
    Trainer's plan reports, or else the one `core.devices` picks (bf16 autocast with native bf16,
    `BACKBONE_STUDIO_CPU_BF16=0/1` overriding; fp32 otherwise). Dividing bf16 training FLOP/s by
    the fp32 peak would report more than 100 % of what the hardware can do."""
    precision = getattr(plan, "precision", None)
    if precision not in PRECISION_DTYPES:
        precision = cpu_training_precision()
    return precision, ctx.peak_gflops(precision)


def _plan_params(plan: object) -> dict[str, object]:
    if plan is None:
        return {}
    keys = ("strategy", "stages", "batch_size", "epochs", "image_size", "precision", "learning_rate")
    return {f"ours_{k}": getattr(plan, k) for k in keys if hasattr(plan, k)}


# ---------------------------------------------------------------------------------------------
# train-head
# ---------------------------------------------------------------------------------------------


def run_head(ctx: RunContext) -> ScenarioResult:
    spec_set = TRAIN_QUICK if ctx.quick else TRAIN_1080P
    root = ensure_image_set(spec_set, ctx.cache_dir, ctx.log)
    epochs = 2 if ctx.quick else 10
    size = QUICK_SIZE if ctx.quick else 224
    # The naive loops cost minutes per epoch at full size: measure two epochs (the first pays
    # warm-up, the second is the steady state) and scale; see NaiveTrainRun.total_seconds.
    naive_epochs = 1 if ctx.quick else 2
    ours_runs: list[OursRun] = []
    naive_runs: dict[str, list[NaiveTrainRun]] = {"frozen": [], "full": []}

    def ours() -> float:
        ours_runs.append(_train_ours(ctx, root, strategy="head", epochs=epochs, size=size))
        return ours_runs[-1].seconds

    def naive(kind: str):
        def go() -> float:
            run = naive_train(root, epochs=naive_epochs, freeze_backbone=kind == "frozen",
                              arch=BACKBONE, image_size=size)
            naive_runs[kind].append(run)
            return run.total_seconds(epochs)

        return go

    times = alternate({"ours": ours, "naive frozen": naive("frozen"), "naive full": naive("full")},
                      ctx.repeats_or(2), ctx.log)

    first = ours_runs[0]
    result = ScenarioResult("train-head", f"{epochs} epochs, head strategy, "
                            f"{first.num_train}+{first.num_val} {spec_set.height}p JPEGs")
    result.params = {
        "backbone": BACKBONE, "image_size": size, "epochs": epochs,
        "train_images": first.num_train, "val_images": first.num_val,
        "width": spec_set.width, "height": spec_set.height,
        "mean_file_mib": round(mean_file_mib(root), 2), "repeats": len(times["ours"]),
        "naive_epochs_measured": naive_epochs, "naive_batch_size": 32,
        "weights": "random init (weights do not change the cost)", **_plan_params(first.plan),
    }
    med = statistics.median
    result.figure("ours_s", f"ours: scan + {epochs} epochs, wall", med(times["ours"]), "s")
    result.figure("ours_scan_s", "ours: of which folder scan (decode into cache)",
                  med(r.scan_seconds for r in ours_runs), "s")
    feature_pass = [s for r in ours_runs if (s := r.clock.stage_seconds("features")) is not None]
    if feature_pass:
        result.figure("ours_features_s", "ours: of which feature pass", med(feature_pass), "s")
    for kind in ("frozen", "full"):
        runs = naive_runs[kind]
        result.figure(f"naive_{kind}_epoch_s", f"naive {kind}: one epoch, measured",
                      med(r.epoch_seconds[-1] for r in runs), "s")
        result.figure(f"naive_{kind}_s", f"naive {kind}: {epochs} epochs"
                      + ("" if naive_epochs >= epochs else f" (from {naive_epochs} measured)"),
                      med(times[f"naive {kind}"]), "s")
    result.ratio("speedup_vs_frozen", "speed-up vs naive frozen backbone", times["ours"],
                 times["naive frozen"], HEAD_TARGET_VS_FROZEN)
    result.ratio("speedup_vs_full", "speed-up vs naive full network", times["ours"],
                 times["naive full"], HEAD_TARGET_VS_FULL)
    if naive_epochs < epochs:
        how = (f"first + {epochs - 1} x mean of the later ones" if naive_epochs > 1
               else f"{epochs} x the measured one (counts its warm-up {epochs} times)")
        result.notes.append(
            f"naive loops: {naive_epochs} of {epochs} epochs measured per repeat, scaled as {how}; "
            "every epoch decodes the same files with the same deterministic transforms and runs "
            "the same batches through the same network: identical work"
        )
    return result


# ---------------------------------------------------------------------------------------------
# train-full
# ---------------------------------------------------------------------------------------------


def run_full(ctx: RunContext) -> ScenarioResult:
    spec_set = TRAIN_QUICK if ctx.quick else TRAIN_1080P
    root = ensure_image_set(spec_set, ctx.cache_dir, ctx.log)
    epochs = 1 if ctx.quick else 2  # the first pays warm-up; the second is the steady state
    size = QUICK_SIZE if ctx.quick else 224
    ours_runs: list[OursRun] = []
    naive_runs: list[NaiveTrainRun] = []

    def ours() -> float:
        run = _train_ours(ctx, root, strategy="full", epochs=epochs, size=size)
        per_epoch = run.clock.epochs("full")
        if len(per_epoch) != epochs:
            raise RuntimeError(f"Trainer(full) reported {len(per_epoch)} epochs, expected {epochs}")
        ours_runs.append(run)
        return per_epoch[-1]["seconds"]

    def naive() -> float:
        run = naive_train(root, epochs=epochs, freeze_backbone=False, arch=BACKBONE, image_size=size)
        naive_runs.append(run)
        return run.epoch_seconds[-1]

    times = alternate({"ours": ours, "naive": naive}, ctx.repeats_or(2), ctx.log)

    first = ours_runs[0]
    n_train = first.num_train
    if naive_runs[0].train_images != n_train:
        raise RuntimeError(f"naive loop saw {naive_runs[0].train_images} training images, ours {n_train}")
    result = ScenarioResult("train-full", f"full fine-tuning epoch, {n_train}+{first.num_val} "
                            f"{spec_set.height}p JPEGs")
    result.params = {
        "backbone": BACKBONE, "image_size": size, "train_images": n_train,
        "val_images": first.num_val, "epochs_per_run": epochs, "compared_epoch": epochs,
        "repeats": len(times["ours"]), "naive_batch_size": 32,
        "weights": "random init (weights do not change the cost)", **_plan_params(first.plan),
    }
    med = statistics.median
    ours_epoch = med(times["ours"])
    naive_epoch = med(times["naive"])
    result.figure("ours_images_per_s", "ours: epoch throughput (train + val)", n_train / ours_epoch,
                  "images/s")
    result.figure("naive_images_per_s", "naive: epoch throughput (train + val)",
                  n_train / naive_epoch, "images/s")
    result.figure("ours_first_epoch_s", "ours: first epoch (warm-up)",
                  med(r.clock.epochs("full")[0]["seconds"] for r in ours_runs), "s")
    result.figure("ours_scan_s", "ours: folder scan before it (decode into cache)",
                  med(r.scan_seconds for r in ours_runs), "s")
    result.ratio("speedup", "epoch throughput vs naive full loop", times["ours"], times["naive"],
                 FULL_TARGET_SPEEDUP)

    train_flops = 3 * _forward_flops(size, 2)  # forward + backward ~ 3 forward passes
    ours_train_s = [r.clock.epochs("full")[-1]["train_seconds"] for r in ours_runs]
    naive_train_s = [r.train_seconds[-1] for r in naive_runs]
    ours_gflops = [n_train * train_flops / s / 1e9 for s in ours_train_s]
    naive_gflops = [n_train * train_flops / s / 1e9 for s in naive_train_s]
    precision, peak = peak_for_training(ctx, first.plan)
    fp32_peak = ctx.peak_gflops("fp32")  # the naive loop trains in plain fp32
    result.params["peak_precision"] = precision
    result.figure("ours_train_gflops", "ours: training GFLOP/s (3 x forward FLOPs)", med(ours_gflops),
                  "GFLOP/s")
    result.figure("naive_train_gflops", "naive: training GFLOP/s", med(naive_gflops), "GFLOP/s")
    result.figure("peak_gflops", f"{precision} matmul peak (ours trains in {precision})", peak,
                  "GFLOP/s")
    result.figure("naive_fraction_of_peak", "naive: % of fp32 matmul peak",
                  100 * med(naive_gflops) / fp32_peak, "%")
    fraction = [100 * g / peak for g in ours_gflops]
    result.check("fraction_of_peak", f"ours: % of {precision} matmul peak", med(fraction),
                 Target(">=", FULL_TARGET_PEAK_FRACTION, "%"), fraction)
    result.notes.append(
        f"epoch {epochs} of {epochs} compared on both sides (epoch 1 pays one-off warm-up); our "
        "scan, which fills the decoded-image cache once per training run, is reported apart"
    )
    return result
