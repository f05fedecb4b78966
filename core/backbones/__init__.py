"""The backbone table, model building, and the pretrained-weight cache.

One tuple of frozen `BackboneSpec` entries describes every backbone the app offers; the GUI's
picker and the CLI's `backbones` command both read it. Per-family behaviour (where the stages
are, how to give a ResNet the small-image stem) lives in small `Family` records referenced from
the table, never in if/elif chains over model names.

Fine-tuning follows torchvision: build with the pretrained weights, *then* replace the head at
the spec's head path. Weights are never downloaded implicitly: `build_model(pretrained=True)`
reads the local cache and raises `WeightsUnavailable` when the file is not there; the GUI and
CLI call `download_weights()` (with progress) or `import_weights()` explicitly.

`table.py` holds the families and the table, `build.py` builds models and takes them apart,
`weights.py` is the pretrained-weight cache. Everything is importable from `core.backbones`.
"""

from __future__ import annotations

from .build import build_model, head_module, parameter_groups, split_features, split_partial
from .table import (
    BACKBONES,
    IMAGENET_MEAN,
    IMAGENET_STD,
    BackboneSpec,
    Family,
    get_spec,
)
from .weights import (
    cached_state_dict,
    check_state_dict,
    download_weights,
    imagenet_categories,
    import_weights,
    weights_cache_dir,
    weights_cached,
    weights_file,
)

__all__ = [
    "BACKBONES",
    "IMAGENET_MEAN",
    "IMAGENET_STD",
    "BackboneSpec",
    "Family",
    "build_model",
    "cached_state_dict",
    "check_state_dict",
    "download_weights",
    "get_spec",
    "head_module",
    "imagenet_categories",
    "import_weights",
    "parameter_groups",
    "split_features",
    "split_partial",
    "weights_cache_dir",
    "weights_cached",
    "weights_file",
]
