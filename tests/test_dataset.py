"""core.dataset: scanning rules, read-only scans, splits, the decoded-image cache, transforms."""

from __future__ import annotations

import os
import pickle
import threading
import time
from pathlib import Path

import numpy as np
import pytest
import torch
from badfiles import (
    CLASS_COLOURS,
    assert_unchanged,
    files_under,
    make_bad_tree,
    make_empty_class_tree,
    make_good_tree,
    make_single_class_tree,
    make_symlink_loop_tree,
    scan_accounting,
    set_read_only,
    set_writable,
    snapshot,
    write_good_images,
)
from PIL import Image

from core.dataset import (
    DatasetIndex,
    DecodedImageCache,
    ImageDataset,
    Problem,
    Sample,
    ScanCancelled,
    collate_skip_missing,
    default_cache_dir,
    eval_transform,
    scan_folder,
    split_index,
    train_transform,
)
from core.dataset import cache as cache_module
from core.dataset import scan as scan_module
from core.dataset import torchdata as torchdata_module
from core.errors import DatasetError, ImageLoadError
from core.events import CancelToken

MEAN, STD = (0.485, 0.456, 0.406), (0.229, 0.224, 0.225)


def _no_decoding(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("decoded again although the image was cached")

    for module in (scan_module, cache_module, torchdata_module):  # everywhere images are decoded
        monkeypatch.setattr(module, "load_image", refuse)


# ---------------------------------------------------------------------------- scanning


def test_bad_tree_every_file_accounted_for(tmp_path):
    manifest = make_bad_tree(tmp_path / "data")
    progress = []
    result = scan_folder(manifest.root, progress=lambda d, t: progress.append((d, t)), workers=4)
    accepted, skipped, ignored = scan_accounting(result)

    assert result.index.class_names == manifest.class_names
    assert set(accepted) == manifest.accepted
    assert set(skipped) == manifest.skipped
    assert ignored == manifest.ignored
    # counts invariant: every file present is exactly one of accepted / problem / ignored
    assert len(accepted) + len(skipped) + len(ignored) == len(manifest.files_present())
    assert set(accepted) | set(skipped) | ignored == manifest.files_present()

    by_path = {e.path: e for e in manifest.entries}
    for problem in result.problems:
        entry = by_path[problem.path]
        assert any(r.lower() in problem.reason.lower() for r in entry.reasons), problem
    for sample in result.index.samples:
        assert result.index.class_names[sample.label] == by_path[sample.path].label
    assert progress[-1] == (len(accepted) + len(skipped),) * 2
    assert result.index.val_samples is None
    assert sum(result.index.counts().values()) == len(accepted)


def test_nested_files_belong_to_top_level_class(tmp_path):
    make_good_tree(tmp_path, ("cats", "dogs"), per_class=3)
    deep = write_good_images(tmp_path / "cats" / "2021" / "summer", "deep", 2, CLASS_COLOURS[0])
    result = scan_folder(tmp_path)
    cats = result.index.class_names.index("cats")
    labels = {s.path: s.label for s in result.index.samples}
    assert all(labels[p] == cats for p in deep)
    assert result.index.counts() == {"cats": 5, "dogs": 3}
    assert result.index.class_names == ["cats", "dogs"]  # nested folders are not classes


def test_hidden_and_junk_are_never_classes_or_samples(tmp_path):
    make_good_tree(tmp_path, ("a", "b"), per_class=3)
    for junk_dir in (".git", "__MACOSX", ".ipynb_checkpoints"):
        write_good_images(tmp_path / junk_dir / "x", "junk", 1, CLASS_COLOURS[2])
    write_good_images(tmp_path / "a" / ".hidden", "h", 1, CLASS_COLOURS[2])
    (tmp_path / "a" / "desktop.ini").write_text("[.ShellClassInfo]\n")
    (tmp_path / "b" / "THUMBS.DB").write_bytes(b"\xd0\xcf\x11\xe0" + b"\0" * 60)
    (tmp_path / "b" / "._a_000.jpg").write_bytes(b"\x00\x05\x16\x07" + b"\0" * 60)
    result = scan_folder(tmp_path)
    assert result.index.class_names == ["a", "b"]
    assert result.index.counts() == {"a": 3, "b": 3}
    assert not result.problems
    names = {p.name for p in result.ignored}
    assert {".git", "__MACOSX", ".ipynb_checkpoints", ".hidden", "desktop.ini"} <= names
    assert {"THUMBS.DB", "._a_000.jpg"} <= names


def test_symlink_loops_terminate(tmp_path):
    manifest = make_symlink_loop_tree(tmp_path / "data")
    result: list = []
    thread = threading.Thread(target=lambda: result.append(scan_folder(manifest.root)))
    thread.start()
    thread.join(timeout=30)
    assert not thread.is_alive(), "scan did not terminate on a symlink loop"
    scan = result[0]
    assert {s.path for s in scan.index.samples} == manifest.accepted
    assert {p.name for p in scan.ignored} == {"loop", "up"}
    assert any("symlink loop" in w for w in scan.warnings)


def test_predefined_split_is_taken_as_is(tmp_path):
    make_good_tree(tmp_path / "train", ("cats", "dogs"), per_class=6)
    make_good_tree(tmp_path / "valid", ("cats", "dogs"), per_class=2)
    write_good_images(tmp_path / "valid" / "owls", "owls", 2, CLASS_COLOURS[3])
    result = scan_folder(tmp_path)
    index = result.index
    assert index.class_names == ["cats", "dogs"]
    assert len(index.samples) == 12 and len(index.val_samples) == 4
    assert index.counts() == {"cats": 6, "dogs": 6}  # the train part
    assert all(s.path.parts[-3] == "train" for s in index.samples)
    assert all(s.path.parts[-3] == "valid" for s in index.val_samples)
    for s in index.val_samples:
        assert index.class_names[s.label] == s.path.parent.name
    train, val = split_index(index, val_fraction=0.5, seed=3)
    assert train == index.samples and val == index.val_samples
    assert any("owls" in w for w in result.warnings)  # a val-only class is reported ...
    assert {p.parent.name for p in result.ignored} == {"owls"}  # ... and ignored


def test_fewer_than_two_classes_is_a_clear_error(tmp_path):
    make_single_class_tree(tmp_path / "one")
    with pytest.raises(DatasetError, match="at least two classes") as info:
        scan_folder(tmp_path / "one")
    assert "one subfolder per class" in str(info.value)
    flat = tmp_path / "flat"
    write_good_images(flat, "img", 3, CLASS_COLOURS[0])
    with pytest.raises(DatasetError, match="move them into class subfolders"):
        scan_folder(flat)
    with pytest.raises(DatasetError, match="not found"):
        scan_folder(tmp_path / "missing")
    with pytest.raises(DatasetError, match="not a folder"):
        scan_folder(next(iter(files_under(flat))))


def test_empty_tiny_and_imbalanced_classes_warn(tmp_path):
    make_empty_class_tree(tmp_path / "e")
    result = scan_folder(tmp_path / "e")
    assert result.index.class_names == ["cats", "dogs"]
    assert any("'empty'" in w and "no usable images" in w for w in result.warnings)
    assert any("'only_junk'" in w for w in result.warnings)
    assert any("only 4 image" in w for w in result.warnings)

    big = tmp_path / "imbalanced"
    write_good_images(big / "many", "many", 33, CLASS_COLOURS[0], size=(8, 8))
    write_good_images(big / "few", "few", 3, CLASS_COLOURS[1], size=(8, 8))
    result = scan_folder(big)
    assert any("imbalanced" in w and "11:1" in w for w in result.warnings)


@pytest.mark.parametrize("read_only", [True, False], ids=["read-only", "writable"])
def test_scan_never_writes_into_the_folder(tmp_path, read_only):
    manifest = make_bad_tree(tmp_path / "data")
    (manifest.root / "cats" / "nested").mkdir()
    write_good_images(manifest.root / "cats" / "nested", "n", 2, CLASS_COLOURS[0])
    if read_only:
        set_read_only(manifest.root)
    try:
        before = snapshot(manifest.root)
        cache = DecodedImageCache(short_side=32, memory_budget=4096, spill_dir=tmp_path / "cache")
        result = scan_folder(manifest.root, cache=cache)
        assert len(result.index.samples) == len(manifest.accepted) + 2
        result.index.fingerprint()
        assert_unchanged(before, manifest.root, "by scan_folder")
        assert any((tmp_path / "cache").rglob("*.npy"))  # the cache spilled, outside the data
    finally:
        set_writable(manifest.root)


def test_cancel_raises_promptly(tmp_path, monkeypatch):
    make_good_tree(tmp_path, ("a", "b"), per_class=20)
    token = CancelToken()
    decoded = []
    real_load_image = scan_module.load_image

    def counting_load_image(path, target_size=None):
        decoded.append(path)
        time.sleep(0.02)  # a slow disk: uncancelled, the 40 files take 0.8 s
        return real_load_image(path, target_size=target_size)

    monkeypatch.setattr(scan_module, "load_image", counting_load_image)

    def progress(done, total):
        if done >= 1:
            token.cancel()

    with pytest.raises(ScanCancelled):
        scan_folder(tmp_path, progress=progress, cancel=token, workers=1)
    assert 1 <= len(decoded) < 10, f"{len(decoded)} of 40 files decoded after cancel"
    already = CancelToken()
    already.cancel()
    with pytest.raises(ScanCancelled):
        scan_folder(tmp_path, cancel=already)


def test_fingerprint_tracks_content_changes(tmp_path):
    make_good_tree(tmp_path, ("a", "b"), per_class=3)
    index = scan_folder(tmp_path).index
    first = index.fingerprint()
    assert first == scan_folder(tmp_path).index.fingerprint()
    path = index.samples[0].path
    st = path.stat()
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000_000))
    assert index.fingerprint() != first


# ---------------------------------------------------------------------------- splitting


def _index(root: Path, sizes: dict[str, int]) -> DatasetIndex:
    names = sorted(sizes)
    samples = [
        Sample(root / name / f"{i:04d}.jpg", label)
        for label, name in enumerate(names)
        for i in range(sizes[name])
    ]
    return DatasetIndex(root=root, class_names=names, samples=samples, val_samples=None)


def test_split_is_stratified_reproducible_and_complete(tmp_path):
    index = _index(tmp_path, {"a": 100, "b": 10, "c": 3, "d": 2, "e": 1})
    train, val = split_index(index, val_fraction=0.2, seed=0)
    assert set(train).isdisjoint(val) and len(train) + len(val) == len(index.samples)
    per_class_val = {n: sum(s.label == i for s in val) for i, n in enumerate(index.class_names)}
    assert per_class_val == {"a": 20, "b": 2, "c": 1, "d": 1, "e": 0}  # e: 1 image stays in train
    assert all(sum(s.label == i for s in train) >= 1 for i in range(5))
    assert split_index(index, 0.2, seed=0) == (train, val)
    assert split_index(index, 0.2, seed=1)[1] != val
    with pytest.raises(DatasetError):
        split_index(index, val_fraction=1.0)


def test_split_is_stable_when_images_are_added(tmp_path):
    small = _index(tmp_path, {"a": 50, "b": 50})
    grown = _index(tmp_path, {"a": 55, "b": 50})
    _, val_small = split_index(small, 0.2, seed=7)
    _, val_grown = split_index(grown, 0.2, seed=7)
    b_small = {s for s in val_small if s.label == 1}
    assert b_small == {s for s in val_grown if s.label == 1}


# ---------------------------------------------------------------------------- cache


def _photo(path: Path, size=(300, 200), colour=(200, 40, 40)) -> Path:
    Image.new("RGB", size, colour).save(path)
    return path


def test_cache_downscales_never_upscales(tmp_path):
    cache = DecodedImageCache(short_side=100, spill_dir=tmp_path / "spill")
    assert cache.get(_photo(tmp_path / "wide.png", (300, 200))).size == (150, 100)
    assert cache.get(_photo(tmp_path / "tall.png", (200, 300))).size == (100, 150)
    assert cache.get(_photo(tmp_path / "small.png", (60, 40))).size == (60, 40)
    assert cache.get(tmp_path / "wide.png").getpixel((10, 10)) == (200, 40, 40)
    assert cache.hits == 1 and cache.misses == 3
    with pytest.raises(ImageLoadError, match="file vanished"):
        cache.get(tmp_path / "never.png")


def test_cache_spills_over_budget_and_reloads_without_decoding(tmp_path, monkeypatch):
    spill = tmp_path / "spill"
    one_image = 100 * 150 * 3
    cache = DecodedImageCache(short_side=100, memory_budget=2 * one_image, spill_dir=spill)
    paths = [_photo(tmp_path / f"{i}.png", colour=(i * 40, 0, 0)) for i in range(5)]
    for p in paths:
        cache.get(p)
    assert cache.memory_bytes <= 2 * one_image and len(cache) == 2
    assert len(list(spill.rglob("*.npy"))) == 3  # the three least recently used
    assert not list(spill.rglob(".tmp-*"))  # atomic writes leave no temp files

    _no_decoding(monkeypatch)
    for i, p in enumerate(paths):  # spilled ones come back from disk, recent ones from memory
        assert p in cache
        assert cache.get(p).getpixel((0, 0)) == (i * 40, 0, 0)
    fresh = DecodedImageCache(short_side=100, memory_budget=2 * one_image, spill_dir=spill)
    assert fresh.get(paths[0]).size == (150, 100)  # another instance (or run) reuses the spill
    other_size = DecodedImageCache(short_side=50, spill_dir=spill)
    assert paths[0] not in other_size  # the short side is part of the key
    monkeypatch.setattr(cache_module, "LOADER_VERSION", cache_module.LOADER_VERSION + 1)
    newer = DecodedImageCache(short_side=100, memory_budget=2 * one_image, spill_dir=spill)
    assert paths[0] not in newer  # so is the loader's version: its pixels may differ


def _old_spill_file(spill: Path, name: str, nbytes: int, age_days: float) -> Path:
    """A decoded image left in the spill folder by an earlier run, last used `age_days` ago."""
    path = spill / name[:2] / f"{name}.npy"
    path.parent.mkdir(parents=True, exist_ok=True)
    np.save(path, np.zeros((1, nbytes // 3, 3), np.uint8), allow_pickle=False)
    when = time.time() - age_days * 86400
    os.utime(path, (when, when))
    return path


def test_spill_folder_keeps_to_its_budget_pruning_the_least_recently_used(tmp_path, caplog):
    spill = tmp_path / "spill"
    one_image = 100 * 150 * 3  # 45,000 bytes decoded (plus a 128-byte .npy header on disk)
    oldest = _old_spill_file(spill, "aa01", one_image, age_days=30)
    older = _old_spill_file(spill, "bb02", one_image, age_days=20)
    recent = _old_spill_file(spill, "cc03", one_image, age_days=1)
    budget = int(4.5 * one_image)  # room for four images
    cache = DecodedImageCache(short_side=100, memory_budget=1, spill_dir=spill,
                              spill_budget=budget, min_free_disk=0)  # fmt: skip
    paths = [_photo(tmp_path / f"{i}.png", colour=(i * 40, 0, 0)) for i in range(4)]
    for p in paths[:2]:
        cache.get(p)  # memory_budget=1: every image goes straight to the spill folder
    # The first spill fitted; the second needed room, and the least recently used file went.
    assert not oldest.exists() and older.exists() and recent.exists()
    for p in paths[2:]:
        cache.get(p)
    assert not older.exists() and not recent.exists()
    assert len(list(spill.rglob("*.npy"))) == 4  # this run's four images

    extra = _photo(tmp_path / "extra.png", colour=(0, 99, 0))
    with caplog.at_level("WARNING", logger="core.dataset.cache"):
        assert cache.get(extra).getpixel((0, 0)) == (0, 99, 0)  # served, just not spilled
        assert cache.get(extra).getpixel((0, 0)) == (0, 99, 0)  # decoded again, said once
    assert extra not in cache
    assert len(list(spill.rglob("*.npy"))) == 4  # this run's own files are never pruned
    assert len([r for r in caplog.records if "no longer kept" in r.getMessage()]) == 1
    assert sum(f.stat().st_size for f in spill.rglob("*.npy")) <= budget
    for i, p in enumerate(paths):
        assert cache.get(p).getpixel((0, 0)) == (i * 40, 0, 0)


def test_a_hit_marks_a_spilled_image_recently_used(tmp_path):
    spill = tmp_path / "spill"
    path = _photo(tmp_path / "a.png", colour=(1, 2, 3))
    DecodedImageCache(short_side=100, memory_budget=1, spill_dir=spill).get(path)
    (npy,) = spill.rglob("*.npy")
    long_ago = time.time() - 90 * 86400
    os.utime(npy, (long_ago, long_ago))
    assert DecodedImageCache(short_side=100, spill_dir=spill).get(path).getpixel((0, 0)) == (1, 2, 3)
    assert npy.stat().st_mtime > time.time() - 3600


def test_nothing_is_spilled_when_the_disk_is_nearly_full(tmp_path, caplog):
    spill = tmp_path / "spill"
    cache = DecodedImageCache(short_side=100, memory_budget=1, spill_dir=spill,
                              min_free_disk=2**62)  # fmt: skip  (more than any disk has)
    paths = [_photo(tmp_path / f"{i}.png", colour=(i * 40, 0, 0)) for i in range(3)]
    with caplog.at_level("WARNING", logger="core.dataset.cache"):
        for i, p in enumerate(paths):
            assert cache.get(p).getpixel((0, 0)) == (i * 40, 0, 0)
    assert not list(spill.rglob("*.npy"))
    messages = [r.getMessage() for r in caplog.records if "no longer kept" in r.getMessage()]
    assert len(messages) == 1 and "free" in messages[0]  # said once, not per image


def test_cache_pickles_for_worker_processes(tmp_path, monkeypatch):
    cache = DecodedImageCache(short_side=32, spill_dir=tmp_path / "spill")
    path = _photo(tmp_path / "x.png", (64, 48), (9, 99, 199))
    cache.get(path)
    cache.flush()  # memory -> spill folder, which a worker process shares
    _no_decoding(monkeypatch)
    copy = pickle.loads(pickle.dumps(cache))
    assert len(copy) == 0 and path in copy
    assert copy.get(path).getpixel((0, 0)) == (9, 99, 199)


def test_cache_serves_edited_file_fresh_and_deleted_file_from_cache(tmp_path):
    cache = DecodedImageCache(short_side=64, spill_dir=tmp_path / "spill")
    path = _photo(tmp_path / "x.png", (64, 64), (10, 10, 10))
    assert cache.get(path).getpixel((0, 0)) == (10, 10, 10)
    Image.new("RGB", (64, 64), (250, 250, 250)).save(path)
    st = path.stat()
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 2_000_000_000))
    assert cache.get(path).getpixel((0, 0)) == (250, 250, 250)
    path.unlink()
    assert path in cache
    assert cache.get(path).getpixel((0, 0)) == (250, 250, 250)


def test_cache_is_thread_safe(tmp_path):
    paths = [_photo(tmp_path / f"{i}.png", (40, 30), (i * 20, 5, 5)) for i in range(8)]
    cache = DecodedImageCache(
        short_side=16, memory_budget=3 * 21 * 16 * 3, spill_dir=tmp_path / "s"
    )
    errors = []

    def work(seed):
        rng = np.random.default_rng(seed)
        try:
            for _ in range(60):
                i = int(rng.integers(len(paths)))
                assert cache.get(paths[i]).getpixel((0, 0)) == (i * 20, 5, 5)
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(s,)) for s in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert cache.memory_bytes <= cache.memory_budget


def test_default_cache_dir_honours_env(tmp_path, monkeypatch):
    monkeypatch.setenv("BACKBONE_STUDIO_CACHE", str(tmp_path / "c"))
    assert default_cache_dir() == tmp_path / "c"
    assert DecodedImageCache().spill_dir == tmp_path / "c" / "decoded"
    monkeypatch.delenv("BACKBONE_STUDIO_CACHE")
    assert default_cache_dir().name == "backbone-studio"


def test_scan_fills_the_cache_so_training_does_not_decode_again(tmp_path, monkeypatch):
    make_good_tree(tmp_path / "data", ("a", "b"), per_class=4, size=(120, 90))
    cache = DecodedImageCache(short_side=48, spill_dir=tmp_path / "spill")
    index = scan_folder(tmp_path / "data", cache=cache).index
    _no_decoding(monkeypatch)
    data = ImageDataset(index.samples, eval_transform(32, MEAN, STD), cache=cache)
    batch = collate_skip_missing([data[i] for i in range(len(data))])
    images, labels, indices, problems = batch
    assert problems == ()
    assert images.shape == (8, 3, 32, 32) and images.dtype == torch.float32
    assert labels.tolist() == [s.label for s in index.samples]
    assert indices.tolist() == list(range(8))
    assert not data.problems


# ---------------------------------------------------------------------------- dataset and transforms


def test_deleted_file_is_skipped_not_a_crash(tmp_path):
    make_good_tree(tmp_path / "data", ("a", "b"), per_class=3)
    index = scan_folder(tmp_path / "data").index
    gone = index.samples[1]
    gone.path.unlink()
    data = ImageDataset(index.samples, eval_transform(16, MEAN, STD))
    items = [data[i] for i in range(len(data))]
    problem = Problem(gone.path, "file vanished (moved or deleted?)")
    assert items[1] == (problem, gone.label, 1)
    assert data.problems == [problem]
    images, labels, indices, problems = collate_skip_missing(items)
    assert images.shape[0] == 5 and 1 not in indices.tolist()
    assert problems == (problem,)  # travels with the batch, out of a worker process too
    assert collate_skip_missing([items[1]]) == (None, None, None, (problem,))
    loader = torch.utils.data.DataLoader(data, batch_size=4, collate_fn=collate_skip_missing,
                                         num_workers=1)  # fmt: skip
    batches = list(loader)
    assert sum(b[0].shape[0] for b in batches if b[0] is not None) == 5
    assert [p for b in batches for p in b[3]] == [problem]


def test_transforms_shapes_and_normalisation():
    image = Image.new("RGB", (90, 60), (255, 0, 128))
    out = eval_transform(32, MEAN, STD)(image)
    assert out.shape == (3, 32, 32) and out.dtype == torch.float32
    expected = torch.tensor(
        [(1 - MEAN[0]) / STD[0], -MEAN[1] / STD[1], (128 / 255 - MEAN[2]) / STD[2]]
    )
    assert torch.allclose(out[:, 16, 16], expected, atol=1e-4)
    augmented = train_transform(32, MEAN, STD)
    torch.manual_seed(0)
    a, b = augmented(image), augmented(image)
    assert a.shape == b.shape == (3, 32, 32)
    textured = Image.fromarray(np.random.default_rng(0).integers(0, 255, (60, 90, 3), np.uint8))
    torch.manual_seed(1)
    assert not torch.equal(augmented(textured), augmented(textured))  # random crops differ
    plain = train_transform(32, MEAN, STD, augment=False)
    assert torch.equal(plain(textured), eval_transform(32, MEAN, STD)(textured))
    assert eval_transform(224, MEAN, STD).transforms[0].size == [256]


def test_augmentation_mirrors_only_when_asked():
    from core.dataset import train_transform

    def flip_chances(transform):
        return [t.p for t in transform.transforms if type(t).__name__ == "RandomHorizontalFlip"]

    assert flip_chances(train_transform(32, MEAN, STD)) == [0.5]
    assert flip_chances(train_transform(32, MEAN, STD, flip=False)) == [0.0]  # digits, text


def test_ignored_file_count_counts_the_files_inside_ignored_folders(tmp_path):
    from PIL import Image

    from core.dataset import scan_folder

    for name in ("cats", "dogs"):
        (tmp_path / name).mkdir()
        for i in range(2):
            Image.new("RGB", (8, 8), (i * 90, 40, 200)).save(tmp_path / name / f"{i}.png")
    junk = tmp_path / "__MACOSX" / "cats"
    junk.mkdir(parents=True)
    (junk / "._0.png").write_bytes(b"\x00\x05\x16\x07")
    (junk / "._1.png").write_bytes(b"\x00\x05\x16\x07")
    (tmp_path / "cats" / ".DS_Store").write_bytes(b"\x00")
    result = scan_folder(tmp_path)
    assert len(result.ignored) == 2  # the folder once, the file once
    assert result.ignored_file_count() == 3
