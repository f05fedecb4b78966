"""The export folder's predict.py, run by a Python that has only onnxruntime, numpy and Pillow
(no torch, no Backbone Studio), gives our top-1 on every image: it reproduces our loader."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from export_helpers import odd_images

from core.export import standalone
from core.predict import Classifier, ClassifierInfo

_BOOT = """
import runpy, sys
sys.path[:0] = [{site!r}]
try:
    import torch  # noqa: F401
except ImportError:
    pass
else:
    raise SystemExit("torch is importable in the isolated interpreter")
try:
    import core  # noqa: F401
except ImportError:
    pass
else:
    raise SystemExit("Backbone Studio is importable in the isolated interpreter")
sys.argv = ["predict.py", *{args!r}]
runpy.run_path({script!r}, run_name="__main__")
"""


def _site_without_torch(tmp_path: Path) -> Path:
    """A folder holding only onnxruntime, numpy and PIL (and the shared libraries their wheels
    carry), linked from this environment's site-packages."""
    import numpy
    import onnxruntime
    import PIL

    site = tmp_path / "site"
    site.mkdir()
    packages = [Path(m.__file__).parent for m in (onnxruntime, numpy, PIL)]
    for package in packages:
        (site / package.name).symlink_to(package)
    for libs in ("numpy.libs", "pillow.libs", "onnxruntime.libs"):  # the wheels' own .so files
        if (packages[1].parent / libs).is_dir():
            (site / libs).symlink_to(packages[1].parent / libs)
    return site


def _isolated(script: Path, site: Path, args: list[str]) -> subprocess.CompletedProcess:
    code = _BOOT.format(site=str(site), args=args, script=str(script))
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}
    return subprocess.run([sys.executable, "-I", "-S", "-c", code], capture_output=True,
                          text=True, env=env, timeout=120, cwd=str(site))  # fmt: skip


def test_predict_py_without_torch_gives_our_top1(exported, tiny_model, export_data, tmp_path):
    out, _, _ = exported
    model, metadata = tiny_model
    odd = odd_images(tmp_path / "odd")
    ordinary = sorted(export_data.rglob("*.jpg"))[::3]
    paths = [*odd, *ordinary]
    site = _site_without_torch(tmp_path)
    run = _isolated(out / "predict.py", site,
                    ["--json", "--top-k", "3", "--model", str(out / "model.onnx"),
                     *map(str, paths)])  # fmt: skip
    assert run.returncode == 0, run.stderr + run.stdout
    theirs = [json.loads(line) for line in run.stdout.splitlines()]
    assert [t["source"] for t in theirs] == [str(p) for p in paths]
    info = ClassifierInfo.from_metadata(metadata, "tiny")
    ours = Classifier(model, info, device=__import__("torch").device("cpu")).predict(paths)
    for mine, other in zip(ours, theirs, strict=True):
        assert mine.ok and "error" not in other, (mine, other)
        assert other["label"] == mine.label, other["source"]
        assert other["confidence"] == pytest.approx(mine.confidence, abs=1e-4)
    assert len({o.label for o in ours}) >= 2  # the answers differ, so agreeing means something


def test_the_loader_gives_our_pixels_for_every_conversion(tiny_model, tmp_path):
    from core.dataset import eval_transform
    from core.images import load_image

    _, metadata = tiny_model
    transform = eval_transform(24, metadata.mean, metadata.std)
    for path in odd_images(tmp_path):
        ours = transform(load_image(path, target_size=28)).numpy()
        image = standalone.load_image(path, standalone.decode_size(24))
        theirs = standalone.preprocess(image, 24, metadata.mean, metadata.std)
        assert np.abs(ours - theirs).max() < 1e-5, path.name


def test_a_broken_image_is_one_error_line_not_a_crash(exported, tmp_path):
    out, _, _ = exported
    broken = tmp_path / "broken.jpg"
    broken.write_bytes(b"not an image at all")
    good = odd_images(tmp_path / "odd")[0]
    runtime = standalone.Runtime(out / "model.onnx")
    config = standalone.read_config(out)
    results = standalone.classify([broken, good], runtime, config)
    assert "error" in results[0] and results[1]["label"] in config["class_names"]
