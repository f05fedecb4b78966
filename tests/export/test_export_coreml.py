"""Core ML: converted and checked for structure here; its predictions run only on macOS."""

from __future__ import annotations

import sys

import pytest

from core.export import ExportError, ExportRequest, convert, export_model, parse_formats

pytest.importorskip("coremltools")


def test_core_ml_is_converted_and_its_structure_checked(tmp_path, tiny_model, export_data):
    model, metadata = tiny_model
    out = tmp_path / "export"
    report = export_model(ExportRequest(model, metadata, out, parse_formats("coreml"),
                                        export_data))  # fmt: skip
    package = out / "model.mlpackage"
    assert (package / "Manifest.json").is_file()
    assert any(p.name == "model.mlmodel" for p in package.rglob("*"))
    (check,) = report.checks
    assert check.format == "coreml" and check.passed
    if sys.platform != "darwin":
        assert check.images == 0 and "only on macOS" in check.note
        assert "N x 3 x 24 x 24" in check.note and "3 logits" in check.note
    assert "model.mlpackage" in (out / "README.md").read_text()
    assert any(name.startswith("model.mlpackage/") for name in report.files)
    with pytest.raises(ExportError, match="does not take one 3 x 32 x 32"):
        convert.coreml_structure(package, 32, 3)
