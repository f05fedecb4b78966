"""Measure the data audit at scale (issue 12: "an audit of 50,000 images keeps memory bounded
(features in float16) and the UI responsive").

    .venv/bin/python tools/audit_scale.py [--images 50000] [--size 24] [--cache DIR] [--json OUT]

1. Generates (once, kept in --cache) N tiny demo images (8 classes, --size px JPEGs).
2. Runs `core.audit.run_audit` over them with a small model (MobileNetV3-Small at 32 px,
   trained for a few seconds on 2,000 of the images) and reports the
   process's peak resident memory (Linux VmHWM, reset before the audit) against the size of the
   float16 feature matrix and of the thumbnails the audit keeps.
3. Offscreen Qt: times the embedding map's build (`show_result`), a full redraw (`grab`), a
   lasso selection of about a quarter of the points and the redraw with them ringed, a hover
   look-up, and the audit dialog's whole hand-over of the result (`_on_done`: findings table and
   map), all on the GUI thread: the pauses a user would feel.

Figures are absolute (seconds, MB) on the machine it runs on, not ratio claims; docs/AUDIT.md
quotes a run.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
MB = 2**20


def _status(field: str) -> int:
    """VmRSS / VmHWM of this process in bytes (0 where /proc is missing)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def _reset_peak() -> bool:
    """Reset VmHWM to the current RSS (Linux >= 4.0); False where that is not possible."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
        return True
    except OSError:
        return False


def _data(cache: Path, images: int, size: int) -> Path:
    from core.demo import make_demo_dataset

    root = cache / f"audit-scale-{images}-{size}px"
    if not (root / ".complete").exists():
        began = time.perf_counter()
        make_demo_dataset(root, classes=8, per_class=math.ceil(images / 8), size=size, seed=0)
        (root / ".complete").write_text("")
        print(f"generated {images} images in {time.perf_counter() - began:.0f} s")
    return root


def _source(root: Path, train_images: int = 2000):
    """MobileNetV3-Small at 32 px, trained for a few seconds on a sample of the images (random
    weights put every image on nearly the same point: no map to measure)."""
    import torch
    from PIL import Image

    from core.audit import FeatureSource
    from core.backbones import build_model, get_spec
    from core.dataset import eval_transform, scan_folder
    from core.modelfile import new_metadata

    torch.manual_seed(0)
    spec = get_spec("mobilenet_v3_small")
    index = scan_folder(root).index
    model = build_model(spec, len(index.class_names))
    transform = eval_transform(32, spec.mean, spec.std)
    samples = index.samples[:: max(1, len(index.samples) // train_images)]
    x = torch.stack([transform(Image.open(s.path).convert("RGB")) for s in samples])
    y = torch.tensor([s.label for s in samples])
    optimiser = torch.optim.AdamW(model.parameters(), lr=3e-3)
    began = time.perf_counter()
    model.train()
    for _epoch in range(3):
        for idx in torch.randperm(len(x)).split(64):
            loss = torch.nn.functional.cross_entropy(model(x[idx]), y[idx])
            optimiser.zero_grad()
            loss.backward()
            optimiser.step()
    for norm in model.modules():  # BatchNorm statistics: the plain average over the sample
        if isinstance(norm, torch.nn.modules.batchnorm._BatchNorm):
            norm.reset_running_stats()
            norm.momentum = None
    with torch.no_grad():
        for idx in torch.arange(len(x)).split(64):
            model(x[idx])
    print(f"trained on {len(x)} images in {time.perf_counter() - began:.0f} s", flush=True)
    names = list(index.class_names)
    return FeatureSource.from_model(
        model.eval(), new_metadata(spec.name, names, 32, spec.mean, spec.std), "scale"
    )


def audit(root: Path, cache: Path, figures: dict):
    import torch

    from core.audit import run_audit
    from core.dataset import DecodedImageCache

    source = _source(root)
    with torch.inference_mode():
        dims = int(source.body(torch.zeros(1, 3, 32, 32)).flatten(1).shape[1])
    decoded = DecodedImageCache(short_side=37, spill_dir=cache / "decoded")
    before = _status("VmRSS")
    figures["peak_reset"] = _reset_peak()
    samples: list[tuple[float, int]] = []
    done = threading.Event()

    def sample() -> None:  # the resident size every 20 ms: which phase holds the peak
        while not done.wait(0.02):
            samples.append((time.perf_counter(), _status("VmRSS")))

    sampler = threading.Thread(target=sample, daemon=True)
    began = time.perf_counter()
    sampler.start()
    result = run_audit(root, source, cache=decoded)
    done.set()
    sampler.join()
    figures["phase_peak_mb"] = _phase_peaks(samples, began, result.seconds)
    n = len(result.paths)
    figures.update(
        images=n,
        feature_dims=dims,
        audit_s=round(time.perf_counter() - began, 1),
        phase_s={k: round(v, 1) for k, v in result.seconds.items()},
        rss_before_mb=round(before / MB),
        rss_peak_mb=round(_status("VmHWM") / MB),
        rss_after_mb=round(_status("VmRSS") / MB),
        feature_matrix_mb=round(n * dims * 2 / MB, 1),  # float16
        thumbnails_mb=round(n * 3 * 16 * 16 * 2 / MB, 1),  # float16, 16x16 RGB
        findings={kind: len(result.by_kind(kind)) for kind in result.counts()},
    )
    figures["peak_growth_mb"] = figures["rss_peak_mb"] - figures["rss_before_mb"]
    return result


def _phase_peaks(samples, began: float, seconds: dict) -> dict:
    """The highest sampled RSS (MB) within each of run_audit's phases."""
    peaks, start = {}, began
    for phase in ("scan", "features", "analysis"):
        stop = start + seconds.get(phase, 0.0)
        inside = [rss for t, rss in samples if start <= t <= stop]
        peaks[phase] = round(max(inside) / MB) if inside else None
        start = stop
    peaks["after"] = round(max((rss for t, rss in samples if t > start), default=0) / MB)
    return peaks


def _timed(action, repeats: int = 3) -> float:
    """The median wall time of `action()` in milliseconds."""
    times = []
    for _ in range(repeats):
        began = time.perf_counter()
        action()
        times.append(1000 * (time.perf_counter() - began))
    return round(sorted(times)[len(times) // 2], 1)


def gui(result, figures: dict) -> None:
    import numpy as np

    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QPointF
    from PySide6.QtWidgets import QApplication

    from gui.audit import DataAuditDialog
    from gui.audit.map_view import EmbeddingMapWidget

    app = QApplication.instance() or QApplication([])
    _reset_peak()
    before = _status("VmRSS")
    widget = EmbeddingMapWidget(open_on_click=False)
    widget.resize(900, 700)
    widget.show()
    app.processEvents()
    figures["map_build_ms"] = _timed(lambda: (widget.show_result(result), app.processEvents()))
    figures["map_redraw_ms"] = _timed(widget.plot.grab)
    points = np.asarray(result.embedding, dtype=float)
    centre, spread = np.median(points, axis=0), points.std(axis=0)
    t = np.linspace(0, 2 * math.pi, 200, endpoint=False)  # a wobbly 200-vertex lasso
    radius = 0.8 + 0.15 * np.sin(6 * t)
    lasso = centre + spread * np.stack([radius * np.cos(t), radius * np.sin(t)], axis=1)
    figures["lasso_select_ms"] = _timed(lambda: widget.select_polygon(lasso))
    figures["lasso_selected"] = len(widget.selected)
    figures["redraw_with_selection_ms"] = _timed(widget.plot.grab)
    item = widget.items[0]
    where = QPointF(*points[0])
    figures["hover_lookup_ms"] = _timed(lambda: item.pointsAt(where), repeats=5)
    figures["map_rss_growth_mb"] = round((_status("VmHWM") - before) / MB)
    dialog = DataAuditDialog(result.root, None)
    dialog.show()
    figures["dialog_show_result_ms"] = _timed(lambda: (dialog._on_done(result), app.processEvents()),
                                              repeats=1)  # fmt: skip
    figures["dialog_table_rows"] = dialog.table.rowCount()
    dialog.close()
    widget.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--images", type=int, default=50_000)
    parser.add_argument("--size", type=int, default=24)
    parser.add_argument("--cache", type=Path, default=Path("/tmp/backbone-audit-scale"))
    parser.add_argument("--json", type=Path, default=None)
    parser.add_argument("--threads", type=int, default=1)
    args = parser.parse_args(argv)
    import torch

    torch.set_num_threads(args.threads)
    root = _data(args.cache, args.images, args.size)
    figures: dict = {"threads": args.threads, "size_px": args.size}
    result = audit(root, args.cache, figures)
    print(json.dumps(figures, indent=1), flush=True)
    gui(result, figures)
    print(json.dumps(figures, indent=1))
    if args.json is not None:
        args.json.write_text(json.dumps(figures, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
