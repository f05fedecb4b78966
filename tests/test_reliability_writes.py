"""Every write the app makes, through every disk error it can meet.

The errors are injected where the app writes, `core.fileio.inject_write_fault`: ENOSPC (the
disk is full), EROFS (read-only), EACCES (no permission) and EIO (a failing device), each at a
real write, after half of its bytes reached the disk. For every write path the promise is the
same:

- a clear message (no traceback) naming the file, the space needed on a full disk, and what
  was kept;
- nothing half-written: no temporary file left, a file already at the target unchanged;
- nothing of the user's lost (the trained weights, the checkpoint, the printed results);
- the app still usable: the same write succeeds once the disk is fine again.

`test_every_write_goes_through_core_fileio` holds the "every": no module of core/ or gui/
writes a file any other way, and each module that writes is in `WRITE_PATHS` with its tests
here. The GUI's Save, CSV export and a training whose checkpoint cannot be written are in
tests/gui/test_disk_errors.py; the bad-input side (FIFOs, devices) in
tests/test_reliability_inputs.py.
"""

from __future__ import annotations

import ast
import errno
import io
import logging
import os
import re
from pathlib import Path

import badfiles as bf
import pytest
import torch

from core.errors import DiskWriteError, NotEnoughSpace
from core.fileio import PROBE_NAME, check_output_folder, inject_write_fault

BACKBONE = "mobilenet_v3_small"
REPO = Path(__file__).resolve().parents[1]

SAYS = {
    errno.ENOSPC: "The disk is full",
    errno.EROFS: "the disk is read-only",
    errno.EACCES: "permission denied",
    errno.EIO: "input/output error",
}
ERRORS = pytest.mark.parametrize("error", list(SAYS), ids=lambda e: errno.errorcode[e])

# Every module that writes files, and the tests here (or in tests/gui) that take it through the
# four errors. test_every_write_goes_through_core_fileio fails when a module writes without
# being listed, or writes around core.fileio.
WRITE_PATHS = {
    "core/modelfile/writer.py": ("test_model_save", "test_model_copy", "test_gui_save_model"),
    "core/training/checkpoint.py": ("test_checkpoint_store", "test_training_checkpoint",
                                    "test_gui_training_checkpoint"),
    "core/cli/output.py": ("test_cli_predict_csv", "test_cli_lr_find_csv"),
    "core/cli/train.py": ("test_cli_train_model_file", "test_cli_train_checkpoint",
                          "test_cli_train_checks_first"),
    "core/dataset/cache.py": ("test_decoded_image_spill",),
    "core/logfile.py": ("test_log_file",),
    "core/backbones/weights.py": ("test_weights_import", "test_weights_download"),
    "core/demo.py": ("test_demo_data",),
    "core/selftest.py": ("test_self_test_and_its_report",),
    "core/training/preflight.py": ("test_cli_train_checks_first", "test_gui_start_checks_first"),
    "gui/widgets/prediction_view.py": ("test_gui_csv_export",),
    "core/review/exclusions.py": ("test_review_exclusions",),
    "core/review/actions.py": ("test_review_copy_and_move",),
    "core/export/card.py": ("test_model_card_beside_the_model",),
    "core/export/package.py": ("test_export_folder",),
    "core/export/convert.py": ("test_export_folder",),
    "core/sorting/place.py": ("test_sort_folder",),
    "core/sorting/manifest.py": ("test_sort_folder",),
    "core/sorting/sorter.py": ("test_sort_folder",),
    "gui/train/child_run.py": ("test_child_run_settings",),
    "core/export/runtime_cache.py": ("test_runtime_cache",),  # and tests/export/test_export_fast.py
}  # fmt: skip
FILEIO_WRITERS = ("atomic_write", "atomic_replace", "write_text_atomic", "open_for_append",
                  "check_output_folder")  # fmt: skip


@pytest.fixture(autouse=True)
def _one_torch_thread():
    previous = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(previous)


def says(exc_or_text, error: int, path: Path | str) -> str:
    """The message of a disk error: what happened, which file; returns it for more checks."""
    text = str(exc_or_text)
    assert SAYS[error] in text, text
    assert str(path) in text, text
    assert "Traceback" not in text and "Errno" not in text, text
    if error == errno.ENOSPC:
        assert re.search(r"needs about [\d,]+ MB more", text), text
    return text


def listing(folder: Path) -> list[str]:
    return sorted(os.listdir(folder))


def _model(seed: int, classes=("cats", "dogs")):
    from core.backbones import build_model, get_spec
    from core.modelfile import new_metadata

    spec = get_spec(BACKBONE)
    torch.manual_seed(seed)
    return build_model(BACKBONE, len(classes)).eval(), new_metadata(
        BACKBONE, list(classes), 32, spec.mean, spec.std
    )


def _same_weights(a, b) -> bool:
    return all(torch.equal(x, y) for x, y in zip(a.state_dict().values(), b.state_dict().values(),
                                                  strict=True))  # fmt: skip


@pytest.fixture(scope="module")
def photos(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("writes") / "photos"
    bf.make_good_tree(root, ("cats", "dogs"), 6, size=(24, 24))
    return root


@pytest.fixture(scope="module")
def model_file(tmp_path_factory) -> Path:
    from core.modelfile import save_model

    return save_model(tmp_path_factory.mktemp("model") / "tiny.safetensors", *_model(0))


# ------------------------------------------------------------------------------ model files


@ERRORS
def test_model_save(error, tmp_path):
    from core.modelfile import load_model, save_model

    old, meta = _model(0)
    path = save_model(tmp_path / "classifier.safetensors", old, meta)
    before = path.read_bytes()
    new, _ = _model(1)
    with inject_write_fault(error, match="*.safetensors") as fault:
        with pytest.raises(DiskWriteError) as info:
            save_model(path, new, meta)
    assert fault.failed == [path]
    assert "is unchanged" in says(info.value, error, path)
    assert path.read_bytes() == before and listing(tmp_path) == [path.name]
    save_model(path, new, meta)  # the disk is fine again: saving works
    assert _same_weights(load_model(path)[0], new)


@ERRORS
def test_model_copy(error, tmp_path, model_file):
    """Save as... of a model opened from a file copies it (core.modelfile.copy_model)."""
    from core.modelfile import copy_model, read_metadata

    dest = tmp_path / "copy.safetensors"
    dest.write_bytes(b"the user's older file")
    source_bytes = model_file.read_bytes()
    with inject_write_fault(error, match="copy.safetensors") as fault:
        with pytest.raises(DiskWriteError) as info:
            copy_model(model_file, dest)
    assert fault.failed == [dest]
    assert f"{model_file} is unchanged" in says(info.value, error, dest)
    assert dest.read_bytes() == b"the user's older file" and listing(tmp_path) == [dest.name]
    assert model_file.read_bytes() == source_bytes
    copy_model(model_file, dest)
    assert read_metadata(dest).class_names == ("cats", "dogs")


# ------------------------------------------------------------------------------ checkpoints


def _record(epoch: int):
    from core.training import Checkpoint, TrainConfig

    run = {"epoch": epoch, "step": epoch, "stage": 0, "stage_epoch": epoch, "bad_epochs": 0,
           "best": None, "history": []}  # fmt: skip
    return Checkpoint(model={"w": torch.full((64, 64), float(epoch))}, optimizer={}, scheduler={},
                      run=run, rng={}, config=TrainConfig(backbone=BACKBONE).to_json(),
                      resolved={"stages": [["full", 3]]}, class_names=["cats", "dogs"],
                      fingerprint="f")  # fmt: skip


@ERRORS
def test_checkpoint_store(error, tmp_path):
    from core.training import CheckpointStore

    path = tmp_path / "run.ckpt"
    store = CheckpointStore(path)
    store.save(_record(1))
    before = path.read_bytes()
    with inject_write_fault(error, match="*.ckpt") as fault:
        with pytest.raises(DiskWriteError) as info:
            store.save(_record(2))
    assert fault.failed == [path]
    assert f"The last checkpoint {path} is unchanged" in says(info.value, error, path)
    assert path.read_bytes() == before and listing(tmp_path) == [path.name]
    assert CheckpointStore.load(path).run["epoch"] == 1
    store.save(_record(2))
    assert CheckpointStore.load(path).run["epoch"] == 2


def _config(**overrides):
    from core.training import TrainConfig

    values = dict(backbone=BACKBONE, strategy="full", pretrained=False, epochs=2, batch_size=4,
                  image_size=32, device="cpu", augment=False, seed=0, num_workers=0)  # fmt: skip
    values.update(overrides)
    return TrainConfig(**values)


@ERRORS
def test_training_checkpoint(error, tmp_path, photos):
    """A training whose second checkpoint cannot be written fails with the disk's message; the
    first checkpoint and the best weights are kept, and it resumes from there."""
    from core.dataset import scan_folder
    from core.training import Trainer

    index = scan_folder(photos, workers=1).index
    ckpt = tmp_path / "run.ckpt"
    config = _config(checkpoint=str(ckpt))
    with inject_write_fault(error, at_write=2, match="*.ckpt") as fault:
        result = Trainer(config, index).fit()
    assert fault.failed == [ckpt] and result.outcome == "failed"
    message = says(result.message, error, ckpt)
    assert f"The last checkpoint {ckpt} is unchanged" in message
    assert "The best weights so far (epoch" in message
    assert result.model is not None and len(result.history) == 2  # nothing trained is lost
    assert listing(tmp_path) == [ckpt.name]
    assert torch.load(ckpt, map_location="cpu", weights_only=True)["epoch"] == 1
    resumed = Trainer(config, index).fit(resume=ckpt)  # once there is room again
    assert resumed.outcome == "finished", resumed.message
    assert [e.epoch for e in resumed.history] == [1, 2]


# ------------------------------------------------------------------------------ the CLI


def cli(capsys, *argv) -> tuple[int, str, str]:
    from core.cli import main

    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return code, out, err


def _train_args(photos: Path, out: Path) -> list:
    return ["train", photos, "--backbone", BACKBONE, "--no-pretrained", "--strategy", "full",
            "--epochs", "1", "--image-size", "32", "--batch-size", "4", "--device", "cpu",
            "--out", out]  # fmt: skip


@ERRORS
def test_cli_train_model_file(error, tmp_path, photos, capsys):
    """The model file cannot be written at the end: exit 1 with the message, the training is
    kept in its checkpoint, and --resume writes the model without training again."""
    out = tmp_path / "model.safetensors"
    out.write_bytes(b"an older model the user keeps")
    ckpt = out.with_suffix(".ckpt")
    with inject_write_fault(error, match="model.safetensors") as fault:
        code, stdout, err = cli(capsys, *_train_args(photos, out))
    assert code == 1 and fault.failed == [out], stdout + err
    text = says(err, error, out)
    assert (f"Your training is kept in {ckpt}; resume with `backbone-studio-cli train ... "
            f"--resume {ckpt}`") in text  # fmt: skip
    assert out.read_bytes() == b"an older model the user keeps"
    assert listing(tmp_path) == sorted([out.name, ckpt.name])
    code, stdout, err = cli(capsys, *_train_args(photos, out), "--resume", ckpt)
    assert code == 0, err
    assert f"saved the model to {out}" in stdout and "epoch   1/1" not in stdout  # not again


@ERRORS
def test_cli_train_checkpoint(error, tmp_path, photos, capsys):
    """The second epoch's checkpoint cannot be written: exit 1 with the message; the best model
    so far is written to --out, the first checkpoint is kept, and --resume finishes the run."""
    from core.modelfile import read_metadata

    out = tmp_path / "model.safetensors"
    ckpt = out.with_suffix(".ckpt")
    args = _train_args(photos, out)
    args[args.index("--epochs") + 1] = "2"
    with inject_write_fault(error, at_write=2, match="*.ckpt") as fault:
        code, stdout, err = cli(capsys, *args)
    assert code == 1 and fault.failed == [ckpt], stdout + err
    assert f"The last checkpoint {ckpt} is unchanged" in says(err, error, ckpt)
    assert f"the best model before the failure was saved to {out}" in err
    assert f"continue with --resume {ckpt} once there is room" in err
    assert read_metadata(out).class_names == ("cats", "dogs")
    assert torch.load(ckpt, map_location="cpu", weights_only=True)["epoch"] == 1
    # the saved model's card beside it (core.export.card)
    assert listing(tmp_path) == sorted([out.name, ckpt.name, "model.MODEL_CARD.md"])
    code, stdout, err = cli(capsys, *args, "--resume", ckpt)
    assert code == 0 and "epoch   2/2" in stdout and "epoch   1/2" not in stdout, stdout + err


@ERRORS
def test_cli_train_checks_first(error, tmp_path, photos, capsys):
    """A folder that cannot be written is said before the scan and the training (exit 2)."""
    out = tmp_path / "model.safetensors"
    with inject_write_fault(error, match=PROBE_NAME) as fault:
        code, stdout, err = cli(capsys, *_train_args(photos, out))
    assert code == 2 and fault.failed, stdout + err
    assert "Nothing was started." in says(err, error, tmp_path)
    assert "epoch" not in stdout and listing(tmp_path) == []


def test_not_enough_space_is_said_before_starting(tmp_path):
    from core.training import check_training_outputs

    free = check_output_folder(tmp_path, 1)
    with pytest.raises(NotEnoughSpace, match=r"Not enough free space in .* about [\d,]+ MB more"):
        check_output_folder(tmp_path, free + 10**9, "the model")
    needed = check_training_outputs(_config(checkpoint=str(tmp_path / "c" / "run.ckpt")),
                                    tmp_path / "m.safetensors")  # fmt: skip
    assert needed > 4 * 2_000_000  # model + checkpoint of a 2.5 M parameter backbone
    assert listing(tmp_path) == []  # the check writes nothing


@ERRORS
def test_cli_predict_csv(error, tmp_path, model_file, photos, capsys):
    csv_path = tmp_path / "predictions.csv"
    csv_path.write_text("the user's older results\n")
    with inject_write_fault(error, match="*.csv") as fault:
        code, stdout, err = cli(capsys, "predict", model_file, photos / "cats", "--device", "cpu",
                                "--csv", csv_path)  # fmt: skip
    assert code == 2 and fault.failed == [csv_path]
    assert "The predictions are printed above." in says(err, error, csv_path)
    assert "cats_000.jpg" in stdout  # the results reached the user
    assert csv_path.read_text() == "the user's older results\n"
    assert listing(tmp_path) == [csv_path.name]
    code, _out, err = cli(capsys, "predict", model_file, photos / "cats", "--device", "cpu",
                          "--csv", csv_path)  # fmt: skip
    assert code == 0 and csv_path.read_text().startswith("file,label"), err


@ERRORS
def test_cli_lr_find_csv(error, tmp_path, photos, capsys):
    csv_path = tmp_path / "sweep.csv"
    args = ["lr-find", photos, "--backbone", BACKBONE, "--no-pretrained", "--image-size", "32",
            "--batch-size", "4", "--steps", "5", "--device", "cpu", "--csv", csv_path]
    with inject_write_fault(error, match="*.csv") as fault:
        code, stdout, err = cli(capsys, *args)
    assert code == 2 and fault.failed == [csv_path]
    assert "The sweep is printed above." in says(err, error, csv_path)
    assert "learning rate" in stdout and listing(tmp_path) == []
    code, _out, err = cli(capsys, *args)
    assert code == 0 and csv_path.read_text().startswith("learning_rate,loss"), err


# ------------------------------------------------------------------------------ caches, logs


@ERRORS
def test_decoded_image_spill(error, tmp_path, photos, caplog):
    """A cache disk that refuses only costs re-decoding: every image is still served, one
    warning is logged, nothing half-written stays in the cache folder."""
    from core.dataset import DecodedImageCache

    paths = sorted((photos / "cats").iterdir())
    spill = tmp_path / "spill"
    cache = DecodedImageCache(short_side=24, memory_budget=1, spill_dir=spill)
    with caplog.at_level(logging.WARNING), inject_write_fault(error, match="*.npy",
                                                                times=None) as fault:  # fmt: skip
        images = [cache.get(p) for p in paths]
        again = [cache.get(p) for p in paths]
    assert len(fault.failed) == 1  # after the first refusal the cache stops trying
    assert all(img.size == (24, 24) for img in images + again)
    warnings = [r.getMessage() for r in caplog.records if "decoded images" in r.getMessage()]
    assert len(warnings) == 1 and SAYS[error] in warnings[0], warnings
    assert [p for p in spill.rglob("*") if p.is_file()] == []
    fresh = DecodedImageCache(short_side=24, memory_budget=1, spill_dir=spill)
    fresh.get(paths[0])
    fresh.get(paths[1])
    assert len(list(spill.rglob("*.npy"))) >= 1  # the disk is fine again: spilling works


@ERRORS
def test_log_file(error, tmp_path, capsys):
    """The app's log on a refusing disk: no exception and no traceback, one line on stderr,
    the file as it was; once the disk is fine it goes on and says what was lost."""
    from core.logfile import RETRY_SECONDS, SafeLogFileHandler

    now = [0.0]
    path = tmp_path / "backbone-studio.log"
    handler = SafeLogFileHandler(path, clock=lambda: now[0])
    logger = logging.getLogger(f"test.disk.{error}")
    logger.propagate = False
    logger.addHandler(handler)
    try:
        logger.warning("before")
        before = path.read_text()
        with inject_write_fault(error, match=path.name, times=None) as fault:
            for i in range(3):
                logger.warning("during %d", i)
            now[0] += RETRY_SECONDS + 1
            logger.warning("during the retry")
        assert len(fault.failed) == 2  # the first record and the retry; the rest were dropped
        assert path.read_text() == before
        err = capsys.readouterr().err
        assert err.count("cannot write the log") == 1 and "Traceback" not in err, err
        now[0] += RETRY_SECONDS + 1
        logger.warning("after")
        text = path.read_text()
        assert "4 log records were lost" in text and text.rstrip().endswith("after"), text
    finally:
        logger.removeHandler(handler)
        handler.close()


# ------------------------------------------------------------------------------ weights


@pytest.fixture
def hub(tmp_path, monkeypatch) -> Path:
    monkeypatch.setenv("TORCH_HOME", str(tmp_path / "torch-home"))
    return tmp_path / "torch-home" / "hub" / "checkpoints"


def _files(folder: Path) -> list[Path]:
    return [p for p in folder.rglob("*") if p.is_file()] if folder.exists() else []


@ERRORS
def test_weights_import(error, tmp_path, hub):
    from weights_helpers import fake_state_dict

    from core.backbones import import_weights, weights_cached, weights_file

    source = tmp_path / "downloaded.pth"
    torch.save(fake_state_dict(BACKBONE), source)
    source_bytes = source.read_bytes()
    target = weights_file(BACKBONE)
    with inject_write_fault(error, match=target.name) as fault:
        with pytest.raises(DiskWriteError) as info:
            import_weights(BACKBONE, source)
    assert fault.failed == [target]
    assert f"{source} is unchanged" in says(info.value, error, target)
    assert not weights_cached(BACKBONE) and _files(hub) == []
    assert source.read_bytes() == source_bytes
    assert import_weights(BACKBONE, source) == target and weights_cached(BACKBONE)


class _Response(io.BytesIO):
    def __init__(self, payload: bytes):
        super().__init__(payload)
        self.headers = {"Content-Length": str(len(payload))}


@ERRORS
def test_weights_download(error, hub, monkeypatch):
    """The download's network is faked (no network in tests); the disk error is injected."""
    import hashlib
    import urllib.request

    from weights_helpers import fake_state_dict

    import core.backbones.weights as weights_module
    from core.backbones import download_weights, weights_cached, weights_file

    buffer = io.BytesIO()
    torch.save(fake_state_dict(BACKBONE), buffer)
    payload = buffer.getvalue()
    monkeypatch.setattr(urllib.request, "urlopen", lambda *a, **k: _Response(payload))
    digest = hashlib.sha256(payload).hexdigest()[:8]  # the fake file's own checksum
    monkeypatch.setattr(weights_module, "_hash_prefix", lambda url: digest)
    target = weights_file(BACKBONE)
    with inject_write_fault(error, match=target.name) as fault:
        with pytest.raises(DiskWriteError) as info:
            download_weights(BACKBONE)
    assert fault.failed == [target]
    assert "the download can be tried again" in says(info.value, error, target)
    assert not weights_cached(BACKBONE) and _files(hub) == []
    assert download_weights(BACKBONE) == target and target.read_bytes() == payload


# ------------------------------------------------------------------------------ demo, self-test


@ERRORS
def test_demo_data(error, tmp_path):
    from core.demo import make_demo_dataset

    root = tmp_path / "demo"
    with inject_write_fault(error, at_write=5, match="*.jpg") as fault:
        with pytest.raises(DiskWriteError) as info:
            make_demo_dataset(root, classes=2, per_class=3, size=24)
    assert len(fault.failed) == 1
    assert "Nothing was left behind" in says(info.value, error, fault.failed[0])
    assert listing(tmp_path) == []  # the new folder and the images written before are gone
    empty = tmp_path / "empty"
    empty.mkdir()
    with inject_write_fault(error, at_write=2, match="*.jpg"), pytest.raises(DiskWriteError):
        make_demo_dataset(empty, classes=2, per_class=3, size=24)
    assert listing(empty) == []  # an empty folder the user chose stays, empty
    assert len(list(make_demo_dataset(empty, classes=2, per_class=3, size=24).rglob("*.jpg"))) == 6


@ERRORS
def test_self_test_and_its_report(error, tmp_path, capsys):
    """The self-test on a refusing disk fails with the disk's message, and a report that
    cannot be written is said too (exit 1, no traceback)."""
    from core import selftest

    report = tmp_path / "report.txt"
    report.write_text("the previous report\n")
    with inject_write_fault(error, match="*.jpg"), inject_write_fault(error, match="report.txt"):
        status = selftest.main(["--device", "cpu", "--workdir", str(tmp_path / "work"),
                                "--report", str(report), "--quiet"])  # fmt: skip
    out, err = capsys.readouterr()
    assert status == selftest.EXIT_FAILED
    assert "RESULT: FAILED" in out and SAYS[error] in out, out
    assert "Traceback" not in out + err and "unexpected" not in out
    says(err, error, report)
    assert report.read_text() == "the previous report\n"


@ERRORS
def test_runtime_cache(error, tmp_path):
    """The proven-runtime cache (core.export.runtime_cache) on a refusing disk: the message names
    the file, and no entry is left that a later job would trust (the proof is written last)."""
    from core.export.proof import Proof
    from core.export.runtime_cache import RuntimeCache

    store = RuntimeCache(tmp_path / "runtimes")
    proof = Proof(20, 20, 0.0, 2.0, 1.0, 8, {"torch": "x"})
    for match, at in (("model.onnx", store.folder("k") / "model.onnx"),
                      ("proof.json", store.folder("k") / "proof.json")):  # fmt: skip
        with inject_write_fault(error, match=match) as fault, pytest.raises(DiskWriteError) as info:
            store.store("k", proof, b"onnx" * 1000)
        assert fault.failed and says(info.value, error, at)
        assert store.read("k", {"torch": "x"}) is None and store.entries() == []
        assert not [p for p in store.root.rglob("*") if p.name.endswith(".tmp")]
    store.store("k", proof, b"onnx")
    assert store.read("k", {"torch": "x"}) == (proof, b"onnx")


@ERRORS
def test_review_exclusions(error, tmp_path):
    """The exclusion list on a refusing disk: the message, the file and the list unchanged."""
    from core.review import Exclusions

    ex = Exclusions.for_folder(tmp_path / "data", state_dir=tmp_path / "state")
    ex.add(["cats/a.png"], "first")
    saved = ex.file.read_bytes()
    with inject_write_fault(error, match="*.json") as fault, pytest.raises(DiskWriteError) as info:
        ex.add(["cats/b.png"], "second")
    assert fault.failed and says(info.value, error, ex.file)
    assert ex.file.read_bytes() == saved and len(ex) == 1
    assert listing(ex.file.parent) == [ex.file.name]
    ex.add(["cats/b.png"], "second")
    assert len(Exclusions.for_folder(tmp_path / "data", state_dir=tmp_path / "state")) == 2


@ERRORS
def test_review_copy_and_move(error, tmp_path):
    """A copy into a class folder on a refusing disk: the message, nothing half-done (the copies
    made before are taken back), and the same copy works once the disk is fine."""
    from core.review.actions import ReviewHistory

    source = tmp_path / "src"
    source.mkdir()
    images = [source / f"{i}.png" for i in range(3)]
    for i, image in enumerate(images):
        image.write_bytes(bytes([i]) * 1000)
    target = tmp_path / "data" / "dogs"
    history = ReviewHistory()
    with inject_write_fault(error, at_write=2, match="*.png") as fault:
        with pytest.raises(DiskWriteError) as info:
            history.copy(images, target)
    assert says(info.value, error, fault.failed[0])
    assert not target.exists() and history.entries == [] and listing(source) == ["0.png", "1.png", "2.png"]
    action = history.copy(images, target)
    assert listing(target) == ["0.png", "1.png", "2.png"] and history.undo() is action


@ERRORS
def test_model_card_beside_the_model(error, tmp_path):
    """Saving a trained model writes STEM.MODEL_CARD.md beside it (core.export.card): a disk that
    refuses the card says so; the model file is already complete, nothing half-written."""
    from core.export.card import save_with_card
    from core.modelfile import load_model

    model, meta = _model(0)
    target = tmp_path / "classifier.safetensors"
    with inject_write_fault(error, match="*.MODEL_CARD.md") as fault:
        with pytest.raises(DiskWriteError) as info:
            save_with_card(target, model, meta)
    assert fault.failed == [tmp_path / "classifier.MODEL_CARD.md"]
    assert "was saved complete" in says(info.value, error, tmp_path / "classifier.MODEL_CARD.md")
    assert listing(tmp_path) == ["classifier.safetensors"] and load_model(target)[1].model_card
    save_with_card(target, model, meta)
    assert listing(tmp_path) == ["classifier.MODEL_CARD.md", "classifier.safetensors"]


@ERRORS
def test_export_folder(error, tmp_path):
    """An export (core.export) on a refusing disk: the message names the file, and neither the
    export folder nor its temporary folder is left; the same export works afterwards."""
    from core.demo import make_demo_dataset
    from core.export import ExportRequest, export_model, parse_formats

    data = make_demo_dataset(tmp_path / "data", classes=2, per_class=4, size=32)
    model, meta = _model(0, classes=tuple(sorted(p.name for p in data.iterdir())))
    request = ExportRequest(model, meta, tmp_path / "export", parse_formats("pt2"), data)
    with inject_write_fault(error, match="model.pt2") as fault:
        with pytest.raises(DiskWriteError) as info:
            export_model(request)
    assert fault.failed and "Nothing was written" in says(info.value, error,
                                                          tmp_path / "export" / "model.pt2")
    assert listing(tmp_path) == ["data"]
    export_model(request)
    assert (tmp_path / "export" / "model.pt2").is_file()


@ERRORS
def test_sort_folder(error, tmp_path, model_file, photos):
    """A sort (core.sorting) on a refusing disk: the sort stops with the message naming the
    file; nothing half-written is left, the originals are untouched, the manifest lists only
    complete copies, and sorting again finishes with every photo once."""
    from core.predict import Classifier
    from core.sorting import MANIFEST_NAME, SortOptions, read_manifest, sort_folder

    classifier = Classifier.load(model_file, device="cpu")
    sources = sorted(p for p in photos.rglob("*") if p.is_file())
    before = {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in sources}
    dest = tmp_path / "sorted"
    options = SortOptions(mode="copy", threshold=0.0)
    with inject_write_fault(error, at_write=3, match="*g") as fault:  # .png, .jpg, .jpeg
        with pytest.raises(DiskWriteError) as info:
            sort_folder(classifier, photos, dest, options)
    says(info.value, error, fault.failed[0])
    placed = sorted(p for p in dest.rglob("*") if p.is_file() and p.name != MANIFEST_NAME)
    assert not [p for p in placed if p.name.endswith(".tmp")]
    assert len(placed) < len(sources)
    rows = read_manifest(dest / MANIFEST_NAME) if (dest / MANIFEST_NAME).exists() else []
    assert {r.destination for r in rows} <= {p.relative_to(dest).as_posix() for p in placed}
    summary = sort_folder(classifier, photos, dest, options)
    rows = read_manifest(dest / MANIFEST_NAME)
    assert sorted(r.source for r in rows) == sorted(str(p) for p in sources)
    assert summary.total == len(sources) and not summary.problems
    placed = [p for p in dest.rglob("*") if p.is_file() and p.name != MANIFEST_NAME]
    assert len(placed) == len(sources)
    assert all((p.read_bytes(), p.stat().st_mtime_ns) == before[p] for p in sources)


@ERRORS
def test_child_run_settings(error, tmp_path):
    """A multi-process run from the Train page writes its settings for the launcher first: a
    refusing disk says which file, before any process starts."""
    from core.dataset import scan_folder
    from core.training import TrainConfig
    from gui.train.child_run import ChildTrainWorker

    data = tmp_path / "data"
    bf.make_good_tree(data, ("cats", "dogs"), 2, size=(16, 16))
    worker = ChildTrainWorker(TrainConfig(backbone=BACKBONE, device="cpu:x2"),
                              scan_folder(data).index)  # fmt: skip
    folder = tmp_path / "run"
    folder.mkdir()
    with inject_write_fault(error, match="settings.json") as fault:
        with pytest.raises(DiskWriteError) as info:
            worker.command(folder)
    says(info.value, error, fault.failed[0])
    assert listing(folder) == []
    assert "--nproc-per-node" in worker.command(folder) and listing(folder) == ["settings.json"]


# ------------------------------------------------------------------------------ "every"

_WRITE_MODES = re.compile(r"[wax+]")
_AROUND = {"write_text", "write_bytes", "mkstemp", "save_file", "NamedTemporaryFile",
           "FileHandler", "RotatingFileHandler", "shutil.copy", "shutil.copyfile", "shutil.copy2",
           "shutil.move", "os.rename", "os.replace"}  # fmt: skip
# calls that look like a write around core.fileio but are not (module, call): why
ALLOWED = {
    ("core/modelfile/writer.py", "save_file"): "writes the temporary path of atomic_replace",
    ("core/selftest.py", "result.save"): "FitResult.save is save_model",
    ("core/cli/__init__.py", "open"): "os.devnull, after the reader of stdout went away",
    ("core/cli/distributed.py", "open"): "os.devnull: the stdout of a rank other than 0",
    ("core/cli/distributed_predict.py", "open"): "os.devnull: the stdout of a rank other than 0",
}


def _writes_around(rel: str, tree: ast.AST) -> list[str]:
    """Calls in a module that write a file without core.fileio."""
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        call = ast.unparse(node.func)
        name = call.rsplit(".", 1)[-1]
        if (rel, call) in ALLOWED:
            continue
        if name == "open" and len(node.args) > 1 and isinstance(node.args[1], ast.Constant):
            if _WRITE_MODES.search(str(node.args[1].value)):
                found.append(f"line {node.lineno}: {call}(..., {node.args[1].value!r})")
        elif name in _AROUND or call in _AROUND:
            found.append(f"line {node.lineno}: {call}(...)")
        elif name in ("save", "savez", "tofile") and any(_a_path(arg) for arg in node.args):
            found.append(f"line {node.lineno}: {call}(... a path ...)")
    return found


def _a_path(node: ast.AST) -> bool:
    """An argument that is a file name: `folder / "x"`, an f-string or a "x.ext" literal."""
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Div):
        return True
    if isinstance(node, ast.JoinedStr):
        return True
    return isinstance(node, ast.Constant) and isinstance(node.value, str) and (
        "/" in node.value or bool(re.search(r"\.\w{2,4}$", node.value)))


def _calls(tree: ast.AST, names) -> bool:
    return any(isinstance(n, ast.Name | ast.Attribute) and (getattr(n, "id", None) in names or
               getattr(n, "attr", None) in names) for n in ast.walk(tree))  # fmt: skip


# written by Qt itself, or a developer tool (not part of the app a user runs)
NOT_THE_APPS = {"gui/settings.py": "QSettings writes its own file (Qt's, atomic)",
                "gui/screenshots.py": "a developer tool for the docs' screenshots",
                "gui/i18n_sources.py": "a developer tool: regenerates resources/i18n (make "
                                       "translations)"}  # fmt: skip


def test_every_write_goes_through_core_fileio():
    around: dict[str, list[str]] = {}
    writers: set[str] = set()
    for path in sorted([*(REPO / "core").rglob("*.py"), *(REPO / "gui").rglob("*.py")]):
        rel = path.relative_to(REPO).as_posix()
        if rel.startswith("core/fileio/") or rel in NOT_THE_APPS:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        if found := _writes_around(rel, tree):
            around[rel] = found
        if _calls(tree, FILEIO_WRITERS):
            writers.add(rel)
    assert not around, f"files written around core.fileio: {around}"
    unlisted = writers - set(WRITE_PATHS)
    assert not unlisted, f"modules that write but are not walked through the errors: {unlisted}"
    tests = {name for names in WRITE_PATHS.values() for name in names}
    here = set(globals())
    gui_tests = (REPO / "tests" / "gui" / "test_disk_errors.py").read_text(encoding="utf-8")
    missing = {t for t in tests if t not in here and f"def {t}(" not in gui_tests}
    assert not missing, f"write paths without their test: {missing}"
