"""What an audit says, as core messages (core.messages): each finding's reason, the summary and
the leakage warning. Their str is the English text the CLI prints and the CSV keeps; the GUI's
audit dialog renders them in the user's language."""

from __future__ import annotations

from ..messages import Message, define

MISLABELLED = define(
    "audit.reason.mislabelled",
    "Labelled '{given}', but heads that never saw it give '{given}' {p_given:.0%} and "
    "'{other}' {p_other:.0%}.",
)
SAME_FILE = define("audit.what.same_file", "the same file")
NEAR_COPY = define("audit.what.near_copy", "a near copy (similarity {similarity:.3f})")
COPY_OF = define("audit.reason.copy", "{name} is {what} of {other}.")
CONFLICT_SAME = define(
    "audit.reason.conflict_same", "The same file sits in two classes: '{a}' and '{b}'."
)
CONFLICT_NEAR = define(
    "audit.reason.conflict_near",
    "A near copy (similarity {similarity:.3f}) sits in two classes: '{a}' and '{b}'.",
)
LEAKAGE = define(
    "audit.reason.leakage",
    "Validation image {name} has {what} among the training images ({other}): its validation "
    "result is not a test.",
)
OUTLIER = define(
    "audit.reason.outlier",
    "Far from every class: {distance:.2f} from the nearest, '{name}', whose images mostly lie "
    "within {limit:.2f}.",
)

KIND_WORDS = {  # KIND_TITLES, lower case, for the summary
    "mislabelled": define("audit.kind.mislabelled", "likely mislabelled"),
    "label_conflict": define("audit.kind.label_conflict", "label conflicts"),
    "leakage": define("audit.kind.leakage", "train/validation leakage"),
    "duplicate": define("audit.kind.duplicate", "exact duplicates"),
    "near_duplicate": define("audit.kind.near_duplicate", "near duplicates"),
    "outlier": define("audit.kind.outlier", "outliers"),
}
KIND_COUNT = define("audit.kind_count", "{kind}: {count}")
COMMA = define("words.comma_join", "{first}, {rest}")
SUMMARY = define("audit.summary", "Audited {images} ({source}); {counts}.")
WITH_WARNING = define("audit.summary_warning", "{summary}\n{warning}")
LEAK_ONE = define(
    "audit.leakage_one",
    "{n:,} validation image has a copy among the training images, so the validation accuracy "
    "is higher than the model deserves. Exclude or move the copies, then retrain.",
)
LEAK_MANY = define(
    "audit.leakage_many",
    "{n:,} validation images have a copy among the training images, so the validation accuracy "
    "is higher than the model deserves. Exclude or move the copies, then retrain.",
)


def copy_what(similarity: float, identical: bool) -> Message:
    return SAME_FILE() if identical else NEAR_COPY(similarity=similarity)


def conflict(similarity: float, identical: bool, a: str, b: str) -> Message:
    if identical:
        return CONFLICT_SAME(a=a, b=b)
    return CONFLICT_NEAR(similarity=similarity, a=a, b=b)


def summary(images: Message, source: str, counts: dict[str, int], warning: str) -> Message:
    """"Audited 120 images (model m.safetensors (ResNet-18)); likely mislabelled: 2, …"."""
    parts = [KIND_COUNT(kind=KIND_WORDS[kind](), count=n) for kind, n in counts.items()]
    joined = parts[-1]
    for part in reversed(parts[:-1]):
        joined = COMMA(first=part, rest=joined)
    text = SUMMARY(images=images, source=source, counts=joined)
    return WITH_WARNING(summary=text, warning=warning) if warning else text


def leakage(leaked: int) -> Message:
    return (LEAK_ONE if leaked == 1 else LEAK_MANY)(n=leaked)
