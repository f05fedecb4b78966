"""The GUI tests' fixtures (tests/gui/conftest.py: private settings, generated images), and the
English catalogue installed for every test here unless a test installs another."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

_spec = importlib.util.spec_from_file_location(
    "gui_test_fixtures", Path(__file__).resolve().parents[1] / "gui" / "conftest.py"
)
_fixtures = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_fixtures)

settings = _fixtures.settings
image_factory = _fixtures.image_factory
make_image = _fixtures.make_image


@pytest.fixture
def language(qapp):
    """`language("zh_CN")` installs that language's catalogue; English again afterwards."""
    from gui.i18n import install_translators

    def install(choice: str) -> str:
        return install_translators(qapp, choice)

    yield install
    install_translators(qapp, "en")
