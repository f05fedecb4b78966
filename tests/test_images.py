"""core.images: the one loader — bad files reported with reasons, odd modes converted right."""

from __future__ import annotations

import io
import time

import numpy as np
import pytest
from badfiles import (
    BACKGROUND as BADFILES_BACKGROUND,
)
from badfiles import (
    CONVERT_KINDS,
    GREEN,
    KINDS_BY_NAME,
    RED,
    SKIP_KINDS,
    encode,
    write_kind,
)
from PIL import Image, ImageFile

from core.errors import ImageLoadError
from core.images import BACKGROUND, load_image, sniff_format, to_rgb


def test_background_is_the_shared_one():
    assert BACKGROUND == BADFILES_BACKGROUND


@pytest.mark.parametrize("kind", SKIP_KINDS, ids=lambda k: k.name)
def test_unreadable_kinds_raise_one_error_naming_file_and_reason(kind, tmp_path):
    path = write_kind(kind, tmp_path)
    with pytest.raises(ImageLoadError) as info:
        load_image(path, target_size=64)
    err = info.value
    assert err.path == path
    assert kind.matches_reason(err.reason), f"{kind.name}: reason {err.reason!r}"
    assert str(path) in str(err)
    # the guards a loader for untrusted folders must keep
    assert ImageFile.LOAD_TRUNCATED_IMAGES is False
    assert Image.MAX_IMAGE_PIXELS == 89_478_485 or Image.MAX_IMAGE_PIXELS > 0


@pytest.mark.parametrize("kind", CONVERT_KINDS, ids=lambda k: k.name)
def test_odd_images_are_converted_to_correct_rgb(kind, tmp_path):
    path = write_kind(kind, tmp_path)
    image = load_image(path)
    assert image.mode == "RGB"
    kind.check(image)


def test_reasons_are_specific(tmp_path):
    reasons = {}
    for name in (
        "zero_byte",
        "text_as_jpg",
        "heic_named_jpg",
        "truncated_jpeg",
        "decompression_bomb",
    ):
        with pytest.raises(ImageLoadError) as info:
            load_image(write_kind(KINDS_BY_NAME[name], tmp_path))
        reasons[name] = info.value.reason
    assert reasons["zero_byte"] == "empty file (0 bytes)"
    assert reasons["text_as_jpg"] == "not an image (looks like text)"
    assert reasons["heic_named_jpg"] == "HEIC/HEIF images are not supported — convert to JPEG"
    assert reasons["truncated_jpeg"].startswith("truncated or damaged JPEG: ")
    assert reasons["decompression_bomb"] == (
        "image is too large (10,000,000,000 pixels) — looks like a decompression bomb"
    )


def test_vanished_file_and_folder(tmp_path):
    with pytest.raises(ImageLoadError, match="file vanished"):
        load_image(tmp_path / "gone.jpg")
    with pytest.raises(ImageLoadError, match="folder"):
        load_image(tmp_path)


@pytest.mark.parametrize(
    ("value", "expected"), [(40000, 156), (32768, 128), (65535, 255), (0, 0), (300, 1)]
)
def test_16bit_scaled_by_type_range_not_clipped(tmp_path, value, expected):
    path = tmp_path / "g16.png"
    Image.fromarray(np.full((6, 8), value, dtype=np.uint16)).save(path)
    assert Image.open(path).mode.startswith("I;16")
    assert load_image(path).getpixel((3, 3)) == (expected,) * 3


def test_32bit_int_and_float_greyscale(tmp_path):
    as_i = Image.fromarray(np.full((4, 4), 40000, dtype=np.int32))  # mode I holding 16-bit data
    assert as_i.mode == "I"
    assert to_rgb(as_i).getpixel((0, 0)) == (156, 156, 156)
    as_f = Image.fromarray(np.full((4, 4), 0.5, dtype=np.float32))
    assert as_f.mode == "F"
    assert to_rgb(as_f).getpixel((0, 0)) == (128, 128, 128)
    path = tmp_path / "float.tif"
    ramp = np.linspace(-10.0, 10.0, 16, dtype=np.float32).reshape(4, 4)  # outside [0, 1]: stretch
    Image.fromarray(ramp).save(path)
    out = np.asarray(load_image(path))
    assert out[0, 0, 0] == 0 and out[3, 3, 0] == 255


def test_other_modes():
    cases = {
        "1": Image.new("1", (4, 4), 1),
        "L": Image.new("L", (4, 4), 77),
        "P": Image.new("RGB", (4, 4), RED).convert("P", palette=Image.Palette.ADAPTIVE),
        "YCbCr": Image.new("RGB", (4, 4), GREEN).convert("YCbCr"),
    }
    assert to_rgb(cases["1"]).getpixel((0, 0)) == (255, 255, 255)
    assert to_rgb(cases["L"]).getpixel((0, 0)) == (77, 77, 77)
    assert to_rgb(cases["P"]).getpixel((0, 0)) == RED
    assert (
        max(abs(a - b) for a, b in zip(to_rgb(cases["YCbCr"]).getpixel((0, 0)), GREEN, strict=True))
        <= 3
    )
    rgb = Image.new("RGB", (4, 4), RED)
    assert to_rgb(rgb) is rgb  # nothing to do: no copy


def test_rgb_png_with_colour_key_transparency(tmp_path):
    img = Image.new("RGB", (8, 4), RED)
    img.paste((0, 0, 0), (4, 0, 8, 4))
    path = tmp_path / "key.png"
    img.save(path, transparency=(0, 0, 0))
    out = load_image(path)
    assert out.getpixel((1, 1)) == RED
    assert out.getpixel((6, 1)) == BACKGROUND


def test_animated_png_first_frame(tmp_path):
    frames = [Image.new("RGB", (8, 8), c) for c in (GREEN, RED)]
    path = tmp_path / "anim.png"
    frames[0].save(path, save_all=True, append_images=frames[1:])
    assert load_image(path).getpixel((4, 4)) == GREEN


def test_to_rgb_applies_exif_orientation_in_memory():
    stored = Image.new("RGB", (20, 40), (0, 0, 0))
    exif = Image.Exif()
    exif[0x0112] = 6
    data = encode(stored, "JPEG", exif=exif.tobytes())
    out = to_rgb(Image.open(io.BytesIO(data)))
    assert out.size == (40, 20)
    assert to_rgb(out).size == (40, 20)  # orientation is removed: applying again is a no-op


def test_bomb_between_one_and_two_times_the_limit_is_refused(tmp_path, monkeypatch):
    path = tmp_path / "big.png"
    Image.new("RGB", (40, 40), RED).save(path)  # 1,600 pixels
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 1000)  # Pillow only *warns* below 2x
    with pytest.warns(Image.DecompressionBombWarning):
        with pytest.raises(ImageLoadError, match=r"too large \(1,600 pixels\).*bomb"):
            load_image(path)


@pytest.fixture(scope="module")
def big_photo(tmp_path_factory):
    """A 3000x2000 photo-like JPEG (smooth gradients plus mild noise)."""
    h, w = 2000, 3000
    y, x = np.mgrid[0:h, 0:w].astype(np.float32)
    rng = np.random.default_rng(0)
    arr = np.stack(
        [x / w * 255, y / h * 255, (np.sin(x / 90) * np.cos(y / 70) + 1) * 127], axis=-1
    ) + rng.normal(0, 4, (h, w, 3))
    path = tmp_path_factory.mktemp("photo") / "big.jpg"
    Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8)).save(path, quality=90)
    return path


def test_draft_decode_keeps_short_side_and_is_faster(big_photo):
    assert load_image(big_photo).size == (3000, 2000)
    for target in (224, 288, 500, 1000, 1999):
        short = min(load_image(big_photo, target_size=target).size)
        assert target <= short < 2 * target or short == 2000, (target, short)
    small = load_image(big_photo, target_size=224)
    assert small.size == (375, 250)  # 1/8 DCT scale
    assert small.mode == "RGB"

    def best_of(n, **kwargs):
        times = []
        for _ in range(n):
            start = time.perf_counter()
            load_image(big_photo, **kwargs)
            times.append(time.perf_counter() - start)
        return min(times)

    full, draft = best_of(2), best_of(2, target_size=224)
    assert draft < full, f"draft decode {draft:.3f}s is not faster than full {full:.3f}s"


def test_truncated_jpeg_still_fails_in_draft_mode(tmp_path, big_photo):
    data = big_photo.read_bytes()
    path = tmp_path / "cut.jpg"
    path.write_bytes(data[: len(data) * 2 // 3])
    with pytest.raises(ImageLoadError, match="truncated or damaged JPEG"):
        load_image(path, target_size=224)


def test_sniff_format_by_content_not_extension(tmp_path):
    assert sniff_format(write_kind(KINDS_BY_NAME["png_named_jpg"], tmp_path)) == "PNG"
    assert sniff_format(write_kind(KINDS_BY_NAME["text_as_jpg"], tmp_path)) is None
    assert sniff_format(write_kind(KINDS_BY_NAME["heic_named_jpg"], tmp_path)) is None
    assert sniff_format(write_kind(KINDS_BY_NAME["zero_byte"], tmp_path)) is None
    assert sniff_format(write_kind(KINDS_BY_NAME["decompression_bomb"], tmp_path)) == "PNG"
    jpeg_as_txt = tmp_path / "photo.txt"
    Image.new("RGB", (8, 8), RED).save(jpeg_as_txt, "JPEG")
    assert sniff_format(jpeg_as_txt) == "JPEG"
    assert sniff_format(tmp_path / "missing.png") is None


def test_eps_is_never_handed_to_ghostscript(tmp_path):
    path = tmp_path / "drawing.jpg"
    Image.new("RGB", (8, 8), RED).save(path, "EPS")
    with pytest.raises(ImageLoadError, match="PostScript/EPS files are not supported"):
        load_image(path)
    assert sniff_format(path) is None


def test_headers_that_make_pillow_raise_odd_exceptions(tmp_path):
    path = tmp_path / "x.jpg"
    path.write_bytes(b"P6\n\x00")  # Pillow's PPM plugin raises ValueError here
    with pytest.raises(ImageLoadError, match="damaged PPM file"):
        load_image(path)


def test_premultiplied_alpha_is_composited_like_straight_alpha():
    la = Image.merge("LA", (Image.new("L", (2, 2), 100), Image.new("L", (2, 2), 128)))
    expected = round(100 * 128 / 255 + (1 - 128 / 255) * 255)  # 177
    assert to_rgb(la).getpixel((0, 0)) == (expected,) * 3
    assert to_rgb(la.convert("La")).getpixel((0, 0)) == (expected,) * 3
    rgba = Image.new("RGBA", (2, 2), (200, 0, 0, 128))
    assert to_rgb(rgba.convert("RGBa")).getpixel((0, 0)) == to_rgb(rgba).getpixel((0, 0))


# --------------------------------------------------------------------------------------------
# colour profiles
# --------------------------------------------------------------------------------------------


def _close(pixel, expected, tolerance=3):
    return all(abs(a - b) <= tolerance for a, b in zip(pixel, expected, strict=True))


@pytest.mark.parametrize("fmt", ["PNG", "JPEG", "TIFF", "WEBP"])
def test_an_embedded_profile_is_converted_to_srgb(tmp_path, fmt):
    from icc_helpers import rgb_profile

    path = tmp_path / f"tagged.{fmt.lower()}"
    # Stored as pure red, but the profile says the first channel is sRGB's green primary.
    Image.new("RGB", (64, 48), (255, 0, 0)).save(path, format=fmt, icc_profile=rgb_profile(),
                                                  quality=95)  # fmt: skip
    assert _close(load_image(path).getpixel((10, 10)), (0, 255, 0), tolerance=8)
    untagged = tmp_path / f"plain.{fmt.lower()}"
    Image.new("RGB", (64, 48), (255, 0, 0)).save(untagged, format=fmt, quality=95)
    assert _close(load_image(untagged).getpixel((10, 10)), (255, 0, 0), tolerance=8)


def test_profile_conversion_survives_exif_rotation_draft_decoding_and_alpha(tmp_path):
    from icc_helpers import rgb_profile

    image = Image.new("RGB", (1200, 800), (255, 0, 0))
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90 degrees on display
    path = tmp_path / "rotated.jpg"
    image.save(path, icc_profile=rgb_profile(), exif=exif, quality=95)
    loaded = load_image(path, target_size=100)  # JPEG draft decoding at 1/8 scale
    assert loaded.size[0] < loaded.size[1]  # rotated
    assert _close(loaded.getpixel((20, 20)), (0, 255, 0), tolerance=8)

    rgba = Image.new("RGBA", (32, 32), (255, 0, 0, 255))
    rgba.putpixel((0, 0), (255, 0, 0, 0))  # one transparent pixel: composited on BACKGROUND
    rgba.save(tmp_path / "alpha.png", icc_profile=rgb_profile())
    loaded = load_image(tmp_path / "alpha.png")
    assert _close(loaded.getpixel((5, 5)), (0, 255, 0), tolerance=8)
    assert loaded.getpixel((0, 0)) == BACKGROUND


def test_srgb_and_unusable_profiles_leave_the_pixels_alone(tmp_path):
    from icc_helpers import SRGB_PRIMARIES, rgb_profile
    from PIL import ImageCms

    srgb = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    colour = (200, 120, 40)
    for name, icc in [
        ("srgb", srgb),
        ("garbage", b"this is not an ICC profile at all"),
        ("truncated", rgb_profile()[:150]),
    ]:
        path = tmp_path / f"{name}.png"
        Image.new("RGB", (16, 16), colour).save(path, icc_profile=icc)
        assert load_image(path).getpixel((3, 3)) == colour, name
    # A real but different RGB profile (sRGB primaries, gamma 1.0) does change the values.
    linear = tmp_path / "linear.png"
    Image.new("RGB", (16, 16), colour).save(linear, icc_profile=rgb_profile(SRGB_PRIMARIES, 1.0,
                                                                             "Linear test"))  # fmt: skip
    assert load_image(linear).getpixel((3, 3)) != colour


def test_to_rgb_converts_profiles_of_in_memory_images_like_the_loader(tmp_path):
    from icc_helpers import rgb_profile

    path = tmp_path / "tagged.png"
    Image.new("RGB", (16, 16), (255, 0, 0)).save(path, icc_profile=rgb_profile())
    with Image.open(path) as pasted:
        pasted.load()
        assert to_rgb(pasted).tobytes() == load_image(path).tobytes()
