"""core.demo: the generated demo dataset."""

from __future__ import annotations

import hashlib

import numpy as np
import pytest
from PIL import Image

from core.demo import CLASS_NAMES, make_demo_dataset
from core.errors import DatasetError


def _digest(root):
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def test_writes_one_folder_of_jpegs_per_class(tmp_path):
    root = make_demo_dataset(tmp_path / "demo", classes=3, per_class=5, size=48)
    assert sorted(p.name for p in root.iterdir()) == sorted(CLASS_NAMES[:3])
    for folder in root.iterdir():
        files = sorted(folder.iterdir())
        assert len(files) == 5
        for f in files:
            with Image.open(f) as image:
                assert image.format == "JPEG" and image.mode == "RGB" and image.size == (48, 48)


def test_same_seed_same_files_other_seed_other_files(tmp_path):
    a = _digest(make_demo_dataset(tmp_path / "a", classes=2, per_class=3, size=32, seed=7))
    b = _digest(make_demo_dataset(tmp_path / "b", classes=2, per_class=3, size=32, seed=7))
    c = _digest(make_demo_dataset(tmp_path / "c", classes=2, per_class=3, size=32, seed=8))
    assert a == b
    assert a.keys() == c.keys() and a != c


def test_images_vary_within_a_class(tmp_path):
    root = make_demo_dataset(tmp_path / "demo", classes=2, per_class=6, size=32)
    arrays = [np.asarray(Image.open(p), dtype=np.float32) for p in sorted(root.glob("*/*.jpg"))]
    diffs = [np.abs(arrays[i] - arrays[i + 1]).mean() for i in range(len(arrays) - 1)]
    assert min(diffs) > 5.0


def test_refuses_a_non_empty_folder_and_bad_arguments(tmp_path):
    (tmp_path / "mine.txt").write_text("user data")
    with pytest.raises(DatasetError, match="not empty"):
        make_demo_dataset(tmp_path)
    assert (tmp_path / "mine.txt").read_text() == "user data"
    with pytest.raises(DatasetError, match="classes"):
        make_demo_dataset(tmp_path / "x", classes=len(CLASS_NAMES) + 1)
    with pytest.raises(DatasetError, match="1 image"):
        make_demo_dataset(tmp_path / "y", per_class=0)


def test_an_existing_empty_folder_is_fine(tmp_path):
    (tmp_path / "empty").mkdir()
    root = make_demo_dataset(tmp_path / "empty", classes=2, per_class=1, size=32)
    assert len(list(root.glob("*/*.jpg"))) == 2
