"""The Classify page's texts built in the GUI for core's words (issue 16, phase 2): in English they
are exactly what core says, so the CSV, the CLI and the table agree."""

from __future__ import annotations

import pytest

from core.calibration import verdict
from core.predict import Prediction
from gui.widgets.verdict_text import shown_verdict


@pytest.mark.parametrize("prediction", [
    Prediction("a.png", "cat", 0.9, (("cat", 0.9),)),
    Prediction("b.png", "cat", 0.4, (("cat", 0.4),), not_sure=True),
    Prediction("c.png", "dog", 0.5, (("dog", 0.5),), unfamiliar=True),
    Prediction("d.png", "猫", 0.3, (("猫", 0.3),), not_sure=True, unfamiliar=True),
    Prediction("e.png", None, 0.0, (), error="cannot read this image"),
])  # fmt: skip
def test_the_shown_verdict_is_cores_verdict_in_english(qapp, prediction):
    assert shown_verdict(prediction) == verdict(prediction)


def test_the_shown_verdict_keeps_the_class_name_in_chinese(qapp, language):
    language("zh_CN")
    not_sure = Prediction("b.png", "猫", 0.4, (("猫", 0.4),), not_sure=True)
    plain = Prediction("a.png", "chien_é", 0.9, (("chien_é", 0.9),))
    assert "猫" in shown_verdict(not_sure)
    assert shown_verdict(plain) == "chien_é"
