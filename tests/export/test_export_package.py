"""One export of every format, verified against PyTorch: the folder, its files, the numbers."""

from __future__ import annotations

import json

import numpy as np
import pytest
import torch

from core.export import ExportError, ExportRequest, export_model, parse_formats, standalone, verify


def test_every_format_is_written_and_proven(exported, tiny_model):
    out, report, seen = exported
    files = sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file())
    assert files == ["MODEL_CARD.md", "README.md", "labels.txt", "model.int8.onnx", "model.onnx",
                     "model.pt2", "openvino/model.bin", "openvino/model.xml", "predict.py",
                     "preprocess.json", "verification.json"]  # fmt: skip
    assert [c.format for c in report.checks] == ["onnx", "int8", "openvino", "pt2"]
    for name in ("onnx", "int8", "openvino", "pt2"):
        assert [s for f, s in seen if f == name] == ["exporting", "verifying", "done"]
    fp32 = [c for c in report.checks if c.format != "int8"]
    assert all(c.passed and c.agreement >= 0.995 and c.max_abs_diff < 1e-3 for c in fp32)
    # the images are the training folder's validation part (same seed and fraction)
    assert all(c.images == 6 for c in report.checks) and "validation images" in report.images
    assert report.preprocessing_delta < 1e-5  # the stand-alone loader gives our pixels
    # nothing left beside the export: no temporary folder
    assert sorted(p.name for p in out.parent.iterdir()) == ["everything"]


def test_the_answers_are_varied_so_agreement_means_something(exported):
    out, report, _ = exported
    record = json.loads((out / "verification.json").read_text())
    onnx_row = next(r for r in record["formats"] if r["format"] == "onnx")
    assert onnx_row["reference_accuracy"] is not None and 0 < onnx_row["images"]
    worst = onnx_row["worst"]
    assert len({row[1] for row in worst}) >= 2, "the tiny model answers one class only"


def test_onnx_carries_its_preprocessing_and_a_dynamic_batch(exported, tiny_model):
    import onnx
    import onnxruntime as ort

    out, _, _ = exported
    _, metadata = tiny_model
    proto = onnx.load(str(out / "model.onnx"))
    assert max(o.version for o in proto.opset_import if o.domain in ("", "ai.onnx")) >= 17
    props = {p.key: p.value for p in proto.metadata_props}
    assert json.loads(props["class_names"]) == list(metadata.class_names)
    assert json.loads(props["input_size"]) == 24 and json.loads(props["resize"]) == 27
    assert json.loads(props["mean"]) == pytest.approx(list(metadata.mean))
    assert json.loads(props["temperature"]) == 1.0 and props["review_threshold"] == "null"
    session = ort.InferenceSession(str(out / "model.onnx"), providers=["CPUExecutionProvider"])
    for n in (1, 5):
        x = np.random.default_rng(n).standard_normal((n, 3, 24, 24)).astype(np.float32)
        assert session.run(None, {"input": x})[0].shape == (n, 3)


def test_each_runtime_matches_pytorch_on_fresh_input(exported, tiny_model):
    out, _, _ = exported
    model, _ = tiny_model
    x = np.random.default_rng(7).standard_normal((4, 3, 24, 24)).astype(np.float32)
    with torch.no_grad():
        expected = model(torch.from_numpy(x)).numpy()
    for name in ("model.onnx", "openvino/model.xml", "model.pt2"):
        got = standalone.Runtime(out / name).logits(x)
        assert np.abs(got - expected).max() < 1e-3, name


def test_readme_card_and_config(exported, tiny_model):
    out, report, _ = exported
    _, metadata = tiny_model
    config = json.loads((out / "preprocess.json").read_text())
    assert config["input_size"] == 24 and config["resize"] == 27
    assert (out / "labels.txt").read_text().split() == list(metadata.class_names)
    readme = (out / "README.md").read_text()
    assert "pip install onnxruntime numpy pillow" in readme and "python predict.py" in readme
    card = (out / "MODEL_CARD.md").read_text()
    for needle in ("## What it recognises", "## Known weak spots", "## Intended use",
                   "onnxruntime", "## Export verification", "model.onnx"):  # fmt: skip
        assert needle in card, needle
    assert report.files["model.onnx"] in card  # the file's hash
    assert (out / "predict.py").read_text() == open(standalone.__file__).read()


def test_an_existing_folder_is_never_overwritten(exported, tiny_model, export_data):
    out, _, _ = exported
    before = (out / "model.onnx").read_bytes()
    model, metadata = tiny_model
    request = ExportRequest(model, metadata, out, parse_formats("pt2"), export_data)
    with pytest.raises(ExportError, match="already exists"):
        export_model(request)
    assert (out / "model.onnx").read_bytes() == before


def test_replace_puts_the_new_export_in_place(tmp_path, tiny_model, export_data):
    model, metadata = tiny_model
    out = tmp_path / "export"
    out.mkdir()
    (out / "old.txt").write_text("an older export")
    request = ExportRequest(model, metadata, out, parse_formats("pt2"), export_data, replace=True)
    export_model(request)
    assert not (out / "old.txt").exists() and (out / "model.pt2").is_file()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["export"]


def test_images_without_class_folders_verify_by_agreement(tmp_path, tiny_model, export_data):
    model, metadata = tiny_model
    loose = tmp_path / "loose"
    loose.mkdir()
    for i, path in enumerate(sorted(export_data.rglob("*.jpg"))[:7]):
        (loose / f"{i}.jpg").write_bytes(path.read_bytes())
    images = verify.collect_images(loose, metadata)
    assert images.labels is None and len(images.paths) == 7 and len(images.calibration) == 7
    ref = verify.reference(model, metadata, images)
    check = verify.compare(parse_formats("onnx")[0], ref, ref.logits + 1e-6,
                           metadata.class_names)  # fmt: skip
    assert check.passed and check.accuracy is None and check.agreement == 1.0
