"""The distributed tests' tiny dataset (helpers: dist_helpers.py)."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(scope="module")
def tiny_data(tmp_path_factory) -> Path:
    from core.demo import make_demo_dataset

    return make_demo_dataset(tmp_path_factory.mktemp("dist") / "shapes", classes=2, per_class=20,
                             size=32)  # fmt: skip
