"""Every bad input a user can point Backbone Studio at, written programmatically.

Shared by the reliability suite and any teammate's tests (`from badfiles import ...` works in
pytest because tests/ has no __init__.py; `from tests.badfiles import ...` works too).

The central table is `BAD_KINDS`: one `BadKind(name, filename, write, expect, ...)` per input.
`expect` is what the app must do with it:

* ``"skip"``    - the loader raises `ImageLoadError` and the scan lists a `Problem`; the reason
                  contains one of `kind.reasons` (case-insensitive) so the user learns why.
* ``"convert"`` - the file is a usable image; after `load_image` it is RGB and
                  `kind.check(image)` passes (e.g. 16-bit mid-grey stays mid-grey).
* ``"ignore"``  - junk the scan never tries to decode (AppleDouble, .DS_Store, Thumbs.db,
                  __MACOSX/, .ipynb_checkpoints/): listed in `ScanResult.ignored`.

`make_bad_tree(root)` builds a class-per-folder dataset with every kind plus enough good images
and returns a `Manifest` that says, per file, what should happen. Helpers build the special trees
(symlink loop, empty class, single class, 2,000 classes, unicode/emoji/long names, read-only) and
`snapshot(root)` records path -> (sha256, size, mtime_ns) to prove nothing was written.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import os
import stat
import struct
import threading
import zlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from PIL import Image

Check = Callable[[Image.Image], None]

BACKGROUND = (255, 255, 255)  # must equal core.images.BACKGROUND (asserted in the tests)

RED = (220, 30, 30)
GREEN = (30, 180, 40)
BLUE = (30, 40, 220)
YELLOW = (240, 220, 20)
HIDDEN = (255, 0, 255)  # the colour hidden under alpha 0: must never show up

# Reasons (case-insensitive substrings, any one suffices) that explain each kind of skip.
EMPTY_REASONS = ("empty", "zero", "0 bytes", "no data")
DAMAGED_REASONS = ("truncated", "damaged", "corrupt", "incomplete", "broken", "cannot be decoded",
                   "could not be decoded", "decode")
NOT_IMAGE_REASONS = ("not an image", "not a recognised image", "not a recognized image",
                     "unrecognised", "unrecognized", "unknown format", "not a supported",
                     "unsupported", "cannot identify")
HEIC_REASONS = ("heic", "heif")
PDF_REASONS = ("pdf",)
SVG_REASONS = ("svg",)
ZIP_REASONS = ("zip", "archive")
VIDEO_REASONS = ("video",)
EPS_REASONS = ("postscript", "eps")
BOMB_REASONS = ("too large", "too big", "pixels", "bomb", "megapixel")


# ---------------------------------------------------------------------------------------------
# pixel checks (all positions are fractions of the size, so they survive a resize)


def pixel_at(image: Image.Image, fx: float, fy: float) -> tuple[int, int, int]:
    """The RGB pixel at fractional position (fx, fy) of `image`."""
    w, h = image.size
    x = min(w - 1, max(0, int(fx * w)))
    y = min(h - 1, max(0, int(fy * h)))
    return tuple(image.convert("RGB").getpixel((x, y)))[:3]  # type: ignore[return-value]


def close(actual: Iterable[int], expected: Iterable[int], tol: int) -> bool:
    return all(abs(int(a) - int(e)) <= tol for a, e in zip(actual, expected, strict=True))


def expect_pixel(fx: float, fy: float, colour: tuple[int, int, int], tol: int = 40,
                 what: str = "") -> Check:
    def check(image: Image.Image) -> None:
        got = pixel_at(image, fx, fy)
        assert close(got, colour, tol), (
            f"pixel at ({fx:.2f}, {fy:.2f}) is {got}, expected ~{colour} (±{tol}) {what}".strip())

    return check


def expect_all(*checks: Check) -> Check:
    def check(image: Image.Image) -> None:
        for c in checks:
            c(image)

    return check


def expect_rgb(image: Image.Image) -> None:
    assert isinstance(image, Image.Image), f"expected a PIL image, got {type(image)!r}"
    assert image.mode == "RGB", f"expected mode RGB, got {image.mode}"
    assert image.width >= 1 and image.height >= 1


def expect_landscape(ratio: float) -> Check:
    def check(image: Image.Image) -> None:
        got = image.width / image.height
        assert abs(got - ratio) < 0.1, (
            f"size {image.size} has aspect {got:.2f}, expected {ratio:.2f} "
            "(EXIF orientation not applied?)")

    return check


# ---------------------------------------------------------------------------------------------
# encoders


def noisy_image(colour: tuple[int, int, int], size: tuple[int, int] = (40, 32), seed: int = 0,
                amplitude: int = 25) -> Image.Image:
    """A solid colour with a little noise (real JPEG content; distinguishable per class)."""
    rng = np.random.default_rng(seed)
    base = np.array(colour, dtype=np.int16)[None, None, :]
    noise = rng.integers(-amplitude, amplitude + 1, size=(size[1], size[0], 3), dtype=np.int16)
    return Image.fromarray(np.clip(base + noise, 0, 255).astype(np.uint8), "RGB")


def encode(image: Image.Image, fmt: str, **params) -> bytes:
    buf = io.BytesIO()
    image.save(buf, fmt, **params)
    return buf.getvalue()


def good_jpeg(colour=GREEN, size=(40, 32), seed=0) -> bytes:
    return encode(noisy_image(colour, size, seed), "JPEG", quality=92)


def good_png(colour=GREEN, size=(40, 32), seed=0) -> bytes:
    return encode(noisy_image(colour, size, seed), "PNG")


def good_gif(colour=GREEN, size=(24, 24)) -> bytes:
    return encode(Image.new("RGB", size, colour), "GIF")


def png_chunk(kind: bytes, data: bytes) -> bytes:
    """One PNG chunk: length, type, data, CRC-32 over type + data."""
    return (struct.pack(">I", len(data)) + kind + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))


PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def bomb_png(width: int = 100_000, height: int = 100_000) -> bytes:
    """A ~100-byte PNG whose IHDR claims width x height 1-bit grey pixels (10 gigapixels).

    Only a few rows of (zero) data follow; a loader that trusts the header and allocates the
    full image would need ~10 GB (1-bit) or 30 GB (RGB).
    """
    ihdr = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)  # 1-bit greyscale
    row = b"\x00" + b"\x00" * ((width + 7) // 8)
    idat = zlib.compress(row * 4, 9)
    return (PNG_SIGNATURE + png_chunk(b"IHDR", ihdr) + png_chunk(b"IDAT", idat)
            + png_chunk(b"IEND", b""))


def heic_bytes() -> bytes:
    """The start of a HEIC photo (what an iPhone writes): an ISO-BMFF `ftyp` box with brand heic,
    then a `meta` box header. Pillow cannot decode it without a plugin; the user should be told
    it is HEIC/HEIF and to convert it."""
    ftyp = struct.pack(">I", 24) + b"ftyp" + b"heic" + struct.pack(">I", 0) + b"mif1heic"
    hdlr = (struct.pack(">I", 33) + b"hdlr" + b"\x00\x00\x00\x00" + b"\x00\x00\x00\x00"
            + b"pict" + b"\x00" * 12 + b"\x00")
    meta = struct.pack(">I", 12 + len(hdlr)) + b"meta" + b"\x00\x00\x00\x00" + hdlr
    return ftyp + meta + b"\x00" * 64


def truncated(data: bytes, fraction: float = 0.5) -> bytes:
    return data[: max(1, int(len(data) * fraction))]


def cmyk_jpeg() -> bytes:
    # C=0 M=255 Y=255 K=0 is pure red; Pillow writes Adobe-inverted CMYK that it reads back.
    return encode(Image.new("CMYK", (48, 32), (0, 255, 255, 0)), "JPEG", quality=95)


def la_png() -> bytes:
    """LA: left half opaque black, right half black at alpha 0 (must become BACKGROUND)."""
    lum = Image.new("L", (40, 20), 0)
    alpha = Image.new("L", (40, 20), 0)
    alpha.paste(255, (0, 0, 20, 20))
    return encode(Image.merge("LA", (lum, alpha)), "PNG")


def p_transparent_png() -> bytes:
    """P with tRNS: index 0 = HIDDEN colour, fully transparent (right half); index 1 = opaque
    GREEN (left half)."""
    img = Image.new("P", (40, 20), 0)
    palette = list(HIDDEN) + list(GREEN) + [0, 0, 0] * 254
    img.putpalette(palette)
    img.paste(1, (0, 0, 20, 20))
    return encode(img, "PNG", transparency=0)


def rgba_hidden_png() -> bytes:
    """RGBA: everywhere HIDDEN at alpha 0 except an opaque BLUE centre square."""
    arr = np.zeros((40, 40, 4), dtype=np.uint8)
    arr[..., :3] = HIDDEN
    arr[..., 3] = 0
    arr[10:30, 10:30] = (*BLUE, 255)
    return encode(Image.fromarray(arr, "RGBA"), "PNG")


def gray16_png(value: int = 32768) -> bytes:
    """16-bit greyscale, every pixel `value` of 65535 (mid-grey by default), left quarter 65535."""
    arr = np.full((24, 48), value, dtype=np.uint16)
    arr[:, :12] = 65535
    img = Image.fromarray(arr)  # mode I;16
    assert img.mode in ("I;16", "I;16L", "I"), img.mode
    return encode(img, "PNG")


def animated_gif() -> bytes:
    """Two frames: RED then BLUE. The first frame counts."""
    frames = [Image.new("RGB", (24, 24), RED), Image.new("RGB", (24, 24), BLUE)]
    return encode(frames[0], "GIF", save_all=True, append_images=frames[1:], duration=100, loop=0)


def exif_rotated_jpeg() -> bytes:
    """A JPEG whose *stored* pixels are rotated, with EXIF Orientation = 6 ("rotate 90° CW to
    view"). Upright it is 64x40 (landscape) with a RED top-left corner, a BLUE top-right corner
    and GREY elsewhere; stored, it is 40x64 with the red block at the bottom-left."""
    upright = Image.new("RGB", (64, 40), (128, 128, 128))
    upright.paste(RED, (0, 0, 24, 16))
    upright.paste(BLUE, (40, 0, 64, 16))
    stored = upright.transpose(Image.Transpose.ROTATE_90)  # counter-clockwise
    exif = Image.Exif()
    exif[0x0112] = 6
    return encode(stored, "JPEG", quality=95, exif=exif.tobytes())


EXIF_UPRIGHT_SIZE = (64, 40)


def png_bad_crc() -> bytes:
    """A PNG whose IHDR chunk fails its CRC: the signature says PNG, the header is damaged."""
    data = bytearray(good_png(BLUE, (32, 24)))
    data[29] ^= 0xFF  # the last byte of the IHDR chunk's CRC-32
    return bytes(data)


PDF_BYTES = (b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\ntrailer\n"
             b"<< /Root 1 0 R >>\n%%EOF\n")  # fmt: skip
SVG_BYTES = (b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="10" '
             b'height="10"><rect width="10" height="10" fill="red"/></svg>\n')  # fmt: skip
ZIP_BYTES = b"PK\x03\x04\x14\x00" + b"\x00" * 60
MP4_BYTES = struct.pack(">I", 24) + b"ftypisom\x00\x00\x02\x00isomiso2" + b"\x00" * 64
EPS_BYTES = (b"%!PS-Adobe-3.0 EPSF-3.0\n%%BoundingBox: 0 0 10 10\n"
             b"newpath 0 0 moveto 10 10 lineto stroke\nshowpage\n")  # fmt: skip
HTML_BYTES = b"<!DOCTYPE html><html><body><h1>404 Not Found</h1></body></html>\n" * 3


def appledouble_bytes() -> bytes:
    """macOS AppleDouble resource fork header (magic 0x00051607) as written for `._name` files."""
    header = struct.pack(">II", 0x00051607, 0x00020000) + b"Mac OS X        " + struct.pack(">H", 2)
    entries = struct.pack(">III", 9, 50, 32) + struct.pack(">III", 2, 82, 286)
    return header + entries + b"\x00" * (368 - 26 - 24)


def ds_store_bytes() -> bytes:
    return b"\x00\x00\x00\x01Bud1" + b"\x00" * 2036


def thumbs_db_bytes() -> bytes:
    return bytes.fromhex("D0CF11E0A1B11AE1") + b"\x00" * 504  # OLE2 compound document header


# ---------------------------------------------------------------------------------------------
# the table


def _write_bytes(data: bytes | Callable[[], bytes]) -> Callable[[Path], None]:
    def write(path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data() if callable(data) else data)

    return write


def _write_junk_dir(files: dict[str, bytes | Callable[[], bytes]]) -> Callable[[Path], None]:
    def write(path: Path) -> None:
        for rel, data in files.items():
            _write_bytes(data)(path / rel)

    return write


def _utf8_len(s: str) -> int:
    return len(s.encode("utf-8"))


def name_max(folder: Path | str | None = None) -> int:
    """Longest file name (in bytes) the file system allows; 255 on ext4/APFS/NTFS."""
    try:
        return int(os.pathconf(str(folder or "/tmp"), "PC_NAME_MAX"))
    except (OSError, ValueError, AttributeError):  # pragma: no cover - non-POSIX
        return 255


def long_name(stem_char: str = "é", suffix: str = ".png", limit: int | None = None) -> str:
    """A file name whose UTF-8 encoding is exactly `limit` bytes (the file system's maximum)."""
    limit = limit or name_max()
    name = "long-"
    while _utf8_len(name + stem_char + suffix) <= limit:
        name += stem_char
    name += "x" * (limit - _utf8_len(name + suffix))
    assert _utf8_len(name + suffix) == limit
    return name + suffix


@dataclass(frozen=True)
class BadKind:
    name: str
    filename: str  # relative to a class folder (or to the dataset root when at_root)
    write: Callable[[Path], None]  # writes the file (or the junk folder) at the given path
    expect: str  # "skip" | "convert" | "ignore"
    reasons: tuple[str, ...] = ()  # skip: any of these (case-insensitive) must be in the reason
    check: Check | None = None  # convert: pixel check on the loaded RGB image
    at_root: bool = False  # junk that lives at the top of the dataset (zip leftovers)
    description: str = ""

    def matches_reason(self, reason: str) -> bool:
        low = reason.lower()
        return any(r.lower() in low for r in self.reasons)


def _kinds() -> tuple[BadKind, ...]:
    jpeg = good_jpeg(YELLOW, (48, 40), seed=7)
    png = good_png(YELLOW, (48, 40), seed=8)
    k = BadKind
    return (
        k("zero_byte", "empty.jpg", _write_bytes(b""), "skip", EMPTY_REASONS,
          description="a zero-byte file (failed copy, sync placeholder)"),
        k("truncated_jpeg", "cut_off.jpg", _write_bytes(truncated(jpeg, 0.5)), "skip",
          DAMAGED_REASONS, description="a JPEG cut off half-way (interrupted download)"),
        k("truncated_png", "cut_off.png", _write_bytes(truncated(png, 0.5)), "skip",
          DAMAGED_REASONS, description="a PNG cut off half-way"),
        k("text_as_jpg", "notes.jpg",
          _write_bytes(b"This is not a picture, just some notes.\nline two\n" * 4), "skip",
          NOT_IMAGE_REASONS, description="a text file saved with a .jpg name"),
        k("png_named_jpg", "really_a_png.jpg",
          _write_bytes(encode(Image.new("RGB", (32, 24), BLUE), "PNG")), "convert",
          check=expect_pixel(0.5, 0.5, BLUE, 10, "(PNG content under a .jpg name)"),
          description="a valid PNG with a .jpg name: recognised by content, accepted"),
        k("heic_named_jpg", "IMG_0001.jpg", _write_bytes(heic_bytes()), "skip", HEIC_REASONS,
          description="an iPhone HEIC photo renamed .jpg"),
        k("decompression_bomb", "bomb.png", _write_bytes(bomb_png()), "skip", BOMB_REASONS,
          description="a 100-byte PNG whose header claims 100000x100000 pixels"),
        k("cmyk_jpeg", "print_cmyk.jpg", _write_bytes(cmyk_jpeg()), "convert",
          check=expect_pixel(0.5, 0.5, (255, 0, 0), 45, "(CMYK red)"),
          description="a CMYK JPEG (from print workflows)"),
        k("la_png", "gray_alpha.png", _write_bytes(la_png()), "convert",
          check=expect_all(expect_pixel(0.25, 0.5, (0, 0, 0), 10, "(opaque black)"),
                           expect_pixel(0.75, 0.5, BACKGROUND, 10, "(transparent -> background)")),
          description="greyscale + alpha PNG; transparent half on the background"),
        k("p_transparency_png", "palette_alpha.png", _write_bytes(p_transparent_png()), "convert",
          check=expect_all(expect_pixel(0.25, 0.5, GREEN, 10, "(opaque palette entry)"),
                           expect_pixel(0.75, 0.5, BACKGROUND, 10,
                                        "(transparent palette entry -> background, not magenta)")),
          description="palette PNG with a transparent index hiding magenta"),
        k("rgba_hidden_colour", "hidden_alpha.png", _write_bytes(rgba_hidden_png()), "convert",
          check=expect_all(expect_pixel(0.05, 0.05, BACKGROUND, 10,
                                        "(alpha 0 -> background, not the hidden magenta)"),
                           expect_pixel(0.5, 0.5, BLUE, 10, "(opaque centre)")),
          description="RGBA with magenta under alpha 0 everywhere but an opaque blue square"),
        k("gray16_png", "scan_16bit.png", _write_bytes(gray16_png(32768)), "convert",
          check=expect_all(expect_pixel(0.7, 0.5, (128, 128, 128), 8,
                                        "(16-bit mid value must be mid-grey, not white)"),
                           expect_pixel(0.1, 0.5, (255, 255, 255), 3, "(16-bit max -> white)")),
          description="16-bit greyscale PNG (scanners, microscopes)"),
        k("animated_gif", "animated.gif", _write_bytes(animated_gif()), "convert",
          check=expect_pixel(0.5, 0.5, RED, 20, "(first frame is red, second blue)"),
          description="an animated GIF: the first frame is used"),
        k("exif_orientation_6", "phone_portrait.jpg", _write_bytes(exif_rotated_jpeg()), "convert",
          check=expect_all(expect_landscape(EXIF_UPRIGHT_SIZE[0] / EXIF_UPRIGHT_SIZE[1]),
                           expect_pixel(0.1, 0.15, RED, 50, "(top-left must be red when upright)"),
                           expect_pixel(0.9, 0.15, BLUE, 50, "(top-right must be blue)"),
                           expect_pixel(0.5, 0.8, (128, 128, 128), 30, "(bottom is grey)")),
          description="a phone JPEG stored sideways with EXIF orientation 6"),
        k("one_pixel", "dot.png", _write_bytes(encode(Image.new("RGB", (1, 1), RED), "PNG")),
          "convert", check=expect_pixel(0.5, 0.5, RED, 2, "(1x1 image)"),
          description="a 1x1 image"),
        k("unicode_name", "café_naïve_straße_日本.png",
          _write_bytes(good_png(YELLOW, (32, 32), seed=3)), "convert",
          check=expect_pixel(0.5, 0.5, YELLOW, 40), description="non-ASCII file name"),
        k("emoji_name", "🐱😀 photo 🎉.jpg", _write_bytes(good_jpeg(YELLOW, (32, 32), seed=4)),
          "convert", check=expect_pixel(0.5, 0.5, YELLOW, 45), description="emoji file name"),
        k("long_name", long_name("é", ".png"), _write_bytes(good_png(YELLOW, (32, 32), seed=5)),
          "convert", check=expect_pixel(0.5, 0.5, YELLOW, 40),
          description="a 255-byte (file system maximum) UTF-8 file name"),
        k("odd_chars_name", "with space & [brackets] #1 (copy) 'q'.JPG",
          _write_bytes(good_jpeg(YELLOW, (32, 32), seed=6)), "convert",
          check=expect_pixel(0.5, 0.5, YELLOW, 45),
          description="spaces, brackets, quotes, an upper-case suffix"),
        # documents and other files with an image's name (downloads, exports, web pages)
        k("pdf_named_jpg", "scan.jpg", _write_bytes(PDF_BYTES), "skip", PDF_REASONS,
          description="a PDF document saved with a .jpg name"),
        k("svg_named_png", "logo.png", _write_bytes(SVG_BYTES), "skip", SVG_REASONS,
          description="an SVG vector drawing with a .png name"),
        k("zip_named_jpg", "album.jpg", _write_bytes(ZIP_BYTES), "skip", ZIP_REASONS,
          description="a ZIP archive with a .jpg name"),
        k("video_named_jpg", "clip.jpg", _write_bytes(MP4_BYTES), "skip", VIDEO_REASONS,
          description="the start of an MP4 video with a .jpg name"),
        k("eps_named_jpg", "figure.jpg", _write_bytes(EPS_BYTES), "skip", EPS_REASONS,
          description="PostScript/EPS with a .jpg name: never handed to Ghostscript"),
        k("html_named_jpg", "download.jpg", _write_bytes(HTML_BYTES), "skip", NOT_IMAGE_REASONS,
          description="a web server's error page saved as the 'downloaded' photo"),
        k("png_bad_crc", "bad_crc.png", _write_bytes(png_bad_crc()), "skip", DAMAGED_REASONS,
          description="a PNG whose header chunk fails its checksum"),
        k("truncated_gif", "cut_off.gif",
          _write_bytes(truncated(encode(noisy_image(RED, (40, 32)), "GIF"), 0.5)), "skip",
          DAMAGED_REASONS, description="a GIF cut off half-way"),
        k("truncated_webp", "cut_off.webp",
          _write_bytes(truncated(encode(noisy_image(RED, (40, 32)), "WEBP", quality=90), 0.5)),
          "skip", DAMAGED_REASONS, description="a WebP cut off half-way"),
        # other formats and modes, read by content
        k("bmp_named_jpg", "really_a_bmp.jpg",
          _write_bytes(encode(Image.new("RGB", (20, 10), RED), "BMP")), "convert",
          check=expect_pixel(0.5, 0.5, RED, 2, "(BMP under a .jpg name)"),
          description="a Windows BMP with a .jpg name"),
        k("webp", "photo.webp",
          _write_bytes(encode(Image.new("RGB", (20, 10), GREEN), "WEBP", lossless=True)),
          "convert", check=expect_pixel(0.5, 0.5, GREEN, 2), description="a WebP image"),
        k("tiff", "scan.tif", _write_bytes(encode(Image.new("RGB", (16, 16), BLUE), "TIFF")),
          "convert", check=expect_pixel(0.5, 0.5, BLUE, 2), description="a TIFF image"),
        k("ico", "favicon.ico", _write_bytes(encode(Image.new("RGB", (16, 16), RED), "ICO")),
          "convert", check=expect_pixel(0.5, 0.5, RED, 2), description="a Windows icon"),
        k("one_bit_png", "bilevel.png", _write_bytes(encode(Image.new("1", (16, 16), 1), "PNG")),
          "convert", check=expect_pixel(0.5, 0.5, (255, 255, 255), 2),
          description="a 1-bit black-and-white PNG (fax, line art)"),
        k("greyscale_jpeg", "grey.jpg",
          _write_bytes(encode(Image.new("L", (16, 16), 128), "JPEG", quality=95)), "convert",
          check=expect_pixel(0.5, 0.5, (128, 128, 128), 3),
          description="a greyscale (mode L) JPEG"),
        k("jpeg_trailing_garbage", "with_trailer.jpg",
          _write_bytes(good_jpeg(RED, (32, 24)) + b"\x00bytes after the end of the image" * 10),
          "convert", check=expect_pixel(0.5, 0.5, RED, 45),
          description="a JPEG with bytes after its end marker (some cameras and editors)"),
        k("appledouble", "._holiday.jpg", _write_bytes(appledouble_bytes()), "ignore",
          description="macOS AppleDouble resource fork '._x.jpg'"),
        k("ds_store", ".DS_Store", _write_bytes(ds_store_bytes()), "ignore",
          description="macOS Finder metadata"),
        k("thumbs_db", "Thumbs.db", _write_bytes(thumbs_db_bytes()), "ignore",
          description="Windows thumbnail cache"),
        k("ipynb_checkpoints", ".ipynb_checkpoints",
          _write_junk_dir({"photo-checkpoint.png": good_png(RED, (16, 16), 9)}), "ignore",
          description="Jupyter checkpoint folder (holds a valid PNG that must not count)"),
        k("macosx_root", "__MACOSX",
          _write_junk_dir({"cats/._a.jpg": appledouble_bytes(),
                           "cats/a.jpg": good_jpeg(RED, (16, 16), 10)}), "ignore", at_root=True,
          description="zip leftovers at the top of the dataset, valid JPEG inside included"),
        k("ds_store_root", ".DS_Store", _write_bytes(ds_store_bytes()), "ignore", at_root=True,
          description="Finder metadata at the top of the dataset"),
        k("ipynb_checkpoints_root", ".ipynb_checkpoints",
          _write_junk_dir({"x/photo-checkpoint.png": good_png(RED, (16, 16), 11)}), "ignore",
          at_root=True, description="Jupyter checkpoints at the top of the dataset"),
    )


BAD_KINDS: tuple[BadKind, ...] = _kinds()
KINDS_BY_NAME: dict[str, BadKind] = {k.name: k for k in BAD_KINDS}
SKIP_KINDS = tuple(k for k in BAD_KINDS if k.expect == "skip")
CONVERT_KINDS = tuple(k for k in BAD_KINDS if k.expect == "convert")
IGNORE_KINDS = tuple(k for k in BAD_KINDS if k.expect == "ignore")
# Kinds that are single image-ish files (can go through load_image directly).
FILE_KINDS = SKIP_KINDS + CONVERT_KINDS


def write_kind(kind: BadKind | str, folder: Path) -> Path:
    """Write one kind into `folder` (its own name) and return the written path."""
    kind = KINDS_BY_NAME[kind] if isinstance(kind, str) else kind
    path = Path(folder) / kind.filename
    kind.write(path)
    return path


# ---------------------------------------------------------------------------------------------
# special files: what the app must refuse BEFORE opening (opening a FIFO blocks forever,
# /dev/zero never ends). Kept out of BAD_KINDS and make_bad_tree: snapshot() and other helpers
# read every file they meet, and would hang on these too.


@dataclass(frozen=True)
class SpecialFile:
    name: str
    make: Callable[[Path], None]  # creates it at the given path (a name like "x.jpg")
    reasons: tuple[str, ...]  # the refusal says one of these (case-insensitive)
    description: str = ""


def _make_fifo(path: Path) -> None:
    os.mkfifo(path)


def _make_socket(path: Path) -> None:
    """A Unix socket file; made in a short folder (socket paths are limited to ~100 bytes)
    and moved into place."""
    import shutil
    import socket
    import tempfile

    short = Path(tempfile.mkdtemp(prefix="s", dir="/tmp"))
    try:
        server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        server.bind(str(short / "s"))
        server.close()  # the socket file stays
        os.rename(short / "s", path)
    finally:
        shutil.rmtree(short, ignore_errors=True)


def _make_device(path: Path) -> None:
    path.symlink_to("/dev/zero")  # a character device that never ends


def _make_link_to_fifo(path: Path) -> None:
    target = path.with_name(f".{path.name}.pipe")
    os.mkfifo(target)
    path.symlink_to(target.name)


def _make_link_to_socket(path: Path) -> None:
    target = path.with_name(f".{path.name}.sock")
    _make_socket(target)
    path.symlink_to(target.name)


def _make_self_link(path: Path) -> None:
    path.symlink_to(path.name)  # a link to itself: ELOOP


def _make_folder(path: Path) -> None:
    path.mkdir()


SPECIAL_FILES: tuple[SpecialFile, ...] = (
    SpecialFile("fifo", _make_fifo, ("named pipe", "fifo"), "a named pipe (mkfifo)"),
    SpecialFile("socket", _make_socket, ("socket",), "a Unix domain socket"),
    SpecialFile("device", _make_device, ("device",), "a link to /dev/zero (endless zeros)"),
    SpecialFile("link_to_fifo", _make_link_to_fifo, ("named pipe", "fifo"),
                "a symbolic link to a named pipe"),
    SpecialFile("link_to_socket", _make_link_to_socket, ("socket",),
                "a symbolic link to a socket"),
    SpecialFile("self_link", _make_self_link, ("symbolic link", "link loop", "levels of symbolic"),
                "a symbolic link that points to itself"),
    SpecialFile("folder", _make_folder, ("folder",), "a folder with a file's name"),
)  # fmt: skip
SPECIAL_BY_NAME = {special.name: special for special in SPECIAL_FILES}
SPECIAL_ROLES = ("image", "model", "checkpoint", "weights")  # what each pretends to be
SPECIAL_SUFFIX = {"image": ".jpg", "model": ".safetensors", "checkpoint": ".ckpt",
                  "weights": ".pth"}  # fmt: skip


def make_special(special: SpecialFile | str, folder: Path, role: str = "image") -> Path:
    """Create the special file `special` in `folder`, named like a `role` file; its path."""
    special = SPECIAL_BY_NAME[special] if isinstance(special, str) else special
    path = Path(folder) / f"{special.name}{SPECIAL_SUFFIX[role]}"
    special.make(path)
    return path


# ---------------------------------------------------------------------------------------------
# manifests and trees


@dataclass(frozen=True)
class Entry:
    path: Path  # a regular file that exists in the tree
    kind: str  # BadKind name, or "good"
    expect: str  # "skip" | "convert" | "ignore" | "accept" (good images)
    label: str | None  # class folder name for files inside a class
    reasons: tuple[str, ...] = ()
    check: Check | None = None


@dataclass
class Manifest:
    root: Path
    entries: list[Entry] = field(default_factory=list)
    class_names: list[str] = field(default_factory=list)  # classes that must be found (sorted)

    def _paths(self, *expects: str) -> set[Path]:
        return {e.path for e in self.entries if e.expect in expects}

    @property
    def accepted(self) -> set[Path]:
        """Files that must end up as samples (good images and converted bad kinds)."""
        return self._paths("accept", "convert")

    @property
    def skipped(self) -> set[Path]:
        return self._paths("skip")

    @property
    def ignored(self) -> set[Path]:
        return self._paths("ignore")

    def entry(self, kind: str) -> Entry:
        found = [e for e in self.entries if e.kind == kind]
        assert found, f"no entry of kind {kind!r}"
        return found[0]

    def entries_of(self, kind: str) -> list[Entry]:
        return [e for e in self.entries if e.kind == kind]

    def files_present(self) -> set[Path]:
        return files_under(self.root)


def files_under(root: Path) -> set[Path]:
    """Every regular file under root (symlinks are not followed and not counted)."""
    out: set[Path] = set()
    for dirpath, _dirnames, filenames in os.walk(root, followlinks=False):
        for name in filenames:
            p = Path(dirpath) / name
            if p.is_file() and not p.is_symlink():
                out.add(p)
    return out


def _add_written(manifest: Manifest, kind: BadKind, path: Path, label: str | None) -> None:
    paths = sorted(files_under(path)) if path.is_dir() else [path]
    for p in paths:
        manifest.entries.append(Entry(p, kind.name, kind.expect, label, kind.reasons, kind.check))


CLASS_COLOURS = (RED, GREEN, BLUE, YELLOW, (200, 100, 20), (20, 200, 200), (120, 40, 160),
                 (90, 90, 90))


def write_good_images(folder: Path, label: str, n: int, colour, manifest: Manifest | None = None,
                      seed: int = 0, size: tuple[int, int] = (40, 32)) -> list[Path]:
    """n good images (alternating JPEG/PNG) of one class colour."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(n):
        fmt, suffix = (("JPEG", ".jpg"), ("PNG", ".png"))[i % 2]
        path = folder / f"{label[:24]}_{i:03d}{suffix}"
        img = noisy_image(colour, size, seed=seed * 1000 + i)
        img.save(path, fmt, **({"quality": 90} if fmt == "JPEG" else {}))
        paths.append(path)
        if manifest is not None:
            manifest.entries.append(Entry(path, "good", "accept", label))
    return paths


def make_good_tree(root: Path, classes: Iterable[str] = ("cats", "dogs"), per_class: int = 6,
                   size: tuple[int, int] = (40, 32)) -> Manifest:
    """A clean class-per-folder dataset (distinct colours per class, so it trains quickly)."""
    root = Path(root)
    manifest = Manifest(root)
    classes = list(classes)
    for i, name in enumerate(classes):
        write_good_images(root / name, name, per_class, CLASS_COLOURS[i % len(CLASS_COLOURS)],
                          manifest, seed=i, size=size)
    manifest.class_names = sorted(classes)
    return manifest


def make_bad_tree(root: Path, classes: Iterable[str] = ("cats", "dogs"), per_class: int = 6,
                  kinds: Iterable[BadKind] = BAD_KINDS) -> Manifest:
    """A dataset of `classes` with `per_class` good images each plus every kind in `kinds`
    (class-level kinds dealt round-robin over the classes, root-level junk at the top)."""
    root = Path(root)
    manifest = make_good_tree(root, classes, per_class)
    classes = manifest.class_names
    i = 0
    for kind in kinds:
        if kind.at_root:
            _add_written(manifest, kind, write_kind(kind, root), None)
            continue
        label = classes[i % len(classes)]
        i += 1
        _add_written(manifest, kind, write_kind(kind, root / label), label)
    return manifest


def make_symlink_loop_tree(root: Path, per_class: int = 4) -> Manifest:
    """Two good classes; cats/loop -> cats and dogs/up -> the dataset root (both cycles)."""
    manifest = make_good_tree(root, ("cats", "dogs"), per_class)
    (Path(root) / "cats" / "loop").symlink_to(Path(root) / "cats", target_is_directory=True)
    (Path(root) / "dogs" / "up").symlink_to(Path(root), target_is_directory=True)
    return manifest


def make_empty_class_tree(root: Path, per_class: int = 4) -> Manifest:
    """cats and dogs with images, `empty` with no files and `only_junk` with junk only."""
    manifest = make_good_tree(root, ("cats", "dogs"), per_class)
    (Path(root) / "empty").mkdir()
    for kind in ("ds_store", "thumbs_db", "appledouble"):
        k = KINDS_BY_NAME[kind]
        _add_written(manifest, k, write_kind(k, Path(root) / "only_junk"), "only_junk")
    return manifest


def make_single_class_tree(root: Path, per_class: int = 5) -> Manifest:
    """Only one class folder has images (a second holds only an unreadable file)."""
    manifest = make_good_tree(root, ("cats",), per_class)
    k = KINDS_BY_NAME["text_as_jpg"]
    _add_written(manifest, k, write_kind(k, Path(root) / "dogs"), "dogs")
    return manifest


def make_many_classes_tree(root: Path, n: int = 2000, size: int = 8) -> Manifest:
    """n classes with one tiny PNG each (written from one encoded template: fast)."""
    root = Path(root)
    manifest = Manifest(root)
    width = len(str(n - 1))
    variants = [encode(Image.new("RGB", (size, size), ((i * 37) % 256, (i * 91) % 256,
                                                         (i * 151) % 256)), "PNG")
                for i in range(16)]
    for i in range(n):
        data = variants[i % len(variants)]
        name = f"class_{i:0{width}d}"
        path = root / name / "only.png"
        path.parent.mkdir(parents=True)
        path.write_bytes(data)
        manifest.entries.append(Entry(path, "good", "accept", name))
    manifest.class_names = sorted(e.label for e in manifest.entries)  # type: ignore[misc]
    return manifest


UNICODE_CLASS_NAMES = ("chats_ü", "犬", "🐦 birds")


def make_unicode_tree(root: Path, per_class: int = 4) -> Manifest:
    """Class folders with non-ASCII, CJK, emoji and a maximum-length name, plus files with
    unicode/emoji/long names inside."""
    classes = list(UNICODE_CLASS_NAMES) + [long_name("ö", "", name_max(root))]
    manifest = make_good_tree(root, classes, per_class)
    for kind in ("unicode_name", "emoji_name", "long_name"):
        k = KINDS_BY_NAME[kind]
        _add_written(manifest, k, write_kind(k, Path(root) / classes[0]), classes[0])
    return manifest


def make_undecodable_names_tree(root: Path, per_class: int = 5) -> Manifest:
    """Names that are not valid UTF-8 (what an old Windows zip unpacks to on Linux): a class
    folder b"caf\\xe9" (Latin-1 'café') and files with a b"\\xff" byte, next to a normal class.
    Python sees them with surrogate escapes ('caf\\udce9')."""
    root = Path(root)
    manifest = Manifest(root)
    for i, (raw, colour) in enumerate(((b"caf\xe9", BLUE), (b"dogs", RED))):
        label = os.fsdecode(raw)
        for j in range(per_class):
            path = root / label / os.fsdecode(b"img%d_\xff.png" % j)
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(good_png(colour, (24, 24), seed=10 * i + j))
            manifest.entries.append(Entry(path, "good", "accept", label))
    manifest.class_names = sorted({e.label for e in manifest.entries})  # type: ignore[misc]
    return manifest


def set_read_only(root: Path) -> None:
    """chmod every file 0444 and every folder 0555 (root ignores this: compare snapshots)."""
    for dirpath, _dirnames, filenames in os.walk(root, topdown=False, followlinks=False):
        for name in filenames:
            p = os.path.join(dirpath, name)
            if not os.path.islink(p):
                os.chmod(p, 0o444)
        os.chmod(dirpath, 0o555)


def set_writable(root: Path) -> None:
    """Undo set_read_only (so tmp_path can be cleaned up)."""
    os.chmod(root, 0o755)
    for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
        for name in dirnames:
            p = os.path.join(dirpath, name)
            if not os.path.islink(p):
                os.chmod(p, 0o755)
        for name in filenames:
            p = os.path.join(dirpath, name)
            if not os.path.islink(p):
                os.chmod(p, 0o644)


@contextlib.contextmanager
def read_only(root: Path):
    """`with read_only(root):` the tree is 0444/0555 inside the block and writable again after.
    As root (CI containers) chmod stops nothing: prove "no writes" with snapshot()."""
    set_read_only(root)
    try:
        yield Path(root)
    finally:
        set_writable(root)


Snapshot = dict[str, tuple]


def snapshot(root: Path) -> Snapshot:
    """relative path -> (kind, sha256, size, mtime_ns, mode) for every file, folder and link
    under root (links are recorded, never followed)."""
    root = Path(root)
    snap: Snapshot = {}

    def record(p: Path) -> None:
        st = p.lstat()
        rel = p.relative_to(root).as_posix() or "."
        if stat.S_ISLNK(st.st_mode):
            snap[rel] = ("link", os.readlink(p), st.st_mtime_ns)
        elif stat.S_ISDIR(st.st_mode):
            snap[rel] = ("dir", None, None, st.st_mtime_ns, stat.S_IMODE(st.st_mode))
        else:
            digest = hashlib.sha256(p.read_bytes()).hexdigest()
            snap[rel] = ("file", digest, st.st_size, st.st_mtime_ns, stat.S_IMODE(st.st_mode))

    record(root)
    for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
        for name in dirnames + filenames:
            record(Path(dirpath) / name)
    return snap


def diff_snapshots(before: Snapshot, after: Snapshot) -> list[str]:
    """Human-readable differences (empty when nothing changed)."""
    out = []
    for rel in sorted(set(before) | set(after)):
        if rel not in after:
            out.append(f"deleted: {rel}")
        elif rel not in before:
            out.append(f"created: {rel}")
        elif before[rel] != after[rel]:
            out.append(f"changed: {rel}: {before[rel]} -> {after[rel]}")
    return out


def assert_unchanged(before: Snapshot, root: Path, what: str = "") -> None:
    changes = diff_snapshots(before, snapshot(root))
    assert not changes, f"the user's folder was modified {what}:\n" + "\n".join(changes[:20])


# ---------------------------------------------------------------------------------------------
# accounting a ScanResult against the files present (duck-typed: no import of core here)


def expand_ignored(ignored: Iterable[Path]) -> set[Path]:
    """ScanResult.ignored may list folders (__MACOSX/) as one entry: count the files in them."""
    out: set[Path] = set()
    for p in ignored:
        p = Path(p)
        if p.is_dir() and not p.is_symlink():
            out |= files_under(p)
        else:
            out.add(p)
    return out


def scan_accounting(result) -> tuple[list[Path], list[Path], set[Path]]:
    """(accepted sample paths incl. val, problem paths, ignored file paths) of a ScanResult."""
    index = result.index
    samples = list(index.samples) + list(index.val_samples or [])
    accepted = [Path(s.path) for s in samples]
    skipped = [Path(p.path) for p in result.problems]
    return accepted, skipped, expand_ignored(result.ignored)


def resolve_all(paths: Iterable[Path]) -> set[Path]:
    return {Path(os.path.realpath(p)) for p in paths}


def within(seconds: float, fn):
    """fn() in a thread; fail (instead of hanging the suite) if it does not return in time."""
    box: dict = {}

    def target():
        try:
            box["value"] = fn()
        except BaseException as exc:  # noqa: BLE001 - re-raised in the caller
            box["error"] = exc

    thread = threading.Thread(target=target, daemon=True)
    thread.start()
    thread.join(seconds)
    assert not thread.is_alive(), f"{fn} did not return within {seconds} s (it hung: opened a pipe?)"
    if "error" in box:
        raise box["error"]
    return box.get("value")
