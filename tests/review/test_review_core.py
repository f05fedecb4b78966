"""core.review: gallery order, exclusions, file actions with undo, and the per-image records of
`evaluate` and of a fit (tiny generated data, tiny models)."""

from __future__ import annotations

import csv
import os
from pathlib import Path

import pytest
import torch

from core import backbones
from core.cli import main
from core.dataset import exclude_samples, scan_folder
from core.demo import make_demo_dataset
from core.errors import BackboneStudioError
from core.modelfile import new_metadata, save_model
from core.review import Exclusions, read_exclude_list
from core.review.actions import ReviewHistory, class_folder_for
from core.review.gallery import cell_counts, cell_records, label_next, mistakes
from core.review.records import ImageRecord, record_from_probabilities


@pytest.fixture(autouse=True)
def _one_thread():
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


@pytest.fixture
def demo(tmp_path) -> Path:
    return make_demo_dataset(tmp_path / "demo", classes=3, per_class=8, size=32)


def snapshot(root: Path) -> dict[str, tuple[bytes, int, int]]:
    """Every file under `root`: bytes, mtime and mode; and every folder (as None-ish entry)."""
    found = {}
    for folder, dirs, files in os.walk(root):
        for d in dirs:
            found[os.path.relpath(os.path.join(folder, d), root) + "/"] = (b"", 0, 0)
        for f in files:
            p = Path(folder) / f
            st = p.stat()
            found[p.relative_to(root).as_posix()] = (p.read_bytes(), st.st_mtime_ns, st.st_mode)
    return found


def rec(path, true, pred, conf, loss, second=0.0):
    return ImageRecord(path, true, pred, conf, loss, ((pred, conf), ("x", second)))


# --------------------------------------------------------------------------- gallery order


def test_cell_and_mistake_order():
    records = [
        rec("a", "cat", "dog", 0.6, 1.2),
        rec("b", "cat", "dog", 0.9, 2.5),
        rec("c", "cat", "dog", 0.5, 0.8),
        rec("d", "cat", "cat", 0.95, 0.05),
        rec("e", "cat", "cat", 0.40, 0.9),
        rec("f", "cat", "cat", 0.70, 0.4),
        rec("g", "dog", "cat", 0.8, 1.9),
    ]
    names = ["cat", "dog"]
    assert [r.path for r in cell_records(records, 0, 1, names)] == ["b", "a", "c"]
    assert [r.path for r in cell_records(records, "cat", "cat")] == ["e", "f", "d"]
    assert [r.path for r in cell_records(records, 1, 0, names)] == ["g"]
    assert cell_records(records, 1, 1, names) == []
    assert [r.path for r in mistakes(records)] == ["b", "g", "a", "c"]
    assert cell_counts(records, names) == [[3, 3], [1, 0]]


def test_label_next_orders_by_margin_between_top_two():
    records = [rec("a", "cat", "dog", 0.6, 1.0, 0.3), rec("b", "cat", "dog", 0.5, 1.0, 0.45),
               rec("c", "cat", "dog", 0.9, 1.0, 0.05)]  # fmt: skip
    assert [round(r.margin, 2) for r in records] == [0.3, 0.05, 0.85]
    assert [r.path for r in label_next(records)] == ["b", "a", "c"]


def test_record_from_probabilities_loss_and_top5():
    names = [f"c{i}" for i in range(7)]
    probs = [0.05, 0.5, 0.1, 0.2, 0.05, 0.06, 0.04]
    r = record_from_probabilities("p.png", "c3", probs, names)
    assert r.predicted == "c1" and r.confidence == pytest.approx(0.5)
    assert r.loss == pytest.approx(-torch.log(torch.tensor(0.2)).item())
    assert [n for n, _ in r.top_k] == ["c1", "c3", "c2", "c5", "c0"]
    assert not r.correct


# ------------------------------------------------------------------------------- exclusions


def test_exclusions_are_kept_in_the_app_state_and_reversible(demo, tmp_path):
    state = tmp_path / "state"
    before = snapshot(demo)
    ex = Exclusions.for_folder(demo, state_dir=state)
    image = next((demo / "circle").iterdir())
    assert ex.add([image, "square/" + next((demo / "square").iterdir()).name], "blurry")
    assert len(ex) == 2 and image in ex and ex.reason(image) == "blurry"
    assert ex.add([image], "again") == []  # already excluded: kept once, first reason
    again = Exclusions.for_folder(demo, state_dir=state)
    assert again.paths() == ex.paths() and all(p.is_absolute() for p in again.paths())
    assert ex.file.is_relative_to(state) and not list(state.glob("*.tmp*"))
    assert Exclusions.for_folder(tmp_path / "other", state_dir=state).paths() == frozenset()
    assert again.remove([image]) == [image.absolute()]
    assert image not in Exclusions.for_folder(demo, state_dir=state)
    assert snapshot(demo) == before  # the user's folder is untouched


def test_exclusions_default_state_dir_is_the_env_folder(demo, tmp_path, monkeypatch):
    monkeypatch.setenv("BACKBONE_STUDIO_STATE", str(tmp_path / "envstate"))
    ex = Exclusions.for_folder(demo)
    ex.add(["circle/x.png"])
    assert ex.file.is_relative_to(tmp_path / "envstate")


def test_a_damaged_exclusion_file_is_a_clear_error(demo, tmp_path):
    ex = Exclusions.for_folder(demo, state_dir=tmp_path)
    ex.add(["circle/a.png"])
    ex.file.write_text("{ not json")
    with pytest.raises(BackboneStudioError, match="cannot be read.*Delete that file"):
        Exclusions.for_folder(demo, state_dir=tmp_path)


def test_read_exclude_list(tmp_path):
    listing = tmp_path / "skip.txt"
    listing.write_text("# bad ones\ncircle/a.png\n\n  /abs/b.jpg  \n")
    assert read_exclude_list(listing) == {Path("circle/a.png"), Path("/abs/b.jpg")}
    with pytest.raises(BackboneStudioError, match="does not exist"):
        read_exclude_list(tmp_path / "missing.txt")


def test_exclude_samples_leaves_out_relative_and_absolute_paths(demo):
    index = scan_folder(demo).index
    a, b = index.samples[0].path, index.samples[5].path
    kept, left_out = exclude_samples(index, [a.relative_to(demo), b, "nowhere/x.png"])
    assert sorted(left_out) == sorted([a, b])
    assert {s.path for s in kept.samples} == {s.path for s in index.samples} - {a, b}
    assert len(index.samples) == len(kept.samples) + 2  # the original is unchanged
    assert kept.fingerprint() != index.fingerprint()


# ------------------------------------------------------------------------------ file actions


def test_move_then_undo_leaves_the_folder_byte_identical(demo):
    before = snapshot(demo)
    history = ReviewHistory()
    images = sorted((demo / "circle").iterdir())[:3]
    target = class_folder_for(images[0], "circle", "square")
    assert target == demo / "square"
    # a name clash in the target never overwrites: the moved file gets a suffix
    clash = demo / "square" / images[0].name
    clash.write_bytes(b"already here")
    before = snapshot(demo)
    action = history.move(images, target)
    assert all(not p.exists() for p in images)
    assert clash.read_bytes() == b"already here"
    assert [p.parent for p in action.paths] == [target] * 3
    assert action.paths[0].name.endswith(" (2)" + images[0].suffix)
    assert history.entries == [action]
    assert history.undo() is action and history.entries == []
    assert snapshot(demo) == before


def test_move_into_a_new_class_folder_and_undo_removes_it(demo):
    before = snapshot(demo)
    history = ReviewHistory()
    image = next((demo / "circle").iterdir())
    history.move([image], demo / "ellipse")
    assert (demo / "ellipse" / image.name).is_file()
    history.undo()
    assert snapshot(demo) == before


def test_copy_and_add_to_training_set_undo(demo, tmp_path):
    inbox = make_demo_dataset(tmp_path / "inbox", classes=2, per_class=2, size=32)
    before = snapshot(demo)
    history = ReviewHistory()
    items = [(p, "square") for p in sorted((inbox / "circle").iterdir())]
    added = history.add_to_training_set(items, demo)
    for (source, _), dest in zip(items, added.paths, strict=True):
        assert dest.parent == demo / "square" and dest.read_bytes() == source.read_bytes()
        assert dest.stat().st_mtime_ns == source.stat().st_mtime_ns
        assert source.exists()  # a copy: the reviewed image stays where it was
    copied = history.copy([items[0][0]], demo / "triangle")
    assert history.undo() is copied and history.undo() is added
    assert snapshot(demo) == before
    assert history.undo() is None


def test_undo_refuses_when_the_file_was_changed_or_the_place_taken(demo):
    history = ReviewHistory()
    image = next((demo / "circle").iterdir())
    copied = history.copy([image], demo / "square")
    copied.paths[0].write_bytes(b"edited since")
    with pytest.raises(BackboneStudioError, match="changed since it was copied"):
        history.undo()
    assert copied.paths[0].exists() and history.entries == [copied]
    moved = history.move([image], demo / "triangle")
    image.write_bytes(b"a new file where the old one was")
    with pytest.raises(BackboneStudioError, match="exists again"):
        history.undo(moved)
    assert moved.paths[0].exists()


def test_a_missing_source_is_a_clear_error_and_nothing_changes(demo):
    before = snapshot(demo)
    history = ReviewHistory()
    images = sorted((demo / "circle").iterdir())[:2]
    with pytest.raises(BackboneStudioError, match="no longer there"):
        history.move([images[0], demo / "circle" / "gone.png"], demo / "square")
    assert snapshot(demo) == before and history.entries == []


def test_exclude_and_include_are_undoable(demo, tmp_path):
    ex = Exclusions.for_folder(demo, state_dir=tmp_path)
    history = ReviewHistory()
    image = next((demo / "circle").iterdir())
    history.exclude(ex, [image], "blurry")
    assert image in ex
    history.undo()
    assert image not in ex
    history.exclude(ex, [image])
    history.include(ex, [image])
    assert image not in ex
    history.undo()
    assert image in ex


# ------------------------------------------------------------------- evaluation records


def _model_file(folder: Path, classes) -> Path:
    torch.manual_seed(0)
    model = backbones.build_model("mobilenet_v3_small", len(classes)).eval()
    spec = backbones.get_spec("mobilenet_v3_small")
    metadata = new_metadata("mobilenet_v3_small", classes, 32, spec.mean, spec.std)
    return save_model(folder / "m.safetensors", model, metadata)


def test_evaluate_records_match_the_confusion_and_errors_csv(demo, tmp_path, capsys):
    from core.evaluate import evaluate
    from core.predict import Classifier

    classes = sorted(p.name for p in demo.iterdir())
    model_path = _model_file(tmp_path, classes)
    ev = evaluate(Classifier.load(model_path, device="cpu"), scan_folder(demo))
    assert len(ev.records) == ev.num_images == 24
    assert [list(r) for r in ev.confusion] == cell_counts(ev.records, ev.class_names)
    assert all(len(r.top_k) == 3 and r.loss >= 0 for r in ev.records)

    out = tmp_path / "errors.csv"
    code = main(["evaluate", str(model_path), str(demo), "--device", "cpu", "--errors", str(out)])
    assert code == 0, capsys.readouterr().err
    rows = list(csv.reader(out.open()))
    assert rows[0] == ["path", "true", "predicted", "confidence", "loss"]
    wrong = mistakes(ev.records)
    assert [r[0] for r in rows[1:]] == [r.path for r in wrong]
    assert all(r[1] != r[2] for r in rows[1:])
    losses = [float(r[4]) for r in rows[1:]]
    assert losses == sorted(losses, reverse=True)
    assert f"wrote {len(wrong)} misclassified image" in capsys.readouterr().out


# -------------------------------------------------------- training honours the exclusions


def test_train_exclude_list_reaches_the_trainer(demo, tmp_path, monkeypatch, capsys):
    from core.cli import train as cli_train

    seen = {}

    class Spy:
        def __init__(self, config, index, callbacks=()):
            seen["index"] = index
            raise BackboneStudioError("stop here")

    monkeypatch.setattr("core.training.Trainer", Spy)
    images = sorted((demo / "circle").iterdir())[:2]
    listing = tmp_path / "skip.txt"
    listing.write_text(f"{images[0].relative_to(demo)}\n{images[1]}\n")
    code = main(["train", str(demo), "--backbone", "mobilenet_v3_small", "--epochs", "1",
                 "--device", "cpu", "--out", str(tmp_path / "m.safetensors"),
                 "--exclude-list", str(listing)])  # fmt: skip
    assert code == 2 and "stop here" in capsys.readouterr().err
    paths = {s.path for s in seen["index"].samples + (seen["index"].val_samples or [])}
    assert len(paths) == 22 and not paths & set(images)
    assert cli_train.apply_exclude_list  # the hook the command uses


def test_a_fit_excludes_and_records_its_validation_images(demo, tmp_path):
    from core.training import TrainConfig, Trainer, make_plan

    ex = Exclusions.for_folder(demo, state_dir=tmp_path)
    excluded = sorted((demo / "square").iterdir())[:3]
    ex.add(excluded, "test")
    index, left_out = exclude_samples(scan_folder(demo).index, ex.paths())
    assert sorted(left_out) == excluded
    config = TrainConfig(backbone="resnet18", strategy="full", pretrained=False, epochs=1,
                         batch_size=8, image_size=32, device="cpu", num_workers=0)  # fmt: skip
    plan = make_plan(config, index)
    trained_on = {s.path for s in plan.train_samples} | {s.path for s in plan.val_samples}
    assert not trained_on & set(excluded) and len(trained_on) == 21
    result = Trainer(config, index).fit()
    assert result.outcome == "finished", result.message
    assert sorted(r.path for r in result.records) == sorted(str(s.path) for s in plan.val_samples)
    best = result.history[result.best_epoch - 1]
    from core.review.compare import summarize

    summary = summarize(result)
    assert summary.accuracy == best.val_accuracy and summary.num_train == len(plan.train_samples)
    assert result.data_root == str(demo)
    assert cell_counts(result.records, result.metadata.class_names) == [list(r) for r in best.confusion]


def test_compare_runs_and_summaries(demo, tmp_path):
    from core.evaluate import evaluate
    from core.predict import Classifier
    from core.review.compare import RunSummary, compare_runs, data_changes, summarize

    before = RunSummary(0.8, {"cat": 0.75, "dog": 0.85}, 100, 25)
    after = RunSummary(0.9, {"cat": 0.95, "dog": 0.85, "fox": 0.5}, 97, 25)
    assert compare_runs(before, after) == [
        ("accuracy", "80.0%", "90.0%", "+10.0 points"),
        ("F1 cat", "75.0%", "95.0%", "+20.0 points"),
        ("F1 dog", "85.0%", "85.0%", "+0.0 points"),
        ("F1 fox", "–", "50.0%", ""),
        ("training images", "100", "97", "-3"),
        ("validation images", "25", "25", "+0"),
    ]
    classes = sorted(p.name for p in demo.iterdir())
    ev = evaluate(Classifier.load(_model_file(tmp_path, classes), device="cpu"), scan_folder(demo))
    summary = summarize(ev)
    assert summary.accuracy == ev.accuracy and set(summary.f1) == set(classes)
    history = ReviewHistory()
    history.copy([next((demo / "circle").iterdir())], tmp_path / "elsewhere")
    assert data_changes(history.entries) == ["Copied 1 image to elsewhere"]


def test_a_cancelled_evaluation_says_so(demo, tmp_path):
    from core.evaluate import evaluate
    from core.events import CancelToken
    from core.predict import Classifier

    classes = sorted(p.name for p in demo.iterdir())
    token = CancelToken()
    token.cancel()
    with pytest.raises(BackboneStudioError, match="Evaluation cancelled"):
        evaluate(Classifier.load(_model_file(tmp_path, classes), device="cpu"), scan_folder(demo),
                 cancel=token)  # fmt: skip
