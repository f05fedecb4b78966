"""Every bad input of issue 7 through the loader, the scanner, the cache, training and prediction.

The promise: whatever folder a user points the app at, each file is accepted (converted to the
right pixels), skipped with a reason that names it, or ignored as junk; the three add up to the
files present; and the folder's bytes and mtimes are the same afterwards (also when read-only).
"""

from __future__ import annotations

import contextlib
import os
import resource
from pathlib import Path

import badfiles as bf
import numpy as np
import pytest
import torch
from PIL import Image

from core.errors import DatasetError, ImageLoadError


@pytest.fixture(autouse=True)
def _one_torch_thread():
    """One intra-op thread: on a shared, oversubscribed CPU two OpenMP threads spin against each
    other (measured here: a mobilenet_v3_small step at 32 px took ~4 s with 2 threads, 0.1 s
    with 1)."""
    previous = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(previous)


def _run_with_timeout(fn, seconds: float = 60.0):
    """Run fn() in a thread; fail (instead of hanging the suite) if it does not return."""
    return bf.within(seconds, fn)


def test_background_is_the_documented_one():
    from core.images import BACKGROUND

    assert tuple(BACKGROUND) == bf.BACKGROUND


# ------------------------------------------------------------------------------------------
# the loader, one kind at a time


@pytest.mark.parametrize("target_size", [None, 24], ids=["full", "draft24"])
@pytest.mark.parametrize("kind", bf.FILE_KINDS, ids=lambda k: k.name)
def test_load_image_each_kind(kind, target_size, tmp_path):
    from core.images import load_image

    path = bf.write_kind(kind, tmp_path)
    if kind.expect == "skip":
        with pytest.raises(ImageLoadError) as info:
            load_image(path, target_size=target_size)
        err = info.value
        assert Path(err.path) == path
        assert path.name in str(err), f"message does not name the file: {err}"
        assert kind.matches_reason(err.reason), f"{kind.name}: reason {err.reason!r} lacks {kind.reasons}"
    else:
        image = load_image(path, target_size=target_size)
        bf.expect_rgb(image)
        kind.check(image)


@pytest.mark.parametrize("kind", bf.CONVERT_KINDS, ids=lambda k: k.name)
def test_to_rgb_matches_load_image(kind, tmp_path):
    """Images given in memory (clipboard, PIL input to predict) get the same pixels as files."""
    from core.images import load_image, to_rgb

    path = bf.write_kind(kind, tmp_path)
    with Image.open(path) as opened:
        in_memory = to_rgb(opened)
        bf.expect_rgb(in_memory)
        kind.check(in_memory)
        assert np.array_equal(np.asarray(in_memory), np.asarray(load_image(path)))


def test_sniff_format_judges_content_not_names(tmp_path):
    from core.images import sniff_format

    assert sniff_format(bf.write_kind("png_named_jpg", tmp_path)) == "PNG"
    assert sniff_format(bf.write_kind("cmyk_jpeg", tmp_path)) == "JPEG"
    assert sniff_format(bf.write_kind("animated_gif", tmp_path)) == "GIF"
    for name in ("zero_byte", "text_as_jpg", "heic_named_jpg"):
        assert sniff_format(bf.write_kind(name, tmp_path)) is None, name


def test_decompression_bomb_is_refused_without_allocating(tmp_path):
    """The 100000x100000 header must be refused before decoding: peak memory stays small."""
    from core.images import load_image

    path = bf.write_kind("decompression_bomb", tmp_path)
    assert path.stat().st_size < 200
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
    for _ in range(3):
        with pytest.raises(ImageLoadError, match="100,000,000|10,000,000,000|too large"):
            _run_with_timeout(lambda: load_image(path), 30)
    grown_mib = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
    assert grown_mib < 256, f"peak memory grew by {grown_mib:.0f} MiB on a bomb"
    assert Image.MAX_IMAGE_PIXELS is not None, "the decompression-bomb guard was switched off"
    assert not getattr(__import__("PIL.ImageFile").ImageFile, "LOAD_TRUNCATED_IMAGES", False)


@pytest.mark.filterwarnings("ignore::PIL.Image.DecompressionBombWarning")
def test_pixel_limit_between_1x_and_2x_is_refused_too(tmp_path):
    """Pillow only *warns* between MAX_IMAGE_PIXELS and twice that; the loader refuses both."""
    from core.images import load_image

    side = int((Image.MAX_IMAGE_PIXELS * 1.5) ** 0.5)
    path = tmp_path / "warn_zone.png"
    path.write_bytes(bf.bomb_png(side, side))
    with pytest.raises(ImageLoadError) as info:
        load_image(path)
    assert any(w in info.value.reason.lower() for w in bf.BOMB_REASONS)


def test_missing_file_and_folder_are_clear(tmp_path):
    from core.images import load_image

    with pytest.raises(ImageLoadError, match="vanished|not found|no such|missing"):
        load_image(tmp_path / "gone.jpg")
    with pytest.raises(ImageLoadError, match="folder"):
        load_image(tmp_path)


# ------------------------------------------------------------------------------------------
# the scanner over a tree holding every kind


@pytest.fixture(scope="module")
def bad_tree(tmp_path_factory):
    root = tmp_path_factory.mktemp("bad") / "photos"
    manifest = bf.make_bad_tree(root)
    return manifest


@pytest.fixture(scope="module", params=["no-cache", "decoded-cache"])
def bad_scan(request, bad_tree, tmp_path_factory):
    """The scan as the CLI runs it (no cache) and as the GUI runs it (filling a cache)."""
    from core.dataset import DecodedImageCache, scan_folder

    cache = None
    if request.param == "decoded-cache":
        cache = DecodedImageCache(memory_budget=4096, spill_dir=tmp_path_factory.mktemp("spill"))
    before = bf.snapshot(bad_tree.root)
    result = _run_with_timeout(lambda: scan_folder(bad_tree.root, workers=2, cache=cache))
    bf.assert_unchanged(before, bad_tree.root, "by scan_folder")
    return result


def test_scan_accounts_for_every_file(bad_tree, bad_scan):
    accepted, skipped, ignored = bf.scan_accounting(bad_scan)
    present = bad_tree.files_present()
    assert len(accepted) == len(set(accepted)), "a file was accepted twice"
    assert len(skipped) == len(set(skipped)), "a file was reported twice"
    assert not (set(accepted) & set(skipped)) and not (set(accepted) & ignored)
    assert not (set(skipped) & ignored)
    assert len(accepted) + len(skipped) + len(ignored) == len(present)
    assert set(accepted) | set(skipped) | ignored == present


def test_scan_outcome_per_kind(bad_tree, bad_scan):
    accepted, _skipped, ignored = bf.scan_accounting(bad_scan)
    reasons = {Path(p.path): p.reason for p in bad_scan.problems}
    assert set(accepted) == bad_tree.accepted
    assert ignored == bad_tree.ignored
    assert set(reasons) == bad_tree.skipped
    for entry in bad_tree.entries:
        if entry.expect == "skip":
            kind = bf.KINDS_BY_NAME[entry.kind]
            assert kind.matches_reason(reasons[entry.path]), (
                f"{entry.kind}: {entry.path.name}: reason {reasons[entry.path]!r} lacks {kind.reasons}")


def test_scan_labels_and_classes(bad_tree, bad_scan):
    index = bad_scan.index
    assert index.class_names == bad_tree.class_names
    labels = {e.path: e.label for e in bad_tree.entries}
    for sample in index.samples + list(index.val_samples or []):
        assert index.class_names[sample.label] == labels[Path(sample.path)], sample.path
    # zip leftovers and checkpoints never become classes
    assert not {"__MACOSX", ".ipynb_checkpoints"} & set(index.class_names)


def test_cli_scan_lists_every_skip_and_its_numbers_add_up(bad_tree, capsys):
    """What a person reads: each skipped file with its reason, and used + skipped + ignored
    equal to the files in the folder (an ignored folder such as __MACOSX/ holds several)."""
    import re

    from core.cli import main

    assert main(["scan", str(bad_tree.root)]) == 0
    out = capsys.readouterr().out
    for path in bad_tree.skipped:
        line = next((ln for ln in out.splitlines() if str(path) in ln), None)
        assert line is not None, f"{path} is not listed:\n{out}"
        assert bf.KINDS_BY_NAME[next(e.kind for e in bad_tree.entries if e.path == path)
                                ].matches_reason(line), line
    used = int(re.search(r"^total\s+(\d+)", out, re.M).group(1))
    skipped = int(re.search(r"(\d+) files? cannot be used", out).group(1))
    ignored = int(re.search(r"ignored: (\d+)", out).group(1))
    assert (used, skipped) == (len(bad_tree.accepted), len(bad_tree.skipped))
    assert used + skipped + ignored == len(bad_tree.files_present()), (
        f"the printed numbers do not add up to the {len(bad_tree.files_present())} files:\n"
        + out[-400:])


@pytest.mark.parametrize("kind", bf.CONVERT_KINDS, ids=lambda k: k.name)
def test_decoded_cache_gives_the_converted_pixels(kind, bad_tree, tmp_path):
    """The training path (DecodedImageCache, as used by scan and ImageDataset) converts exactly
    like load_image: 16-bit mid-grey, alpha on the background, EXIF upright, first frame."""
    from core.dataset import DecodedImageCache
    from core.images import load_image

    path = bad_tree.entry(kind.name).path
    cache = DecodedImageCache(short_side=288, memory_budget=2**20, spill_dir=tmp_path / "spill")
    image = cache.get(path)
    bf.expect_rgb(image)
    kind.check(image)
    # the small test images are never downscaled, so the pixels are identical
    assert np.array_equal(np.asarray(image), np.asarray(load_image(path, target_size=288)))


# ------------------------------------------------------------------------------------------
# special trees


def test_symlink_loop_terminates_and_counts_once(tmp_path):
    from core.dataset import scan_folder

    manifest = bf.make_symlink_loop_tree(tmp_path / "loop")
    result = _run_with_timeout(lambda: scan_folder(manifest.root, workers=2), 60)
    accepted, skipped, ignored = bf.scan_accounting(result)
    assert sorted(accepted) == sorted(manifest.accepted), "images were counted through the loop"
    assert not skipped
    links = {p for p in ignored if p.is_symlink()}
    assert links == {manifest.root / "cats" / "loop", manifest.root / "dogs" / "up"}


def test_symlink_loop_in_prediction_terminates_and_counts_once(tmp_path, tiny_model):
    from core.predict import Classifier, expand_paths

    manifest = bf.make_symlink_loop_tree(tmp_path / "loop")
    paths = _run_with_timeout(lambda: expand_paths([manifest.root]), 60)
    assert len(paths) == len(set(map(os.path.realpath, paths))) == len(manifest.accepted)
    clf = Classifier.load(tiny_model, device="cpu")
    predictions = _run_with_timeout(lambda: clf.predict([manifest.root]), 60)
    assert len(predictions) == len(manifest.accepted) and all(p.error is None for p in predictions)


def test_broken_symlink_is_a_problem_not_a_crash(tmp_path):
    from core.dataset import scan_folder

    manifest = bf.make_good_tree(tmp_path / "links", per_class=3)
    dangling = manifest.root / "cats" / "moved_away.jpg"
    dangling.symlink_to(tmp_path / "nowhere" / "photo.jpg")
    result = scan_folder(manifest.root, workers=2)
    accepted, skipped, ignored = bf.scan_accounting(result)
    assert set(accepted) == manifest.accepted and not ignored
    assert skipped == [dangling]
    assert "broken" in result.problems[0].reason.lower() or "link" in result.problems[0].reason


def test_a_fifo_named_like_a_photo_never_hangs(tmp_path, tiny_model):
    """Opening a named pipe blocks forever; scan, load and predict must never open one."""
    from core.dataset import scan_folder
    from core.images import load_image
    from core.predict import Classifier

    manifest = bf.make_good_tree(tmp_path / "fifo", per_class=3)
    fifo = manifest.root / "cats" / "stream.jpg"
    os.mkfifo(fifo)
    result = _run_with_timeout(lambda: scan_folder(manifest.root, workers=2), 60)
    accepted, skipped, _ignored = bf.scan_accounting(result)
    assert set(accepted) == manifest.accepted and skipped == [fifo]
    with pytest.raises(ImageLoadError):
        _run_with_timeout(lambda: load_image(fifo), 30)
    clf = Classifier.load(tiny_model, device="cpu")
    predictions = _run_with_timeout(lambda: clf.predict([manifest.root, fifo]), 60)
    by_source = {Path(p.source): p for p in predictions}
    assert by_source[fifo].error, "a pipe named explicitly must get an error row"
    assert all(by_source[p].error is None for p in manifest.accepted)


def test_empty_and_junk_only_classes_are_left_out_with_a_warning(tmp_path):
    from core.dataset import scan_folder

    manifest = bf.make_empty_class_tree(tmp_path / "empty")
    result = scan_folder(manifest.root, workers=2)
    assert result.index.class_names == ["cats", "dogs"]
    text = "\n".join(result.warnings)
    assert "empty" in text and "only_junk" in text, result.warnings
    _accepted, _skipped, ignored = bf.scan_accounting(result)
    assert ignored == manifest.ignored


def test_single_class_is_a_clear_dataset_error(tmp_path):
    from core.dataset import scan_folder

    manifest = bf.make_single_class_tree(tmp_path / "single")
    with pytest.raises(DatasetError) as info:
        scan_folder(manifest.root, workers=2)
    message = str(info.value)
    assert str(manifest.root) in message or manifest.root.name in message
    assert "class" in message.lower()


def test_missing_folder_and_file_instead_of_folder(tmp_path):
    from core.dataset import scan_folder

    with pytest.raises(DatasetError, match="not found|does not exist"):
        scan_folder(tmp_path / "nope")
    a_file = tmp_path / "a.jpg"
    a_file.write_bytes(bf.good_jpeg())
    with pytest.raises(DatasetError, match="folder"):
        scan_folder(a_file)


def test_two_thousand_classes(tmp_path):
    from core.dataset import scan_folder, split_index

    manifest = bf.make_many_classes_tree(tmp_path / "many", n=2000)
    result = _run_with_timeout(lambda: scan_folder(manifest.root, workers=2), 120)
    index = result.index
    assert index.class_names == manifest.class_names
    assert len(index.samples) == 2000 and not result.problems
    assert set(index.counts().values()) == {1}
    train, val = split_index(index, 0.2, seed=0)
    assert len(train) + len(val) == 2000  # single-image classes stay in training


def test_unicode_emoji_and_long_names(tmp_path):
    from core.dataset import scan_folder
    from core.images import load_image

    manifest = bf.make_unicode_tree(tmp_path / "ünï")
    result = scan_folder(manifest.root, workers=2)
    assert result.index.class_names == manifest.class_names
    accepted, skipped, _ = bf.scan_accounting(result)
    assert set(accepted) == manifest.accepted and not skipped
    longest = max(manifest.accepted, key=lambda p: len(p.name.encode()))
    assert len(longest.name.encode()) == bf.name_max(tmp_path)
    bf.expect_rgb(load_image(longest))


def test_names_that_are_not_utf8_scan_train_save_and_predict(tmp_path):
    """A class folder named b'caf\\xe9' (Latin-1, from an old zip) and files with invalid UTF-8
    bytes: scanned, trained on, the model saved and loaded with displayable class names."""
    from core.dataset import scan_folder
    from core.predict import Classifier
    from core.training import TrainConfig, Trainer

    manifest = bf.make_undecodable_names_tree(tmp_path / "latin1")
    result = scan_folder(manifest.root, workers=2)
    accepted, skipped, _ = bf.scan_accounting(result)
    assert set(accepted) == manifest.accepted and not skipped
    config = TrainConfig(backbone="mobilenet_v3_small", strategy="full", pretrained=False,
                         epochs=1, batch_size=4, image_size=32, device="cpu", num_workers=0)
    fit = Trainer(config, result.index).fit()
    assert fit.outcome == "finished", fit.message
    model = fit.save(tmp_path / "model.safetensors")
    clf = Classifier.load(model, device="cpu")
    assert len(clf.class_names) == 2
    for name in clf.class_names:
        name.encode("utf-8")  # displayable: no lone surrogates in the saved model
    predictions = clf.predict([manifest.root])
    assert len(predictions) == len(manifest.accepted) and all(p.error is None for p in predictions)


def test_names_that_are_not_utf8_do_not_crash_the_cli(tmp_path, capsys):
    """`scan` prints such names instead of dying with UnicodeEncodeError. (pytest's capture,
    like a desktop terminal with a UTF-8 locale, encodes strictly; this machine's C.UTF-8 locale
    would hide the bug by using surrogateescape.)"""
    from core.cli import main

    manifest = bf.make_undecodable_names_tree(tmp_path / "latin1")
    assert main(["scan", str(manifest.root)]) == 0
    captured = capsys.readouterr()
    assert "caf" in captured.out and "dogs" in captured.out


# ------------------------------------------------------------------------------------------
# EXIF: the same pixels in training and in prediction


@pytest.fixture(scope="module")
def tiny_model(tmp_path_factory) -> Path:
    """A randomly initialised 2-class mobilenet_v3_small model file (48 px), shared."""
    from core.backbones import build_model, get_spec
    from core.modelfile import new_metadata, save_model

    spec = get_spec("mobilenet_v3_small")
    torch.manual_seed(0)
    model = build_model(spec.name, 2)
    meta = new_metadata(spec.name, ["a", "b"], 48, spec.mean, spec.std)
    return save_model(tmp_path_factory.mktemp("model") / "tiny.safetensors", model, meta)


def test_exif_orientation_identical_in_training_and_prediction(tmp_path, tiny_model):
    """The tensor the Classifier feeds its model for a sideways phone photo equals the tensor
    the training dataset produces (through the decoded cache and without it), and it is the
    upright image: EXIF is applied once, the same way, on both paths."""
    from core.dataset import DecodedImageCache, ImageDataset, Sample, eval_transform
    from core.predict import Classifier

    photo = bf.write_kind("exif_orientation_6", tmp_path / "data")
    clf = Classifier.load(tiny_model, device="cpu")

    seen: list[torch.Tensor] = []
    hook = clf.model.register_forward_pre_hook(lambda _m, args: seen.append(args[0].detach().clone()))
    try:
        predictions = clf.predict([photo], top_k=1)
    finally:
        hook.remove()
    assert predictions[0].error is None, predictions[0].error
    assert len(seen) == 1 and seen[0].shape[0] == 1
    predicted = seen[0][0].contiguous().float()

    transform = eval_transform(clf.input_size, clf.mean, clf.std)
    cache = DecodedImageCache(short_side=288, spill_dir=tmp_path / "spill")
    for ds in (ImageDataset([Sample(photo, 0)], transform, cache=cache),
               ImageDataset([Sample(photo, 0)], transform, target_size=56)):
        tensor, label, idx = ds[0]
        assert tensor is not None and not ds.problems
        assert torch.allclose(tensor, predicted, atol=1e-5), (
            "training and prediction see different pixels for the EXIF-rotated photo")

    # and it is the upright picture: red top-left, blue top-right (after de-normalising)
    mean = torch.tensor(clf.mean).view(3, 1, 1)
    std = torch.tensor(clf.std).view(3, 1, 1)
    rgb = ((predicted * std + mean).clamp(0, 1) * 255).round().to(torch.uint8).permute(1, 2, 0)
    image = Image.fromarray(rgb.numpy())
    bf.expect_pixel(0.08, 0.15, bf.RED, 60, "(training/prediction tensor top-left)")(image)
    bf.expect_pixel(0.92, 0.15, bf.BLUE, 60, "(training/prediction tensor top-right)")(image)


def test_prediction_reports_each_kind_like_the_scan(tmp_path, tiny_model):
    """Prediction gives an error row with the same reason for each skipped kind, a label for each
    converted kind, and the same result for a converted file and its PIL image."""
    from core.predict import Classifier

    clf = Classifier.load(tiny_model, device="cpu")
    paths = [bf.write_kind(kind, tmp_path / "kinds") for kind in bf.FILE_KINDS]
    predictions = clf.predict(paths, top_k=2)
    assert [Path(p.source) for p in predictions] == paths
    for kind, prediction in zip(bf.FILE_KINDS, predictions, strict=True):
        if kind.expect == "skip":
            assert prediction.error and prediction.label is None, kind.name
            assert kind.matches_reason(prediction.error), f"{kind.name}: {prediction.error!r}"
        else:
            assert prediction.error is None, f"{kind.name}: {prediction.error}"
            assert prediction.label in ("a", "b") and 0.0 <= prediction.confidence <= 1.0
    converted = [(k, p) for k, p in zip(bf.FILE_KINDS, paths, strict=True) if k.expect == "convert"]
    from_pil = clf.predict([Image.open(p) for _k, p in converted], top_k=2)
    from_files = [q for q in predictions if q.error is None]
    for (kind, _p), a, b in zip(converted, from_files, from_pil, strict=True):
        assert a.label == b.label and abs(a.confidence - b.confidence) < 1e-4, kind.name


# ------------------------------------------------------------------------------------------
# nothing written into the user's folder: scan, train, predict; also read-only


def _train_tiny(root: Path, out_dir: Path) -> Path:
    """A 1-epoch CLI training run on root; the model and checkpoint go to out_dir."""
    from core.cli import main

    out = out_dir / "model.safetensors"
    code = main(["train", str(root), "--backbone", "mobilenet_v3_small", "--no-pretrained",
                 "--epochs", "1", "--image-size", "32", "--batch-size", "8", "--device", "cpu", "--out", str(out),
                 "--checkpoint", str(out_dir / "train.ckpt")])
    assert code == 0, f"cli train exited {code}"
    return out


@pytest.mark.parametrize("read_only", [False, True], ids=["writable", "read-only"])
def test_folder_unchanged_by_scan_train_predict(read_only, tmp_path, capsys):
    from core.cli import main
    from core.dataset import scan_folder
    from core.predict import Classifier

    manifest = bf.make_bad_tree(tmp_path / "photos", per_class=5)
    out_dir = tmp_path / "outputs"
    out_dir.mkdir()
    with bf.read_only(manifest.root) if read_only else contextlib.nullcontext():
        before = bf.snapshot(manifest.root)
        scan_folder(manifest.root, workers=2)
        bf.assert_unchanged(before, manifest.root, "by scan_folder")
        assert main(["scan", str(manifest.root)]) == 0
        bf.assert_unchanged(before, manifest.root, "by cli scan")

        model = _train_tiny(manifest.root, out_dir)
        bf.assert_unchanged(before, manifest.root, "by cli train")

        clf = Classifier.load(model, device="cpu")
        predictions = clf.predict([manifest.root], top_k=1)
        bf.assert_unchanged(before, manifest.root, "by Classifier.predict")
        ok = {Path(p.source) for p in predictions if p.error is None}
        assert manifest.accepted <= ok, "a usable image failed in prediction"
        failed = {Path(p.source): p.error for p in predictions if p.error is not None}
        for path, error in failed.items():
            assert path in manifest.skipped, f"{path.name} failed in prediction: {error}"
        assert main(["predict", str(model), str(manifest.root), "--device", "cpu"]) == 0
        assert main(["evaluate", str(model), str(manifest.root), "--device", "cpu"]) == 0
        bf.assert_unchanged(before, manifest.root, "by cli predict/evaluate")
        capsys.readouterr()


def test_read_only_snapshot_helper_detects_writes(tmp_path):
    """Control: the snapshot comparison used above does catch a write, a touch and a new file
    (tests run as root, where chmod 0444 stops nothing)."""
    manifest = bf.make_good_tree(tmp_path / "p", per_class=2)
    before = bf.snapshot(manifest.root)
    victim = sorted(manifest.accepted)[0]
    st = victim.stat()
    os.utime(victim, ns=(st.st_atime_ns, st.st_mtime_ns + 1))
    assert bf.diff_snapshots(before, bf.snapshot(manifest.root))
    os.utime(victim, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert not bf.diff_snapshots(before, bf.snapshot(manifest.root))
    (manifest.root / "cats" / ".cache").mkdir()
    assert any("created" in d for d in bf.diff_snapshots(before, bf.snapshot(manifest.root)))


@pytest.mark.gui
def test_gui_thumbnails_of_every_kind(qtbot, tmp_path):
    """The Classify page's thumbnails go through the same loader: upright EXIF photos, an icon
    (not a crash, not a hang, not a 10-gigapixel allocation) for every skipped kind."""
    from gui.widgets.prediction_view import ThumbnailCache

    cache = ThumbnailCache(size=48)
    paths = {kind.name: str(bf.write_kind(kind, tmp_path / "kinds")) for kind in bf.FILE_KINDS}
    for source in paths.values():
        assert cache.get(source) is None  # queued on the background pool
    qtbot.waitUntil(lambda: not cache._pending, timeout=30000)
    for kind in bf.FILE_KINDS:
        source = paths[kind.name]
        if kind.expect == "skip":
            assert cache.has_failed(source), kind.name
        else:
            pixmap = cache.get(source)
            assert pixmap is not None and not pixmap.isNull(), kind.name
            assert max(pixmap.width(), pixmap.height()) <= 48
    upright = cache.get(paths["exif_orientation_6"])
    assert upright.width() > upright.height(), "the thumbnail ignores EXIF orientation"
    assert cache.shutdown(5000)
