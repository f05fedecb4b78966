"""Building models with a fresh head, and taking them apart (features, last stage, groups)."""

from __future__ import annotations

from torch import nn

from ..errors import BackboneStudioError, WeightsUnavailable
from ..messages import define
from .table import BackboneSpec, get_spec
from .weights import cached_state_dict, first_line, weights_file

_MODEL_NEEDS_LEAST_ONE = define(
    "error.backbone.model_needs_least_one",
    "A model needs at least one class (got {num_classes}).",
)
_NO_SMALL_IMAGE_STEM = define(
    "error.backbone.no_small_image_stem",
    "{display_name} has no small-image stem; only ResNets do. Use an image size of at least "
    "{min_size} px instead.",
)
_CACHED_WEIGHTS_FILE_DOES = define(
    "error.backbone.cached_weights_file_does",
    "The cached weights file {value} does not fit {display_name} ({error}). Delete it, then "
    "download or import the weights again.",
)


def build_model(
    name: str | BackboneSpec,
    num_classes: int,
    pretrained: bool = False,
    small_input: bool = False,
    stem_stride: int = 1,
) -> nn.Module:
    """Build a backbone with a fresh `num_classes` head (`small_input`: the small-image stem,
    whose first convolution has `stem_stride`).

    With `pretrained=True` the ImageNet weights are loaded from the local cache first (raising
    `WeightsUnavailable` when they are not there), and only then is the head replaced.
    """
    spec = get_spec(name)
    if num_classes < 1:
        raise BackboneStudioError(_MODEL_NEEDS_LEAST_ONE(num_classes=num_classes))
    if small_input and not spec.supports_small_input:
        raise BackboneStudioError(
            _NO_SMALL_IMAGE_STEM(display_name=spec.display_name, min_size=spec.min_size)
        )
    model = spec.builder(weights=None)
    if pretrained:
        try:
            model.load_state_dict(cached_state_dict(spec))
        except RuntimeError as exc:  # a file of another architecture under this name
            raise WeightsUnavailable(
                _CACHED_WEIGHTS_FILE_DOES(
                    value=weights_file(spec),
                    display_name=spec.display_name,
                    error=first_line(exc),
                )
            ) from exc
    if small_input:
        spec.family_info.small_stem(model, stem_stride)
    old_head = head_module(model, spec)
    model.set_submodule(spec.head_path, nn.Linear(old_head.in_features, num_classes))
    return model


def head_module(model: nn.Module, spec: str | BackboneSpec) -> nn.Linear:
    head = model.get_submodule(get_spec(spec).head_path)
    if not isinstance(head, nn.Linear):
        raise TypeError(f"{get_spec(spec).head_path} is a {type(head).__name__}, not nn.Linear")
    return head


def _parts(model: nn.Module, spec: BackboneSpec) -> list[nn.Module]:
    parts = spec.family_info.parts(model)
    if parts[-1] is not head_module(model, spec):
        raise AssertionError(f"{spec.name}: the last part is not the head at {spec.head_path}")
    return parts


def split_features(model: nn.Module, spec: str | BackboneSpec) -> tuple[nn.Module, nn.Module]:
    """(body, head): body(x) gives [N, D] feature vectors; head(body(x)) == model(x) in eval.

    Both share their parameters with `model`.
    """
    parts = _parts(model, get_spec(spec))
    return nn.Sequential(*parts[:-1]), parts[-1]


def split_partial(model: nn.Module, spec: str | BackboneSpec) -> tuple[nn.Module, nn.Module]:
    """(trunk, tail): the tail is the last stage plus the head; tail(trunk(x)) == model(x)."""
    spec = get_spec(spec)
    parts = _parts(model, spec)
    start = spec.family_info.tail_start(model, parts)
    return nn.Sequential(*parts[:start]), nn.Sequential(*parts[start:])


def parameter_groups(model: nn.Module, spec: str | BackboneSpec) -> list[list[nn.Parameter]]:
    """Trainable parameters in three groups, earliest layers first and the head last:
    [trunk before the last stage, last stage, head]. Used for lower learning rates early on."""
    spec = get_spec(spec)
    parts = _parts(model, spec)
    start = spec.family_info.tail_start(model, parts)
    sections = (parts[:start], parts[start:-1], parts[-1:])
    seen: set[int] = set()
    groups: list[list[nn.Parameter]] = []
    for section in sections:
        group = []
        for part in section:
            for p in part.parameters():
                if id(p) not in seen:
                    seen.add(id(p))
                    group.append(p)
        groups.append(group)
    return groups
