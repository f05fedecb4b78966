"""The performance suite works: every scenario runs once at a tiny size (`--quick`).

Benchmarks are not unit tests: nothing here asserts a speed. It checks that each scenario runs
our real code path and its naive baseline, and that the JSON report and the table are complete
and hold positive, finite figures.
"""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path

import pytest
import torch

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # `benchmarks` is a top-level folder, not an installed package
    sys.path.insert(0, str(ROOT))

from benchmarks import SCENARIO_NAMES  # noqa: E402
from benchmarks.__main__ import main  # noqa: E402
from benchmarks.data import ImageSet, ensure_image_set, image_files  # noqa: E402
from benchmarks.harness import ScenarioResult, alternate, format_markdown, format_table  # noqa: E402
from benchmarks.naive import NaiveTrainRun  # noqa: E402

MACHINE_KEYS = {"cpu", "logical_cores", "torch_threads", "torch", "torchvision", "device",
                "load_before", "load_after"}


def _positive_finite(value: object) -> bool:
    return isinstance(value, (int, float)) and math.isfinite(value) and value > 0


@pytest.fixture(scope="module")
def quick_report(tmp_path_factory):
    """`python -m benchmarks all --quick` once, in-process, into temporary folders."""
    base = tmp_path_factory.mktemp("bench")
    out, cache = base / "results", base / "cache"
    import io
    from contextlib import redirect_stdout

    printed = io.StringIO()
    threads = torch.get_num_threads()
    with redirect_stdout(printed):
        code = main(["all", "--quick", "--out", str(out), "--cache", str(cache)])
    assert torch.get_num_threads() == threads  # --quick's one thread does not leak out
    latest = json.loads((out / "latest-quick.json").read_text())
    return code, latest, printed.getvalue(), out, cache


def test_quick_run_writes_a_complete_report(quick_report):
    code, report, printed, out, cache = quick_report
    assert code == 0, printed
    assert report["schema"] == 1 and report["quick"] is True
    assert MACHINE_KEYS <= set(report["machine"])
    assert report["machine"]["torch"] == torch.__version__
    assert list(report["scenarios"]) == list(SCENARIO_NAMES)
    # the timestamped file and latest-quick.json hold the same report
    stamped = [p for p in out.glob("bench-*-quick.json")]
    assert len(stamped) == 1 and json.loads(stamped[0].read_text()) == report
    # generated data went to the cache folder given, not into the repository
    assert (cache / "data" / "photos-quick" / "manifest.json").is_file()


@pytest.mark.parametrize("name", SCENARIO_NAMES)
def test_each_scenario_reports_positive_finite_figures(quick_report, name):
    _, report, _, _, _ = quick_report
    scenario = report["scenarios"][name]
    if name == "gpu" and not torch.cuda.is_available():
        assert scenario["status"] == "skipped" and scenario["notes"]
        return
    assert scenario["status"] == "ok", scenario["notes"]
    assert scenario["figures"] or scenario["checks"]
    for figure in scenario["figures"]:
        assert _positive_finite(figure["value"]), figure
        assert figure["unit"] and figure["label"]
    for check in scenario["checks"]:
        assert _positive_finite(check["value"]) and _positive_finite(check["target"]), check
        assert check["op"] in (">=", "<=") and isinstance(check["met"], bool)
        assert all(_positive_finite(v) for v in check["values"])
    assert _positive_finite(scenario["seconds"])


def test_ratio_scenarios_compare_against_a_baseline(quick_report):
    _, report, _, _, _ = quick_report
    scenarios = report["scenarios"]
    expected = {
        "decode": {"speedup"},
        "predict-folder": {"speedup"},
        "predict-latency": {"latency_ms"},
        "train-head": {"speedup_vs_frozen", "speedup_vs_full"},
        "train-full": {"speedup", "fraction_of_peak"},
    }
    for name, keys in expected.items():
        assert keys <= {c["key"] for c in scenarios[name]["checks"]}, name
    head = {f["key"] for f in scenarios["train-head"]["figures"]}
    assert {"ours_s", "ours_features_s", "naive_frozen_s", "naive_full_s"} <= head
    assert scenarios["peak"]["figures"][0]["unit"] == "GFLOP/s"


@pytest.mark.parametrize(("flag", "precision"), [("0", "fp32"), ("1", "bf16")])
def test_fraction_of_peak_uses_the_peak_of_the_training_precision(
    monkeypatch, tmp_path, flag, precision
):
    """bf16 training FLOP/s over the fp32 peak read "281 % of peak": the peak a fraction is taken
    of is measured in the precision training computes in. The CPU's answer is pinned with
    BACKBONE_STUDIO_CPU_BF16 and the measurement is a stand-in, so this holds on every CPU."""
    from benchmarks import peak as peak_module
    from benchmarks.harness import RunContext
    from benchmarks.train import peak_for_training

    monkeypatch.setenv("BACKBONE_STUDIO_CPU_BF16", flag)
    rates = {torch.float32: 200.0, torch.bfloat16: 900.0}
    measured: list[torch.dtype] = []

    def fake_measure(quick=False, device="cpu", dtype=torch.float32):
        measured.append(dtype)
        return {"best": rates[dtype], "median": rates[dtype], "n": 8, "rates": [rates[dtype]]}

    monkeypatch.setattr(peak_module, "measure_matmul_gflops", fake_measure)
    dtype = peak_module.PRECISION_DTYPES[precision]
    assert peak_module.cpu_training_precision() == precision

    ctx = RunContext(quick=True, cache_dir=tmp_path, log=lambda _: None)
    assert peak_for_training(ctx) == (precision, rates[dtype])
    assert peak_for_training(ctx) == (precision, rates[dtype])
    assert measured == [dtype]  # measured once per run and precision
    assert ctx.peak_gflops("fp32") == rates[torch.float32]  # the naive loop's denominator

    class Plan:  # what the Trainer's plan says it trains in wins over the guess
        precision = "fp32"

    assert peak_for_training(ctx, Plan()) == ("fp32", rates[torch.float32])

    # the `peak` scenario measures and reports both, and says which one training uses
    ctx = RunContext(quick=True, cache_dir=tmp_path, log=lambda _: None)
    result = peak_module.run(ctx)
    figures = {f.key: f.value for f in result.figures}
    assert figures["gflops"] == rates[torch.float32] and figures["bf16_gflops"] == rates[torch.bfloat16]
    assert result.params["cpu_training_precision"] == precision
    measured.clear()
    assert peak_for_training(ctx) == (precision, rates[dtype]) and not measured  # shared


def test_table_names_every_scenario_and_target(quick_report):
    _, report, printed, _, _ = quick_report
    table = format_table(report)
    for name in SCENARIO_NAMES:
        assert name in table
    assert ">= 3.00x" in table and "<= 150 ms" in table
    assert table in printed
    markdown = format_markdown(report)  # the README section (python -m benchmarks.summary)
    for name in SCENARIO_NAMES:
        assert f"`{name}`" in markdown


def test_alternate_takes_turns_and_pairs_repeats():
    calls: list[str] = []

    def side(name: str, value: float):
        def run() -> float:
            calls.append(name)
            return value

        return run

    times = alternate({"a": side("a", 1.0), "b": side("b", 4.0)}, 3, log=lambda _: None)
    assert calls == ["a", "b", "b", "a", "a", "b"]
    result = ScenarioResult("x", "x")
    assert result.ratio("r", "b over a", times["a"], times["b"], target=3.0) == 4.0
    assert result.checks[0].met and result.checks[0].values == [4.0, 4.0, 4.0]


def test_alternate_refuses_nonsense_measurements():
    with pytest.raises(RuntimeError, match="non-positive"):
        alternate({"a": lambda: 0.0}, 1, log=lambda _: None)


def test_naive_epoch_scaling_counts_warm_up_once():
    run = NaiveTrainRun(setup_seconds=1.0, epoch_seconds=[5.0, 3.0, 3.5])
    assert run.total_seconds(10) == pytest.approx(1.0 + 5.0 + 9 * 3.25)
    assert run.total_seconds(2) == pytest.approx(1.0 + 5.0 + 3.0)
    assert NaiveTrainRun(0.5, [2.0]).total_seconds(4) == pytest.approx(8.5)


def test_generated_images_are_written_once_and_reused(tmp_path):
    spec = ImageSet("tiny", 48, 32, count=6, val_count=2)
    folder = ensure_image_set(spec, tmp_path, log=lambda _: None)
    files = image_files(folder)
    assert len(files) == 6
    assert {p.relative_to(folder).parts[0] for p in files} == {"train", "val"}
    stamps = [p.stat().st_mtime_ns for p in files]
    assert ensure_image_set(spec, tmp_path, log=lambda _: None) == folder
    assert [p.stat().st_mtime_ns for p in files] == stamps  # reused, not regenerated
    files[0].write_bytes(b"changed")  # a damaged set is written again
    ensure_image_set(spec, tmp_path, log=lambda _: None)
    assert files[0].stat().st_size > len(b"changed")


def test_unknown_scenario_is_refused(capsys):
    with pytest.raises(SystemExit):
        main(["no-such-scenario", "--quick"])
    assert "invalid choice" in capsys.readouterr().err
