"""`predict --nproc-per-node 2 --csv OUT`: each rank writes its part, rank 0 merges them into
OUT in input order; the rows are those of a 1-process prediction."""

from __future__ import annotations

import csv

import pytest
import torch
from dist_helpers import run_cli

pytestmark = pytest.mark.slow


@pytest.fixture
def model_file(tmp_path):
    from core.backbones import build_model, get_spec
    from core.modelfile import TrainingRecord, new_metadata, save_model

    torch.manual_seed(0)
    spec = get_spec("mobilenet_v3_small")
    model = build_model("mobilenet_v3_small", 3).eval()
    metadata = new_metadata("mobilenet_v3_small", ("circle", "square", "triangle"), 32, spec.mean,
                            spec.std, record=TrainingRecord(train_config={}, metrics={}))  # fmt: skip
    return save_model(tmp_path / "tiny.safetensors", model, metadata)


def _rows(path):
    with open(path, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_each_rank_writes_a_part_and_rank_0_merges_in_input_order(model_file, tiny_data, tmp_path):
    from core.cli import main

    (tiny_data / "circle" / "broken.png").write_bytes(b"not an image")  # an error row too
    reference = tmp_path / "one.csv"
    assert main(["predict", str(model_file), str(tiny_data), "--csv", str(reference)]) == 0
    merged = tmp_path / "two.csv"
    run = run_cli(["predict", str(model_file), str(tiny_data), "--csv", str(merged),
                   "--nproc-per-node", "2"])  # fmt: skip
    assert run.returncode == 0, run.stderr[-3000:]
    assert f"wrote 41 rows to {merged} (2 processes)" in run.stdout
    one, two = _rows(reference), _rows(merged)
    assert [r["file"] for r in two] == [r["file"] for r in one]  # input order
    assert [r["label"] for r in two] == [r["label"] for r in one]
    assert [bool(r["error"]) for r in two] == [bool(r["error"]) for r in one]
    assert sum(bool(r["error"]) for r in two) == 1
    for a, b in zip(one, two, strict=True):
        if a["confidence"]:
            assert float(a["confidence"]) == pytest.approx(float(b["confidence"]), abs=1e-4)
    assert sorted(p.name for p in tmp_path.iterdir() if "part" in p.name) == []  # parts removed


def test_a_distributed_prediction_needs_a_csv(model_file, tiny_data, capsys):
    from core.cli import main

    assert main(["predict", str(model_file), str(tiny_data), "--nproc-per-node", "2"]) == 2
    assert "needs --csv OUT" in capsys.readouterr().err
