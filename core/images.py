"""The one image loader used by training, evaluation and prediction.

Every path an image takes into a model goes through :func:`load_image` (files) or
:func:`to_rgb` (in-memory images), so a model sees the same pixels in the app as it did in
training:

* EXIF orientation is applied (``ImageOps.exif_transpose``);
* an embedded ICC colour profile other than sRGB (Display P3 from phones, Adobe RGB, a CMYK
  press profile) is converted to sRGB, the space ImageNet weights were trained in; an image
  whose profile cannot be used keeps its stored values;
* CMYK, YCbCr, P (with transparency), LA, PA, RGBA and 1-bit images become RGB; anything with
  alpha is composited on the fixed :data:`BACKGROUND`;
* 16-bit and 32-bit greyscale (``I;16*``, ``I``, ``F``) is scaled to 8 bits by the range of its
  type, never clipped (a 16-bit pixel of 40000 becomes 156, not 255);
* animations give their first frame;
* large JPEGs are decoded at a reduced scale with ``Image.draft`` when a ``target_size`` is given,
  keeping the short side >= ``target_size`` (2-8x faster for phone photos);
* Pillow's decompression-bomb guard stays on (``Image.MAX_IMAGE_PIXELS`` is never changed) and
  ``LOAD_TRUNCATED_IMAGES`` is never set: the image is fully decoded here, so a truncated file
  fails here, with one :class:`~core.errors.ImageLoadError` naming the file and the reason.

Files are recognised by their content, never by their extension.
"""

from __future__ import annotations

import contextlib
import functools
import io
import logging
import os
import re
from pathlib import Path

import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError

try:
    from PIL import ImageCms
except ImportError:  # pragma: no cover - a Pillow built without littlecms: no conversion
    ImageCms = None

from core import image_reasons as reasons
from core.errors import ImageLoadError, NotAFileError
from core.fileio import check_regular_file, open_for_reading

LOADER_VERSION = 2
"""Bumped whenever the pixels :func:`load_image` returns change (2: ICC profiles converted to
sRGB), so that decoded images kept on disk by an older version are not served again."""

BACKGROUND: tuple[int, int, int] = (255, 255, 255)
"""Colour that transparent pixels are composited on (the same in training and prediction)."""

IMAGE_SUFFIXES: frozenset[str] = frozenset(
    {
        ".jpg", ".jpeg", ".jpe", ".jfif", ".png", ".apng", ".gif", ".bmp", ".dib", ".tif",
        ".tiff", ".webp", ".avif", ".ico", ".ppm", ".pgm", ".pbm", ".pnm", ".tga", ".jp2",
        ".j2k", ".mpo",
    }
)  # fmt: skip
"""Informative only (file dialogs, drag-and-drop hints): files are recognised by content."""

_ORIENTATION_TAG = 0x0112
_JPEG_FORMATS = ("JPEG", "MPO")
_SIXTEEN_BIT_MODES = ("I;16", "I;16L", "I;16B", "I;16N")
_ALPHA_MODES = ("RGBA", "LA", "PA", "RGBa", "La")
_HEIF_BRANDS = {
    b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"hevm", b"hevs", b"mif1", b"msf1",
}  # fmt: skip
_VIDEO_BRANDS = {b"isom", b"iso2", b"mp41", b"mp42", b"avc1", b"qt  ", b"M4V ", b"3gp4", b"3gp5"}
_SURE_MAGIC = frozenset({"JPEG", "PNG", "GIF", "TIFF", "WEBP"})  # signatures text cannot start
_BOMB_PIXELS = re.compile(r"\((\d+) pixels\)")
# Pillow decodes EPS by running Ghostscript on the file: never for files from a user's folder.
_NEVER_OPEN = frozenset({"EPS"})
# Modes a profile can be converted from (anything else is converted the plain way)
_ICC_MODES = {"RGB": "RGB", "RGBA": "RGBA", "CMYK": "RGB", "L": "RGB"}

log = logging.getLogger(__name__)


def _open_formats() -> list[str]:
    """Every format Pillow can read (plugins registered later included) except _NEVER_OPEN."""
    Image.init()
    return [fmt for fmt in Image.ID if fmt not in _NEVER_OPEN]


# --------------------------------------------------------------------------------------------
# recognising content
# --------------------------------------------------------------------------------------------


def _read_head(path: Path, n: int = 512) -> bytes:
    with open_for_reading(path, "an image") as f:
        return f.read(n)


def _looks_like_text(head: bytes) -> bool:
    if not head or b"\x00" in head:
        return False
    try:
        head.decode("utf-8")
        return True
    except UnicodeDecodeError as exc:
        # a multi-byte character cut off at the end of the sample is still text
        if exc.start >= len(head) - 3:
            return True
    printable = sum(32 <= b < 127 or b in (9, 10, 13) for b in head)
    return printable / len(head) > 0.95


def _describe_non_image(head: bytes) -> str:
    """A human reason for content that Pillow cannot identify."""
    if head[4:8] == b"ftyp":
        brand = head[8:12]
        if brand in _HEIF_BRANDS:
            return reasons.HEIF()
        if brand in (b"avif", b"avis"):
            return reasons.AVIF()
        if brand in _VIDEO_BRANDS:
            return reasons.VIDEO()
    if head.startswith((b"%!PS", b"\xc5\xd0\xd3\xc6")):
        return reasons.POSTSCRIPT()
    if head.startswith(b"%PDF"):
        return reasons.PDF()
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return reasons.ZIP()
    stripped = head.lstrip().lower()
    if stripped.startswith((b"<svg", b"<?xml")) and b"<svg" in head.lower():
        return reasons.SVG()
    if _looks_like_text(head):
        return reasons.TEXT()
    return reasons.UNRECOGNISED()


def sniff_format(path: str | os.PathLike) -> str | None:
    """The image format of a file ("JPEG", "PNG", ...) judged by its content, or None.

    The extension is never looked at. Only the header is read (no decode), so this is cheap;
    a file that is recognised here can still fail to decode (truncated, damaged).
    """
    path = Path(path)
    try:
        with open_for_reading(path, "an image") as f:
            try:
                with Image.open(f, formats=_open_formats()) as im:
                    return im.format
            except Image.DecompressionBombError:
                pass  # an image, just too large to open: identify it from its magic bytes
            except Exception:  # noqa: BLE001 - any header Pillow cannot parse: not an image
                return None
            f.seek(0)
            head = f.read(16)
    except (OSError, NotAFileError):  # a pipe or device is never opened: not an image
        return None
    return _magic_format(head)


_MAGIC_FORMATS = (
    (b"\xff\xd8\xff", "JPEG"),
    (b"\x89PNG\r\n\x1a\n", "PNG"),
    (b"GIF8", "GIF"),
    (b"BM", "BMP"),
    (b"II*\x00", "TIFF"),
    (b"MM\x00*", "TIFF"),
    (b"\x00\x00\x01\x00", "ICO"),
)


def _magic_format(head: bytes) -> str | None:
    """The format named by a file's first bytes (no parsing), or None."""
    for magic, fmt in _MAGIC_FORMATS:
        if head.startswith(magic):
            return fmt
    if head.startswith(b"RIFF") and head[8:12] == b"WEBP":
        return "WEBP"
    if len(head) >= 2 and head[:1] == b"P" and head[1:2] in b"1234567":
        return "PPM"
    return None


# --------------------------------------------------------------------------------------------
# conversions
# --------------------------------------------------------------------------------------------


def _scale_to_8bit(image: Image.Image) -> Image.Image:
    """I;16*, I and F greyscale -> L, scaled by the range of the type (not clipped)."""
    mode = image.mode
    arr = np.asarray(image)
    if mode in _SIXTEEN_BIT_MODES:
        out = (arr.astype(np.float32) * (255.0 / 65535.0)).round()
    elif mode == "I":
        # 32-bit integers: most come from 16-bit files (older Pillow, some TIFFs); scale those by
        # the 16-bit range, anything outside it by its own min..max
        lo, hi = (int(arr.min()), int(arr.max())) if arr.size else (0, 0)
        if lo >= 0 and hi <= 65535:
            out = (arr.astype(np.float32) * (255.0 / 65535.0)).round()
        else:
            out = _stretch(arr.astype(np.float64))
    else:  # "F": [0, 1] floats scale by 255, anything else by its own finite min..max
        arr = np.nan_to_num(arr.astype(np.float64), nan=0.0, posinf=0.0, neginf=0.0)
        lo, hi = (float(arr.min()), float(arr.max())) if arr.size else (0.0, 0.0)
        out = (arr * 255.0).round() if lo >= 0.0 and hi <= 1.0 else _stretch(arr)
    return Image.fromarray(np.clip(out, 0, 255).astype(np.uint8))


def _stretch(arr: np.ndarray) -> np.ndarray:
    lo, hi = float(arr.min()), float(arr.max())
    if hi <= lo:
        return np.zeros_like(arr)
    return ((arr - lo) * (255.0 / (hi - lo))).round()


def _composite(image: Image.Image) -> Image.Image:
    if image.mode == "La":  # premultiplied grey + alpha: Pillow cannot convert it, blend here
        arr = np.asarray(image, dtype=np.float32)
        alpha = arr[..., 1:2] / 255.0
        out = arr[..., 0:1] + (1.0 - alpha) * np.asarray(BACKGROUND, dtype=np.float32)
        return Image.fromarray(np.clip(out.round(), 0, 255).astype(np.uint8))
    rgba = image if image.mode == "RGBA" else image.convert("RGBA")
    out = Image.new("RGB", rgba.size, BACKGROUND)
    out.paste(rgba, mask=rgba.getchannel("A"))
    return out


def _apply_orientation(image: Image.Image) -> Image.Image:
    try:
        orientation = image.getexif().get(_ORIENTATION_TAG, 1)
    except Exception:  # noqa: BLE001 - damaged EXIF never makes an image unreadable
        return image
    if orientation in (2, 3, 4, 5, 6, 7, 8):
        try:
            return ImageOps.exif_transpose(image)
        except Exception:  # noqa: BLE001 - damaged EXIF: keep the stored orientation
            return image
    return image


@functools.lru_cache(maxsize=1)
def _srgb_profile():
    return ImageCms.createProfile("sRGB")


@functools.lru_cache(maxsize=32)
def _srgb_transform(icc: bytes, mode: str):
    """A transform from the profile ``icc`` (for images of ``mode``) to sRGB; None when the
    profile is sRGB already or cannot be used. Cached: a folder of photos from one camera
    shares one profile, and building a transform costs milliseconds."""
    try:
        source = ImageCms.ImageCmsProfile(io.BytesIO(icc))
        description = (ImageCms.getProfileDescription(source) or "").strip()
        if description.lower().startswith("srgb"):
            return None
        return ImageCms.buildTransform(source, _srgb_profile(), mode, _ICC_MODES[mode])
    except (ImageCms.PyCMSError, OSError, ValueError, TypeError) as exc:
        log.debug("ignoring an unusable ICC profile: %s", exc)
        return None


def colour_management_available() -> bool:
    """True when ICC profiles can be converted (Pillow with littlecms; the self-test checks it,
    since a bundle without it would quietly show colours unconverted)."""
    if ImageCms is None:
        return False
    try:
        _srgb_profile()
    except Exception:  # noqa: BLE001 - any failure means: not available
        return False
    return True


def _to_srgb(image: Image.Image) -> Image.Image:
    """``image`` converted from its embedded ICC profile to sRGB, or ``image`` itself."""
    icc = image.info.get("icc_profile")
    if not icc or ImageCms is None or image.mode not in _ICC_MODES or "transparency" in image.info:
        return image
    transform = _srgb_transform(bytes(icc), image.mode)
    if transform is None:
        return image
    try:
        return ImageCms.applyTransform(image, transform)
    except (ImageCms.PyCMSError, OSError, ValueError) as exc:
        log.debug("colour conversion failed, keeping the stored values: %s", exc)
        return image


def to_rgb(image: Image.Image, name: str = "image") -> Image.Image:
    """The same conversions as :func:`load_image`, for an image already in memory.

    Applies EXIF orientation, converts an embedded ICC profile to sRGB, composites alpha on
    :data:`BACKGROUND`, scales 16/32-bit data to 8 bits and converts every other mode to RGB.
    Returns ``image`` itself when nothing needs doing. ``name`` is used in the
    :class:`ImageLoadError` for modes that cannot be converted.
    """
    image = _to_srgb(_apply_orientation(image))
    mode = image.mode
    if mode == "RGB" and "transparency" not in image.info:
        return image
    if mode in _SIXTEEN_BIT_MODES or mode in ("I", "F"):
        return _scale_to_8bit(image).convert("RGB")
    if mode in _ALPHA_MODES or "transparency" in image.info:
        # P/L/RGB with a transparent colour key go through RGBA too
        return _composite(image)
    try:
        return image.convert("RGB")
    except (ValueError, OSError) as exc:
        raise ImageLoadError(name, reasons.COLOUR_MODE(mode=mode, error=str(exc))) from exc


# --------------------------------------------------------------------------------------------
# loading
# --------------------------------------------------------------------------------------------


def _decode_failure(fmt: str, exc: BaseException) -> str:
    text = str(exc) or type(exc).__name__
    lowered = text.lower()
    if any(word in lowered for word in ("truncated", "broken data stream", "premature end")):
        return reasons.TRUNCATED(fmt=fmt, error=text)
    return reasons.DAMAGED(fmt=fmt, error=text)


def load_image(path: str | os.PathLike, target_size: int | None = None) -> Image.Image:
    """Read an image file into a fully decoded RGB ``PIL.Image``.

    ``target_size``: the smallest short side the caller needs. Large JPEGs are then decoded at
    a reduced DCT scale (``Image.draft``) with their short side still >= ``target_size``; the
    result is not resized further (callers resize). Other formats decode at full size.

    Raises :class:`~core.errors.ImageLoadError` (``.path``, ``.reason``) for anything that
    cannot be read: missing or empty file, not an image, HEIC, truncated or damaged data,
    decompression bombs, unsupported modes.
    """
    path = Path(path)
    with _reading(path):  # a folder, pipe, socket or device is refused before it is opened
        size = check_regular_file(path, "an image", ImageLoadError).st_size
    if size == 0:
        raise ImageLoadError(path, reasons.EMPTY())
    with _reading(path), open_for_reading(path, "an image", ImageLoadError) as f:
        image = _open(f, path)
        return _decode(image, path, target_size)


@contextlib.contextmanager
def _reading(path: Path):
    """Turn what reading ``path`` may raise into one :class:`ImageLoadError` naming it."""
    try:
        yield
    except FileNotFoundError:
        raise ImageLoadError(path, reasons.VANISHED()) from None
    except PermissionError:
        raise ImageLoadError(path, reasons.PERMISSION()) from None
    except IsADirectoryError:
        raise ImageLoadError(path, reasons.IS_FOLDER()) from None
    except ImageLoadError as exc:
        if exc.path != path:  # to_rgb names the image by its string; keep the Path form
            raise ImageLoadError(path, exc.reason) from None
        raise
    except OSError as exc:
        raise ImageLoadError(path, reasons.READ_ERROR(error=str(exc.strerror or exc))) from None


def _open(f: io.BufferedReader, path: Path) -> Image.Image:
    """``Image.open`` on the open file ``f``; ImageLoadError with the reason when it fails."""
    try:
        return Image.open(f, formats=_open_formats())
    except UnidentifiedImageError:
        f.seek(0)
        head = f.read(512)
        fmt = _magic_format(head)
        if fmt in _SURE_MAGIC:  # an image's signature, a header that cannot be parsed
            raise ImageLoadError(path, reasons.DAMAGED_HEADER(fmt=fmt)) from None
        raise ImageLoadError(path, _describe_non_image(head)) from None
    except Image.DecompressionBombError as exc:
        match = _BOMB_PIXELS.search(str(exc))
        pixels = reasons.PIXELS(count=int(match.group(1))) if match else reasons.TOO_MANY_PIXELS()
        raise ImageLoadError(path, reasons.TOO_LARGE(pixels=pixels)) from None
    except (FileNotFoundError, PermissionError, IsADirectoryError):
        raise
    except MemoryError:
        raise ImageLoadError(path, reasons.NO_MEMORY_OPEN()) from None
    except Exception as exc:  # noqa: BLE001 - plugins raise many types for bad headers
        f.seek(0)
        fmt = _magic_format(f.read(16)) or "image"
        raise ImageLoadError(path, _decode_failure(fmt, exc)) from None


def _decode(image: Image.Image, path: Path, target_size: int | None) -> Image.Image:
    """Fully decode an opened image (draft-decoding large JPEGs) and convert it to RGB."""
    fmt = image.format or "image"
    width, height = image.size
    limit = Image.MAX_IMAGE_PIXELS
    if limit is not None and width * height > limit:
        # Pillow only warns between 1x and 2x the limit; a loader for untrusted folders treats
        # both the same
        pixels = reasons.PIXELS(count=width * height)
        raise ImageLoadError(path, reasons.TOO_LARGE(pixels=pixels))
    # Image.open leaves animations (GIF, APNG, WebP, MPO) on their first frame
    if target_size and fmt in _JPEG_FORMATS:
        image.draft("RGB", (int(target_size), int(target_size)))
    try:
        image.load()  # full decode here, so truncated files fail here, not mid-epoch
    except ImageLoadError:
        raise
    except MemoryError:
        raise ImageLoadError(path, reasons.NO_MEMORY_DECODE()) from None
    except Exception as exc:  # noqa: BLE001 - Pillow raises many types for bad data
        raise ImageLoadError(path, _decode_failure(fmt, exc)) from None
    try:
        return to_rgb(image, name=str(path))
    except ImageLoadError:
        raise
    except Exception as exc:  # noqa: BLE001 - conversion of damaged data
        raise ImageLoadError(path, _decode_failure(fmt, exc)) from None
