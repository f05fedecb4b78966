"""`backbone-studio-cli export`: a real export of a model file, and the refusals (exit 2); and
`predict --runtime onnxruntime`."""

from __future__ import annotations

import json

from core.cli import main
from core.modelfile import load_model, save_model


def run(capsys, *argv) -> tuple[int, str, str]:
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_export_a_model_file_verified_on_its_training_folder(capsys, tmp_path, resnet_file):
    out = tmp_path / "exported"
    code, stdout, stderr = run(capsys, "export", resnet_file, "--format", "torchscript",
                               "--out", out)  # fmt: skip
    assert code == 0, stderr
    assert "verifying on the training folder recorded in the model" in stderr
    assert "pt2: verifying in its runtime" in stderr
    assert "max |Δ logit|" in stdout and "top-1 agree" in stdout and "100.0%" in stdout
    assert f"Exported to {out}" in stdout
    record = json.loads((out / "verification.json").read_text())
    assert record["formats"][0]["format"] == "pt2" and record["formats"][0]["passed"]
    card = (out / "MODEL_CARD.md").read_text()
    assert "source: tiny.safetensors" in card  # the exported model file's hash


def test_an_existing_folder_is_refused(capsys, tmp_path, resnet_file, export_data):
    out = tmp_path / "exported"
    out.mkdir()
    (out / "mine.txt").write_text("keep me")
    code, _, stderr = run(capsys, "export", resnet_file, "--format", "pt2", "--out", out,
                          "--verify", export_data)  # fmt: skip
    assert code == 2 and "already exists" in stderr and "--replace" in stderr
    assert (out / "mine.txt").read_text() == "keep me"


def test_bad_format_and_no_images_are_usage_errors(capsys, tmp_path, resnet_file):
    code, _, stderr = run(capsys, "export", resnet_file, "--format", "onnx,keras",
                          "--out", tmp_path / "x")  # fmt: skip
    assert code == 2 and "Unknown export format 'keras'" in stderr
    model, metadata = load_model(resnet_file)
    unknown = metadata.__class__(**{**metadata.__dict__, "metrics": {}})
    bare = save_model(tmp_path / "bare.safetensors", model, unknown)
    code, _, stderr = run(capsys, "export", bare, "--out", tmp_path / "y")
    assert code == 2 and "--verify DIR" in stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bare.safetensors"]


def test_cli_predict_with_onnx_runtime(capsys, resnet_file, export_data, tmp_path, monkeypatch):
    """`--runtime onnxruntime` checks ONNX Runtime on the job's images and caches the proof;
    the default (auto) then classifies with it at once, with the same table, label for label."""
    from core.export import proof

    monkeypatch.setenv("BACKBONE_STUDIO_CACHE", str(tmp_path / "cache"))
    monkeypatch.setattr(proof, "FASTER", 0.0)  # faster or not is measured per machine: pinned
    images = sorted(export_data.rglob("*.jpg"))
    code = main(["predict", str(resnet_file), *map(str, images), "--runtime", "torch"])
    plain, err = capsys.readouterr()
    assert code == 0 and err == ""
    code = main(["predict", str(resnet_file), *map(str, images), "--runtime", "onnxruntime"])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert "Checking ONNX Runtime against PyTorch" in err
    assert "the same answer as PyTorch on 30 of 30 images checked" in err
    assert out == plain
    code = main(["predict", str(resnet_file), str(images[0])])  # auto: the cached proof
    out, err = capsys.readouterr()
    assert code == 0 and "Checking" not in err
    assert "Classifying with ONNX Runtime:" in err and "30 of 30" in err
    before = [line for line in plain.splitlines() if images[0].name in line][0]
    assert out.splitlines()[-1].split() == before.split()
