"""The sort's summary (`SortSummary.describe()`) as a core message (core.messages): its str is
the English sentence the CLI prints; the GUI's sort dialog renders it in the user's language."""

from __future__ import annotations

from ..dataset.scan_messages import files, images
from ..messages import Message, define

SORTED = define("sort.sorted", "Sorted: {images} in {seconds:.1f} s")
CANCELLED = define("sort.cancelled", "Sorting cancelled: {images} in {seconds:.1f} s")
NOT_SURE = define("sort.not_sure", "{n} not sure")
UNREADABLE = define("sort.unreadable", "{n} unreadable")
ALREADY = define("sort.already", "{n} already sorted before")
NOT_SORTED = define("sort.not_sorted", "{files} could not be sorted")
PARTS = define("sort.parts", "{first}; {rest}")  # the summary's parts, joined with "; "
DONE = define("sort.summary", "{parts}. Manifest: {manifest}")


def describe(summary) -> Message:
    """"Sorted: 12 images in 0.4 s; cat 5, dog 6; 1 not sure. Manifest: …"."""
    head = CANCELLED if summary.cancelled else SORTED
    parts: list[str] = [head(images=images(summary.sorted), seconds=summary.seconds)]
    if summary.per_class:  # class names and counts: nothing to translate
        parts.append(", ".join(f"{name} {n}" for name, n in sorted(summary.per_class.items())))
    parts.append(NOT_SURE(n=summary.not_sure))
    if summary.unreadable:
        parts.append(UNREADABLE(n=summary.unreadable))
    if summary.already:
        parts.append(ALREADY(n=summary.already))
    if summary.problems:
        parts.append(NOT_SORTED(files=files(len(summary.problems))))
    joined = parts[-1]
    for part in reversed(parts[:-1]):
        joined = PARTS(first=part, rest=joined)
    return DONE(parts=joined, manifest=summary.manifest)
