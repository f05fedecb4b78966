"""Model files: one .safetensors file, atomic writes, and loads that refuse anything suspicious."""

from __future__ import annotations

import copy
import functools
import json
import pickle
import struct
from pathlib import Path

import pytest
import torch
from safetensors.torch import save_file
from torch import nn

from core import backbones, modelfile
from core.errors import DiskWriteError, ModelFileError
from core.modelfile import (
    ModelMetadata,
    TrainingRecord,
    load_model,
    new_metadata,
    read_metadata,
    save_model,
)
from core.modelfile import reader as modelfile_reader
from core.modelfile import writer as modelfile_writer

CLASSES = ("cat", "dog", "ferret")


@pytest.fixture(autouse=True)
def _one_thread():
    # On the shared 2-core machine, two intra-op threads spin against each other's neighbours:
    # one thread runs these small forwards ~10x faster.
    assert torch.get_num_threads() >= 1
    torch.set_num_threads(1)


def _metadata(backbone="resnet18", classes=CLASSES, small_input=False, size=32) -> ModelMetadata:
    spec = backbones.get_spec(backbone)
    return new_metadata(
        backbone,
        classes,
        size,
        spec.mean,
        spec.std,
        record=TrainingRecord(
            small_input=small_input,
            train_config={"epochs": 3, "strategy": "full"},
            metrics={"val_accuracy": 0.875},
        ),
    )


@functools.cache
def _model(backbone="resnet18", classes=CLASSES, small_input=False, seed=0) -> nn.Module:
    """Built once per argument set (tests that change a model deep-copy it first)."""
    torch.manual_seed(seed)
    model = backbones.build_model(backbone, len(classes), small_input=small_input)
    # Non-default BatchNorm statistics, so a round trip that forgot buffers would show.
    for module in model.modules():
        if isinstance(module, nn.BatchNorm2d):
            module.running_mean.uniform_(-0.1, 0.1)
            module.running_var.uniform_(0.8, 1.2)
    return model.eval()


@pytest.fixture(scope="module")
def saved(tmp_path_factory) -> tuple[Path, nn.Module, ModelMetadata]:
    folder = tmp_path_factory.mktemp("model")
    model, metadata = _model(), _metadata()
    return save_model(folder / "pets.safetensors", model, metadata), model, metadata


def _sentinel_payload(sentinel: Path):
    class Evil:
        def __reduce__(self):  # unpickling this would create the sentinel file
            return (Path.touch, (sentinel,))

    return {"state_dict": {"fc.weight": torch.zeros(2, 2)}, "evil": Evil()}


# ------------------------------------------------------------------------------- round trip


def test_round_trip_gives_identical_predictions_and_metadata(saved):
    path, model, metadata = saved
    loaded, meta = load_model(path)
    assert meta == metadata
    assert meta.class_names == CLASSES and not meta.small_input and meta.input_size == 32
    assert meta.train_config == {"epochs": 3, "strategy": "full"}
    assert meta.metrics == {"val_accuracy": 0.875}
    assert meta.torch_version == torch.__version__ and meta.created
    assert not loaded.training
    x = torch.randn(2, 3, 32, 32)
    with torch.inference_mode():
        assert torch.equal(model(x), loaded(x))
    for name, tensor in model.state_dict().items():
        assert torch.equal(tensor, loaded.state_dict()[name]), name


@pytest.mark.parametrize("backbone, small_input", [("resnet18", True), ("mobilenet_v3_small", False)])
def test_round_trip_other_variants(tmp_path, backbone, small_input):
    model = _model(backbone, small_input=small_input)
    metadata = _metadata(backbone, small_input=small_input, size=32)
    path = save_model(tmp_path / "m.safetensors", model, metadata)
    loaded, meta = load_model(path)
    assert meta.small_input == small_input
    x = torch.randn(1, 3, 32, 32)
    with torch.inference_mode():
        assert torch.equal(model(x), loaded(x))


def test_a_stride_two_stem_round_trips_and_is_format_two(tmp_path):
    torch.manual_seed(0)
    model = backbones.build_model("resnet18", len(CLASSES), small_input=True, stem_stride=2).eval()
    assert model.conv1.stride == (2, 2)
    spec = backbones.get_spec("resnet18")
    metadata = new_metadata("resnet18", CLASSES, 48, spec.mean, spec.std,
                            record=TrainingRecord(small_input=True, stem_stride=2))  # fmt: skip
    path = save_model(tmp_path / "m.safetensors", model, metadata)
    loaded, meta = load_model(path)
    # format 2: an older app would build a stride-1 stem (same weight shapes) and classify
    # wrongly; it refuses the file instead and asks for an update
    assert meta.stem_stride == 2 and meta.format_version == 2
    assert loaded.conv1.stride == (2, 2)
    x = torch.randn(1, 3, 48, 48)
    with torch.inference_mode():
        assert torch.equal(model(x), loaded(x))


def test_models_without_a_stem_stride_stay_format_one_and_older_files_load(saved, tmp_path):
    path, model, metadata = saved
    assert metadata.format_version == 1 and metadata.stem_stride == 1
    older = json.loads(_metadata(small_input=True).to_json())
    del older["stem_stride"]  # written before the stem had a stride
    old = _write_raw(tmp_path / "old.safetensors", _model(small_input=True), json.dumps(older))
    loaded, meta = load_model(old)
    assert meta.stem_stride == 1 and loaded.conv1.stride == (1, 1)


def test_file_is_plain_safetensors_with_metadata_in_the_header(saved):
    path, model, metadata = saved
    from safetensors import safe_open

    with safe_open(str(path), framework="pt") as reader:
        header = reader.metadata()
        assert set(reader.keys()) == set(model.state_dict())
    assert set(header) == {modelfile.METADATA_KEY}
    assert json.loads(header[modelfile.METADATA_KEY])["class_names"] == list(CLASSES)
    assert read_metadata(path) == metadata


def test_suffix_added_and_no_temp_files_left(tmp_path):
    path = save_model(tmp_path / "plain", _model(), _metadata())
    assert path.name == "plain.safetensors"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["plain.safetensors"]


def test_shared_tensors_are_stored_once_and_non_contiguous_ones_saved():
    class Tied(nn.Module):
        def __init__(self):
            super().__init__()
            self.a = nn.Linear(4, 4)
            self.b = nn.Linear(4, 4)
            self.b.weight = self.a.weight
            self.register_buffer("t", torch.arange(12.0).reshape(3, 4).t())  # non-contiguous

    tensors, aliases = modelfile_writer._tensors_for_save(Tied())
    assert aliases == {"b.weight": "a.weight"}
    assert set(tensors) == {"a.weight", "a.bias", "b.bias", "t"}
    assert all(t.is_contiguous() for t in tensors.values())
    assert torch.equal(tensors["t"], torch.arange(12.0).reshape(3, 4).t())


def test_save_refuses_head_that_disagrees_with_class_names(tmp_path):
    with pytest.raises(ValueError, match="3 outputs.*4 class names"):
        save_model(tmp_path / "m.safetensors", _model(), _metadata(classes=("a", "b", "c", "d")))
    assert list(tmp_path.iterdir()) == []


# ----------------------------------------------------------------------------------- atomic


def test_failed_save_leaves_previous_file_loadable_and_no_temp(tmp_path, monkeypatch, saved):
    path = tmp_path / "pets.safetensors"
    original, metadata = _model(seed=1), _metadata()
    save_model(path, original, metadata)
    before = path.read_bytes()

    import safetensors.torch

    def write_half_then_fail(tensors, filename, metadata=None):
        Path(filename).write_bytes(b"\x10\x00\x00\x00\x00\x00\x00\x00{half a file")
        raise RuntimeError("disk pulled out mid-save")

    monkeypatch.setattr(safetensors.torch, "save_file", write_half_then_fail)
    with pytest.raises(RuntimeError, match="mid-save"):
        save_model(path, _model(seed=2), metadata)
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == [path.name]
    loaded, _ = load_model(path)
    x = torch.randn(1, 3, 32, 32)
    with torch.inference_mode():
        assert torch.equal(loaded(x), original(x))


def test_failed_rename_leaves_previous_file_and_no_temp(tmp_path, monkeypatch):
    path = save_model(tmp_path / "m.safetensors", _model(seed=1), _metadata())
    before = path.read_bytes()

    def broken_replace(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(modelfile_writer.os, "replace", broken_replace)
    with pytest.raises(DiskWriteError, match="The disk is full: writing .*m.safetensors"):
        save_model(path, _model(seed=2), _metadata())
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == [path.name]


def test_save_into_missing_folder_is_a_clear_error(tmp_path):
    with pytest.raises(ModelFileError, match="does not exist"):
        save_model(tmp_path / "nope" / "m.safetensors", _model(), _metadata())


# ---------------------------------------------------------------------------- refusals


def test_truncated_file_is_refused(tmp_path, saved):
    data = saved[0].read_bytes()
    for cut, reason in ((len(data) // 2, "truncated"), (200, "not a Backbone Studio model"),
                        (5, "truncated"), (0, "empty")):  # fmt: skip
        path = tmp_path / f"cut{cut}.safetensors"
        path.write_bytes(data[:cut])
        with pytest.raises(ModelFileError, match=reason) as info:
            load_model(path)
        assert str(path) in str(info.value)


def test_random_bytes_are_refused(tmp_path):
    path = tmp_path / "noise.safetensors"
    path.write_bytes(bytes(torch.randint(0, 256, (4096,), generator=torch.Generator().manual_seed(3)).tolist()))
    with pytest.raises(ModelFileError, match="not a Backbone Studio model") as info:
        load_model(path)
    assert str(path) in str(info.value)


def test_huge_header_length_is_refused_before_reading(tmp_path, monkeypatch):
    path = tmp_path / "huge.safetensors"
    with open(path, "wb") as handle:  # a sparse 300 MB file announcing a 200 MB header
        handle.write(struct.pack("<Q", 200 * 2**20) + b"{")
        handle.truncate(300 * 2**20)
    reads: list[int] = []
    real_open = modelfile_reader.open_for_reading  # the reader opens files through core.fileio

    class Recorder:
        def __init__(self, handle):
            self._handle = handle

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            self._handle.close()

        def read(self, n=-1):
            reads.append(n)
            return self._handle.read(n)

    monkeypatch.setattr(modelfile_reader, "open_for_reading",
                        lambda *args: Recorder(real_open(*args)))  # fmt: skip
    with pytest.raises(ModelFileError, match="header") as info:
        load_model(path)
    assert str(path) in str(info.value)
    assert reads == [8]  # only the length was read, never the 200 MB


def test_non_json_header_is_refused(tmp_path):
    path = tmp_path / "bad.safetensors"
    body = b"\xff\xfe not json at all"
    path.write_bytes(struct.pack("<Q", len(body)) + body + b"\x00" * 64)
    with pytest.raises(ModelFileError, match="not valid JSON"):
        load_model(path)


@pytest.mark.parametrize("how", ["torch.save", "pickle"])
def test_pickle_checkpoint_is_refused_without_running_code(tmp_path, how):
    sentinel = tmp_path / "SENTINEL"
    path = tmp_path / "weights.pth"
    payload = _sentinel_payload(sentinel)
    if how == "torch.save":
        torch.save(payload, path)
    else:
        with open(path, "wb") as handle:
            pickle.dump(payload, handle, protocol=2)
    for call in (load_model, read_metadata):
        with pytest.raises(ModelFileError) as info:
            call(path)
        message = str(info.value)
        assert "PyTorch pickle checkpoint" in message
        assert "import it as backbone weights instead" in message
        assert str(path) in message
    assert not sentinel.exists()


def test_safetensors_without_our_metadata_is_refused(tmp_path):
    path = tmp_path / "foreign.safetensors"
    save_file({"w": torch.zeros(3)}, str(path), metadata={"format": "pt"})
    with pytest.raises(ModelFileError, match="not a Backbone Studio model.*import it as backbone"):
        load_model(path)


def _write_raw(path: Path, model: nn.Module, metadata_json: str) -> Path:
    tensors = {k: v.contiguous() for k, v in model.state_dict().items()}
    save_file(tensors, str(path), metadata={modelfile.METADATA_KEY: metadata_json})
    return path


def test_class_count_mismatch_names_both_numbers(tmp_path):
    meta = json.loads(_metadata().to_json())
    meta["class_names"] = ["a", "b", "c", "d"]
    path = _write_raw(tmp_path / "m.safetensors", _model(), json.dumps(meta))
    with pytest.raises(ModelFileError) as info:
        load_model(path)
    message = str(info.value)
    assert "3 outputs" in message and "4 class names" in message and str(path) in message


def test_shape_mismatch_names_the_tensor(tmp_path):
    meta = json.loads(_metadata(small_input=True).to_json())
    meta["small_input"] = False  # the file has the 3x3 stem, the metadata claims the 7x7 one
    path = _write_raw(tmp_path / "m.safetensors", _model(small_input=True), json.dumps(meta))
    with pytest.raises(ModelFileError, match=r"conv1\.weight.*\(64, 3, 3, 3\)"):
        load_model(path)


def test_missing_tensor_is_refused(tmp_path):
    state = {k: v.contiguous() for k, v in _model().state_dict().items() if k != "layer1.0.bn1.running_var"}
    path = tmp_path / "m.safetensors"
    save_file(state, str(path), metadata={modelfile.METADATA_KEY: _metadata().to_json()})
    with pytest.raises(ModelFileError, match="missing.*layer1.0.bn1.running_var"):
        load_model(path)


@pytest.mark.parametrize(
    "change, reason",
    [
        ({"format_version": 99}, "newer Backbone Studio"),
        ({"stem_stride": 3}, "stem_stride"),
        ({"backbone": "resnet9000"}, "resnet9000"),
        ({"class_names": []}, "damaged"),
        ({"mean": [0.5]}, "damaged"),
    ],
)
def test_bad_metadata_is_refused(tmp_path, change, reason):
    meta = json.loads(_metadata().to_json())
    meta.update(change)
    path = _write_raw(tmp_path / "m.safetensors", _model(), json.dumps(meta))
    with pytest.raises(ModelFileError, match=reason):
        load_model(path)


def test_non_finite_weights_are_refused(tmp_path):
    model = copy.deepcopy(_model())
    with torch.no_grad():
        model.fc.weight[0, 0] = float("nan")
    path = save_model(tmp_path / "nan.safetensors", model, _metadata())
    with pytest.raises(ModelFileError, match="non-finite"):
        load_model(path)


def test_missing_file_and_folder(tmp_path):
    with pytest.raises(ModelFileError, match="does not exist"):
        load_model(tmp_path / "nothing.safetensors")
    with pytest.raises(ModelFileError, match="is a folder"):
        load_model(tmp_path)


def test_metadata_json_round_trip():
    metadata = _metadata()
    again = ModelMetadata.from_json(metadata.to_json())
    assert again == metadata and isinstance(again.class_names, tuple)
