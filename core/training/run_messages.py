"""What a training says while it runs and when it ends, as core messages (core.messages): the
end-of-training messages (`FitEnded.message`: finished, cancelled, failed), what is kept after a
stop, the log lines about early stopping and the time budget, and the trainer's own errors.
Their str is the English text the CLI prints; the GUI renders them in the user's language."""

from __future__ import annotations

from ..messages import Message, define

# FitEnded.message
FINISHED_BEST = define(
    "run.finished_best", "Finished {epochs}; best validation accuracy {accuracy:.1%} at epoch {epoch}."
)
FINISHED = define("run.finished", "Finished.")
CANCELLED_AT = define("run.cancelled_at", "Cancelled at epoch {epoch}, batch {batch}.")
CANCELLED_FEATURES = define("run.cancelled_features", "Cancelled during the feature pass.")
TWO_SENTENCES = define("run.two_sentences", "{first} {second}")
BUG = define(
    "run.bug",
    "Training failed unexpectedly ({kind}: {error}). This is a bug in Backbone Studio; the "
    "details are in the log — please report them.",
)

# what survives a stop (RunState.kept_description)
KEPT_BEST = define(
    "run.kept_best",
    "The best weights so far (epoch {epoch}, validation accuracy {accuracy:.1%}) are kept",
)
KEPT_NOTHING = define("run.kept_nothing", "No epoch was completed, so no trained weights are kept")
KEPT_RESUME = define("run.kept_resume", "{kept}; resume from {checkpoint}.")
KEPT = define("run.kept", "{kept}.")

# the run's log
STAGE_HEAD = define("run.stage.head", "Training the head on cached features")
STAGE_PARTIAL = define(
    "run.stage.partial", "Training the last stage and the head on cached trunk outputs"
)
STAGE_FULL = define("run.stage.full", "Training every layer")
BACKBONE_FEATURES = define("run.backbone_features", "backbone features")
FROZEN_OUTPUTS = define("run.frozen_outputs", "frozen-layer outputs")
CACHED_WHAT = {
    "features": define("run.cached.features", "features"),
    "trunk outputs": define("run.cached.trunk_outputs", "trunk outputs"),
}
VIEW_ONE = define("words.view_one", "{n:,} view")
VIEW_MANY = define("words.view_many", "{n:,} views")
VAL_IMAGE_ONE = define("words.validation_image_one", "{n:,} validation image")
VAL_IMAGE_MANY = define("words.validation_image_many", "{n:,} validation images")
FEATURE_PASS = define(
    "run.feature_pass",
    "Computing {kind} once for {train} training images x {views} and {val}",
)
CACHED = define(
    "run.cached", "Cached {train_shape} training and {val_shape} validation {what} ({size:.1f} MiB)."
)
SKIPPED = define("run.skipped", "Skipped {path}: {reason}")
BATCHNORM_MOMENTUM = define(
    "run.batchnorm_momentum",
    "BatchNorm momentum raised to 0.1 in {layers} layers so their statistics keep up with a "
    "from-scratch run.",
)
OOM_RETRY = define(
    "run.oom_retry",
    "Out of memory on {device} at batch size {batch_size}; retrying the epoch with batch size "
    "{new}.",
)
RESUMING = define("run.resuming", "Resuming after epoch {epoch} of {epochs}.")
NO_TIME_LEFT = define("run.no_time_left", "No time left in the budget for stage '{stage}'.")
EARLY_STOP = define(
    "run.early_stop",
    "Early stopping in stage '{stage}' after epoch {epoch}: no better validation accuracy for "
    "{epochs}.",
)
MEASURED = define(
    "run.measured",
    "Measured {seconds:.1f} s per epoch (training and validation): about {epochs} fit in the "
    "time budget of {budget}.",
)
BUDGET_TOO_SHORT = define(
    "run.budget_too_short",
    "The time budget of {budget} is too short to train every layer usefully ({count} {word}); "
    "give it at least {least}.",
)
EPOCH_ONE = define("words.epoch_one", "{n:,} epoch")  # also in core.resume
EPOCH_MANY = define("words.epoch_many", "{n:,} epochs")
WORD_EPOCH = define("words.epoch", "epoch")
WORD_EPOCHS = define("words.epochs", "epochs")

# the trainer's errors (TrainingError / ResumeError)
DAMAGED_SETTINGS = define(
    "error.training.checkpoint_holds_damaged_settings",
    "The checkpoint {path} holds damaged settings ({kind}: {error}). Start a new training.",
)
NOT_FIT = define(
    "error.training.checkpoint_does_not_fit",
    "The checkpoint {path} does not fit this model or is damaged ({kind}: {error}). Start a "
    "new training.",
)
VALIDATION_OOM = define(
    "error.training.out_of_memory_validating",
    "Out of memory on {device} while validating epoch {epoch}. Set a smaller batch size or "
    "image size, or close other programs using the GPU.",
)
NON_FINITE = define(
    "error.training.non_finite",
    "The {what} became NaN/inf at epoch {epoch}, batch {batch} — lower the learning rate "
    "(currently {learning_rate:g}). {kept}",
)


_WHAT = {"loss": define("words.loss", "loss"), "gradients": define("words.gradients", "gradients")}


def what(name: str) -> str:
    """"loss" / "gradients" (NonFinite.what) as a message."""
    return _WHAT[name]() if name in _WHAT else name


def feature_pass(what: str, train: int, views: int, val: int) -> Message:
    """The feature pass's StageStarted.message."""
    kind = BACKBONE_FEATURES() if what == "features" else FROZEN_OUTPUTS()
    views_text = (VIEW_ONE if views == 1 else VIEW_MANY)(n=views)
    val_text = (VAL_IMAGE_ONE if val == 1 else VAL_IMAGE_MANY)(n=val)
    return FEATURE_PASS(kind=kind, train=train, views=views_text, val=val_text)


def cached(train_shape, val_shape, what: str, size: float) -> Message:
    """The log line after the feature pass."""
    said = CACHED_WHAT[what]() if what in CACHED_WHAT else what
    return CACHED(train_shape=train_shape, val_shape=val_shape, what=said, size=size)


def epochs(n: int) -> Message:
    """"1 epoch", "3 epochs" (core.words.plural) as a message."""
    return (EPOCH_ONE if n == 1 else EPOCH_MANY)(n=n)


def finished(run) -> Message:
    """A finished fit's FitEnded.message."""
    best = run.best
    if not best:
        return FINISHED()
    return FINISHED_BEST(epochs=epochs(run.epochs_done), accuracy=best.accuracy, epoch=best.epoch)


def cancelled(stop, kept: Message) -> Message:
    """A cancelled fit's FitEnded.message: where it stopped, and what is kept."""
    where = CANCELLED_AT(epoch=stop.epoch, batch=stop.batch) if stop.batch else CANCELLED_FEATURES()
    return TWO_SENTENCES(first=where, second=kept)


def kept(best, checkpoint=None) -> Message:
    """What is kept after a stop, in words (RunState.kept_description)."""
    if best:
        text = KEPT_BEST(epoch=best.epoch, accuracy=best.accuracy)
    else:
        text = KEPT_NOTHING()
    return KEPT_RESUME(kept=text, checkpoint=checkpoint) if checkpoint else KEPT(kept=text)


def also_kept(kept: str, more: str) -> str:
    """f"{kept} {more}".strip(), as a message when both are sentences."""
    if not kept.strip():
        return more
    if kept != kept.strip():
        return f"{kept} {more}".strip()
    return TWO_SENTENCES(first=kept, second=more)


def budget_too_short(budget: str, expected: int, least: str) -> Message:
    word = WORD_EPOCHS() if expected != 1 else WORD_EPOCH()
    return BUDGET_TOO_SHORT(budget=budget, count=expected, word=word, least=least)
