"""The backbone table, model building, and the pretrained-weight cache.

One tuple of frozen `BackboneSpec` entries describes every backbone the app offers; the GUI's
picker and the CLI's `backbones` command both read it. Per-family behaviour (where the stages
are, how to give a ResNet the small-image stem) lives in small `Family` records referenced from
the table, never in if/elif chains over model names.

Fine-tuning follows torchvision: build with the pretrained weights, *then* replace the head at
the spec's head path. Weights are never downloaded implicitly: `build_model(pretrained=True)`
reads the local cache and raises `WeightsUnavailable` when the file is not there; the GUI and
CLI call `download_weights()` (with progress) or `import_weights()` explicitly.
"""

from __future__ import annotations

import hashlib
import os
import re
import urllib.error
import urllib.request
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path

import torch
import torchvision.models as tvm
from torch import nn
from torchvision.models import WeightsEnum

from .errors import BackboneStudioError, WeightsUnavailable
from .events import CancelToken, ProgressCallback
from .fileio import atomic_replace

IMAGENET_MEAN = (0.485, 0.456, 0.406)
IMAGENET_STD = (0.229, 0.224, 0.225)


# --------------------------------------------------------------------------------------------
# Families: how a model's forward pass unrolls into a flat list of parts, and where its last
# stage starts. `parts(model)` run in sequence equal `model(x)`; the last part is the head.
# --------------------------------------------------------------------------------------------


def _resnet_parts(model: nn.Module) -> list[nn.Module]:
    return [
        model.conv1, model.bn1, model.relu, model.maxpool,
        model.layer1, model.layer2, model.layer3, model.layer4,
        model.avgpool, nn.Flatten(1), model.fc,
    ]  # fmt: skip


def _features_pool_flatten_parts(model: nn.Module) -> list[nn.Module]:
    """AlexNet, VGG, MobileNetV3, EfficientNet: features -> avgpool -> flatten -> classifier."""
    return [*model.features, model.avgpool, nn.Flatten(1), *model.classifier]


def _convnext_parts(model: nn.Module) -> list[nn.Module]:
    # ConvNeXt's classifier starts with LayerNorm2d and its own Flatten.
    return [*model.features, model.avgpool, *model.classifier]


def _resnet_tail_start(model: nn.Module, parts: Sequence[nn.Module]) -> int:
    return _index_of(parts, model.layer4)


def _last_conv_block_start(model: nn.Module, parts: Sequence[nn.Module]) -> int:
    """VGG/AlexNet: the last conv block starts right after the second-to-last max-pool."""
    pools = [i for i, m in enumerate(model.features) if isinstance(m, nn.MaxPool2d)]
    return pools[-2] + 1 if len(pools) >= 2 else 0


def _last_feature_blocks(count: int) -> Callable[[nn.Module, Sequence[nn.Module]], int]:
    def start(model: nn.Module, parts: Sequence[nn.Module]) -> int:
        return _index_of(parts, model.features[-count])

    return start


def _index_of(parts: Sequence[nn.Module], module: nn.Module) -> int:
    for i, part in enumerate(parts):
        if part is module:
            return i
    raise ValueError(f"{type(module).__name__} is not one of the model's parts")


def _resnet_small_stem(model: nn.Module) -> None:
    """3x3 stride-1 first conv and no max-pool: keeps 32-96 px images from shrinking to nothing.

    When the model already holds pretrained 7x7 filters, the new 3x3 filters start from their
    centres rather than from noise.
    """
    old = model.conv1
    new = nn.Conv2d(3, old.out_channels, kernel_size=3, stride=1, padding=1, bias=False)
    with torch.no_grad():
        if old.weight.shape[-1] == 7:
            new.weight.copy_(old.weight[:, :, 2:5, 2:5])
    model.conv1 = new
    model.maxpool = nn.Identity()


@dataclass(frozen=True)
class Family:
    name: str
    parts: Callable[[nn.Module], list[nn.Module]]
    tail_start: Callable[[nn.Module, Sequence[nn.Module]], int]
    small_stem: Callable[[nn.Module], None] | None = None


RESNET = Family("ResNet", _resnet_parts, _resnet_tail_start, _resnet_small_stem)
VGG = Family("VGG", _features_pool_flatten_parts, _last_conv_block_start)
ALEXNET = Family("AlexNet", _features_pool_flatten_parts, _last_conv_block_start)
MOBILENET = Family("MobileNet", _features_pool_flatten_parts, _last_feature_blocks(3))
EFFICIENTNET = Family("EfficientNet", _features_pool_flatten_parts, _last_feature_blocks(2))
CONVNEXT = Family("ConvNeXt", _convnext_parts, _last_feature_blocks(2))


# --------------------------------------------------------------------------------------------
# The table
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class BackboneSpec:
    name: str
    display_name: str
    family_info: Family
    builder: Callable[..., nn.Module]
    weights: WeightsEnum | None
    head_path: str
    default_size: int
    min_size: int
    params: int  # with the 1000-class head
    gmacs: float  # at default_size
    mean: tuple[float, float, float] = IMAGENET_MEAN
    std: tuple[float, float, float] = IMAGENET_STD
    cpu_friendly: bool = False

    @property
    def family(self) -> str:
        return self.family_info.name

    @property
    def supports_small_input(self) -> bool:
        return self.family_info.small_stem is not None

    @property
    def has_pretrained(self) -> bool:
        return self.weights is not None

    @property
    def description(self) -> str:
        """One line for pickers and tables."""
        weights = "ImageNet weights" if self.weights is not None else "no pretrained weights"
        return (
            f"{self.display_name} — {self.family}, {self.params / 1e6:.1f} M parameters, "
            f"{self.gmacs:.2f} GMACs at {self.default_size} px, {weights}"
        )


def _gn32(channels: int) -> nn.GroupNorm:
    return nn.GroupNorm(32, channels)


def _spec(name, display, family, weights, head, params, gmacs, *, builder=None, min_size=32,
          cpu_friendly=False) -> BackboneSpec:  # fmt: skip
    """A table row; preprocessing comes from the weights' own metadata where there are weights."""
    mean, std, size = IMAGENET_MEAN, IMAGENET_STD, 224
    if weights is not None:
        transforms = weights.transforms()
        mean, std = tuple(transforms.mean), tuple(transforms.std)
        size = int(transforms.crop_size[0])
    return BackboneSpec(
        name=name,
        display_name=display,
        family_info=family,
        builder=builder or getattr(tvm, name),
        weights=weights,
        head_path=head,
        default_size=size,
        min_size=min_size,
        params=params,
        gmacs=gmacs,
        mean=mean,
        std=std,
        cpu_friendly=cpu_friendly,
    )


W = tvm  # short alias for the weight enums below

BACKBONES: tuple[BackboneSpec, ...] = (
    _spec("alexnet", "AlexNet", ALEXNET, W.AlexNet_Weights.IMAGENET1K_V1, "classifier.6", 61_100_840, 0.714, min_size=63),
    _spec("vgg11", "VGG-11", VGG, W.VGG11_Weights.IMAGENET1K_V1, "classifier.6", 132_863_336, 7.609),
    _spec("vgg11_bn", "VGG-11 (BatchNorm)", VGG, W.VGG11_BN_Weights.IMAGENET1K_V1, "classifier.6", 132_868_840, 7.609),
    _spec("vgg13", "VGG-13", VGG, W.VGG13_Weights.IMAGENET1K_V1, "classifier.6", 133_047_848, 11.308),
    _spec("vgg13_bn", "VGG-13 (BatchNorm)", VGG, W.VGG13_BN_Weights.IMAGENET1K_V1, "classifier.6", 133_053_736, 11.308),
    _spec("vgg16", "VGG-16", VGG, W.VGG16_Weights.IMAGENET1K_V1, "classifier.6", 138_357_544, 15.47),
    _spec("vgg16_bn", "VGG-16 (BatchNorm)", VGG, W.VGG16_BN_Weights.IMAGENET1K_V1, "classifier.6", 138_365_992, 15.47),
    _spec("vgg19", "VGG-19", VGG, W.VGG19_Weights.IMAGENET1K_V1, "classifier.6", 143_667_240, 19.632),
    _spec("vgg19_bn", "VGG-19 (BatchNorm)", VGG, W.VGG19_BN_Weights.IMAGENET1K_V1, "classifier.6", 143_678_248, 19.632),
    _spec("resnet18", "ResNet-18", RESNET, W.ResNet18_Weights.IMAGENET1K_V1, "fc", 11_689_512, 1.814, cpu_friendly=True),
    _spec("resnet34", "ResNet-34", RESNET, W.ResNet34_Weights.IMAGENET1K_V1, "fc", 21_797_672, 3.664),
    _spec("resnet50", "ResNet-50", RESNET, W.ResNet50_Weights.IMAGENET1K_V2, "fc", 25_557_032, 4.089),
    _spec("resnet101", "ResNet-101", RESNET, W.ResNet101_Weights.IMAGENET1K_V2, "fc", 44_549_160, 7.801),
    _spec("resnet152", "ResNet-152", RESNET, W.ResNet152_Weights.IMAGENET1K_V2, "fc", 60_192_808, 11.514),
    _spec("resnet50_gn", "ResNet-50 (GroupNorm)", RESNET, None, "fc", 25_557_032, 4.089,
          builder=partial(tvm.resnet50, norm_layer=_gn32)),
    _spec("resnet101_gn", "ResNet-101 (GroupNorm)", RESNET, None, "fc", 44_549_160, 7.801,
          builder=partial(tvm.resnet101, norm_layer=_gn32)),
    _spec("mobilenet_v3_small", "MobileNetV3 Small", MOBILENET, W.MobileNet_V3_Small_Weights.IMAGENET1K_V1, "classifier.3", 2_542_856, 0.057, cpu_friendly=True),
    _spec("mobilenet_v3_large", "MobileNetV3 Large", MOBILENET, W.MobileNet_V3_Large_Weights.IMAGENET1K_V2, "classifier.3", 5_483_032, 0.217, cpu_friendly=True),
    _spec("efficientnet_b0", "EfficientNet-B0", EFFICIENTNET, W.EfficientNet_B0_Weights.IMAGENET1K_V1, "classifier.1", 5_288_548, 0.386, cpu_friendly=True),
    _spec("convnext_tiny", "ConvNeXt Tiny", CONVNEXT, W.ConvNeXt_Tiny_Weights.IMAGENET1K_V1, "classifier.2", 28_589_128, 4.456),
)  # fmt: skip

_BY_NAME = {spec.name: spec for spec in BACKBONES}


def get_spec(name: str | BackboneSpec) -> BackboneSpec:
    if isinstance(name, BackboneSpec):
        return name
    try:
        return _BY_NAME[name]
    except KeyError:
        raise BackboneStudioError(
            f"Unknown backbone '{name}'. Available: {', '.join(_BY_NAME)}."
        ) from None


def recommended_backbone() -> str:
    """The first choice offered to a new user: ResNet-18 when its ImageNet weights are here
    (transfer learning is quick and accurate), otherwise MobileNetV3 Small, which trains from
    scratch on a CPU in seconds per epoch where a small-stem ResNet-18 takes minutes."""
    return "resnet18" if weights_cached("resnet18") else "mobilenet_v3_small"


# --------------------------------------------------------------------------------------------
# Building models and taking them apart
# --------------------------------------------------------------------------------------------


def build_model(
    name: str | BackboneSpec,
    num_classes: int,
    pretrained: bool = False,
    small_input: bool = False,
) -> nn.Module:
    """Build a backbone with a fresh `num_classes` head.

    With `pretrained=True` the ImageNet weights are loaded from the local cache first (raising
    `WeightsUnavailable` when they are not there), and only then is the head replaced.
    """
    spec = get_spec(name)
    if num_classes < 1:
        raise BackboneStudioError(f"A model needs at least one class (got {num_classes}).")
    if small_input and not spec.supports_small_input:
        raise BackboneStudioError(
            f"{spec.display_name} has no small-image stem; only ResNets do. "
            f"Use an image size of at least {spec.min_size} px instead."
        )
    model = spec.builder(weights=None)
    if pretrained:
        try:
            model.load_state_dict(cached_state_dict(spec))
        except RuntimeError as exc:  # a file of another architecture under this name
            raise WeightsUnavailable(
                f"The cached weights file {weights_file(spec)} does not fit "
                f"{spec.display_name} ({_first_line(exc)}). Delete it, then download or import "
                f"the weights again."
            ) from exc
    if small_input:
        spec.family_info.small_stem(model)
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


# --------------------------------------------------------------------------------------------
# Pretrained weights: cache, download, import
# --------------------------------------------------------------------------------------------


def weights_cache_dir() -> Path:
    """torchvision's own hub cache, so weights another tool downloaded are found too."""
    return Path(torch.hub.get_dir()) / "checkpoints"


def weights_file(name: str | BackboneSpec) -> Path | None:
    """Where this backbone's ImageNet weights are (or would be) cached; None if it has none."""
    spec = get_spec(name)
    if spec.weights is None:
        return None
    return weights_cache_dir() / os.path.basename(spec.weights.url)


def weights_cached(name: str | BackboneSpec) -> bool:
    path = weights_file(name)
    return path is not None and path.is_file() and path.stat().st_size > 0


def _require_weights(spec: BackboneSpec) -> WeightsEnum:
    if spec.weights is None:
        raise WeightsUnavailable(
            f"{spec.display_name} has no pretrained weights; train it from scratch instead."
        )
    return spec.weights


def _offline_message(spec: BackboneSpec, reason: str) -> str:
    weights = _require_weights(spec)
    return (
        f"Could not download the ImageNet weights for {spec.display_name} ({reason}). "
        f"You seem to be offline. Either connect and try again, or fetch\n  {weights.url}\n"
        f"on another machine and import it with 'Import weights file...' "
        f"(or: backbone-studio-cli weights import {spec.name} FILE). "
        f"You can also train from scratch without pretrained weights."
    )


def cached_state_dict(name: str | BackboneSpec) -> dict[str, torch.Tensor]:
    """The cached ImageNet state dict (1000-class head); WeightsUnavailable if not cached."""
    spec = get_spec(name)
    _require_weights(spec)
    path = weights_file(spec)
    if not weights_cached(spec):
        raise WeightsUnavailable(
            f"The ImageNet weights for {spec.display_name} are not on this computer "
            f"(expected {path}). Download them, import a weights file, "
            f"or train from scratch."
        )
    try:
        return _read_state_dict(path)
    except Exception as exc:  # noqa: BLE001 - any damage to the cache file is the same story
        raise WeightsUnavailable(
            f"The cached weights file {path} is damaged ({exc}). Delete it and download or "
            f"import the weights again."
        ) from exc


def _hash_prefix(url: str) -> str | None:
    """torchvision file names end in -<first hex digits of the sha256>.pth."""
    match = re.search(r"-([a-f0-9]{6,})\.pth$", os.path.basename(url))
    return match.group(1) if match else None


def download_weights(
    name: str | BackboneSpec,
    progress: ProgressCallback | None = None,
    cancel: CancelToken | None = None,
    timeout: float = 30.0,
) -> Path:
    """Download a backbone's ImageNet weights into the cache, reporting progress(done, total).

    Raises WeightsUnavailable (offline, server error, hash mismatch, cancelled) and leaves no
    partial file behind.
    """
    spec = get_spec(name)
    weights = _require_weights(spec)
    target = weights_file(spec)
    if weights_cached(spec):
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        response = urllib.request.urlopen(weights.url, timeout=timeout)  # noqa: S310
    except (urllib.error.URLError, OSError) as exc:
        raise WeightsUnavailable(_offline_message(spec, str(getattr(exc, "reason", exc)))) from exc
    sha = hashlib.sha256()
    with response, atomic_replace(target, suffix=".part") as tmp:
        with open(tmp, "wb") as out:
            total = int(response.headers.get("Content-Length") or 0)
            done = 0
            while True:
                if cancel is not None and cancel.cancelled:
                    raise WeightsUnavailable(f"Download of {spec.display_name} weights cancelled.")
                try:
                    chunk = response.read(1 << 20)
                except OSError as exc:
                    raise WeightsUnavailable(_offline_message(spec, f"connection lost: {exc}")) from exc
                if not chunk:
                    break
                out.write(chunk)
                sha.update(chunk)
                done += len(chunk)
                if progress is not None:
                    progress(done, total)
        if total and done != total:
            raise WeightsUnavailable(_offline_message(spec, f"got {done} of {total} bytes"))
        expected = _hash_prefix(weights.url)
        if expected and not sha.hexdigest().startswith(expected):
            raise WeightsUnavailable(
                f"The downloaded weights for {spec.display_name} are corrupt (checksum mismatch). "
                f"Try again later."
            )
    return target


def _read_state_dict(path: Path) -> dict[str, torch.Tensor]:
    """Read a state dict without unpickling code: .safetensors, or torch.load(weights_only)."""
    with open(path, "rb") as fh:
        head = fh.read(16)
    if len(head) < 8:
        raise ValueError("the file is empty or truncated")
    if path.suffix.lower() == ".safetensors" or _looks_like_safetensors(head):
        from safetensors.torch import load_file

        state = load_file(str(path))
    else:
        state = torch.load(path, map_location="cpu", weights_only=True)
    for key in ("state_dict", "model", "model_state_dict"):
        if isinstance(state, dict) and isinstance(state.get(key), dict):
            state = state[key]
    if not isinstance(state, dict) or not all(isinstance(v, torch.Tensor) for v in state.values()):
        raise ValueError("it does not hold a state dict of tensors")
    if state and all(k.startswith("module.") for k in state):  # saved from DataParallel
        state = {k[len("module.") :]: v for k, v in state.items()}
    return state


def _looks_like_safetensors(head: bytes) -> bool:
    length = int.from_bytes(head[:8], "little")
    return 0 < length < 100_000_000 and head[8:9] == b"{"


def _describe(keys: Sequence[str], limit: int = 4) -> str:
    shown = ", ".join(list(keys)[:limit])
    return shown + (f" and {len(keys) - limit} more" if len(keys) > limit else "")


def check_state_dict(spec: BackboneSpec, state: dict[str, torch.Tensor]) -> None:
    """Raise ValueError unless `state` fits the backbone's 1000-class architecture exactly."""
    with torch.device("meta"):
        reference = spec.builder(weights=None).state_dict()
    missing = [k for k in reference if k not in state]
    unexpected = [k for k in state if k not in reference]
    mismatched = [
        f"{k} {tuple(state[k].shape)} (expected {tuple(reference[k].shape)})"
        for k in reference
        if k in state and tuple(state[k].shape) != tuple(reference[k].shape)
    ]
    problems = []
    if missing:
        problems.append(f"missing {len(missing)} tensors ({_describe(missing)})")
    if unexpected:
        problems.append(f"{len(unexpected)} unexpected tensors ({_describe(unexpected)})")
    if mismatched:
        problems.append(f"{len(mismatched)} with the wrong shape ({_describe(mismatched)})")
    if problems:
        raise ValueError("; ".join(problems))


def import_weights(name: str | BackboneSpec, source: str | Path) -> Path:
    """Check a local weights file against the architecture and put it into the cache.

    Accepts a .pth/.pt state dict (read with weights_only=True, never unpickling code) or a
    .safetensors file, holding the 1000-class ImageNet model. Returns the cached path.
    """
    spec = get_spec(name)
    _require_weights(spec)
    source = Path(source)
    if not source.is_file():
        raise WeightsUnavailable(f"{source}: no such file.")
    try:
        state = _read_state_dict(source)
    except Exception as exc:  # noqa: BLE001 - report any unreadable file the same way
        raise WeightsUnavailable(
            f"{source} is not a weights file that can be read safely ({_first_line(exc)}). "
            f"Use a PyTorch state dict (.pth) or a .safetensors file."
        ) from exc
    try:
        check_state_dict(spec, state)
    except ValueError as exc:
        raise WeightsUnavailable(
            f"{source} does not fit {spec.display_name}: {exc}. Pick the weights file made for "
            f"{spec.display_name} (torchvision's is {os.path.basename(spec.weights.url)})."
        ) from exc
    target = weights_file(spec)
    target.parent.mkdir(parents=True, exist_ok=True)
    with atomic_replace(target, suffix=".part") as tmp:
        torch.save({k: v.contiguous() for k, v in state.items()}, tmp)
    return target


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0][:200] if text else type(exc).__name__


def imagenet_categories(name: str | BackboneSpec) -> list[str]:
    spec = get_spec(name)
    return list(_require_weights(spec).meta["categories"])
