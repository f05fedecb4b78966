"""Training within a time budget: durations, the pace that lays the schedule over the time, and a
whole fit on a clock the test controls (every step costs one "second"), so the assertions hold on
any machine however loaded."""

from __future__ import annotations

import pytest
import torch

from core.dataset import scan_folder
from core.demo import make_demo_dataset
from core.errors import BackboneStudioError
from core.events import BatchEnded, EpochEnded, FitEnded, FitStarted, Logged
from core.training import Seams, TrainConfig, Trainer, TrainStep
from core.training.budget import BudgetPace, Deadline, format_duration, parse_duration


@pytest.fixture(autouse=True)
def _one_thread(_deterministic_torch):
    torch.set_num_threads(1)


@pytest.mark.parametrize(
    ("text", "seconds"),
    [("90s", 90), ("90", 90), ("5m", 300), ("1h", 3600), ("1h30m", 5400), ("2:30", 150),
     ("1:02:03", 3723), ("0.5m", 30), (" 5 min ", 300)],
)  # fmt: skip
def test_durations_people_write_are_understood(text, seconds):
    assert parse_duration(text) == seconds


@pytest.mark.parametrize("text", ["", "soon", "5 parsecs", "0s", "-5m", "5m5x", "1::2"])
def test_a_bad_duration_is_refused_with_examples(text):
    with pytest.raises(BackboneStudioError, match="90s, 5m, 1h"):
        parse_duration(text)


def test_durations_are_shown_as_clock_time():
    assert [format_duration(s) for s in (0, 59.6, 300, 3723)] == ["0:00", "1:00", "5:00", "1:02:03"]
    assert format_duration(float("nan")) == "–"


class FakeClock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_the_pace_reaches_the_end_of_the_schedule_at_the_deadline_and_replans():
    clock = FakeClock()
    pace = BudgetPace(Deadline.start(clock, budget=100.0), reserve=10.0)
    assert pace.progress(0, 0, 10) == 0.0 and pace.more(0)
    clock.now += 30  # first epoch: 30 s of training, then 5 s of validation
    assert pace.progress(0, 10, 10) == pytest.approx(30 / 90)
    clock.now += 5
    pace.epoch_ended(30.0, 5.0)
    # 55 s left before the reserve: one more epoch (35 s) and a bit; the two validations still
    # to come are taken out of the training time, so the schedule ends before them
    assert pace.more(1) and pace.expected_epochs(1) == 3
    clock.now += 45
    assert pace.progress(1, 10, 10) == pytest.approx(1.0)
    clock.now += 5
    pace.epoch_ended(45.0, 5.0)
    assert not pace.more(2)  # 5 s left before the reserve: not even half an epoch


def test_the_first_plan_takes_the_timed_validation_and_the_end_of_the_fit_out():
    clock = FakeClock()
    # a validation timed at 4 s; after the last epoch two more passes (records, calibration)
    pace = BudgetPace(Deadline.start(clock, budget=100.0), reserve=10.0, val_seconds=4.0,
                      final_passes=2.0)  # fmt: skip
    clock.now += 39  # the schedule: 90 s less the last validation and the two passes after it
    assert pace.progress(0, 5, 10) == pytest.approx(39 / 78)
    assert pace.expected_epochs(0) == 1  # nothing measured yet: no made-up epoch count
    clock.now += 1
    pace.epoch_ended(40.0, 1.0)  # the real validation took 1 s: it replaces the timed guess
    clock.now += 1
    assert pace._kept() == pytest.approx(12.0)
    # 100 - 41 - 12 = 47 s: one more epoch of 41 s and its validation fit, then the schedule ends
    assert pace.more(1) and pace.expected_epochs(1) == 2
    pace.epoch_ended(40.0, 3.0)  # from then on the slowest validation is kept
    assert pace._kept() == pytest.approx(16.0)


class ClockedStep(TrainStep):
    """A real training step that costs exactly one second of the fake clock."""

    clock: FakeClock

    def __call__(self, module, inputs, targets):
        self.clock.now += 1.0
        return super().__call__(module, inputs, targets)


@pytest.fixture(scope="module")
def resnet18_like_weights():
    from tests.weights_helpers import fake_pretrained

    return fake_pretrained("resnet18")


@pytest.fixture(scope="module")
def shapes(tmp_path_factory):
    root = tmp_path_factory.mktemp("budget") / "shapes"
    return scan_folder(make_demo_dataset(root, classes=3, per_class=24, size=32)).index


def _budget_run(shapes, budget: float, events: list, batch_size: int = 8,
                inference: float = 0.0, spent: float = 2.0):  # fmt: skip
    """A budgeted fit on a fake clock: each training step costs a second, each evaluation batch
    (the classifier run in eval mode) `inference` seconds, noted in `clock.inferences`."""
    clock = FakeClock()
    clock.inferences = []

    def slow_inference(module, args, output):
        if isinstance(module, torch.nn.Linear) and not module.training:
            clock.now += inference
            clock.inferences.append(clock.now)

    step = type("Step", (ClockedStep,), {"clock": clock})
    config = TrainConfig(backbone="resnet18", pretrained=False, batch_size=batch_size,
                         image_size=32, time_budget=budget, seed=0)  # fmt: skip
    handle = torch.nn.modules.module.register_module_forward_hook(slow_inference)
    try:
        trainer = Trainer(config, shapes, [events.append], seams=Seams(step=step, clock=clock))
        return trainer.fit(spent=spent), clock
    finally:
        handle.remove()


def test_a_budgeted_fit_ends_on_time_with_an_annealed_schedule(shapes):
    events: list = []
    result, _clock = _budget_run(shapes, budget=40.0, events=events)
    assert result.outcome == "finished", result.message
    plan = next(e for e in events if isinstance(e, FitStarted)).plan
    assert plan.time_budget == 40.0
    assert any("Time budget 0:40" in note for note in plan.notes)
    ended = next(e for e in events if isinstance(e, FitEnded))
    # 2 s of scanning were spent before; every step costs 1 s; the reserve keeps about 2 s
    assert 35.0 <= ended.seconds + 2.0 <= 40.0
    batches = [e for e in events if isinstance(e, BatchEnded)]
    epochs = [e for e in events if isinstance(e, EpochEnded)]
    assert len(epochs) >= 4  # 57 training images in batches of 8: 7 steps an epoch
    lrs = [b.learning_rate for b in batches]
    assert max(lrs) == pytest.approx(1e-3, rel=0.1)  # warmed up to the peak...
    assert lrs[-1] < 0.05 * max(lrs)  # ...and annealed by the end of the budget
    assert all(b.seconds_left is not None for b in batches)
    assert batches[-1].seconds_left < 5.0
    # the epoch count shown while training is an estimate that ends as the real count
    assert epochs[-1].epochs == epochs[-1].epoch
    assert result.metadata.train_config["resolved"]["stages"][0][1] == len(epochs)


def test_a_budget_too_short_says_so_with_the_least_time_that_makes_sense(shapes):
    events: list = []
    result, _clock = _budget_run(shapes, budget=14.0, events=events)
    assert result.outcome == "finished", result.message
    warnings = [e.message for e in events if isinstance(e, Logged) and e.level == "warning"]
    assert any("too short" in w and "at least" in w for w in warnings), warnings


def test_a_time_budget_must_be_positive():
    with pytest.raises(BackboneStudioError, match="time_budget"):
        TrainConfig(time_budget=0)


def test_an_automatic_budget_follows_the_size_of_the_data(shapes):
    from core.training.plan import auto_time_budget

    assert [auto_time_budget(n) for n in (50, 1000, 2600, 10_000, 60_000)] == [
        60.0, 60.0, 180.0, 600.0, 900.0,
    ]  # fmt: skip
    plan = Trainer(TrainConfig(backbone="resnet18", pretrained=False, time_budget="auto"),
                   shapes).plan()  # fmt: skip
    assert plan.time_budget == 60.0 and any("automatic" in n for n in plan.notes)
    assert Trainer(TrainConfig(pretrained=False), shapes).plan().time_budget is None
    with pytest.raises(BackboneStudioError, match="time_budget"):
        TrainConfig(time_budget="soon")


def test_a_resumed_budgeted_run_goes_on_with_what_its_budget_has_left(shapes, tmp_path):
    from core.events import CancelToken

    clock, token = FakeClock(), CancelToken()

    class StopAfterTwelve(ClockedStep):
        calls = 0

        def __call__(self, module, inputs, targets):
            StopAfterTwelve.calls += 1
            if StopAfterTwelve.calls == 12:
                token.cancel()  # the user presses Cancel during the second epoch
            return super().__call__(module, inputs, targets)

    StopAfterTwelve.clock = clock
    checkpoint = tmp_path / "run.ckpt"
    config = TrainConfig(backbone="resnet18", pretrained=False, batch_size=8, image_size=32,
                         time_budget=40.0, seed=0, checkpoint=str(checkpoint))  # fmt: skip
    seams = Seams(step=StopAfterTwelve, clock=clock)
    first = Trainer(config, shapes, seams=seams).fit(token)
    assert first.outcome == "cancelled" and checkpoint.is_file()
    from core.training import CheckpointStore

    kept = CheckpointStore.load(checkpoint).scheduler["budget_spent"]  # the epoch it kept
    assert kept == pytest.approx(7.0)  # 7 one-second steps; the cancelled epoch is not kept
    events: list = []
    resumed = Trainer(config, shapes, [events.append], seams=Seams(step=ClockedStep, clock=clock))
    ClockedStep.clock = clock
    result = resumed.fit(resume=checkpoint)
    assert result.outcome == "finished", result.message
    ended = next(e for e in events if isinstance(e, FitEnded))
    # what the checkpoint kept counts: together they keep to the one budget, not two
    assert 30.0 <= kept + ended.seconds <= 40.0, (kept, ended.seconds)


def test_frozen_stages_stop_at_the_deadline_too(shapes, resnet18_like_weights):
    clock = FakeClock()
    step = type("Step", (ClockedStep,), {"clock": clock})
    config = TrainConfig(backbone="resnet18", strategy="head", pretrained=True, epochs=200,
                         batch_size=8, image_size=32, time_budget=20.0)  # fmt: skip
    events: list = []
    result = Trainer(config, shapes, [events.append], seams=Seams(step=step, clock=clock)).fit()
    assert result.outcome == "finished", result.message
    assert 3 <= len(result.history) < 200  # 7 one-second steps an epoch: the deadline ends it
    assert clock.now - 1000.0 <= 20.0


@pytest.fixture(scope="module")
def bigger_shapes(tmp_path_factory):
    """Enough validation images (24) for calibration to run after the last epoch."""
    root = tmp_path_factory.mktemp("budget") / "shapes"
    return scan_folder(make_demo_dataset(root, classes=3, per_class=40, size=32)).index


def test_a_budget_that_ends_inside_the_first_epoch_ends_on_time(bigger_shapes):
    """The schedule ends before the first epoch would (a big data set, a short budget): the time
    kept for the validation and the passes after it (the galleries' records, calibration)
    comes from timed validation batches, so it is neither left over (a guess of half a
    training pass per validation left 10 s of a 1-minute budget unused) nor overrun."""
    events: list = []
    # every evaluation batch costs half a second
    result, clock = _budget_run(bigger_shapes, 24.0, events, batch_size=2, inference=0.5)
    inference = clock.inferences
    assert result.outcome == "finished", result.message
    epochs = [e for e in events if isinstance(e, EpochEnded)]
    assert len(epochs) == 1 and epochs[0].epoch == 1  # 48 steps an epoch; about 16 fit
    lrs = [e.learning_rate for e in events if isinstance(e, BatchEnded)]
    assert lrs[-1] < 0.1 * max(lrs)  # annealed (the last of about 16 steps)
    # the timed batch, the validation, then the records' and calibration's passes after it
    assert len(inference) >= 4, inference
    ended = next(e for e in events if isinstance(e, FitEnded))
    reserve = 1.0 + 3 * sum(t.numel() * t.element_size() for t in
                            result.model.state_dict().values()) / 100e6  # fmt: skip
    # what is left is the reserve for the saves, which the fake clock does not spend, and less
    # than a step of rounding
    assert ended.seconds + 2.0 <= 24.0
    assert 24.0 - (ended.seconds + 2.0) == pytest.approx(reserve, abs=1.0), (ended.seconds, reserve)


def test_the_timed_validation_extrapolates_from_its_first_batches_and_keeps_the_generator():
    from core.training.stages import time_validation

    clock = FakeClock()
    costs = iter([3.0, 1.0, 1.5, 0.5, 9.0, 9.0])  # the first batch starts up; the rest, steady
    seen = []

    class Timed(torch.nn.Module):
        def forward(self, x):
            clock.now += next(costs)
            seen.append(self.training)
            return x

    class Batches:  # ten validation batches, like DeviceBatches
        def __len__(self):
            return 10

        def __iter__(self):
            for _ in range(10):
                torch.utils.data.DataLoader(range(4)).__iter__()  # draws a seed, as loaders do
                yield torch.zeros(2, 3), torch.zeros(2)

    model = Timed().train()
    before = torch.get_rng_state()
    # without workers: the first batch, then one more
    assert time_validation(model, Batches(), torch.autocast("cpu", enabled=False), clock) == (
        pytest.approx(3.0 + 9 * 1.0)
    )
    assert seen == [False, False]  # evaluated as validation is
    assert torch.equal(torch.get_rng_state(), before)  # the training to come draws the same
    # two workers decode their first batches side by side: the first, then three, averaged
    costs = iter([3.0, 0.5, 0.5, 2.0, 9.0])
    assert time_validation(Timed(), Batches(), torch.autocast("cpu", enabled=False), clock,
                           workers=2) == pytest.approx(3.0 + 9 * 1.0)  # fmt: skip


def test_running_out_of_memory_while_timing_the_validation_says_so_before_an_epoch(
    shapes, monkeypatch
):
    """The timed batches are as big as the validation's (bigger than a training batch): when
    they do not fit, the run ends at once with what to do, instead of after an epoch."""
    import core.training.stages as stages

    def out_of_memory(*args, **kwargs):
        raise RuntimeError("CUDA out of memory. Tried to allocate 2.00 GiB")

    monkeypatch.setattr(stages, "time_validation", out_of_memory)
    events: list = []
    result, _clock = _budget_run(shapes, budget=20.0, events=events)
    assert result.outcome == "failed"
    assert "Out of memory" in result.message and "validating epoch 1" in result.message
    assert not [e for e in events if isinstance(e, EpochEnded)]


def test_a_budget_too_short_for_its_validations_still_trains_and_says_so(shapes):
    """A validation timed at more than the budget has: the run trains anyway (for half of what
    is left) rather than ending without a model, and says the budget is too short."""
    events: list = []
    # a validation costs 6 s of a 14 s budget
    result, _clock = _budget_run(shapes, 14.0, events, inference=6.0, spent=0.0)
    assert result.outcome == "finished", result.message
    assert [e for e in events if isinstance(e, BatchEnded)]  # it trained
    warnings = [e.message for e in events if isinstance(e, Logged) and e.level == "warning"]
    assert any("too short" in w and "at least" in w for w in warnings), warnings
