"""Prediction: batched, same loader as training, per-file errors, PIL input, ImageNet from cache."""

from __future__ import annotations

import math
import threading
from pathlib import Path

import numpy as np
import pytest
import torch
from PIL import Image

from core import backbones, images
from core.errors import BackboneStudioError, WeightsUnavailable
from core.events import CancelToken
from core.modelfile import new_metadata, save_model
from core.predict import Classifier, Prediction, expand_paths

CLASSES = ("cat", "dog", "ferret", "owl")
SIZE = 32


@pytest.fixture(autouse=True)
def _one_thread():
    # Small forwards on the shared 2-core machine run ~10x faster on one intra-op thread.
    torch.set_num_threads(1)


@pytest.fixture(scope="module")
def model_path(tmp_path_factory) -> Path:
    torch.manual_seed(0)
    model = backbones.build_model("resnet18", len(CLASSES)).eval()
    spec = backbones.get_spec("resnet18")
    metadata = new_metadata("resnet18", CLASSES, SIZE, spec.mean, spec.std)
    return save_model(tmp_path_factory.mktemp("model") / "pets.safetensors", model, metadata)


@pytest.fixture(scope="module")
def classifier(model_path) -> Classifier:
    return Classifier.load(model_path, device="cpu")


def _picture(seed: int, size=(48, 36)) -> Image.Image:
    """A smooth, asymmetric picture (gradient + a coloured block), different per seed."""
    rng = np.random.default_rng(seed)
    w, h = size
    yy, xx = np.mgrid[0:h, 0:w]
    base = rng.uniform(0, 255, 3)
    pixels = np.stack([(base[c] + (xx * (c + 1) * 3 + yy * 5 * (2 - c))) % 255 for c in range(3)], -1)
    x0, y0 = rng.integers(0, w // 2), rng.integers(0, h // 2)
    pixels[y0 : y0 + h // 3, x0 : x0 + w // 3] = rng.uniform(0, 255, 3)
    return Image.fromarray(pixels.astype(np.uint8))


def _write_images(folder: Path, count: int, start: int = 0, fmt: str = "png") -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(start, start + count):
        path = folder / f"img{i:03d}.{fmt}"
        _picture(i).save(path)
        paths.append(path)
    return paths


def _probabilities(prediction: Prediction, names=CLASSES) -> np.ndarray:
    lookup = dict(prediction.top_k)
    return np.array([lookup[n] for n in names])


# ------------------------------------------------------------------------------ basics


def test_load_uses_the_model_metadata(classifier, model_path):
    assert classifier.class_names == list(CLASSES)
    assert classifier.input_size == SIZE and classifier.backbone == "resnet18"
    assert classifier.metadata is not None and classifier.name == "pets"
    assert classifier.device == torch.device("cpu")
    assert not classifier.model.training
    assert classifier.model.conv1.weight.is_contiguous(memory_format=torch.channels_last)


def test_prediction_fields_and_top_k(classifier, tmp_path):
    [path] = _write_images(tmp_path, 1)
    [p] = classifier.predict([path], top_k=2)
    assert p.ok and p.error is None and p.source == str(path)
    assert len(p.top_k) == 2 and p.top_k[0] == (p.label, p.confidence)
    assert p.top_k[0][1] >= p.top_k[1][1]
    [everything] = classifier.predict([path], top_k=10)  # more than there are classes
    assert len(everything.top_k) == len(CLASSES)
    assert sum(prob for _, prob in everything.top_k) == pytest.approx(1.0, abs=1e-5)
    with pytest.raises(BackboneStudioError, match="top-k"):
        classifier.predict([path], top_k=0)


def test_batched_equals_one_by_one(classifier, tmp_path):
    paths = _write_images(tmp_path, 7)
    batched = classifier.predict(paths, top_k=len(CLASSES), batch_size=3)
    single = [classifier.predict([p], top_k=len(CLASSES), batch_size=1)[0] for p in paths]
    assert [p.source for p in batched] == [str(p) for p in paths]
    for a, b in zip(batched, single, strict=True):
        assert a.label == b.label
        np.testing.assert_allclose(_probabilities(a), _probabilities(b), atol=1e-5)


def test_matches_the_training_preprocessing(classifier, tmp_path):
    """The classifier computes exactly softmax(model(eval_transform(load_image(path))))."""
    from core.dataset import eval_transform

    [path] = _write_images(tmp_path, 1, start=5)
    x = eval_transform(SIZE, classifier.mean, classifier.std)(images.load_image(path))
    with torch.inference_mode():
        expected = classifier.model(x[None]).softmax(1)[0].numpy()
    [p] = classifier.predict([path], top_k=len(CLASSES))
    np.testing.assert_allclose(_probabilities(p), expected, atol=1e-6)


# ----------------------------------------------------------------------- errors and folders


def _messy_folder(root: Path) -> dict[str, Path]:
    files = {
        "a": root / "a.png",
        "nested": root / "sub" / "b.jpg",
        "no_suffix": root / "sub" / "photo_without_suffix",
        "corrupt": root / "sub" / "corrupt.jpg",
        "truncated": root / "truncated.png",
    }
    (root / "sub").mkdir(parents=True)
    _picture(1).save(files["a"])
    _picture(2).save(files["nested"], quality=95)
    _picture(3).save(files["no_suffix"], format="PNG")
    files["corrupt"].write_bytes(b"\xff\xd8\xff\xe0 this is not really a JPEG")
    buffer = root / "whole.tmp"
    _picture(4, (200, 150)).save(buffer, format="PNG")
    files["truncated"].write_bytes(buffer.read_bytes()[:300])
    buffer.unlink()
    # never classified: hidden, junk, not images
    (root / ".hidden.png").write_bytes(files["a"].read_bytes())
    (root / "._a.png").write_bytes(b"\x00\x05\x16\x07AppleDouble")
    (root / "Thumbs.db").write_bytes(b"\xd0\xcf\x11\xe0")
    (root / "__MACOSX").mkdir()
    (root / "__MACOSX" / "c.png").write_bytes(files["a"].read_bytes())
    (root / ".git").mkdir()
    (root / ".git" / "d.png").write_bytes(files["a"].read_bytes())
    (root / "notes.txt").write_text("shopping list")
    return files


def test_expand_paths_recurses_sorted_and_skips_junk(tmp_path):
    files = _messy_folder(tmp_path / "photos")
    found = expand_paths(tmp_path / "photos")
    assert found == [
        files["a"], files["truncated"], files["nested"], files["corrupt"], files["no_suffix"]
    ]  # fmt: skip
    # explicit files are kept in the given order (even missing ones, to report them), no dupes
    missing = tmp_path / "gone.jpg"
    assert expand_paths([files["a"], missing, tmp_path / "photos" / "sub", files["a"]]) == [
        files["a"], missing, files["nested"], files["corrupt"], files["no_suffix"]
    ]  # fmt: skip


def test_folder_with_unreadable_files_gives_error_rows(classifier, tmp_path):
    files = _messy_folder(tmp_path / "photos")
    missing = tmp_path / "gone.jpg"
    results = classifier.predict([tmp_path / "photos", missing], top_k=2, batch_size=2)
    by_source = {p.source: p for p in results}
    assert list(by_source) == [str(p) for p in expand_paths(tmp_path / "photos")] + [str(missing)]
    for key in ("a", "nested", "no_suffix"):
        assert by_source[str(files[key])].ok and by_source[str(files[key])].label in CLASSES
    for key, words in (("corrupt", ("damaged", "truncated")), ("truncated", ("truncated",))):
        bad = by_source[str(files[key])]
        assert bad.label is None and bad.top_k == () and bad.confidence == 0.0
        assert any(w in bad.error.lower() for w in words), bad.error
    assert "vanished" in by_source[str(missing)].error


def test_unexpected_decoder_exception_is_an_error_row(classifier, tmp_path, monkeypatch):
    paths = _write_images(tmp_path, 3)
    real = images.load_image

    def flaky(path, target_size=None):
        if Path(path) == paths[1]:
            raise MemoryError("decoder ran out of memory")
        return real(path, target_size=target_size)

    monkeypatch.setattr(images, "load_image", flaky)
    results = classifier.predict(paths)
    assert [p.ok for p in results] == [True, False, True]
    assert "MemoryError" in results[1].error


# ------------------------------------------------------------------------------ EXIF, PIL


def test_exif_rotated_image_is_predicted_like_the_upright_one(classifier, tmp_path):
    upright = _picture(11)
    upright_path = tmp_path / "upright.png"
    upright.save(upright_path)
    stored = upright.transpose(Image.Transpose.ROTATE_90)  # what a sideways camera stores
    exif = Image.Exif()
    exif[0x0112] = 6  # "rotate 90 CW to display": undoes the ROTATE_90 above
    rotated_path = tmp_path / "rotated.png"
    stored.save(rotated_path, exif=exif)
    ignored_path = tmp_path / "sideways.png"
    stored.save(ignored_path)  # same pixels, no EXIF: must NOT predict like the upright one

    a, b, c = classifier.predict([upright_path, rotated_path, ignored_path], top_k=len(CLASSES))
    np.testing.assert_allclose(_probabilities(a), _probabilities(b), atol=1e-6)
    assert not np.allclose(_probabilities(a), _probabilities(c), atol=1e-4)


def test_pil_images_are_accepted(classifier, tmp_path):
    picture = _picture(21)
    path = tmp_path / "p.png"
    picture.save(path)
    rgba = picture.convert("RGBA")
    from_path, from_image, named, from_rgba = classifier.predict(
        [path, picture, ("clipboard", picture), rgba], top_k=len(CLASSES)
    )
    assert from_image.source == "image 2" and named.source == "clipboard"
    for other in (from_image, named, from_rgba):  # opaque alpha composites to the same pixels
        assert other.label == from_path.label
        np.testing.assert_allclose(_probabilities(other), _probabilities(from_path), atol=1e-6)
    [single] = classifier.predict(picture)
    assert single.label == from_path.label


# ------------------------------------------------------------- pipeline: threads, progress, cancel


def test_decoding_runs_on_the_pool_with_draft_size(classifier, tmp_path, monkeypatch):
    paths = _write_images(tmp_path, 6)
    real = images.load_image
    calls: list[tuple[str, int]] = []

    def recording(path, target_size=None):
        calls.append((threading.current_thread().name, target_size))
        return real(path, target_size=target_size)

    monkeypatch.setattr(images, "load_image", recording)
    classifier.predict(paths, batch_size=2)
    assert len(calls) == 6
    assert all(name.startswith("bbs-decode") for name, _ in calls)
    # draft decoding keeps the short side at least as large as the eval resize needs
    assert {size for _, size in calls} == {math.ceil(SIZE * 8 / 7)}


def test_progress_and_cancel(classifier, tmp_path):
    paths = _write_images(tmp_path, 9)
    seen: list[tuple[int, int]] = []
    results = classifier.predict(paths, batch_size=4, progress=lambda d, t: seen.append((d, t)))
    assert len(results) == 9 and seen == [(4, 9), (8, 9), (9, 9)]

    token = CancelToken()

    def cancel_after_first(done, total):
        token.cancel()

    partial = classifier.predict(paths, batch_size=4, progress=cancel_after_first, cancel=token)
    assert [p.source for p in partial] == [str(p) for p in paths[:4]]
    assert classifier.predict(paths, cancel=token) == []  # already cancelled: nothing runs


def test_predict_iter_yields_in_order(classifier, tmp_path):
    paths = _write_images(tmp_path, 5)
    stream = classifier.predict_iter(paths, top_k=1, batch_size=2)
    first = next(stream)
    assert first.source == str(paths[0])
    rest = list(stream)
    assert [p.source for p in rest] == [str(p) for p in paths[1:]]


# ---------------------------------------------------------------------------------- ImageNet


def test_imagenet_classifier_from_cached_weights(tmp_path, monkeypatch):
    from weights_helpers import fake_pretrained

    monkeypatch.setenv("TORCH_HOME", str(tmp_path / "hub"))
    assert Classifier.imagenet_available() == []
    with pytest.raises(WeightsUnavailable):
        Classifier.imagenet("mobilenet_v3_small", device="cpu")

    fake_pretrained("mobilenet_v3_small")
    assert Classifier.imagenet_available() == ["mobilenet_v3_small"]
    assert Classifier.imagenet_available("mobilenet_v3_small") == ["mobilenet_v3_small"]
    assert Classifier.imagenet_available("resnet18") == []
    classifier = Classifier.imagenet("mobilenet_v3_small", device="cpu")
    categories = backbones.imagenet_categories("mobilenet_v3_small")
    assert classifier.class_names == categories and len(categories) == 1000
    assert classifier.metadata is None and "ImageNet" in classifier.name
    assert classifier.input_size == backbones.get_spec("mobilenet_v3_small").default_size

    path = tmp_path / "photo.jpg"
    _picture(3, (320, 240)).save(path)
    [p] = classifier.predict([path], top_k=5)
    assert p.ok and p.label in categories and len(p.top_k) == 5
    # the head is the cached 1000-class head, not a freshly initialised one
    from weights_helpers import fake_state_dict

    head = classifier.model.classifier[3].weight.detach().cpu()
    assert torch.equal(head, fake_state_dict("mobilenet_v3_small")["classifier.3.weight"])


def test_out_of_memory_halves_the_batch(classifier, tmp_path, monkeypatch):
    paths = _write_images(tmp_path, 5)
    expected = classifier.predict(paths, top_k=len(CLASSES), batch_size=1)
    real_model = classifier.model
    sizes: list[int] = []

    class SmallMemory(torch.nn.Module):
        def forward(self, x):
            sizes.append(len(x))
            if len(x) > 2:
                raise torch.cuda.OutOfMemoryError("CUDA out of memory (simulated)")
            return real_model(x)

    monkeypatch.setattr(classifier, "model", SmallMemory())
    got = classifier.predict(paths, top_k=len(CLASSES), batch_size=5)
    assert sizes == [5, 2, 3, 1, 2]  # 5 -> 2 + 3 -> 3 = 1 + 2
    for a, b in zip(got, expected, strict=True):
        assert a.label == b.label
        np.testing.assert_allclose(_probabilities(a), _probabilities(b), atol=1e-5)

    class NoMemory(torch.nn.Module):
        def forward(self, x):
            raise torch.cuda.OutOfMemoryError("CUDA out of memory (simulated)")

    monkeypatch.setattr(classifier, "model", NoMemory())
    with pytest.raises(BackboneStudioError, match="ran out of memory.*single image"):
        classifier.predict(paths[:1])
