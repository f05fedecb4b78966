"""The headless self-test (`BackboneStudio --self-test`, core.selftest), run unfrozen in-process.

One real quick run proves it passes on a healthy installation; the other tests sabotage one piece
at a time (training, the model, the model file's reload) and check that the self-test fails and
names the reason. Those replace training with a ready-made model, so they take about a second.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import torch

from core import backbones, predict, selftest, training
from core.demo import CLASS_NAMES
from core.modelfile import new_metadata
from core.training import FitResult, Trainer


@pytest.fixture(scope="module")
def passed_report(tmp_path_factory) -> selftest.SelfTestReport:
    torch.manual_seed(0)
    return selftest.run_self_test(tmp_path_factory.mktemp("selftest"), device="cpu", quick=True)


@pytest.mark.slow
def test_quick_self_test_passes_end_to_end(passed_report):
    report = passed_report
    assert report.passed, report.summary()
    assert report.reason == ""
    plan = report.plan
    assert report.images_classified == plan.classes * plan.holdout_per_class
    assert report.accuracy >= report.min_accuracy
    assert report.reload_mismatches == 0
    assert report.max_confidence_difference <= selftest.CONFIDENCE_TOLERANCE
    assert report.device == "cpu"
    assert report.versions["torch"] == torch.__version__
    assert report.model_bytes > 1_000_000  # a real ResNet-18 was written (about 43 MB)
    for stage in ("demo data", "training", "save", "reload", "classify after reload", "total"):
        assert report.timings[stage] >= 0.0
    assert report.total_seconds < 300  # generous: "well under a minute" on an idle laptop CPU
    n = report.images_classified  # the exporter and ONNX Runtime work here (frozen: app_test)
    assert report.runtime.startswith(f"ONNX Runtime gives the same answer on {n}/{n} images")


def test_an_onnx_runtime_that_disagrees_fails_by_name(monkeypatch, tmp_path):
    from core.export import fast

    real = fast.RuntimeModule.forward
    monkeypatch.setattr(fast.RuntimeModule, "forward",
                        lambda self, x: real(self, x).roll(1, dims=1))  # fmt: skip
    model = torch.nn.Sequential(torch.nn.Conv2d(3, 4, 3), torch.nn.AdaptiveAvgPool2d(1),
                                torch.nn.Flatten(), torch.nn.Linear(4, 3))  # fmt: skip
    from core.demo import make_demo_dataset

    holdout = sorted(make_demo_dataset(tmp_path, classes=3, per_class=2, size=32).rglob("*.jpg"))
    info = predict.ClassifierInfo("t", "resnet18", ("a", "b", "c"), 32, (0.5,) * 3, (0.5,) * 3, None)
    classifier = predict.Classifier(model, info, device=torch.device("cpu"))
    with pytest.raises(selftest.SelfTestFailure, match="ONNX Runtime: .*agreed with it on only"):
        selftest._check_runtime(classifier, holdout)


def test_every_required_image_format_is_read_and_profiles_convert(passed_report):
    assert passed_report.formats_read == list(selftest.REQUIRED_FORMATS)
    assert passed_report.colour_management is True
    assert "reads JPEG PNG WEBP TIFF BMP GIF, ICC colour profiles converted" in passed_report.summary()


def test_a_missing_image_plugin_or_colour_management_fails_by_name(monkeypatch, tmp_path):
    """What a bundle that lost Pillow's WebP plugin, or littlecms, would report."""
    import core.images as images
    from core.errors import ImageLoadError

    real_load = images.load_image

    def no_webp(path, target_size=None):
        if Path(path).suffix == ".webp":
            raise ImageLoadError(path, "not an image (WebP support is not installed)")
        return real_load(path, target_size)

    monkeypatch.setattr(images, "load_image", no_webp)
    report = selftest.run_self_test(tmp_path, device="cpu", plan=TINY)
    assert not report.passed and "cannot read WEBP images" in report.reason
    assert report.formats_read == ["JPEG", "PNG"]

    monkeypatch.setattr(images, "load_image", real_load)
    monkeypatch.setattr(images, "ImageCms", None)
    report = selftest.run_self_test(tmp_path, device="cpu", plan=TINY)
    assert not report.passed and "colour profiles cannot be converted" in report.reason


@pytest.mark.slow
def test_kept_workdir_holds_data_and_model(passed_report):
    assert passed_report.workdir, "a given workdir is kept"
    folder = Path(passed_report.workdir)
    assert (folder / "self-test.safetensors").is_file()
    class_folders = sorted(p.name for p in (folder / "train").iterdir())
    assert class_folders == sorted(CLASS_NAMES[: passed_report.plan.classes])


@pytest.mark.slow
def test_summary_is_readable(passed_report):
    text = passed_report.summary()
    lines = text.splitlines()
    assert lines[-1] == "RESULT: PASSED"
    assert "torch " + torch.__version__ in text
    assert "device:    cpu" in text
    assert f"{passed_report.accuracy:.1%}" in text
    assert "timings:" in text and "total" in text


# ---------------------------------------------------------------------------------- sabotage


# Sabotaged runs never train, so they only need a few images.
TINY = selftest.SelfTestPlan(per_class=5, holdout_per_class=2)


def _fake_fit_result(biased_to: int | None = 0) -> FitResult:
    """What a trainer that learned nothing would return: an untrained ResNet-18 whose head
    always answers class `biased_to`, with valid metadata (so it saves and reloads fine)."""
    plan = TINY
    spec = backbones.get_spec(plan.backbone)
    torch.manual_seed(0)
    model = backbones.build_model(spec.name, plan.classes).eval()
    if biased_to is not None:
        head = backbones.head_module(model, spec)
        with torch.no_grad():
            head.weight.zero_()
            head.bias.fill_(-5.0)
            head.bias[biased_to] = 5.0
    names = sorted(CLASS_NAMES[: plan.classes])
    metadata = new_metadata(spec.name, names, plan.image_size, spec.mean, spec.std)
    return FitResult(outcome="finished", message="Finished (sabotaged).", model=model, metadata=metadata)


def test_failed_training_fails_with_its_message(monkeypatch, tmp_path):
    def broken_fit(self, cancel=None, resume=None):
        return FitResult("failed", "The loss became NaN at epoch 1 (sabotaged).", None, None)

    monkeypatch.setattr(Trainer, "fit", broken_fit)
    report = selftest.run_self_test(tmp_path, device="cpu", plan=TINY)
    assert not report.passed
    assert "training did not finish (failed)" in report.reason
    assert "loss became NaN" in report.reason
    assert report.summary().splitlines()[-1].startswith("RESULT: FAILED")


def test_model_that_learned_nothing_fails_the_accuracy_check(monkeypatch, tmp_path):
    monkeypatch.setattr(Trainer, "fit", lambda self, cancel=None, resume=None: _fake_fit_result(0))
    report = selftest.run_self_test(tmp_path, device="cpu", plan=TINY)
    assert not report.passed
    assert report.accuracy == pytest.approx(0.25)  # always the same class out of four
    assert "accuracy 25.0%" in report.reason and "below the required 75%" in report.reason
    assert report.reload_mismatches == 0  # the file itself round-tripped fine
    assert "predicts differently" not in report.reason


def test_model_file_that_reloads_differently_is_caught(monkeypatch, tmp_path):
    """A model file whose weights do not survive the round trip (here: the head's rows come
    back reversed, as a class-order bug would do) must fail the self-test."""
    monkeypatch.setattr(Trainer, "fit", lambda self, cancel=None, resume=None: _fake_fit_result(0))
    real_load = predict.load_model

    def reversed_head_load(path, device="cpu"):
        model, metadata = real_load(path, device=device)
        head = backbones.head_module(model, backbones.get_spec(metadata.backbone))
        with torch.no_grad():
            head.weight.copy_(head.weight.flip(0))
            head.bias.copy_(head.bias.flip(0))
        return model, metadata

    monkeypatch.setattr(predict, "load_model", reversed_head_load)
    report = selftest.run_self_test(tmp_path, device="cpu", plan=TINY)
    assert not report.passed
    assert report.reload_mismatches == report.images_classified > 0
    assert "predicts differently from the model before saving" in report.reason


def test_unexpected_error_is_a_failure_with_details(monkeypatch, tmp_path):
    def explode(*args, **kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(training, "Trainer", explode)
    report = selftest.run_self_test(tmp_path, device="cpu", plan=TINY)
    assert not report.passed
    assert report.reason.startswith("unexpected RuntimeError: disk on fire")
    assert "explode" in report.reason  # the traceback names where it happened


def test_main_exit_status_summary_and_report_file(monkeypatch, tmp_path, capsys):
    monkeypatch.setattr(Trainer, "fit", lambda self, cancel=None, resume=None: _fake_fit_result(0))
    monkeypatch.setattr(selftest.SelfTestPlan, "for_mode", classmethod(lambda cls, quick: TINY))
    report_file = tmp_path / "report.txt"
    status = selftest.main(
        ["--self-test", "--quick", "--device", "cpu", "--workdir", str(tmp_path / "work"),
         "--report", str(report_file)]
    )  # fmt: skip
    out, err = capsys.readouterr()
    assert status == selftest.EXIT_FAILED
    assert "RESULT: FAILED" in out and "accuracy 25.0%" in out
    assert "self-test FAILED: " in err
    assert report_file.read_text(encoding="utf-8").strip().splitlines()[-1].startswith("RESULT: FAILED")


def test_main_rejects_bad_options(capsys):
    assert selftest.main(["--min-accuracy", "1.5"]) == selftest.EXIT_USAGE
    assert "--min-accuracy" in capsys.readouterr().err
    assert selftest.main(["--no-such-option"]) == selftest.EXIT_USAGE
    assert selftest.main(["--help"]) == 0
    assert "self-test" in capsys.readouterr().out


def test_unknown_device_fails_with_a_reason(tmp_path):
    report = selftest.run_self_test(tmp_path, device="tpu:7", plan=TINY)
    assert not report.passed
    assert "Unknown device 'tpu:7'" in report.reason


def test_unwritable_workdir_fails_with_a_reason(tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    report = selftest.run_self_test(blocker / "work", device="cpu", plan=TINY)
    assert not report.passed
    assert report.reason.startswith(f"cannot create a folder in {blocker / 'work'}")
    assert "--workdir" in report.reason
