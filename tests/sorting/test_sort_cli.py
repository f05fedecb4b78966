"""`backbone-studio-cli sort`: the options, the summary, the exit statuses."""

from __future__ import annotations

from sort_helpers import write_photos

from core.cli import main
from core.sorting import MANIFEST_NAME, read_manifest


def test_cli_sort_copies_by_default_and_resumes(capsys, model_file, tmp_path):
    source = tmp_path / "inbox"
    files = write_photos(source, 5)
    dest = tmp_path / "sorted"
    args = ["sort", str(source), str(dest), "--model", str(model_file), "--device", "cpu"]
    assert main(args) == 0
    out = capsys.readouterr().out
    assert "Sorted: 5 images" in out and MANIFEST_NAME in out
    rows = read_manifest(dest / MANIFEST_NAME)
    assert sorted(r.source for r in rows) == sorted(str(p) for p in files)
    assert all(p.exists() for p in files)  # copied
    assert main(args + ["--threshold", "1"]) == 0  # nothing new: all already sorted
    assert "5 already sorted before" in capsys.readouterr().out


def test_cli_sort_usage_errors(capsys, model_file, tmp_path):
    source = tmp_path / "inbox"
    write_photos(source, 1)
    base = ["sort", str(source), str(tmp_path / "out"), "--model", str(model_file)]
    assert main(base + ["--threshold", "1.5"]) == 2
    assert "from 0 to 1" in capsys.readouterr().err
    assert main(base + ["--copy", "--move"]) == 2  # one way at a time
    capsys.readouterr()
    assert main(["sort", str(tmp_path / "nope"), str(tmp_path / "out"), "--model",
                 str(model_file), "--device", "cpu"]) == 2  # fmt: skip
    assert "not a folder" in capsys.readouterr().err


def test_cli_sort_takes_a_target_accuracy(capsys, model_file, tmp_path):
    """`--threshold 98%`: the threshold read from the model's validation curve; a model
    without one says so and nothing is sorted."""
    import dataclasses

    from core.calibration import CurvePoint
    from core.modelfile import load_model, save_model
    from core.predict import Classifier
    from core.sorting.sorter import _classifier_for

    source = tmp_path / "inbox"
    write_photos(source, 2)
    base = ["sort", str(source), str(tmp_path / "out"), "--model", str(model_file)]
    assert main(base + ["--threshold", "98%", "--device", "cpu"]) == 2
    assert "no validation curve" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()
    assert main(base + ["--threshold", "120%"]) == 2
    assert "0% to 100%" in capsys.readouterr().err

    model, metadata = load_model(model_file)
    curve = [CurvePoint(0.9, 0.5, 0.99), CurvePoint(0.7, 0.8, 0.96), CurvePoint(0.3, 1.0, 0.9)]
    calibrated = dataclasses.replace(
        metadata, metrics={**metadata.metrics, "calibration": {"curve": [p.to_list() for p in curve]}})
    path = save_model(tmp_path / "calibrated.safetensors", model, calibrated)
    classifier = Classifier.load(path, device="cpu")
    assert _classifier_for(classifier, "98%").review.threshold == 0.9
    assert _classifier_for(classifier, "95%").review.threshold == 0.7
    assert classifier.review.threshold == 0.5  # the caller's classifier keeps its own
    args = ["sort", str(source), str(tmp_path / "out2"), "--model", str(path), "--device", "cpu"]
    assert main(args + ["--threshold", "95%"]) == 0


def test_cli_sort_on_onnx_runtime_sorts_the_same(capsys, model_file, tmp_path, monkeypatch):
    """`sort --runtime onnxruntime`: the same classes and "not sure" choices as PyTorch (the
    runtime is used only once it agreed with PyTorch on the photos), said on stderr."""
    monkeypatch.setenv("BACKBONE_STUDIO_CACHE", str(tmp_path / "cache"))
    source = tmp_path / "inbox"
    write_photos(source, 6)
    placed = {}
    for runtime in ("torch", "onnxruntime"):
        dest = tmp_path / runtime
        assert main(["sort", str(source), str(dest), "--model", str(model_file), "--device",
                     "cpu", "--runtime", runtime]) == 0  # fmt: skip
        err = capsys.readouterr().err
        placed[runtime] = sorted((r.source, r.destination) for r in read_manifest(dest / MANIFEST_NAME))
    assert "Classifying with ONNX Runtime: the same answer as PyTorch on 6 of 6" in err
    assert placed["torch"] == placed["onnxruntime"]
