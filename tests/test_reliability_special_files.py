"""No read can hang: special files pretending to be what the app reads.

Opening a named pipe blocks until something writes into it (forever, in practice), /dev/zero
never ends, a socket cannot be read as a file, a link to itself loops. Each kind in
`badfiles.SPECIAL_FILES` is put where the app expects an image, a model file, a training
checkpoint or a weights file, and every door that reads that role must refuse it quickly, with
an error naming the file and saying what it is, before opening it (core.fileio's
check_regular_file / open_for_reading). Each door runs under a timeout, so a regression fails
instead of hanging the suite.
"""

from __future__ import annotations

import sys
from pathlib import Path

import badfiles as bf
import pytest
import torch

from core.errors import ImageLoadError, ModelFileError, ResumeError, WeightsUnavailable

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX special files")

BACKBONE = "mobilenet_v3_small"
SPECIALS = pytest.mark.parametrize("special", bf.SPECIAL_FILES, ids=lambda s: s.name)


def refused(special: bf.SpecialFile, path: Path, text: str) -> None:
    low = text.lower()
    assert str(path) in text, text
    assert any(r in low for r in special.reasons), f"{special.name}: {text}"
    assert "traceback" not in low


@pytest.fixture(scope="module")
def model_file(tmp_path_factory) -> Path:
    from core.backbones import build_model, get_spec
    from core.modelfile import new_metadata, save_model

    spec = get_spec(BACKBONE)
    torch.manual_seed(0)
    meta = new_metadata(BACKBONE, ["cats", "dogs"], 32, spec.mean, spec.std)
    return save_model(tmp_path_factory.mktemp("m") / "tiny.safetensors",
                      build_model(BACKBONE, 2).eval(), meta)  # fmt: skip


@SPECIALS
def test_as_an_image(special, tmp_path, model_file):
    from core.dataset import scan_folder
    from core.images import load_image, sniff_format
    from core.predict import Classifier

    manifest = bf.make_good_tree(tmp_path / "photos", ("cats", "dogs"), 5)
    path = bf.make_special(special, manifest.root / "cats", "image")
    with pytest.raises(ImageLoadError) as info:
        bf.within(20, lambda: load_image(path))
    refused(special, path, str(info.value))
    assert bf.within(20, lambda: sniff_format(path)) is None
    result = bf.within(60, lambda: scan_folder(manifest.root, workers=2))
    accepted, skipped, _ignored = bf.scan_accounting(result)
    assert set(accepted) == manifest.accepted  # the good images, and nothing else
    if special.name != "folder":  # a folder named x.jpg is a (here empty) subfolder
        assert skipped == [path]
        refused(special, path, f"{path}: {result.problems[0].reason}")
        rows = bf.within(60, lambda: Classifier.load(model_file, device="cpu").predict([path]))
        assert len(rows) == 1 and rows[0].error, rows
        refused(special, path, f"{path}: {rows[0].error}")


@SPECIALS
def test_as_a_model_file(special, tmp_path, capsys):
    from core.cli import main
    from core.modelfile import load_model, read_metadata
    from core.predict import Classifier

    path = bf.make_special(special, tmp_path, "model")
    for door in (load_model, read_metadata, lambda p: Classifier.load(p, device="cpu")):
        with pytest.raises(ModelFileError) as info:
            bf.within(20, lambda door=door: door(path))
        refused(special, path, str(info.value))
    image = tmp_path / "photo.png"
    image.write_bytes(bf.good_png())
    code = bf.within(20, lambda: main(["predict", str(path), str(image), "--device", "cpu"]))
    err = capsys.readouterr().err
    assert code == 2
    refused(special, path, err)


@SPECIALS
def test_as_a_training_checkpoint(special, tmp_path, capsys):
    from core.cli import main
    from core.resume import check_resume_file, find_interrupted
    from core.training import CheckpointStore, read_checkpoint_summary

    path = bf.make_special(special, tmp_path, "checkpoint")
    for door in (CheckpointStore.load, read_checkpoint_summary, check_resume_file):
        with pytest.raises(ResumeError) as info:
            bf.within(20, lambda door=door: door(path))
        refused(special, path, str(info.value))
    offer = bf.within(20, lambda: find_interrupted(path))
    assert not offer.available and offer.warning  # said once, never offered
    refused(special, path, offer.warning)
    photos = bf.make_good_tree(tmp_path / "photos", ("cats", "dogs"), 5).root
    code = bf.within(30, lambda: main(["train", str(photos), "--backbone", BACKBONE,
                                    "--no-pretrained", "--out", str(tmp_path / "m.safetensors"),
                                    "--resume", str(path)]))  # fmt: skip
    assert code == 2
    refused(special, path, capsys.readouterr().err)


@SPECIALS
def test_as_a_weights_file(special, tmp_path, monkeypatch):
    from core.backbones import import_weights, weights_cached

    monkeypatch.setenv("TORCH_HOME", str(tmp_path / "hub"))
    path = bf.make_special(special, tmp_path, "weights")
    with pytest.raises(WeightsUnavailable) as info:
        bf.within(20, lambda: import_weights(BACKBONE, path))
    refused(special, path, str(info.value))
    assert not weights_cached(BACKBONE)


def test_a_file_swapped_for_a_pipe_after_the_check_is_still_refused(tmp_path, monkeypatch):
    """The check and the open are two steps: a file replaced by a pipe between them is caught
    by the second look (the open itself never blocks)."""
    import os

    from core.errors import NotAFileError
    from core.fileio import open_for_reading, reading

    path = tmp_path / "photo.jpg"
    path.write_bytes(bf.good_jpeg())
    real_check = reading.check_regular_file

    def check_then_swap(p, *args):
        result = real_check(p, *args)
        os.unlink(p)
        os.mkfifo(p)  # what a hostile (or very unlucky) folder could do in between
        return result

    monkeypatch.setattr(reading, "check_regular_file", check_then_swap)
    with pytest.raises(NotAFileError, match="named pipe"):
        bf.within(20, lambda: open_for_reading(path, "an image"))
