"""Classifying with ONNX Runtime (core.export.fast): used once it agrees with PyTorch on the job's
first images (and, unless asked for, is measured faster), the proof cached per model file so
the next job starts on it without exporting; PyTorch stays when it disagrees or is slower."""

from __future__ import annotations

import json

import pytest
import torch

from core.export import fast, proof, runtime_cache
from core.predict import Classifier, ClassifierInfo


def _classifier(tiny_model) -> Classifier:
    model, metadata = tiny_model
    return Classifier(model, ClassifierInfo.from_metadata(metadata, "tiny"),
                      device=torch.device("cpu"))  # fmt: skip


@pytest.fixture
def cache(tmp_path, monkeypatch):
    monkeypatch.setenv("BACKBONE_STUDIO_CACHE", str(tmp_path / "cache"))
    return tmp_path / "cache" / "runtimes"


@pytest.fixture
def model_file(tmp_path, tiny_model):
    from core.modelfile import save_model

    model, metadata = tiny_model
    return save_model(tmp_path / "tiny.safetensors", model, metadata)


@pytest.fixture
def no_export(monkeypatch):
    """Fails the test if the model is exported (the cache must have been used)."""

    def refuse(classifier):
        raise AssertionError("exported although a proof was cached")

    monkeypatch.setattr(fast, "_onnx_for", refuse)


def _pin_speed(monkeypatch, faster: bool) -> None:
    """Whether ONNX Runtime counts as faster: measured per machine, so pinned here."""
    monkeypatch.setattr(proof, "FASTER", 0.0 if faster else 1e9)


def test_onnx_runtime_is_used_once_it_agrees(tiny_model, export_data):
    classifier = _classifier(tiny_model)
    paths = sorted(export_data.rglob("*.jpg"))
    chosen, said = fast.with_runtime(classifier, "onnxruntime", paths)
    assert isinstance(chosen.model, fast.RuntimeModule) and chosen.runtime == "onnxruntime"
    assert said.startswith("Classifying with ONNX Runtime: the same answer as PyTorch on 30 of 30")
    assert said.id == "runtime.forced"  # a core message: the GUI says it in its language
    ours, theirs = classifier.predict(paths), chosen.predict(paths)
    assert [p.label for p in ours] == [p.label for p in theirs]
    assert all(abs(a.confidence - b.confidence) < 1e-4 for a, b in zip(ours, theirs, strict=True))
    assert len({p.label for p in ours}) >= 2
    assert fast.with_runtime(classifier, "torch", paths) == (classifier, "")


def test_pytorch_stays_when_the_runtime_disagrees(tiny_model, export_data, monkeypatch):
    real = fast.RuntimeModule.forward
    monkeypatch.setattr(fast.RuntimeModule, "forward",
                        lambda self, x: real(self, x).roll(1, dims=1))  # fmt: skip
    classifier = _classifier(tiny_model)
    chosen, said = fast.with_runtime(classifier, "onnxruntime", sorted(export_data.rglob("*.jpg")))
    assert chosen is classifier and chosen.runtime == "torch"
    assert said.startswith("Classifying with PyTorch: ONNX Runtime agreed with it on only 0 of 30")


def test_a_proof_is_cached_per_model_file(tiny_model, export_data, model_file, cache, monkeypatch):
    """A job of the model builds the proof once; the next jobs (even of one image) start on the
    proven runtime without exporting, and a retrained model (other bytes) is not mixed up."""
    _pin_speed(monkeypatch, faster=True)
    classifier = _classifier(tiny_model)
    paths = sorted(export_data.rglob("*.jpg"))
    heard = []
    chosen, said = fast.with_runtime(classifier, "onnxruntime", paths, model_path=model_file,
                                     notify=heard.append)  # fmt: skip
    assert chosen.runtime == "onnxruntime" and heard and heard[0].id == "runtime.building"
    (entry,) = cache.iterdir()
    assert entry.name == runtime_cache.model_key(model_file)
    stored = json.loads((entry / "proof.json").read_text())
    assert stored["checked"] == stored["agreed"] == 30 and stored["versions"]["torch"] == torch.__version__
    assert (entry / "model.onnx").read_bytes() == chosen.model.onnx

    monkeypatch.setattr(fast, "_onnx_for", lambda c: pytest.fail("exported again"))
    again, said = fast.with_runtime(classifier, "auto", paths[:1], model_path=model_file)
    assert again.runtime == "onnxruntime" and said.id == "runtime.used"
    assert again.predict(paths[:1])[0].label == classifier.predict(paths[:1])[0].label

    retrained = model_file.with_name("retrained.safetensors")
    retrained.write_bytes(model_file.read_bytes() + b" ")  # other bytes: another key
    assert fast.with_runtime(classifier, "auto", paths[:1], model_path=retrained) == (classifier, "")


def test_auto_stays_on_pytorch_when_the_runtime_is_not_faster(tiny_model, export_data, model_file,
                                                              cache, monkeypatch):  # fmt: skip
    _pin_speed(monkeypatch, faster=False)
    monkeypatch.setattr(fast, "AUTO_BUILD_MIN", 20)  # this job is "large"
    classifier = _classifier(tiny_model)
    paths = sorted(export_data.rglob("*.jpg"))
    chosen, said = fast.with_runtime(classifier, "auto", paths, model_path=model_file)
    assert chosen is classifier and said.id == "runtime.slower"
    monkeypatch.setattr(fast, "_onnx_for", lambda c: pytest.fail("exported again"))
    chosen, said = fast.with_runtime(classifier, "auto", paths, model_path=model_file)
    assert chosen is classifier and said.id == "runtime.slower"  # remembered, not measured again
    # Asked for, it is used all the same (it agreed); the cached file serves it.
    forced, said = fast.with_runtime(classifier, "onnxruntime", paths, model_path=model_file)
    assert forced.runtime == "onnxruntime" and said.id == "runtime.forced"


def test_auto_does_not_build_for_a_small_job(tiny_model, export_data, model_file, cache, no_export):
    classifier = _classifier(tiny_model)
    paths = sorted(export_data.rglob("*.jpg"))
    assert len(paths) < fast.AUTO_BUILD_MIN
    assert fast.with_runtime(classifier, "auto", paths, model_path=model_file) == (classifier, "")
    assert fast.with_runtime(classifier, "auto", paths, model_path=None) == (classifier, "")
    assert not cache.exists()


def test_a_damaged_or_stale_entry_is_not_trusted(tiny_model, export_data, model_file, cache,
                                                 monkeypatch):  # fmt: skip
    _pin_speed(monkeypatch, faster=True)
    classifier = _classifier(tiny_model)
    paths = sorted(export_data.rglob("*.jpg"))
    fast.with_runtime(classifier, "onnxruntime", paths, model_path=model_file)
    entry = next(cache.iterdir())
    proof_file = entry / "proof.json"
    good = proof_file.read_text()
    assert fast.from_cache(classifier, model_file)[0] is not None

    stale = json.loads(good)
    stale["versions"]["onnxruntime"] = "0.0.1"  # measured with another onnxruntime
    proof_file.write_text(json.dumps(stale))
    assert fast.from_cache(classifier, model_file) == (None, None)
    proof_file.write_text("{not json")
    assert fast.from_cache(classifier, model_file) == (None, None)
    proof_file.unlink()  # cut short before the proof was written
    assert fast.from_cache(classifier, model_file) == (None, None)
    proof_file.write_text(good)
    (entry / "model.onnx").write_bytes(b"garbage")
    assert fast.from_cache(classifier, model_file) == (None, None)


def test_a_full_disk_costs_only_the_cache(tiny_model, export_data, model_file, cache):
    """The cache cannot be written: the job still runs on the runtime that agreed, the note says
    the proof was not kept and names the file, and nothing is left that a later job trusts."""
    import errno

    from core.fileio import inject_write_fault

    classifier = _classifier(tiny_model)
    heard = []
    with inject_write_fault(errno.ENOSPC, match="model.onnx") as fault:
        chosen, said = fast.with_runtime(classifier, "onnxruntime", sorted(export_data.rglob("*.jpg")),
                                         model_path=model_file, notify=heard.append)  # fmt: skip
    assert fault.failed and chosen.runtime == "onnxruntime" and said.id == "runtime.forced"
    assert heard[-1].id == "runtime.not_cached" and "The disk is full" in heard[-1]
    assert "model.onnx" in heard[-1]
    assert fast.from_cache(classifier, model_file) == (None, None)


def test_a_file_replaced_during_the_check_keeps_the_old_bytes_proof(tiny_model, export_data,
                                                                     model_file, cache):  # fmt: skip
    """The key is the hash of the file as it was loaded: a retrained model saved over the same
    path while the check ran does not inherit the old model's ONNX file."""
    classifier = _classifier(tiny_model)
    loaded = fast.cache_key(model_file)
    model_file.write_bytes(model_file.read_bytes() + b"retrained")
    fast.build_and_prove(classifier, sorted(export_data.rglob("*.jpg")), model_file, key=loaded)
    assert [p.name for p in cache.iterdir()] == [loaded]
    assert fast.from_cache(classifier, model_file) == (None, None)  # the new bytes: no proof


def test_a_cache_folder_that_cannot_be_made_costs_only_the_cache(tiny_model, export_data,
                                                                 model_file, tmp_path, monkeypatch):  # fmt: skip
    monkeypatch.setenv("BACKBONE_STUDIO_CACHE", str(model_file))  # a file where a folder must go
    classifier = _classifier(tiny_model)
    chosen, said = fast.with_runtime(classifier, "onnxruntime", sorted(export_data.rglob("*.jpg")),
                                     model_path=model_file)  # fmt: skip
    assert chosen.runtime == "onnxruntime" and said.id == "runtime.forced"


def test_too_few_images_prove_nothing_lasting(tiny_model, export_data, model_file, cache):
    classifier = _classifier(tiny_model)
    few = sorted(export_data.rglob("*.jpg"))[:5]
    chosen, said = fast.with_runtime(classifier, "onnxruntime", few, model_path=model_file)
    assert chosen.runtime == "onnxruntime" and "5 of 5" in said  # asked for: used
    assert not cache.exists()  # 5 < MIN_PROOF: not cached as a proof for later jobs


def test_unreadable_images_leave_pytorch(tiny_model, tmp_path):
    bad = tmp_path / "bad.jpg"
    bad.write_bytes(b"not an image")
    classifier = _classifier(tiny_model)
    chosen, said = fast.with_runtime(classifier, "onnxruntime", [bad])
    assert chosen is classifier and said.id == "runtime.no_images"


def test_the_cache_keeps_the_most_recently_used(tmp_path):
    import os

    store = runtime_cache.RuntimeCache(tmp_path)
    made = proof.Proof(20, 20, 0.0, 2.0, 1.0, 8, {"torch": "x"})
    for i in range(runtime_cache.KEEP + 2):
        store.store(f"k{i}", made, b"onnx")
        stamp = 1_000_000 + i  # explicit times: a coarse file system may not tell writes apart
        os.utime(store.folder(f"k{i}") / runtime_cache.PROOF_NAME, (stamp, stamp))
    kept = {p.name for p in store.entries()}
    assert len(kept) == runtime_cache.KEEP and "k0" not in kept and f"k{runtime_cache.KEEP + 1}" in kept
    assert store.read("k2", {"torch": "x"})[1] == b"onnx"
    assert store.read("k2", {"torch": "y"}) is None


def test_the_none_of_these_check_runs_on_the_runtimes_features(export_data):
    """A calibrated model's "None of these" check reads the network's features: the ONNX model
    then gives them as a second output, and the flags equal PyTorch's on every image."""
    import dataclasses

    import numpy as np
    from export_helpers import _images, make_model

    from core.calibration import fit_detector

    classifier = _classifier(make_model(export_data, "resnet18"))
    body, head = classifier._split()
    with torch.inference_mode():
        features = body(_images(export_data).flip(3))  # mirrored: no score sits on the threshold
        logits = head(features)
    labels = logits.argmax(1).numpy()  # the threshold flags about half of the images
    detector = fit_detector("centroid", features.numpy(), logits.numpy(), labels, 0.5)
    assert detector.needs_features
    classifier.review = dataclasses.replace(classifier.review, detector=detector)
    paths = sorted(export_data.rglob("*.jpg"))
    chosen, said = fast.with_runtime(classifier, "onnxruntime", paths)
    assert isinstance(chosen.model, fast.RuntimeModule) and "30 of 30" in said
    ours, theirs = classifier.predict(paths), chosen.predict(paths)
    assert [p.unfamiliar for p in ours] == [p.unfamiliar for p in theirs]
    assert 0 < sum(p.unfamiliar for p in ours) < len(ours)  # the check says something
    assert np.allclose([p.confidence for p in ours], [p.confidence for p in theirs], atol=1e-4)
