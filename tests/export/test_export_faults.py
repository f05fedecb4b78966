"""What goes wrong: a full disk, an operator ONNX cannot express, an export that disagrees with
PyTorch, an INT8 model that loses accuracy, a missing runtime, a cancel. Each says what happened
and leaves nothing half-written."""

from __future__ import annotations

import errno

import numpy as np
import pytest
import torch

from core.errors import DiskWriteError
from core.events import CancelToken
from core.export import ExportError, ExportRequest, export_model, parse_formats, verify
from core.export import formats as formats_module
from core.fileio import inject_write_fault


def _request(tiny_model, data, out, names="pt2", **kw) -> ExportRequest:
    model, metadata = tiny_model
    return ExportRequest(model, metadata, out, parse_formats(names), data, **kw)


def _nothing_left(folder) -> None:
    assert list(folder.iterdir()) == [], list(folder.iterdir())


@pytest.mark.parametrize("file", ["model.pt2", "MODEL_CARD.md"])
def test_a_full_disk_leaves_nothing_behind(tmp_path, tiny_model, export_data, file):
    out = tmp_path / "export"
    with inject_write_fault(errno.ENOSPC, match=file) as fault:
        with pytest.raises(DiskWriteError, match="The disk is full") as info:
            export_model(_request(tiny_model, export_data, out))
    assert fault.failed and file in str(info.value)
    _nothing_left(tmp_path)
    export_model(_request(tiny_model, export_data, out))  # the disk is fine again
    assert (out / "model.pt2").is_file()


class _Eig(torch.nn.Module):
    """Eigenvalues: an operator the ONNX exporter has no translation for."""

    def forward(self, x):
        values = torch.linalg.eigvals(x[:, 0, :3, :3]).real
        return values


def test_an_operator_onnx_cannot_express_is_named(tmp_path, tiny_model, export_data):
    _, metadata = tiny_model
    request = ExportRequest(_Eig(), metadata, tmp_path / "export", parse_formats("onnx"),
                            export_data)  # fmt: skip
    with pytest.raises(ExportError, match=r"ONNX cannot express the operator aten.linalg_eig"):
        export_model(request)
    _nothing_left(tmp_path)


def test_an_export_that_disagrees_fails_showing_the_worst_images(
    tmp_path, tiny_model, export_data, monkeypatch
):
    real = verify.run_runtime

    def shuffled(path, inputs, chunk=32):  # a broken conversion: another image's answers
        return np.roll(real(path, inputs, chunk), 1, axis=0) * 3.0

    monkeypatch.setattr(verify, "run_runtime", shuffled)
    with pytest.raises(ExportError) as info:
        export_model(_request(tiny_model, export_data, tmp_path / "export"))
    text = str(info.value)
    assert "disagrees with PyTorch" in text and "Nothing was written" in text
    assert "PyTorch says" in text and str(export_data) in text  # the worst images, by name
    _nothing_left(tmp_path)


def test_int8_that_loses_accuracy_is_refused_unless_forced(
    tmp_path, tiny_model, export_data, monkeypatch
):
    monkeypatch.setattr(verify, "INT8_MAX_DROP", -1.0)  # any change is too much
    seen = []
    report = export_model(_request(tiny_model, export_data, tmp_path / "a", "onnx,int8"),
                          progress=lambda f, s: seen.append((f, s)))  # fmt: skip
    assert report.refused == ["int8"] and ("int8", "refused") in seen
    assert (tmp_path / "a" / "model.onnx").is_file()
    assert not (tmp_path / "a" / "model.int8.onnx").exists()
    assert "refused" in (tmp_path / "a" / "MODEL_CARD.md").read_text()
    forced = export_model(_request(tiny_model, export_data, tmp_path / "b", "onnx,int8",
                                   force=True))  # fmt: skip
    assert forced.refused == [] and (tmp_path / "b" / "model.int8.onnx").is_file()
    int8 = next(c for c in forced.checks if c.format == "int8")
    assert int8.accuracy is not None and int8.images > 0


def test_a_missing_runtime_says_how_to_get_it(tmp_path, tiny_model, export_data, monkeypatch):
    real = formats_module.importlib.util.find_spec
    monkeypatch.setattr(formats_module.importlib.util, "find_spec",
                        lambda name: None if name == "openvino" else real(name))  # fmt: skip
    with pytest.raises(ExportError, match=r"OpenVINO IR needs openvino: pip install"):
        export_model(_request(tiny_model, export_data, tmp_path / "export", "openvino"))
    _nothing_left(tmp_path)


def test_unknown_formats_are_explained_and_aliases_taken():
    with pytest.raises(ExportError, match="Unknown export format 'tflite'"):
        parse_formats("onnx,tflite")
    assert [f.name for f in parse_formats("torchscript, ONNX,onnx")] == ["onnx", "pt2"]
    assert [f.name for f in parse_formats(["coreml", "ov"])] == ["openvino", "coreml"]


def test_a_cancelled_export_writes_nothing(tmp_path, tiny_model, export_data):
    token = CancelToken()
    token.cancel()
    with pytest.raises(ExportError, match="cancelled"):
        export_model(_request(tiny_model, export_data, tmp_path / "export", cancel=token))
    _nothing_left(tmp_path)


def test_a_verification_folder_without_images_is_refused(tmp_path, tiny_model):
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(ExportError, match="holds no images"):
        export_model(_request(tiny_model, empty, tmp_path / "export"))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["empty"]
