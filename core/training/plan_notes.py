"""The training plan's notes (`Plan.notes`), declared as messages with stable ids
(core.messages): the CLI prints their English text, the GUI renders them translated."""

from __future__ import annotations

from ..messages import define

RESUMING = define(
    "plan.resuming",
    "Resuming: image size, batch size, epochs, learning rates and time budget as in the "
    "checkpoint.",
)
SMALL_STEM = define(
    "plan.small_stem",
    "Small-image stem (3x3 stride-{stride} first convolution, no max-pool): training "
    "{backbone} from scratch on {size} px images (< {below} px); the first stage sees "
    "{feature_size} px feature maps, as ImageNet-size networks do.",
)
LABEL_SMOOTHING = define("plan.label_smoothing", "Label smoothing {smoothing:g}.")
PRECISION_GPU = define(
    "plan.precision.gpu", "Precision {precision} (automatic mixed precision on {name})."
)
PRECISION_CPU_BF16 = define(
    "plan.precision.cpu_bf16", "Precision {precision}: this CPU computes bf16 natively."
)
PRECISION_CPU_FP32 = define(
    "plan.precision.cpu_fp32",
    "Precision {precision}: this CPU has no native bf16, and emulated bf16 is several times "
    "slower.",
)
STRATEGY_TWO_STAGE = define(
    "plan.strategy.two_stage",
    "Strategy two_stage: with pretrained weights, first train the head on cached features, "
    "then fine-tune every layer.",
)
STRATEGY_FULL = define(
    "plan.strategy.full", "Strategy full: from random initialisation every layer has to learn."
)
FROZEN_RANDOM = define(
    "plan.strategy.frozen_random",
    "Note: '{strategy}' freezes randomly initialised layers; it learns from random features "
    "only. Pretrained weights usually do much better.",
)
IMAGE_SIZE_DEFAULT = define(
    "plan.image_size.default", "Image size {size} px (the backbone's default)."
)
IMAGE_SIZE_MEDIAN = define(
    "plan.image_size.median",
    "Image size {size} px: the median short side of {sampled} sampled images is {median} px "
    "(kept within {low}-{high} px for {backbone}; small images are not blown up).",
)
BATCH_CAPPED = define(
    "plan.batch.capped",
    "Batch size {cap}: {batch} would suit the hardware ({why}), but with {n_train} training "
    "images that leaves too few steps per epoch.",
)
BATCH = define("plan.batch", "Batch size {batch} ({why}).")
WHY_CUDA = define("plan.batch.why_cuda", "{gib:.0f} GiB GPU, {size} px, {gmacs:.1f} GMACs at 224 px")
WHY_MPS = define("plan.batch.why_mps", "Apple GPU")
WHY_CPU = define("plan.batch.why_cpu", "CPU, {size} px")
CLASS_WEIGHTED = define(
    "plan.class_weights.on", "Class-weighted loss (on): every class counts the same."
)
IMBALANCED = define(
    "plan.class_weights.imbalanced",
    "Imbalanced classes: the largest has {ratio:.1f}x the training images of the smallest. "
    "The loss is not re-weighted, which keeps overall accuracy highest (measured); set Class "
    "weighting to On if the rare classes matter as much as the common ones.",
)
WORKERS_FROZEN = define("plan.workers.frozen", "Loader workers: 0 (packaged app).")
WORKERS_CPU = define(
    "plan.workers.cpu",
    "Loader workers: 0 (on the CPU the network's compute dominates; decoded images are cached "
    "in memory after the first epoch).",
)
WORKERS = define("plan.workers", "Loader workers: {workers} (persistent, pinned memory).")
NO_BUDGET_EPOCHS = define("plan.budget.none_epochs", "No time budget: the epochs were chosen.")
NO_BUDGET_PRETRAINED = define(
    "plan.budget.none_pretrained",
    "No time budget: from pretrained weights the planned epochs are few (an automatic budget "
    "is for runs from scratch, whose length is otherwise arbitrary).",
)
BUDGET_AUTO = define(
    "plan.budget.auto",
    "Time budget {budget} (automatic: about a minute per thousand training images, at least 1 "
    "and at most 15 minutes).",
)
BUDGET_FROZEN = define(
    "plan.budget.frozen",
    "Time budget {budget}: the run stops when the time is up (the epochs above are cheap on "
    "cached features and usually end well before).",
)
BUDGET_FULL = define(
    "plan.budget.full",
    "Time budget {budget}, everything after the scan included: every layer trains for as long "
    "as the budget allows, with the learning rate laid out over the time so that it anneals to "
    "its end when the time is up; the number of epochs follows from the speed measured on the "
    "first steps and is re-planned after each epoch.",
)
RECIPE_HEAD = define(
    "plan.recipe.head",
    "{epochs} epochs of the head on cached features (after one feature pass, each epoch takes "
    "a tiny fraction of a full-network epoch); learning rate {lr:g}.",
)
RECIPE_PARTIAL = define(
    "plan.recipe.partial",
    "{epochs} epochs of the last stage and the head on cached fp16 outputs of the frozen "
    "earlier layers; learning rate {lr:g}.",
)
RECIPE_FULL_PRETRAINED = define(
    "plan.recipe.full_pretrained",
    "{epochs} epochs of every layer; learning rate {top:g} for the head down to {low:g} for "
    "the first layers (pretrained layers change slowly).",
)
RECIPE_FULL_SCRATCH = define(
    "plan.recipe.full_scratch",
    "{epochs} epochs of every layer from random initialisation, learning rate {top:g} for all "
    "layers (nothing pretrained to preserve).",
)
RECIPE_TWO_STAGE = define(
    "plan.recipe.two_stage",
    "Stage 1: {head_epochs} head epochs on cached features (learning rate {head_lr:g}, "
    "milliseconds each). Stage 2: {full_epochs} epochs of every layer, learning rate {top:g} "
    "for the head down to {low:g} for the first layers (fastai's fine_tune), with BatchNorm "
    "statistics kept from stage 1.",
)
