"""The command-line interface, called in-process: output, files written, exit codes, messages."""

from __future__ import annotations

import csv
import os
import re
import signal
from pathlib import Path

import pytest
import torch

from core import backbones
from core.cli import main
from core.cli import train as cli_train
from core.demo import make_demo_dataset
from core.events import CancelToken
from core.modelfile import load_model, new_metadata, save_model
from core.predict import Classifier, expand_paths


@pytest.fixture(autouse=True)
def _one_thread():
    # Small forwards on the shared 2-core machine run ~10x faster on one intra-op thread.
    torch.set_num_threads(1)


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> Path:
    """3 classes x 6 generated images, plus one unreadable file and one hidden file."""
    root = make_demo_dataset(tmp_path_factory.mktemp("data") / "demo", classes=3, per_class=6, size=32)
    classes = sorted(p.name for p in root.iterdir())
    (root / classes[0] / "broken.jpg").write_bytes(b"\xff\xd8\xff\xe0 not really a jpeg")
    (root / classes[1] / ".DS_Store").write_bytes(b"\x00\x00\x00\x01Bud1")
    return root


@pytest.fixture(scope="module")
def model_file(tmp_path_factory, demo) -> Path:
    classes = sorted(p.name for p in demo.iterdir())
    torch.manual_seed(0)
    model = backbones.build_model("resnet18", len(classes)).eval()
    spec = backbones.get_spec("resnet18")
    metadata = new_metadata("resnet18", classes, 32, spec.mean, spec.std)
    return save_model(tmp_path_factory.mktemp("model") / "demo.safetensors", model, metadata)


def run(capsys, *argv) -> tuple[int, str, str]:
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return code, out, err


# ----------------------------------------------------------------------------- listings


def test_backbones_table(capsys, tmp_path, monkeypatch):
    monkeypatch.setenv("TORCH_HOME", str(tmp_path / "hub"))
    code, out, _ = run(capsys, "backbones")
    assert code == 0
    rows = {line.split()[0]: line for line in out.splitlines()[2:]}
    assert set(rows) == {spec.name for spec in backbones.BACKBONES}
    assert re.search(r"resnet18\s+ResNet\s+11\.7\s+1\.81\s+224/32\s+yes\s+downloadable$", rows["resnet18"])
    assert rows["alexnet"].split()[4] == "224/63"
    assert rows["resnet50_gn"].endswith("none")

    from weights_helpers import fake_pretrained

    fake_pretrained("mobilenet_v3_small")
    _, out, _ = run(capsys, "backbones")
    assert re.search(r"^mobilenet_v3_small .* cached$", out, re.M)


def test_devices_table(capsys):
    code, out, _ = run(capsys, "devices")
    assert code == 0
    cpu = next(line for line in out.splitlines() if line.startswith("cpu "))
    assert str(torch.get_num_threads()) in cpu.split() or "threads" in out
    assert re.search(r"\b(fp32|bf16)\b", cpu)


def test_scan_reports_counts_problems_and_ignored(capsys, demo):
    code, out, _ = run(capsys, "scan", demo)
    assert code == 0
    classes = sorted(p.name for p in demo.iterdir())
    for name in classes:
        assert re.search(rf"^{name}\s+6$", out, re.M), out
    assert re.search(r"^total\s+18$", out, re.M)
    assert "1 file cannot be used" in out and "broken.jpg:" in out
    assert "ignored: 1 file " in out


# ---------------------------------------------------------------------------------- predict


def test_predict_table_and_csv_with_unreadable_row(capsys, demo, model_file, tmp_path):
    csv_path = tmp_path / "out.csv"
    code, out, err = run(capsys, "predict", model_file, demo, "--top-k", "2", "--csv", csv_path,
                         "--device", "cpu")  # fmt: skip
    assert code == 0
    files = expand_paths(demo)
    assert len(files) == 19  # 18 images + broken.jpg (the hidden .DS_Store is skipped)
    with open(csv_path, newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert [r["file"] for r in rows] == [str(p) for p in files]
    assert set(rows[0]) == {"file", "label", "confidence", "top_k", "error", "not_sure",
                            "none_of_these"}
    broken = [r for r in rows if r["file"].endswith("broken.jpg")]
    assert len(broken) == 1 and broken[0]["error"] and broken[0]["label"] == ""
    classifier = Classifier.load(model_file, device="cpu")
    for row, expected in zip(rows, classifier.predict(files, top_k=2), strict=True):
        if expected.error is None:
            assert row["label"] == expected.label and row["error"] == ""
            assert float(row["confidence"]) == pytest.approx(expected.confidence, abs=1e-6)
            assert len(row["top_k"].split(";")) == 2
    # the table on stdout has one line per file; the summary of failures goes to stderr
    assert sum(str(p) in out for p in files) == 19
    assert "1 of 19 files could not be read" in err


def test_predict_without_images_and_all_unreadable(capsys, model_file, tmp_path):
    (tmp_path / "empty").mkdir()
    code, _, err = run(capsys, "predict", model_file, tmp_path / "empty")
    assert code == 2 and "No images found" in err
    bad = tmp_path / "bad.png"
    bad.write_bytes(b"nope")
    code, out, err = run(capsys, "predict", model_file, bad)
    assert code == 1 and "error:" in out and "1 of 1" in err


def test_predict_with_imagenet_weights(capsys, demo, tmp_path, monkeypatch):
    monkeypatch.setenv("TORCH_HOME", str(tmp_path / "hub"))
    code, _, err = run(capsys, "predict", "imagenet:mobilenet_v3_small", demo)
    assert code == 2 and "not on this computer" in err

    from weights_helpers import fake_pretrained

    fake_pretrained("mobilenet_v3_small")
    image = next(p for p in expand_paths(demo) if p.name != "broken.jpg")
    code, out, _ = run(capsys, "predict", "imagenet", image, "--top-k", "1")
    assert code == 0
    categories = set(backbones.imagenet_categories("mobilenet_v3_small"))
    label = out.splitlines()[2].split(str(image))[1].strip().rsplit(" ", 2)[0]
    assert any(label.startswith(c) for c in categories)


# --------------------------------------------------------------------------------- evaluate


def test_evaluate_prints_accuracy_per_class_and_matrix(capsys, demo, model_file):
    code, out, _ = run(capsys, "evaluate", model_file, demo, "--device", "cpu")
    assert code == 0
    classes = sorted(p.name for p in demo.iterdir())
    # the accuracy printed is the one an independent count gives
    classifier = Classifier.load(model_file, device="cpu")
    files = [p for p in expand_paths(demo) if p.name != "broken.jpg"]
    correct = sum(p.label == f.parent.name for p, f in zip(classifier.predict(files), files, strict=True))
    assert f"accuracy: {100 * correct / 18:.1f}% ({correct}/18)" in out
    assert re.search(r"class\s+precision\s+recall\s+F1\s+support", out)
    for name in classes:
        assert re.search(rf"^{name}\s+\d\.\d{{3}}\s+\d\.\d{{3}}\s+\d\.\d{{3}}\s+6$", out, re.M)
    matrix_header = next(line for line in out.splitlines() if line.startswith("true \\ predicted"))
    assert matrix_header.split()[3:] == classes
    rows = [line.split() for line in out.splitlines() if line.split()[:1] in ([c] for c in classes)]
    matrix = [list(map(int, r[1:])) for r in rows if len(r) == len(classes) + 1]
    assert len(matrix) == 3 and sum(map(sum, matrix)) == 18
    assert sum(matrix[i][i] for i in range(3)) == correct
    assert "broken.jpg" in out


def test_evaluate_refuses_a_folder_of_other_classes(capsys, model_file, tmp_path):
    other = make_demo_dataset(tmp_path / "other", classes=2, per_class=2, size=32)
    for folder in list(other.iterdir()):
        folder.rename(other / f"unknown_{folder.name}")
    code, _, err = run(capsys, "evaluate", model_file, other)
    assert code == 2 and "None of the classes" in err


# ------------------------------------------------------------------------------------ train


def test_train_one_epoch_writes_a_loadable_model(capsys, demo, tmp_path):
    pytest.importorskip("core.training")
    out_path = tmp_path / "m.safetensors"
    code, out, err = run(capsys, "train", demo, "--backbone", "mobilenet_v3_small", "--epochs", "1",
                         "--image-size", "32", "--batch-size", "4", "--device", "cpu",
                         "--out", out_path)  # fmt: skip
    assert code == 0, err
    assert "from scratch" in out  # no cached weights: a note, then training without them
    assert re.search(r"epoch\s+1/1 .*val loss \d+\.\d+ acc \d+\.\d%", out)
    assert f"saved the model to {out_path}" in out
    model, metadata = load_model(out_path)
    assert metadata.backbone == "mobilenet_v3_small" and metadata.input_size == 32
    assert list(metadata.class_names) == sorted(p.name for p in demo.iterdir())
    assert (tmp_path / "m.ckpt").exists()


def test_train_within_a_time_budget_ends_on_time(capsys, demo, tmp_path):
    import time

    out_path = tmp_path / "m.safetensors"
    started = time.monotonic()
    code, out, err = run(capsys, "train", demo, "--backbone", "resnet18", "--no-pretrained",
                         "--time-budget", "6s", "--image-size", "32", "--batch-size", "4",
                         "--device", "cpu", "--out", out_path)  # fmt: skip
    seconds = time.monotonic() - started
    assert code == 0, err
    assert "time budget 0:06" in out and "Time budget 0:06" in out
    assert re.search(r"about \d+ epochs fit in the time budget", out)
    assert seconds < 6.0 + 2.0, seconds  # scan to saved model; a little slack for the saving
    load_model(out_path)


@pytest.mark.parametrize("budget", ["soon", "0s", "5x"])
def test_a_bad_time_budget_is_a_usage_error(capsys, demo, tmp_path, budget):
    code, _out, err = run(capsys, "train", demo, "--backbone", "resnet18", "--no-pretrained",
                          "--time-budget", budget, "--out", tmp_path / "m.safetensors")  # fmt: skip
    assert code == 2 and "90s, 5m, 1h" in err


def test_lr_find_prints_the_sweep_and_writes_a_csv(capsys, demo, tmp_path):
    csv_path = tmp_path / "sweep.csv"
    code, out, err = run(capsys, "lr-find", demo, "--backbone", "resnet18", "--no-pretrained",
                         "--image-size", "32", "--batch-size", "4", "--steps", "20",
                         "--device", "cpu", "--csv", csv_path)  # fmt: skip
    assert code == 0, err
    steps = int(re.search(r"learning-rate sweep of the 'full' stage \((\d+) steps\)", out)[1])
    assert 5 <= steps <= 20  # it stops early once the loss blows up
    assert "Suggested learning rate" in out or "did not fall clearly" in out
    rows = list(csv.reader(csv_path.open()))
    assert rows[0] == ["learning_rate", "loss"] and len(rows) == steps + 1


def test_ctrl_c_cancels_training_cleanly(capsys, demo, tmp_path, monkeypatch):
    pytest.importorskip("core.training")
    from core.events import EpochEnded

    class InterruptAfterFirstEpoch(cli_train.TrainReporter):
        def __call__(self, event):
            super().__call__(event)
            if isinstance(event, EpochEnded) and event.epoch == 1:
                os.kill(os.getpid(), signal.SIGINT)  # the user presses Ctrl-C

    monkeypatch.setattr(cli_train, "TrainReporter", InterruptAfterFirstEpoch)
    # What SIGINT did before: Python's default handler in a terminal, SIG_IGN when the tests were
    # started in the background (`cmd &` in a script, nohup), as some CI runners do.
    handler_before = signal.getsignal(signal.SIGINT)
    out_path = tmp_path / "m.safetensors"
    code, out, err = run(capsys, "train", demo, "--backbone", "mobilenet_v3_small", "--epochs", "3",
                         "--image-size", "32", "--batch-size", "4", "--device", "cpu",
                         "--out", out_path)  # fmt: skip
    assert code == 130, out + err
    assert "training cancelled" in err
    assert f"the best model so far was saved to {out_path}" in err
    assert "--resume" in err and "m.ckpt" in err
    assert "epoch   2/3" not in out
    load_model(out_path)  # the kept model loads
    assert signal.getsignal(signal.SIGINT) is handler_before  # handler restored


def test_second_ctrl_c_aborts():
    token = CancelToken()
    with pytest.raises(KeyboardInterrupt), cli_train.cancel_on_interrupt(token):
        os.kill(os.getpid(), signal.SIGINT)
        assert token.cancelled
        os.kill(os.getpid(), signal.SIGINT)
        pytest.fail("the second Ctrl-C should have raised")


# ---------------------------------------------------------------------- weights, demo, misc


def test_weights_import_list_and_offline_download(capsys, tmp_path, monkeypatch):
    monkeypatch.setenv("TORCH_HOME", str(tmp_path / "hub"))
    import urllib.error
    import urllib.request

    from weights_helpers import fake_state_dict

    def offline(*args, **kwargs):
        raise urllib.error.URLError("[Errno -3] Temporary failure in name resolution")

    monkeypatch.setattr(urllib.request, "urlopen", offline)
    code, _, err = run(capsys, "weights", "download", "mobilenet_v3_small")
    assert code == 2 and "offline" in err and "weights import" in err
    assert [p for p in (tmp_path / "hub").rglob("*") if p.is_file()] == []  # nothing left

    source = tmp_path / "downloaded-elsewhere.pth"
    torch.save(fake_state_dict("mobilenet_v3_small"), source)
    code, out, _ = run(capsys, "weights", "import", "mobilenet_v3_small", source)
    assert code == 0 and "Imported" in out
    code, out, _ = run(capsys, "weights", "list")
    assert re.search(r"^mobilenet_v3_small\s+cached\s", out, re.M)
    assert re.search(r"^resnet18\s+not cached\s", out, re.M)
    code, out, _ = run(capsys, "weights", "download", "mobilenet_v3_small")
    assert code == 0 and "already cached" in out


def test_demo_data(capsys, tmp_path):
    target = tmp_path / "new"
    code, out, _ = run(capsys, "demo-data", target, "--classes", "2", "--per-class", "3", "--size", "24")
    assert code == 0 and "2 classes x 3 images" in out
    assert f"Try: backbone-studio-cli train {target} --out demo.safetensors" in out  # Automatic
    assert len(list(target.rglob("*.*"))) == 6
    code, _, err = run(capsys, "demo-data", target)
    assert code == 2 and "not empty" in err


@pytest.mark.parametrize(
    "argv, words",
    [
        (["scan", "{tmp}/missing"], ["missing"]),
        (["predict", "{tmp}/evil.pth", "{tmp}/photo.jpg"], ["pickle", "import it as backbone weights"]),
        (["evaluate", "{tmp}/evil.pth", "{tmp}"], ["pickle"]),
        (["train", "{tmp}", "--backbone", "resnet9000", "--out", "{tmp}/m.safetensors"], ["resnet9000", "resnet18"]),
        (["train", "{tmp}", "--backbone", "resnet18", "--pretrained", "--out", "{tmp}/m.safetensors"], ["not cached", "--no-pretrained"]),
        (["train", "{tmp}", "--backbone", "resnet18", "--out", "{tmp}/m.txt"], [".safetensors"]),
        (["predict", "{tmp}/model.safetensors", "{tmp}", "--top-k", "0"], ["--top-k"]),
        (["weights", "import", "resnet18", "{tmp}/evil.pth"], ["{tmp}/evil.pth"]),
        (["bogus-command"], ["invalid choice"]),
        (["train", "{tmp}"], ["--out"]),
        (["train", "{tmp}", "--pretrained", "--out", "{tmp}/m.safetensors"], ["not cached", "resnet18"]),
    ],
)
def test_user_errors_exit_2_with_a_message_and_no_traceback(capsys, tmp_path, monkeypatch, argv, words):
    monkeypatch.setenv("TORCH_HOME", str(tmp_path / "hub"))
    sentinel = tmp_path / "SENTINEL"

    class Evil:
        def __reduce__(self):
            return (Path.touch, (sentinel,))

    torch.save({"evil": Evil()}, tmp_path / "evil.pth")
    argv = [a.replace("{tmp}", str(tmp_path)) for a in argv]
    code, _, err = run(capsys, *argv)
    assert code == 2
    for word in words:
        assert word.replace("{tmp}", str(tmp_path)) in err, err
    assert not sentinel.exists()


def test_self_test_is_the_apps_self_test(capsys):
    code, out, _ = run(capsys, "self-test", "--quick", "--quiet", "--device", "cpu")
    assert code == 0 and "RESULT: PASSED" in out
