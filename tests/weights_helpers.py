"""Fabricated "pretrained" weights for tests: no network, no real ImageNet files.

`fake_pretrained(name)` writes a randomly initialised 1000-class state dict into the torch hub
cache under the file name torchvision's weights URL implies, so `weights_cached(name)` is True and
`build_model(name, n, pretrained=True)` loads it exactly like real downloaded weights.
"""

from __future__ import annotations

from pathlib import Path

import torch

from core.backbones import get_spec, weights_file


def fake_state_dict(name: str, seed: int = 0) -> dict[str, torch.Tensor]:
    spec = get_spec(name)
    torch.manual_seed(seed)
    return spec.builder(weights=None).state_dict()


def fake_pretrained(name: str, seed: int = 0) -> Path:
    """Put a fake weights file for `name` into the cache (idempotent per seed) and return it."""
    path = weights_file(name)
    if path is None:
        raise ValueError(f"{name} has no pretrained weights in the table")
    path.parent.mkdir(parents=True, exist_ok=True)
    torch.save(fake_state_dict(name, seed), path)
    return path
