"""The from-scratch recipe's ingredients one at a time (docs/TRAINING.md, "Ablation").

    .venv/bin/python tools/recipe_ablation.py [--set icons|glyphs] [--budget 100] [--seeds 0,1]
        [--variants default,no-label-smoothing,no-augmentation,no-flip] [--json OUT]

Each variant is the one-click default (`TrainConfig(backbone="resnet18", pretrained=False,
time_budget=B)`) with one setting changed, trained on the `budget` scenario's generated set
(benchmarks/smalldata.py) for the same time budget and scored on its held-out test/ folder.
Variants and seeds alternate (default, A, B, ..., then the next seed in reverse order), so a
machine that slows down during the run favours none of them. Prints one line per run and a table
of the test accuracies; the run's load average before and after is printed with it. Accuracy,
not speed: a tool, not a `benchmarks` scenario.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

VARIANTS = {
    "default": {},
    "no-label-smoothing": {"label_smoothing": 0.0},
    "no-augmentation": {"augment": False},
    "no-flip": {"flip": False},
    "class-weights": {"class_weighting": "on"},
    "ema": {"ema": True},
    "mobilenet-v3-small": {"backbone": "mobilenet_v3_small"},
    "mobilenet-v3-large": {"backbone": "mobilenet_v3_large"},
    "efficientnet-b0": {"backbone": "efficientnet_b0"},
}


def main() -> int:
    from benchmarks.budget import ours_within
    from benchmarks.smalldata import clutter, ensure_small_set, glyphs, icons

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--set", choices=("icons", "icons128", "glyphs", "clutter"), default="icons")
    parser.add_argument("--budget", type=float, default=100.0, help="seconds per run")
    parser.add_argument("--seeds", default="0,1")
    parser.add_argument("--variants", default="default,no-label-smoothing,no-augmentation,no-flip")
    parser.add_argument("--cache", type=Path, default=ROOT / "benchmarks" / ".cache" / "small")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    small = {"icons": icons, "icons128": lambda: icons(1.0, 128), "glyphs": lambda: glyphs(1000, 200),
             "clutter": lambda: clutter(1000, 200)}[args.set]()  # fmt: skip
    root = ensure_small_set(small, args.cache)
    names = [v for v in args.variants.split(",") if v]
    unknown = [v for v in names if v not in VARIANTS]
    if unknown:
        parser.error(f"unknown variants {unknown}; known: {', '.join(VARIANTS)}")
    seeds = [int(s) for s in args.seeds.split(",")]
    print(f"{small.name}: {small.train_size} training images, budget {args.budget:g} s, "
          f"load average before {os.getloadavg()}", flush=True)  # fmt: skip
    runs: dict[str, list[dict]] = {name: [] for name in names}
    for i, seed in enumerate(seeds):
        for name in names if i % 2 == 0 else list(reversed(names)):
            wall, acc, epochs = ours_within(root, small, args.budget, seed=seed, **VARIANTS[name])
            runs[name].append({"seed": seed, "accuracy": acc, "wall_s": wall, "epochs": epochs})
            print(f"  {name:20s} seed {seed}: {acc:.1%} test accuracy, {epochs} epochs, "
                  f"{wall:.0f} s", flush=True)  # fmt: skip
    print(f"load average after {os.getloadavg()}")
    print(f"\n| variant | test accuracy (seeds {args.seeds}) | mean | epochs |\n|---|---|---:|---:|")
    for name, rows in runs.items():
        accs = ", ".join(f"{r['accuracy']:.1%}" for r in rows)
        print(f"| {name} | {accs} | {statistics.mean(r['accuracy'] for r in rows):.1%} | "
              f"{', '.join(str(r['epochs']) for r in rows)} |")  # fmt: skip
    if args.json:
        args.json.write_text(json.dumps({"set": small.name, "budget": args.budget, "runs": runs},
                                        indent=1))  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
