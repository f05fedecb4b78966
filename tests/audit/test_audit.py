"""core.audit on generated data: flipped labels, planted copies, leakage, the CLI, cancel."""

from __future__ import annotations

import csv
import shutil

import numpy as np
import pytest
from PIL import Image

from core.audit import (
    AuditNeedsModel,
    AuditOptions,
    FeatureSource,
    find_label_issues,
    run_audit,
)
from core.cli import main as cli_main
from core.demo import CLASS_NAMES, make_demo_dataset
from core.events import Cancelled, CancelToken


def _flip(root, fraction, seed):
    """Move `fraction` of the images into another class folder; returns their new paths."""
    files = sorted(root.rglob("*.jpg"))
    classes = sorted(p.name for p in root.iterdir())
    rng = np.random.default_rng(seed)
    flipped = set()
    for i in rng.choice(len(files), int(round(fraction * len(files))), replace=False):
        source = files[i]
        others = [c for c in classes if c != source.parent.name]
        target = root / others[rng.integers(len(others))] / f"flipped_{source.name}"
        shutil.move(source, target)
        flipped.add(target)
    return flipped


def test_flipped_labels_are_at_the_top_of_the_suspects(tmp_path, feature_model):
    root = make_demo_dataset(tmp_path / "noisy", classes=4, per_class=100, size=32, seed=1)
    flipped = _flip(root, 0.05, seed=0)
    result = run_audit(root, FeatureSource.from_file(feature_model))
    suspects = [f.path for f in result.by_kind("mislabelled")][: 2 * len(flipped)]
    found = flipped & set(suspects)
    print(f"flipped files in the top {2 * len(flipped)} suspects: {len(found)} of {len(flipped)}")
    assert len(found) >= 0.8 * len(flipped), (len(found), len(flipped))
    top = result.by_kind("mislabelled")[0]
    assert 0.5 < top.score <= 1.0 and top.label in top.reason and top.suggested in top.reason
    assert result.probabilities.shape == (len(result.paths), 4)
    assert result.embedding.shape == (len(result.paths), 2)


def _copies(source, folder):
    """A re-encoded JPEG, a 75 % resized copy, a 5 % crop and an exact byte copy of `source`."""
    image = Image.open(source).convert("RGB")
    side = image.width
    cut = max(1, round(side * 0.025))
    made = {
        "reencoded": (image, 60),
        "resized": (image.resize((side * 3 // 4, side * 3 // 4), Image.Resampling.BICUBIC), 92),
        "cropped": (image.crop((cut, cut, side - cut, side - cut)), 92),
    }
    paths = []
    for name, (copy, quality) in made.items():
        path = folder / f"{name}_{source.stem}.jpg"
        copy.save(path, "JPEG", quality=quality)
        paths.append(path)
    exact = folder / f"exact_{source.name}"
    shutil.copyfile(source, exact)
    return [*paths, exact]


@pytest.fixture(scope="module")
def planted(tmp_path_factory, feature_model):
    """A train/ + val/ folder with copies planted in the same class, in another class, and
    across the split; audited once."""
    root = tmp_path_factory.mktemp("planted") / "data"
    make_demo_dataset(root / "train", classes=4, per_class=50, size=48, seed=3)
    make_demo_dataset(root / "val", classes=4, per_class=12, size=48, seed=4)
    train = sorted((root / "train" / CLASS_NAMES[0]).glob("*.jpg"))
    same = [(train[i], c) for i in (0, 1, 2) for c in _copies(train[i], train[i].parent)]
    other_class = root / "train" / CLASS_NAMES[1] / "conflict.jpg"
    shutil.copyfile(train[5], other_class)
    leaked = root / "val" / CLASS_NAMES[0] / "leaked.jpg"
    Image.open(train[7]).save(leaked, "JPEG", quality=70)
    result = run_audit(root, FeatureSource.from_file(feature_model))
    return result, same, (train[5], other_class), (leaked, train[7])


def _pairs(result, *kinds):
    return {frozenset(f.paths) for f in result.findings if f.kind in kinds}


def test_planted_copies_are_all_found(planted):
    result, same, _conflict, _leak = planted
    pairs = _pairs(result, "duplicate", "near_duplicate")
    missing = [pair for pair in same if frozenset(pair) not in pairs]
    assert not missing
    exact = _pairs(result, "duplicate")
    assert all(frozenset(p) in exact for p in same if p[1].name.startswith("exact_"))


def test_copies_in_two_classes_are_conflicts_and_across_the_split_leakage(planted):
    result, _same, conflict, leak = planted
    assert frozenset(conflict) in _pairs(result, "label_conflict")
    assert frozenset(leak) in _pairs(result, "leakage")
    leakage = result.by_kind("leakage")
    assert any(f.paths[0] == leak[0] for f in leakage)  # the validation image first
    assert result.leaked_validation_images >= 1
    assert "validation accuracy" in result.leakage_warning()


def test_distinct_images_are_rarely_paired(planted):
    result, same, conflict, leak = planted
    planted_pairs = {frozenset(p) for p in [*same, conflict, leak]}
    false = [p for p in _pairs(result, "duplicate", "near_duplicate") if p not in planted_pairs]
    # copies of one original may also pair with each other: those are copies too
    originals = {p[0] for p in same}
    copies = {p[1] for p in same} | originals
    false = [p for p in false if not p <= copies]
    in_false_pairs = {path for pair in false for path in pair}
    print(f"images in false pairs: {len(in_false_pairs)} of {len(result.paths)}")
    assert len(in_false_pairs) / len(result.paths) < 0.01, false


def test_confident_learning_by_hand():
    labels = np.array([0, 0, 0, 1, 1, 1])
    probs = np.array([[0.9, 0.1], [0.8, 0.2], [0.1, 0.9], [0.2, 0.8], [0.1, 0.9], [0.3, 0.7]])
    issues = find_label_issues(labels, probs)
    # thresholds: t0 = mean(.9, .8, .1) = .6, t1 = mean(.8, .9, .7) = .8
    assert list(issues.order) == [2]
    assert issues.suggested[2] == 1
    assert issues.estimated_errors == 1
    assert np.isclose(issues.joint.sum(), 1.0)


def test_no_model_and_no_weights_says_what_to_do():
    with pytest.raises(AuditNeedsModel, match="--model"):
        FeatureSource.pretrained()


def test_cancel_stops_the_audit(tmp_path, feature_model):
    root = make_demo_dataset(tmp_path / "d", classes=2, per_class=10, size=32)
    token = CancelToken()
    token.cancel()
    with pytest.raises(Cancelled):
        run_audit(root, FeatureSource.from_file(feature_model), cancel=token)


def test_excluded_images_are_left_out(tmp_path, feature_model):
    root = make_demo_dataset(tmp_path / "d", classes=2, per_class=10, size=32)
    gone = sorted(root.rglob("*.jpg"))[:3]
    seen = []
    result = run_audit(root, FeatureSource.from_file(feature_model),
                       options=AuditOptions(exclude=frozenset(gone)),
                       progress=lambda done, total: seen.append((done, total)))  # fmt: skip
    assert result.excluded == 3 and not set(gone) & set(result.paths)
    assert seen[-1] == (17, 17)


def test_cli_audit_writes_the_csv(tmp_path, feature_model, capsys):
    root = make_demo_dataset(tmp_path / "d", classes=2, per_class=12, size=32)
    first = sorted(root.rglob("*.jpg"))[0]
    shutil.copyfile(first, root / CLASS_NAMES[1] / "copy.jpg")
    out = tmp_path / "audit.csv"
    code = cli_main(["audit", str(root), "--model", str(feature_model), "--csv", str(out)])
    assert code == 0
    rows = list(csv.reader(out.open()))
    assert rows[0] == ["kind", "score", "path", "other", "label", "suggested", "reason"]
    kinds = {row[0] for row in rows[1:]}
    assert {"duplicate", "label_conflict"} <= kinds
    assert "Audited 25 images" in capsys.readouterr().out


def test_cli_audit_without_a_model_exits_2_saying_what_to_do(tmp_path, capsys):
    root = make_demo_dataset(tmp_path / "d", classes=2, per_class=6, size=32)
    assert cli_main(["audit", str(root)]) == 2
    err = capsys.readouterr().err
    assert "--model" in err and "weights download" in err
