"""Why a file cannot be used as an image: the short reasons the scan lists for unreadable files
(`Problem.reason`, `ImageLoadError.reason`), declared as messages with stable ids
(core.messages). Their str is the English text (the CLI and logs print it); the GUI renders
them translated."""

from __future__ import annotations

from .messages import define

# core.images: reading and decoding
EMPTY = define("image.empty", "empty file (0 bytes)")
VANISHED = define("image.vanished", "file vanished (moved or deleted?)")
PERMISSION = define("image.permission", "permission denied — check the file's permissions")
IS_FOLDER = define("image.is_folder", "is a folder, not an image")
READ_ERROR = define("image.read_error", "cannot read the file: {error}")
DAMAGED_HEADER = define("image.damaged_header", "damaged {fmt} file: its header cannot be read")
TOO_LARGE = define(
    "image.too_large", "image is too large ({pixels}) — looks like a decompression bomb"
)
PIXELS = define("image.pixels", "{count:,} pixels")
TOO_MANY_PIXELS = define("image.too_many_pixels", "too many pixels")
NO_MEMORY_OPEN = define("image.no_memory_open", "not enough memory to open this image")
NO_MEMORY_DECODE = define("image.no_memory_decode", "not enough memory to decode this image")
TRUNCATED = define(
    "image.truncated",
    "truncated or damaged {fmt}: {error} — the file was cut off (interrupted copy or download?)",
)
DAMAGED = define("image.damaged", "damaged {fmt} file: {error}")
COLOUR_MODE = define("image.colour_mode", "unsupported colour mode {mode} ({error})")

# core.images: content that is not an image Pillow can open
HEIF = define("image.heif", "HEIC/HEIF images are not supported — convert to JPEG")
AVIF = define(
    "image.avif", "AVIF images are not supported by this installation — convert to JPEG or PNG"
)
VIDEO = define("image.video", "not an image (looks like a video file)")
POSTSCRIPT = define(
    "image.postscript", "PostScript/EPS files are not supported — export it as PNG or JPEG"
)
PDF = define("image.pdf", "not an image (a PDF document) — export its pages as PNG or JPEG")
ZIP = define("image.zip", "not an image (a ZIP archive) — extract it first")
SVG = define("image.svg", "SVG vector images are not supported — export it as PNG")
TEXT = define("image.text", "not an image (looks like text)")
UNRECOGNISED = define("image.unrecognised", "not an image (unrecognised content)")

# core.files (the scan's walk) and core.dataset.scan
FOLDER_UNREADABLE = define("scan.folder_unreadable", "cannot open the folder: {error}")
LINK_LOOP = define("scan.link_loop", "symbolic link loop (the link leads back to itself)")
BROKEN_LINK = define("scan.broken_link", "broken symbolic link (its target is missing)")
UNREADABLE = define("scan.unreadable", "cannot be read: {error}")
NOT_REGULAR = define("scan.not_regular", "not a regular file")
UNEXPECTED = define("scan.unexpected", "could not be read ({kind}: {error})")
LINKED_TWICE = define(
    "scan.linked_twice",
    "{path}: skipped, it links to a folder already scanned (a symlink loop or a second link to the "
    "same folder)",
)
