"""What a scan says about a folder as a whole, as core messages (core.messages): the warnings
(`ScanResult.warnings`: empty, tiny or imbalanced classes, files outside class folders, unused
folders) and the layout error of a folder with fewer than two classes. Their str is the English
text the CLI prints; the GUI renders them in the user's language."""

from __future__ import annotations

from pathlib import Path

from ..messages import Message, MessageType, define

# counts, with English plurals ("1 file", "1,204 files")
FILE_ONE = define("words.file_one", "{n:,} file")
FILE_MANY = define("words.file_many", "{n:,} files")
IMAGE_ONE = define("words.image_one", "{n:,} image")
IMAGE_MANY = define("words.image_many", "{n:,} images")

LAYOUT = define(
    "scan.layout",
    "{where}: {found}; at least two classes are needed. Expected layout: one subfolder per class "
    "with its images inside, e.g. {name}/cats/001.jpg and {name}/dogs/001.jpg (or "
    "train/<class>/... and val/<class>/...).{hint}",
)
FOUND_ONE = define("scan.found_one", "found {count} class folder with images ('{name}')")
FOUND_NONE = define("scan.found_none", "found no class folder with images")
LOOSE_ONE = define(
    "scan.loose_hint_one", " There is {files} directly in the folder: move them into class subfolders."
)
LOOSE_MANY = define(
    "scan.loose_hint_many",
    " There are {files} directly in the folder: move them into class subfolders.",
)
LOOSE_IGNORED = define(
    "scan.loose_ignored",
    "{files} not inside a class folder and were ignored (e.g. {name}); put images in one "
    "subfolder per class",
)
NOT_USED = define(
    "scan.folder_not_used",
    "{extra}/ is not used: {train}/ and {val}/ are the training and validation split",
)
NO_USABLE = define("scan.class_left_out", "class '{name}' has no usable images and was left out")
VAL_ONLY = define(
    "scan.val_class_not_trained",
    "validation class '{name}' has no training images; its {images} were ignored",
)
NO_VAL_ONE = define("scan.no_val_class", "no validation images for class: {names}")
NO_VAL_MANY = define("scan.no_val_classes", "no validation images for classes: {names}")
FEW_IMAGES = define(
    "scan.few_images",
    "class '{name}' has only {images}; at least {minimum} are recommended (and one goes to "
    "validation)",
)
IMBALANCED = define(
    "scan.imbalanced",
    "classes are very imbalanced: '{big}' has {big_count} images, '{small}' only {small_count} "
    "({ratio:.0f}:1); add images to the small classes if you can",
)


def _count(n: int, one: MessageType, many: MessageType) -> Message:
    return (one if n == 1 else many)(n=n)


def files(n: int) -> Message:
    """"1 file", "3 files" (core.words.plural) as a message."""
    return _count(n, FILE_ONE, FILE_MANY)


def images(n: int) -> Message:
    """"1 image", "1,204 images" as a message."""
    return _count(n, IMAGE_ONE, IMAGE_MANY)


def layout(root: Path, classes: list[str], split: bool, loose: list[Path]) -> Message:
    """The DatasetError of a folder with fewer than two usable class folders."""
    found = FOUND_ONE(count=len(classes), name=classes[0]) if classes else FOUND_NONE()
    where = f"{root}/train" if split else str(root)
    hint = ""
    if loose:
        hint = (LOOSE_ONE if len(loose) == 1 else LOOSE_MANY)(files=files(len(loose)))
    return LAYOUT(where=where, found=found, name=root.name or root, hint=hint)


def loose_ignored(loose: list[Path]) -> Message:
    return LOOSE_IGNORED(files=files(len(loose)), name=loose[0].name)


def no_validation(missing: list[str]) -> Message:
    return (NO_VAL_ONE if len(missing) == 1 else NO_VAL_MANY)(names=", ".join(missing))
