"""The model card: its content, embedded in the model file, written beside every saved model;
older model files (without a card) still load."""

from __future__ import annotations

import dataclasses
import json

import torch

from core.export.card import card_path, data_summary, render_card, save_with_card, sha256_of
from core.modelfile import load_model, read_metadata, save_model
from core.training.result import FitResult


def _trained_looking(metadata):
    names = metadata.class_names
    metrics = {
        "val_accuracy": 0.75, "best_epoch": 3, "epochs_completed": 4, "num_train": 45,
        "num_val": 12, "class_counts": {names[0]: 30, names[1]: 12, names[2]: 3},
        "data_fingerprint": "f" * 64,
        "per_class": [{"name": n, "precision": 0.8, "recall": 0.7, "f1": 0.75, "support": 4}
                      for n in names],
        "confusion": [[4, 0, 0], [3, 1, 0], [1, 0, 3]],
    }  # fmt: skip
    return dataclasses.replace(metadata, metrics=metrics,
                               train_config={"strategy": "full", "seed": 0, "epochs": 4})  # fmt: skip


def test_the_card_says_what_it_knows_and_where_it_is_weak(tiny_model):
    _, metadata = tiny_model
    card = render_card(_trained_looking(metadata), title="shapes",
                       hashes={"model.onnx": "ab" * 32}, versions={"onnxruntime": "1.31.1"})  # fmt: skip
    a, b, c = metadata.class_names
    assert card.startswith("# Model card: shapes")
    assert f"| {a} | 30 | 4 | 80.0 % | 70.0 % | 75.0 % |" in card
    assert f"**{c}** has only 3 training images" in card and f"**{b}** has only 12" in card
    assert f"**{b}** is taken for **{a}** (3 validation images)" in card  # most confused first
    assert card.index(f"**{b}** is taken") < card.index(f"**{c}** is taken")
    for needle in ("f" * 64, "Accuracy: 75.0 % at epoch 3 of 4", "Calibration temperature: 1 (",
                   "Review threshold: not set", "## Intended use", "- onnxruntime: 1.31.1",
                   "`model.onnx`: " + "ab" * 32, "- Strategy: full"):  # fmt: skip
        assert needle in card, needle


def test_calibration_fields_are_read_when_present(tiny_model):
    _, metadata = tiny_model
    fields = {f.name for f in dataclasses.fields(metadata)}
    if not {"temperature", "review_threshold"} <= fields:  # pragma: no cover - before calibration
        return
    calibrated = dataclasses.replace(metadata, temperature=1.7, review_threshold=0.62)
    card = render_card(calibrated)
    assert "Calibration temperature: 1.7" in card and "Review threshold: 0.62" in card


def test_a_saved_model_carries_its_card_and_gets_one_beside_it(tmp_path, tiny_model):
    from core.backbones import build_model

    _, metadata = tiny_model
    model = build_model("resnet18", 3, small_input=True).eval()
    path = save_with_card(tmp_path / "shapes.safetensors", model, _trained_looking(metadata))
    embedded = read_metadata(path).model_card
    assert embedded.startswith("# Model card: shapes") and "## Known weak spots" in embedded
    beside = card_path(path)
    assert beside.name == "shapes.MODEL_CARD.md"
    assert f"`shapes.safetensors`: {sha256_of(path)}" in beside.read_text()
    loaded, meta = load_model(path)
    assert meta.model_card == embedded


def test_fit_result_save_writes_the_card(tmp_path, tiny_model):
    from core.backbones import build_model

    _, metadata = tiny_model
    model = build_model("resnet18", 3, small_input=True).eval()
    result = FitResult("finished", "", model, _trained_looking(metadata))
    saved = result.save(tmp_path / "fit")
    assert saved.name == "fit.safetensors" and (tmp_path / "fit.MODEL_CARD.md").is_file()
    assert read_metadata(saved).model_card


def test_an_older_file_without_a_card_still_loads(tmp_path, tiny_model):
    from core.backbones import build_model

    _, metadata = tiny_model
    model = build_model("resnet18", 3, small_input=True).eval()
    path = save_model(tmp_path / "old.safetensors", model, metadata)
    header_len = int.from_bytes(path.read_bytes()[:8], "little")
    header = json.loads(path.read_bytes()[8:8 + header_len])
    stored = json.loads(header["__metadata__"]["backbone_studio"])
    stored.pop("model_card", None)  # as an older app wrote it
    header["__metadata__"]["backbone_studio"] = json.dumps(stored)
    raw = json.dumps(header).encode()
    raw += b" " * (-len(raw) % 8)
    data = path.read_bytes()[8 + header_len:]
    path.write_bytes(len(raw).to_bytes(8, "little") + raw + data)
    loaded, meta = load_model(path)
    assert meta.model_card == "" and isinstance(loaded, torch.nn.Module)


def test_data_summary_counts_and_fingerprints_the_images(export_data):
    from core.dataset import DatasetIndex, Sample, split_index

    names = sorted(p.name for p in export_data.iterdir())
    samples = [Sample(p, names.index(p.parent.name)) for p in sorted(export_data.rglob("*.jpg"))]
    train, val = split_index(DatasetIndex(export_data, names, samples), 0.2, 0)
    summary = data_summary(train, val, names)
    assert summary["class_counts"] == {n: 8 for n in names}
    assert summary["data_folder"] == str(export_data)
    again = data_summary(train, val, names)["data_fingerprint"]
    assert again == summary["data_fingerprint"]
    fewer = data_summary(train[1:], val, names)["data_fingerprint"]
    assert fewer != summary["data_fingerprint"]
