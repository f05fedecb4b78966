"""Property tests (Hypothesis): the loader and the scanner on inputs nobody wrote by hand.

* Random bytes, and valid JPEG/PNG/GIF/BMP/TIFF/WebP files truncated, bit-flipped or
  overwritten, through `load_image`: the only outcomes are an RGB image or `ImageLoadError`
  (nothing else escapes, nothing hangs: each example has a deadline).
* Random in-memory images of every Pillow mode through `to_rgb`: always RGB, same size.
* Random folder trees (hidden and junk names, unicode, depths, good and bad files): accepted +
  skipped + ignored == files present, and exactly the good files outside junk become samples.

Derandomized (fixed examples, same on every run) with modest example counts: < 30 s in all.
"""

from __future__ import annotations

import shutil
import tempfile
import warnings
from datetime import timedelta
from pathlib import Path

import badfiles as bf
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image

from core.errors import DatasetError, ImageLoadError

SETTINGS = dict(
    derandomize=True,
    deadline=timedelta(seconds=10),  # "no hang" on a busy shared CPU; real examples take ms
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
    database=None,
)


@pytest.fixture(scope="module")
def scratch():
    folder = Path(tempfile.mkdtemp(prefix="bbs-props-"))
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


def _load_only_image_or_error(path: Path, target_size=None):
    """The property: load_image returns an RGB image or raises ImageLoadError, nothing else."""
    from core.images import load_image

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # Pillow warns about odd EXIF etc.; not the point here
        try:
            image = load_image(path, target_size=target_size)
        except ImageLoadError as exc:
            assert Path(exc.path) == path and exc.reason, exc
            return None
    assert isinstance(image, Image.Image) and image.mode == "RGB", image
    assert image.width >= 1 and image.height >= 1
    image.tobytes()  # fully decoded, really usable
    return image


# ------------------------------------------------------------------------------------------
# random bytes


MAGICS = [b"", b"\xff\xd8\xff\xe0", b"\x89PNG\r\n\x1a\n", b"GIF89a", b"BM", b"II*\x00",
          b"MM\x00*", b"RIFF\x00\x00\x00\x00WEBP", b"\x00\x00\x00\x18ftypheic",
          b"\x00\x00\x01\x00", b"8BPS", b"icns", b"qoif", b"\x0a\x05\x01\x08", b"%!PS-Adobe",
          b"\x00\x00\x00\x0cjP  \r\n\x87\n", b"/* XPM */"]
# Headers whose Pillow plugins raise ValueError / NotImplementedError from Image.open (found by
# this file): Netpbm (P1-P6, Pf), XBM, SGI, DDS. Kept apart so the main property stays a guard.
ESCAPING_MAGICS = [b"P1\n", b"P2\n", b"P3\n", b"P4\n", b"P5\n", b"P6\n", b"Pf\n", b"#define",
                   b"\x01\xda", b"DDS \x7c\x00\x00\x00"]


@settings(max_examples=80, **SETTINGS)
@given(magic=st.sampled_from(MAGICS), body=st.binary(max_size=1024),
       target=st.sampled_from([None, 16, 224]))
def test_random_bytes_give_an_image_or_image_load_error(scratch, magic, body, target):
    path = scratch / "random.jpg"
    path.write_bytes(magic + body)
    _load_only_image_or_error(path, target)


@settings(max_examples=40, **SETTINGS)
@given(magic=st.sampled_from(ESCAPING_MAGICS), body=st.binary(max_size=256))
def test_random_bytes_after_netpbm_xbm_sgi_dds_headers(scratch, magic, body):
    path = scratch / "random-header.jpg"
    path.write_bytes(magic + body)
    _load_only_image_or_error(path)


# The smallest inputs Hypothesis found (and a fuzz loop confirmed) for each escaping plugin.
ESCAPES = {
    "pbm-P1-token-too-long": b"P1\n" + b"\xd7" * 20,
    "ppm-P6-eof-in-header": b"P6\n",
    "ppm-P6-not-a-number": b"P6\n\x00",
    "pgm-P5-not-a-number": b"P5\n\x9f",
    "pfm-Pf-token-too-long": b"Pf\n" + b"\x88" * 20,
    "xbm-define-not-a-number": b"#define x_width \xfc\n#define x_height 1\n",
    "sgi-unsupported-mode": b"\x01\xda\x00\x09" + b"\x00" * 508,
    "dds-unknown-pixel-format": (b"DDS \x7c\x00\x00\x00" + b"\x07\x10\x00\x00" + b"\x01\x00\x00\x00" * 2
                                 + b"\x00" * 56 + b"\x20\x00\x00\x00" + b"\xff\xff\xff\x7f"
                                 + b"\x00" * 40),
}


@pytest.mark.parametrize("name", sorted(ESCAPES))
def test_known_header_escapes_are_image_load_errors(name, scratch):
    """Regression cases: a file named .jpg that starts like Netpbm/XBM/SGI/DDS but is garbage
    must be skipped with ImageLoadError, not crash the caller with ValueError."""
    path = scratch / f"{name}.jpg"
    path.write_bytes(ESCAPES[name])
    _load_only_image_or_error(path)


# ------------------------------------------------------------------------------------------
# mutated valid files


def _valid_files() -> dict[str, bytes]:
    rgb = bf.noisy_image(bf.GREEN, (24, 20), seed=1, amplitude=60)
    exif = Image.Exif()
    exif[0x0112] = 6
    return {
        "jpeg": bf.encode(rgb, "JPEG", quality=80),
        "jpeg-progressive-exif": bf.encode(rgb, "JPEG", quality=80, progressive=True,
                                           exif=exif.tobytes()),
        "png": bf.encode(rgb, "PNG"),
        "png-rgba": bf.rgba_hidden_png(),
        "png-16bit": bf.gray16_png(),
        "png-palette-trns": bf.p_transparent_png(),
        "gif-animated": bf.animated_gif(),
        "bmp": bf.encode(rgb, "BMP"),
        "tiff": bf.encode(rgb, "TIFF"),
        "webp": bf.encode(rgb, "WEBP", quality=80),
    }


VALID = _valid_files()


@st.composite
def mutated(draw):
    name = draw(st.sampled_from(sorted(VALID)))
    data = bytearray(VALID[name])
    ops = draw(st.lists(st.sampled_from(["flip", "truncate", "overwrite", "insert"]),
                        min_size=1, max_size=3))
    for op in ops:
        if not data:
            break
        pos = draw(st.integers(0, len(data) - 1))
        if op == "flip":
            data[pos] ^= 1 << draw(st.integers(0, 7))
        elif op == "truncate":
            del data[pos:]
        elif op == "overwrite":
            chunk = draw(st.binary(min_size=1, max_size=16))
            data[pos:pos + len(chunk)] = chunk
        else:
            data[pos:pos] = draw(st.binary(min_size=1, max_size=16))
    return name, ops, bytes(data)


@settings(max_examples=120, **SETTINGS)
@given(case=mutated(), target=st.sampled_from([None, 8]))
def test_mutated_images_give_an_image_or_image_load_error(scratch, case, target):
    _name, _ops, data = case
    path = scratch / "mutated.img"
    path.write_bytes(data)
    _load_only_image_or_error(path, target)


def test_the_unmutated_files_load(scratch):
    """Control: every base file of the mutation test is itself a good image."""
    for name, data in VALID.items():
        path = scratch / f"valid-{name}"
        path.write_bytes(data)
        assert _load_only_image_or_error(path) is not None, name


# ------------------------------------------------------------------------------------------
# in-memory images of every mode


MODES = ["1", "L", "LA", "P", "PA", "RGB", "RGBA", "RGBa", "CMYK", "YCbCr", "LAB", "HSV", "I",
         "I;16", "I;16B", "F", "La"]


@settings(max_examples=50, **SETTINGS)
@given(mode=st.sampled_from(MODES), w=st.integers(1, 12), h=st.integers(1, 12),
       seed=st.integers(0, 2**16), transparency=st.booleans())
def test_to_rgb_any_mode_gives_rgb_of_the_same_size(mode, w, h, seed, transparency):
    from core.images import to_rgb

    rng = np.random.default_rng(seed)
    base = Image.frombytes("RGBA", (w, h), rng.integers(0, 256, w * h * 4, np.uint8).tobytes())
    try:
        image = base.convert(mode)
    except ValueError:
        image = Image.new(mode, (w, h))
    if transparency and mode in ("P", "L", "RGB"):
        image.info["transparency"] = 0 if mode != "RGB" else (0, 0, 0)
    try:
        out = to_rgb(image, name="clipboard")
    except ImageLoadError as exc:  # an unsupported mode is refused clearly, never crashes
        assert "clipboard" in str(exc)
        return
    assert out.mode == "RGB" and out.size == (w, h)


# ------------------------------------------------------------------------------------------
# random folder trees


GOOD = {"good.jpg": lambda: bf.good_jpeg(bf.RED, (12, 10)),
        "good.png": lambda: bf.good_png(bf.BLUE, (10, 12)),
        "good_as.txt": lambda: bf.good_png(bf.GREEN, (8, 8))}  # an image by content
BAD = {"empty.jpg": lambda: b"",
       "text.jpg": lambda: b"hello, not an image\n",
       "cut.png": lambda: bf.truncated(bf.good_png(bf.RED, (24, 24), seed=3), 0.5),
       "heic.jpg": bf.heic_bytes,
       "bomb.png": bf.bomb_png}
JUNK_FILES = {"._x.jpg": bf.appledouble_bytes, ".DS_Store": bf.ds_store_bytes,
              "Thumbs.db": bf.thumbs_db_bytes, ".hidden.png": lambda: bf.good_png(bf.RED, (8, 8))}
CONTENTS = {**GOOD, **BAD, **JUNK_FILES}
DIR_NAMES = ["a", "b", "c", "Katzen", "chats_ü", "🐶", "日本", "with space", ".hidden",
             "__MACOSX", ".ipynb_checkpoints", "sub", "deeper"]
JUNK_DIRS = {".hidden", "__MACOSX", ".ipynb_checkpoints"}


def _is_junk(name: str) -> bool:
    return name.startswith(".") or name.lower() in {"__macosx", "thumbs.db"}


@st.composite
def trees(draw):
    """{relative path: content key}; no path is both a file and a folder."""
    n = draw(st.integers(1, 14))
    files: dict[tuple[str, ...], str] = {}
    for i in range(n):
        depth = draw(st.integers(0, 3))
        dirs = tuple(draw(st.sampled_from(DIR_NAMES)) for _ in range(depth))
        key = draw(st.sampled_from(sorted(CONTENTS)))
        stem, dot, ext = key.partition(".")
        name = key if key.startswith(".") or key == "Thumbs.db" else f"{stem}{i}{dot}{ext}"
        files[dirs + (name,)] = key
    dirs_used = {p[:k] for p in files for k in range(1, len(p))}
    return {p: k for p, k in files.items() if p not in dirs_used}


@settings(max_examples=30, **SETTINGS)
@given(tree=trees())
def test_random_trees_keep_the_count_invariant(tree):
    from core.dataset import scan_folder

    with tempfile.TemporaryDirectory(prefix="bbs-tree-") as tmp:
        root = Path(tmp) / "data"
        root.mkdir()
        for parts, key in tree.items():
            path = root.joinpath(*parts)
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(CONTENTS[key]())
        # the oracle, from the documented rules: junk names anywhere hide everything below;
        # a class is a top-level folder; files directly in the root are not samples
        usable: dict[str, set[Path]] = {}
        for parts, key in tree.items():
            if len(parts) < 2 or any(_is_junk(p) for p in parts):
                continue
            if key in GOOD:
                usable.setdefault(parts[0], set()).add(root.joinpath(*parts))
        present = bf.files_under(root)
        before = bf.snapshot(root)
        try:
            result = scan_folder(root, workers=1)
        except DatasetError as exc:
            assert len(usable) < 2, f"refused a tree with classes {sorted(usable)}: {exc}"
            bf.assert_unchanged(before, root, "by scan_folder")
            return
        bf.assert_unchanged(before, root, "by scan_folder")
        accepted, skipped, ignored = bf.scan_accounting(result)
        assert len(accepted) == len(set(accepted)) and len(skipped) == len(set(skipped))
        assert not (set(accepted) & set(skipped)) and not ((set(accepted) | set(skipped)) & ignored)
        assert len(accepted) + len(skipped) + len(ignored) == len(present)
        assert set(accepted) | set(skipped) | ignored == present
        assert set(accepted) == set().union(*usable.values())
        assert result.index.class_names == sorted(usable)
        names = result.index.class_names
        for sample in result.index.samples:
            assert Path(sample.path).relative_to(root).parts[0] == names[sample.label]


def test_tree_strategy_control():
    """Control: the oracle's junk rule matches the generator's names."""
    assert all(_is_junk(d) for d in JUNK_DIRS)
    assert all(_is_junk(f) for f in JUNK_FILES)
    assert not any(_is_junk(f) for f in (*GOOD, *BAD))
