"""A private torch hub cache holding randomly initialised "pretrained" weights.

Nothing can be downloaded here, and weights do not change what a forward or backward pass costs,
so the benchmarks put a random-init 1000-class state dict under the file name torchvision's
weights URL implies, in a hub folder inside the benchmark cache. `TORCH_HOME` points there only
while a scenario runs: the user's real weight cache is never read or written.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from pathlib import Path

import torch

from .harness import environ


@contextlib.contextmanager
def private_weights(cache_dir: Path, *backbones: str) -> Iterator[Path]:
    """TORCH_HOME -> `cache_dir/torch-home` with random weights for `backbones` in it."""
    from core.backbones import get_spec, weights_cached, weights_file

    home = cache_dir / "torch-home"
    with environ(TORCH_HOME=str(home)):
        for name in backbones:
            if weights_cached(name):
                continue
            path = weights_file(name)
            if path is None:
                raise ValueError(f"{name} has no pretrained weights in core.backbones")
            path.parent.mkdir(parents=True, exist_ok=True)
            torch.manual_seed(0)
            state = get_spec(name).builder(weights=None).state_dict()
            tmp = path.with_name(path.name + ".tmp")
            torch.save(state, tmp)
            os.replace(tmp, path)
        yield home
