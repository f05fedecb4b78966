"""Fixtures for the export tests: a small generated dataset, the tiny model, its file, and one
export of every format made once per session."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from export_helpers import CLASSES, make_model  # noqa: E402


@pytest.fixture(scope="session")
def export_data(tmp_path_factory) -> Path:
    from core.demo import make_demo_dataset

    return make_demo_dataset(tmp_path_factory.mktemp("exp") / "data", classes=CLASSES,
                             per_class=10, size=40)  # fmt: skip


@pytest.fixture(scope="session")
def tiny_model(export_data):
    return make_model(export_data)


@pytest.fixture(scope="session")
def resnet_file(tmp_path_factory, export_data) -> Path:
    """A ResNet-18 (small-image stem) model file, for the CLI."""
    from core.modelfile import save_model

    model, metadata = make_model(export_data, "resnet18")
    return save_model(tmp_path_factory.mktemp("model") / "tiny.safetensors", model, metadata)


@pytest.fixture(scope="session")
def exported(tmp_path_factory, tiny_model, export_data):
    """One export of every format (made once per session: the dynamo exporter takes seconds)."""
    from core.export import ExportRequest, export_model, parse_formats

    model, metadata = tiny_model
    out = tmp_path_factory.mktemp("exports") / "everything"
    seen = []
    request = ExportRequest(model, metadata, out, parse_formats("onnx,int8,openvino,torchscript"),
                            export_data, name="tiny", force=True)  # fmt: skip
    report = export_model(request, progress=lambda f, s: seen.append((f, s)))
    return out, report, seen
