"""Temperature scaling, ECE, the review threshold, the OOD statistics and the model file."""

from __future__ import annotations

import dataclasses
import json

import numpy as np
import pytest
import torch

from core.backbones import build_model, get_spec, split_features
from core.calibration import (
    CurvePoint,
    OodDetector,
    ReviewPolicy,
    calibrate,
    choose_threshold,
    coverage_curve,
    ece_of_logits,
    expected_calibration_error,
    fit_detector,
    fit_temperature,
    model_outputs,
    reliability_bins,
    threshold_for_accuracy,
    with_calibration,
)
from core.modelfile import METADATA_KEY, ModelMetadata, load_model, new_metadata, save_model
from core.predict import Classifier


def _calibrated_logits(n=2000, classes=4, seed=0):
    """Logits whose softmax is the true label distribution (a perfectly calibrated model)."""
    generator = torch.Generator().manual_seed(seed)
    logits = torch.randn(n, classes, generator=generator) * 2
    labels = torch.multinomial(logits.softmax(1), 1, generator=generator).squeeze(1)
    return logits, labels


def test_temperature_undoes_overconfidence_and_lowers_ece():
    logits, labels = _calibrated_logits()
    overconfident = logits * 4  # the same ranking, four times too sure
    temperature = fit_temperature(overconfident, labels)
    assert 3.2 < temperature < 4.8
    before = ece_of_logits(overconfident, labels)
    after = ece_of_logits(overconfident, labels, temperature)
    assert after < before / 3 and after < 0.05
    # under-confident the other way round
    assert fit_temperature(logits / 3, labels) < 0.45


def test_a_deliberately_overconfident_network_is_calibrated(one_thread):
    """A real network whose head is scaled up: its confidence ~100 % at chance accuracy."""
    torch.manual_seed(0)
    spec = get_spec("resnet18")
    model = build_model("resnet18", 3).eval()
    with torch.no_grad():
        model.fc.weight.mul_(30.0)
    body, head = split_features(model, spec)
    generator = torch.Generator().manual_seed(0)
    images = torch.randn(96, 3, 32, 32, generator=generator)
    labels = torch.randint(0, 3, (96,), generator=generator)
    features, logits, got = model_outputs(body, head, [(images[i : i + 32], labels[i : i + 32])
                                                       for i in range(0, 96, 32)])  # fmt: skip
    assert torch.equal(got, labels) and features.shape == (96, 512)
    calibration = calibrate(logits, labels, features)
    report = calibration.report
    assert report["ece_before"] > 0.3  # sure of itself, right a third of the time
    assert report["ece_after"] < report["ece_before"] / 2
    assert calibration.temperature > 5


def test_perfect_validation_does_not_drive_temperature_to_zero():
    logits, _ = _calibrated_logits(200)
    labels = logits.argmax(1)  # every prediction right
    temperature = fit_temperature(logits, labels)
    confidences = (logits / temperature).softmax(1).max(1).values
    assert temperature > 0.1 and confidences.median() < 0.999


def test_ece_and_bins_by_hand():
    confidence = torch.tensor([0.95, 0.95, 0.55, 0.55])
    correct = torch.tensor([True, False, True, True])
    bins = reliability_bins(confidence, correct, bins=10)
    assert sum(b.count for b in bins) == 4
    assert bins[9].accuracy == 0.5 and bins[5].accuracy == 1.0
    assert expected_calibration_error(confidence, correct, bins=10) == pytest.approx(
        0.5 * 0.45 + 0.5 * 0.45
    )


@pytest.mark.parametrize("seed", range(5))
def test_threshold_accepts_at_least_the_target_with_the_most_coverage(seed):
    rng = np.random.default_rng(seed)
    confidence = rng.uniform(0.3, 1.0, 400)
    correct = rng.uniform(0, 1, 400) < confidence  # right as often as it is sure
    threshold = choose_threshold(confidence, correct, target=0.9)
    accepted = confidence >= threshold
    assert correct[accepted].mean() >= 0.9
    lower = confidence[confidence < threshold]
    if len(lower):  # one step lower would break the target
        widened = confidence >= lower.max()
        assert correct[widened].mean() < 0.9
    curve = coverage_curve(confidence, correct)
    assert curve[-1].coverage == 1.0 and curve[-1].accuracy == pytest.approx(correct.mean())
    assert threshold_for_accuracy(curve, 0.9) == pytest.approx(threshold, abs=0.05)


def test_threshold_edge_cases():
    assert choose_threshold([], []) is None
    assert choose_threshold([0.9, 0.8], [False, False]) == 1.0  # everything to review
    assert choose_threshold([0.9, 0.8], [True, True]) == pytest.approx(0.8)


def test_ood_detector_round_trip_and_damage():
    rng = np.random.default_rng(0)
    features = rng.normal(size=(60, 16)).astype(np.float32)
    labels = np.arange(60) % 3
    features[np.arange(60), labels] += 4
    logits = rng.normal(size=(60, 3))
    for method in ("centroid", "mahalanobis", "energy", "msp", "mahalanobis+energy"):
        detector = fit_detector(method, features, logits, labels, 0.9)
        flagged = detector.unfamiliar(features, logits).mean()
        assert 0.0 <= flagged <= 0.25
        again = OodDetector.from_dict(json.loads(json.dumps(detector.to_dict())))
        assert np.array_equal(again.unfamiliar(features, logits), detector.unfamiliar(features, logits))
    good = fit_detector("centroid", features, logits, labels).to_dict()
    for damage in ({"method": "magic"}, {**good, "threshold": "x"}, {**good, "means": {"f16": "!"}},
                   {k: v for k, v in good.items() if k != "means"}):  # fmt: skip
        with pytest.raises(ValueError):
            OodDetector.from_dict(damage)


def test_review_policy_flags_and_targets():
    policy = ReviewPolicy(temperature=2.0, threshold=0.6,
                          curve=(CurvePoint(0.9, 0.5, 0.99), CurvePoint(0.5, 1.0, 0.8)))  # fmt: skip
    logits = torch.tensor([[4.0, 0.0], [0.2, 0.0]])
    probabilities = policy.probabilities(logits)
    assert torch.allclose(probabilities, (logits / 2).softmax(1))
    assert policy.judge(probabilities, logits) == ([False, True], [False, False])
    assert policy.with_target_accuracy(0.95).threshold == 0.9
    assert policy.with_threshold(None).judge(probabilities, logits)[0] == [False, False]


@pytest.fixture
def one_thread():
    torch.set_num_threads(1)


def _tiny(tmp_path, calibration=None):
    torch.manual_seed(0)
    spec = get_spec("mobilenet_v3_small")
    model = build_model(spec.name, 3).eval()
    metadata = new_metadata(spec.name, ("a", "b", "c"), 32, spec.mean, spec.std)
    return model, with_calibration(metadata, calibration)


def test_calibration_is_stored_in_the_model_file_and_used(tmp_path, one_thread):
    logits, labels = _calibrated_logits(300, classes=3)
    features = torch.randn(300, 576)
    calibration = calibrate(logits * 3, labels, features)
    model, metadata = _tiny(tmp_path, calibration)
    path = save_model(tmp_path / "m.safetensors", model, metadata)
    _, loaded = load_model(path)
    assert loaded.temperature == pytest.approx(calibration.temperature)
    assert loaded.review_threshold == pytest.approx(calibration.review_threshold)
    assert loaded.ood["method"] == calibration.ood["method"]
    assert loaded.metrics["calibration"]["ece_after"] == calibration.report["ece_after"]
    assert loaded.format_version == 1  # optional fields: older apps still open the file
    classifier = Classifier.load(path, device="cpu")
    assert classifier.review.temperature == pytest.approx(calibration.temperature)
    assert classifier.review.detector is not None


def test_an_older_model_file_loads_with_temperature_one(tmp_path, one_thread):
    """A file written before calibration existed: none of the new keys in its metadata."""
    from safetensors.torch import save_file

    model, metadata = _tiny(tmp_path)
    data = json.loads(metadata.to_json())
    for key in ("temperature", "review_threshold", "ood"):
        del data[key]
    path = tmp_path / "old.safetensors"
    state = {k: v.contiguous() for k, v in model.state_dict().items()}
    save_file(state, str(path), metadata={METADATA_KEY: json.dumps(data)})
    _, loaded = load_model(path)
    assert loaded.temperature == 1.0 and loaded.review_threshold is None and loaded.ood is None
    classifier = Classifier.load(path, device="cpu")
    image = torch.rand(3, 40, 40)
    from torchvision.transforms.functional import to_pil_image

    (prediction,) = classifier.predict([to_pil_image(image)])
    assert not prediction.not_sure and not prediction.unfamiliar
    with torch.inference_mode():
        expected = model(classifier._transform(to_pil_image(image))[None]).softmax(1).max().item()
    assert prediction.confidence == pytest.approx(expected, abs=1e-5)  # temperature 1


def test_damaged_calibration_fields_are_refused():
    model_json = json.loads(new_metadata("resnet18", ("a", "b"), 32, (0, 0, 0), (1, 1, 1)).to_json())
    for key, value in (("temperature", 0), ("temperature", "hot"), ("review_threshold", 2),
                       ("ood", {"method": "magic"})):  # fmt: skip
        with pytest.raises(ValueError):
            ModelMetadata.from_json(json.dumps({**model_json, key: value}))
    assert dataclasses.asdict(ModelMetadata.from_json(json.dumps(model_json)))["temperature"] == 1.0


def test_too_few_validation_images_are_not_calibrated():
    logits, labels = _calibrated_logits(5)
    calibration = calibrate(logits * 3, labels, torch.randn(5, 8))
    assert calibration.temperature == 1.0 and calibration.review_threshold is None
    assert calibration.ood is None and calibration.report["skipped"]
    from core.calibration.fit import describe

    assert "too few" in describe(calibration)
