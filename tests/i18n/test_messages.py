"""core.messages: sentences with stable ids whose str() is exactly the English text, and the
GUI's rendering of them in the installed language (gui.i18n.render)."""

from __future__ import annotations

import json
import pickle

import pytest

from core.messages import CATALOGUE, Message, define, load_catalogue, placeholders
from core.training import plan_notes
from gui.i18n import render


def test_a_message_is_its_english_sentence_and_keeps_its_id_and_params():
    note = plan_notes.BATCH(batch=32, why=plan_notes.WHY_CPU(size=64))
    assert note == "Batch size 32 (CPU, 64 px)." and str(note) == note
    assert isinstance(note, str) and note.id == "plan.batch"
    assert note.params["batch"] == 32 and note.params["why"].id == "plan.batch.why_cpu"
    assert json.dumps([note]) == '["Batch size 32 (CPU, 64 px)."]'  # checkpoints, --json
    assert f"• {note}" == "• Batch size 32 (CPU, 64 px)."


def test_a_message_survives_pickling_with_its_id():
    note = plan_notes.RECIPE_HEAD(epochs=3, lr=0.002)
    copy = pickle.loads(pickle.dumps(note))
    assert copy == note and copy.id == note.id and copy.params == {"epochs": 3, "lr": 0.002}


def test_an_id_is_declared_once():
    define("test.once", "Hello {name}.")
    define("test.once", "Hello {name}.")  # the same text again is harmless (a re-import)
    with pytest.raises(ValueError, match="test.once"):
        define("test.once", "Goodbye {name}.")
    CATALOGUE.pop("test.once")


def test_the_catalogue_holds_every_plan_note_with_its_placeholders():
    catalogue = load_catalogue()
    assert "plan.budget.full" in catalogue and len(catalogue) >= 25
    assert placeholders(catalogue["plan.recipe.two_stage"]) == {
        "head_epochs", "head_lr", "full_epochs", "top", "low"
    }


def test_the_plan_notes_are_messages(tmp_path, image_factory):
    from core.dataset import scan_folder
    from core.training import TrainConfig, make_plan

    for label in ("cat", "dog"):
        for i in range(6):
            image_factory(tmp_path / "data" / label / f"{i}.png", index=i, size=32)
    index = scan_folder(tmp_path / "data").index
    plan = make_plan(TrainConfig(backbone="resnet18", pretrained=False, time_budget=None), index)
    assert plan.notes and all(isinstance(note, Message) for note in plan.notes)
    assert any(note.startswith("Image size 32 px") for note in plan.notes)


def test_render_says_a_message_in_the_installed_language(qapp):
    from gui.i18n import install_translators

    note = plan_notes.BATCH(batch=32, why=plan_notes.WHY_CPU(size=64))
    try:
        assert install_translators(qapp, "zh_CN") == "zh_CN"
        assert render(note) == "批大小 32（CPU，64 px）。"
        assert render(plan_notes.IMBALANCED(ratio=8.0)).startswith("类别不平衡")
        assert render("plain text") == "plain text"
        unknown = Message("test.unknown", "Not in any catalogue {x}.", {"x": 1})
        assert render(unknown) == "Not in any catalogue 1."
    finally:
        install_translators(qapp, "en")
    assert render(note) == str(note)


def test_offers_findings_and_errors_from_core_are_rendered(qapp, language):
    from core.backbones import offer
    from core.errors import BackboneStudioError
    from core.resume import EPOCH_MANY, OFFER, OFFER_BEST
    from core.training import lr_find
    from gui.jobs import error_text

    offline = offer.OFFLINE(backbone="ResNet-18")
    assert offline.startswith("This computer seems to be offline, so ResNet-18 trains")
    resumable = OFFER(backbone="ResNet-18", folder="/data/猫狗", epoch=3,
                      epochs=EPOCH_MANY(n=12), best=OFFER_BEST(accuracy=87.5), when="2026-11-29 17:45")  # fmt: skip
    assert resumable.startswith("A training did not finish: ResNet-18 on /data/猫狗, 3 of 12 epochs done, best")
    error = BackboneStudioError(lr_find.TOO_FEW())
    assert error_text(error) == str(error)
    assert language("zh_CN") == "zh_CN"
    assert render(offline).startswith("这台电脑似乎没有联网，因此 ResNet-18 将从头训练")
    assert "已完成 3 / 12 轮，最佳验证准确率 87.5%" in render(resumable) and "/data/猫狗" in render(resumable)
    assert render(lr_find.SUGGESTED(suggestion=0.0003, lowest=0.003)) == "建议学习率 0.0003：即损失最低处 0.003 的十分之一。"
    assert error_text(error).startswith("学习率查找器需要更多训练图像")
    assert error_text(BackboneStudioError("plain English")) == "plain English"
