"""Hostile and damaged model files: never run code, always a clear ModelFileError naming the file.

The promise: a model file can never execute code (no unpickling, ever), and a truncated, random,
foreign or inconsistent file gives a message that names the file and says what to do, through
every door a user has: core.modelfile.load_model/read_metadata, core.predict.Classifier.load, and
the CLI's `predict` command. Pretrained-weight files (import, hub cache) get the same treatment.
"""

from __future__ import annotations

import json
import pathlib
import pickle
import struct

import numpy as np
import pytest
import torch

from core.errors import ModelFileError, WeightsUnavailable

BACKBONE = "mobilenet_v3_small"  # the smallest backbone in the table (2.5 M parameters)
CLASSES = ("cats", "dogs")


class Evil:
    """Unpickling this creates `path` (a harmless stand-in for arbitrary code execution)."""

    def __init__(self, path: pathlib.Path):
        self.path = pathlib.Path(path)

    def __reduce__(self):
        return (pathlib.Path.touch, (self.path,))


def evil_pickle(sentinel: pathlib.Path, protocol: int) -> bytes:
    return pickle.dumps({"state_dict": Evil(sentinel), "classes": list(CLASSES)}, protocol=protocol)


def evil_torch_zip(sentinel: pathlib.Path, target: pathlib.Path) -> None:
    """A torch.save checkpoint (zip + pickle) whose unpickling would create the sentinel."""
    torch.save({"state_dict": {"fc.weight": torch.zeros(2, 2)}, "hook": Evil(sentinel)}, target)


@pytest.fixture(scope="module")
def good_model(tmp_path_factory):
    """A real saved model (mobilenet_v3_small, 2 classes) and its metadata."""
    from core.backbones import build_model, get_spec
    from core.modelfile import new_metadata, save_model

    spec = get_spec(BACKBONE)
    torch.manual_seed(0)
    model = build_model(BACKBONE, len(CLASSES))
    metadata = new_metadata(BACKBONE, CLASSES, 64, spec.mean, spec.std)
    path = save_model(tmp_path_factory.mktemp("model") / "good.safetensors", model, metadata)
    return path, model, metadata


def test_the_payload_is_live(tmp_path):
    """Control: the payloads used below really do create their sentinel when unpickled, so the
    sentinel's absence in the other tests means the file was refused, not that it was inert."""
    sentinel = tmp_path / "control-sentinel"
    pickle.loads(evil_pickle(sentinel, 4))
    assert sentinel.exists()
    sentinel2 = tmp_path / "control-sentinel-zip"
    evil_torch_zip(sentinel2, tmp_path / "control.pth")
    torch.load(tmp_path / "control.pth", weights_only=False)
    assert sentinel2.exists()


# ------------------------------------------------------------------------------------------
# every door a user can open a model file through


def _load_model(path):
    from core.modelfile import load_model

    load_model(path)


def _read_metadata(path):
    from core.modelfile import read_metadata

    read_metadata(path)


def _classifier_load(path):
    from core.predict import Classifier

    Classifier.load(path, device="cpu")


def _cli_predict(path, image) -> int:
    """`backbone-studio-cli predict`: returns the exit code."""
    from core.cli import main

    return main(["predict", str(path), str(image), "--device", "cpu"])


LOADERS = {
    "load_model": _load_model,
    "read_metadata": _read_metadata,
    "Classifier.load": _classifier_load,
    "cli predict": _cli_predict,
}


def assert_refused(loader_name: str, path: pathlib.Path, tmp_path, capsys, *words: str) -> str:
    """Open `path` through a door; it must fail with a message that names the file (and
    contains one of `words`, if given). Returns the message."""
    loader = LOADERS[loader_name]
    if loader_name == "cli predict":
        from PIL import Image

        image = tmp_path / "probe.png"
        Image.new("RGB", (32, 32), (10, 200, 30)).save(image)
        code = loader(path, image)
        captured = capsys.readouterr()
        message = captured.err + captured.out
        assert code not in (0, None), f"cli predict exited {code}: {message}"
        assert "Traceback" not in message, message
    else:
        with pytest.raises(ModelFileError) as info:
            loader(path)
        message = str(info.value)
    assert path.name in message, f"the message does not name the file: {message!r}"
    if words:
        low = message.lower()
        assert any(w.lower() in low for w in words), f"expected one of {words} in {message!r}"
    return message


# ------------------------------------------------------------------------------------------
# pickles disguised as models: refused, and the code never runs


def _write_disguise(kind: str, folder: pathlib.Path, sentinel: pathlib.Path) -> pathlib.Path:
    if kind == "pickle-p4.safetensors":
        path = folder / "model.safetensors"
        path.write_bytes(evil_pickle(sentinel, 4))
    elif kind == "pickle-p2.pth":
        path = folder / "model.pth"
        path.write_bytes(evil_pickle(sentinel, 2))
    elif kind == "pickle-p0.safetensors":  # text protocol: no 0x80 magic byte to spot
        path = folder / "model.safetensors"
        path.write_bytes(evil_pickle(sentinel, 0))
    elif kind == "torch-zip.pth":
        path = folder / "checkpoint.pth"
        evil_torch_zip(sentinel, path)
    elif kind == "torch-zip.safetensors":
        path = folder / "renamed.safetensors"
        evil_torch_zip(sentinel, path)
    else:  # pragma: no cover
        raise AssertionError(kind)
    return path


DISGUISES = ("pickle-p4.safetensors", "pickle-p2.pth", "pickle-p0.safetensors", "torch-zip.pth",
             "torch-zip.safetensors")


@pytest.mark.parametrize("door", list(LOADERS))
@pytest.mark.parametrize("disguise", DISGUISES)
def test_pickle_disguised_as_model_is_refused(disguise, door, tmp_path, capsys):
    sentinel = tmp_path / "PWNED"
    path = _write_disguise(disguise, tmp_path, sentinel)
    assert_refused(door, path, tmp_path, capsys)
    assert not sentinel.exists(), f"{door} ran code from {path.name}"


@pytest.mark.parametrize("disguise", ["pickle-p2.pth", "torch-zip.pth", "torch-zip.safetensors"])
def test_pickle_refused_as_pretrained_weights(disguise, tmp_path, monkeypatch):
    """`weights import` and a poisoned hub cache never unpickle code either."""
    from core.backbones import build_model, import_weights, weights_file

    monkeypatch.setenv("TORCH_HOME", str(tmp_path / "hub"))
    sentinel = tmp_path / "PWNED"
    path = _write_disguise(disguise, tmp_path, sentinel)
    with pytest.raises(WeightsUnavailable) as info:
        import_weights(BACKBONE, path)
    assert path.name in str(info.value)
    assert not sentinel.exists()

    cached = weights_file(BACKBONE)
    assert tmp_path in cached.parents, "the hub cache must be this test's own"
    cached.parent.mkdir(parents=True, exist_ok=True)
    cached.write_bytes(path.read_bytes())
    with pytest.raises(WeightsUnavailable) as info:
        build_model(BACKBONE, 2, pretrained=True)
    assert cached.name in str(info.value)
    assert not sentinel.exists()


@pytest.mark.parametrize("kind", ["empty", "random-bytes", "huge-header-length",
                                  "nested-json-header", "truncated-real-weights",
                                  "wrong-architecture"])
@pytest.mark.filterwarnings("ignore:Detected pickle protocol")  # torch.load probing random bytes
def test_damaged_pretrained_weights_give_weights_unavailable(kind, tmp_path, monkeypatch):
    """`weights import` and a damaged file in the hub cache: WeightsUnavailable naming the file."""
    from core.backbones import build_model, get_spec, import_weights, weights_file

    monkeypatch.setenv("TORCH_HOME", str(tmp_path / "hub"))
    source = tmp_path / f"{kind}.pth"
    if kind == "empty":
        source.write_bytes(b"")
    elif kind == "random-bytes":
        source.write_bytes(np.random.default_rng(1).integers(0, 256, 2048, np.uint8).tobytes())
    elif kind == "huge-header-length":
        source = source.with_suffix(".safetensors")
        source.write_bytes(struct.pack("<Q", 2**62) + b"{}")
    elif kind == "nested-json-header":
        source = source.with_suffix(".safetensors")
        raw = b"[" * 200_000 + b"]" * 200_000
        source.write_bytes(struct.pack("<Q", len(raw)) + raw)
    elif kind == "truncated-real-weights":
        torch.save(get_spec(BACKBONE).builder(weights=None).state_dict(), source)
        source.write_bytes(source.read_bytes()[: source.stat().st_size // 3])
    else:
        torch.save(get_spec("resnet18").builder(weights=None).state_dict(), source)
    with pytest.raises(WeightsUnavailable) as info:
        import_weights(BACKBONE, source)
    assert source.name in str(info.value)
    cached = weights_file(BACKBONE)
    assert tmp_path in cached.parents, "the hub cache must be this test's own"
    assert not cached.exists(), "a refused file must not land in the cache"
    cached.parent.mkdir(parents=True, exist_ok=True)
    cached.write_bytes(source.read_bytes())
    with pytest.raises(WeightsUnavailable) as info:
        build_model(BACKBONE, 2, pretrained=True)
    assert cached.name in str(info.value)


# ------------------------------------------------------------------------------------------
# damaged and foreign files: a clear error naming the file


def _safetensors_bytes(header: dict, data: bytes = b"") -> bytes:
    raw = json.dumps(header).encode()
    return struct.pack("<Q", len(raw)) + raw + data


_NAN_MODELS: dict[pathlib.Path, bytes] = {}


def _nan_model_bytes(good: pathlib.Path) -> bytes:
    """The good model with NaN in its first weight tensor (made once: saving takes a while)."""
    if good not in _NAN_MODELS:
        from core.modelfile import load_model, save_model

        model, metadata = load_model(good)
        with torch.no_grad():
            next(model.parameters()).fill_(float("nan"))
        nan_path = save_model(good.with_name("nan.safetensors"), model, metadata)
        _NAN_MODELS[good] = nan_path.read_bytes()
    return _NAN_MODELS[good]


def _damaged(kind: str, good: pathlib.Path, folder: pathlib.Path):
    """Write a damaged/foreign variant of the good model; return (path, words the message
    should contain (any one))."""
    data = good.read_bytes()
    (header_len,) = struct.unpack("<Q", data[:8])
    path = folder / f"{kind}.safetensors"
    words: tuple[str, ...] = ()
    if kind.startswith("truncated-"):
        cut = {"truncated-0": 0, "truncated-5": 5, "truncated-in-header": 8 + header_len // 2,
               "truncated-after-header": 8 + header_len,
               "truncated-mid-weights": (8 + header_len + len(data)) // 2,
               "truncated-last-byte": len(data) - 1}[kind]
        path.write_bytes(data[:cut])
        words = ("truncated", "empty", "cut")
    elif kind == "random-bytes":
        path.write_bytes(np.random.default_rng(0).integers(0, 256, 4096, dtype=np.uint8).tobytes())
        words = ("not a backbone studio model", "not a", "damaged")
    elif kind == "huge-header-length":
        path.write_bytes(struct.pack("<Q", 2**62) + data[8:])
        words = ("header", "truncated", "not a")
    elif kind == "header-length-past-end":
        path.write_bytes(struct.pack("<Q", len(data)) + data[8:])
        words = ("header", "truncated", "not a")
    elif kind == "header-not-json":
        path.write_bytes(struct.pack("<Q", 64) + b"\xff" * 64 + b"\x00" * 32)
        words = ("json", "damaged", "not a")
    elif kind == "header-deeply-nested-json":  # 400 kB of brackets: a parser stack bomb
        raw = b"[" * 200_000 + b"]" * 200_000
        path.write_bytes(struct.pack("<Q", len(raw)) + raw)
        words = ("json", "damaged", "not a", "nested")
    elif kind == "metadata-deeply-nested-json":  # a valid header whose metadata is the bomb
        header = json.loads(data[8:8 + header_len])
        header["__metadata__"]["backbone_studio"] = '{"a":' * 100_000 + "1" + "}" * 100_000
        path.write_bytes(_safetensors_bytes(header, data[8 + header_len:]))
        words = ("metadata", "damaged", "nested")
    elif kind == "header-json-list":
        path.write_bytes(_safetensors_bytes([1, 2, 3]))  # type: ignore[arg-type]
        words = ("json", "damaged", "not a")
    elif kind == "offsets-past-end":
        header = json.loads(data[8:8 + header_len])
        name = next(k for k in header if k != "__metadata__")
        header[name]["data_offsets"] = [0, 10**12]
        path.write_bytes(_safetensors_bytes(header, data[8 + header_len:]))
        words = ("truncated", "damaged")
    elif kind == "foreign-safetensors":
        from safetensors.torch import save_file

        save_file({"weight": torch.zeros(3, 3)}, str(path))
        words = ("not a backbone studio model", "metadata")
    elif kind in ("class-count-mismatch", "unknown-backbone", "future-format", "bad-metadata"):
        header = json.loads(data[8:8 + header_len])
        meta = json.loads(header["__metadata__"]["backbone_studio"])
        if kind == "class-count-mismatch":
            meta["class_names"] = ["cats", "dogs", "birds"]
            words = ("classes", "class names", "outputs")
        elif kind == "unknown-backbone":
            meta["backbone"] = "resnet9000"
            words = ("resnet9000",)
        elif kind == "future-format":
            meta["format_version"] = 99
            words = ("newer", "update", "format")
        else:
            meta["class_names"] = "cats"
            words = ("metadata", "class_names")
        header["__metadata__"]["backbone_studio"] = json.dumps(meta)
        path.write_bytes(_safetensors_bytes(header, data[8 + header_len:]))
    elif kind == "nan-weights":
        path.write_bytes(_nan_model_bytes(good))
        words = ("nan", "non-finite")
    elif kind == "a-folder":
        path.mkdir()
        words = ("folder",)
    elif kind == "missing":
        words = ("does not exist", "no such", "not found")
    else:  # pragma: no cover
        raise AssertionError(kind)
    return path, words


DAMAGE = ("truncated-0", "truncated-5", "truncated-in-header", "truncated-after-header",
          "truncated-mid-weights", "truncated-last-byte", "random-bytes", "huge-header-length",
          "header-length-past-end", "header-not-json", "header-deeply-nested-json",
          "metadata-deeply-nested-json", "header-json-list", "offsets-past-end",
          "foreign-safetensors", "class-count-mismatch", "unknown-backbone", "future-format",
          "bad-metadata", "nan-weights", "a-folder", "missing")
# read_metadata reads only the header: it may or may not notice damage to the weights (load_model
# must); either way it never crashes and never half-succeeds with garbage
HEADER_ONLY_OK = {"truncated-after-header", "truncated-mid-weights", "truncated-last-byte",
                  "class-count-mismatch", "unknown-backbone", "nan-weights", "offsets-past-end"}


@pytest.mark.parametrize("door", ["load_model", "read_metadata", "Classifier.load", "cli predict"])
@pytest.mark.parametrize("kind", DAMAGE)
def test_damaged_model_gives_clear_error(kind, door, good_model, tmp_path, capsys):
    good, _model, _meta = good_model
    path, words = _damaged(kind, good, tmp_path)
    if door == "read_metadata" and kind in HEADER_ONLY_OK:
        from core.modelfile import read_metadata

        try:
            meta = read_metadata(path)
        except ModelFileError as exc:
            assert path.name in str(exc)
        else:
            assert meta.backbone in (BACKBONE, "resnet9000")
        return
    assert_refused(door, path, tmp_path, capsys, *words)


def test_good_model_still_loads_through_every_door(good_model, tmp_path, capsys):
    """Control for the tests above: the undamaged file loads everywhere with the same weights."""
    from core.modelfile import load_model, read_metadata
    from core.predict import Classifier

    good, model, metadata = good_model
    loaded, meta = load_model(good)
    assert meta.class_names == CLASSES and read_metadata(good).class_names == CLASSES
    for (name, a), b in zip(model.state_dict().items(), loaded.state_dict().values(), strict=True):
        assert torch.equal(a, b), name
    clf = Classifier.load(good, device="cpu")
    assert list(clf.class_names) == list(CLASSES)

