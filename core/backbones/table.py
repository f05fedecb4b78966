"""The backbone table: one frozen `BackboneSpec` per backbone, and the families they belong to.

Per-family behaviour (where the stages are, how to give a ResNet the small-image stem) lives in
small `Family` records referenced from the table, never in if/elif chains over model names.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial

import torch
import torchvision.models as tvm
from torch import nn
from torchvision.models import WeightsEnum

from ..errors import BackboneStudioError
from ..messages import define

_UNKNOWN_BACKBONE_AVAILABLE = define(
    "error.backbone.unknown_backbone_available",
    "Unknown backbone '{name}'. Available: {items}.",
)


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


def _resnet_small_stem(model: nn.Module, stride: int = 1) -> None:
    """A 3x3 first conv of `stride` and no max-pool: keeps 32-96 px images from shrinking to
    nothing (the standard stem divides by 4 before the first stage; this one by 1 or 2).

    When the model already holds pretrained 7x7 filters, the new 3x3 filters start from their
    centres rather than from noise.
    """
    old = model.conv1
    new = nn.Conv2d(3, old.out_channels, kernel_size=3, stride=stride, padding=1, bias=False)
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
    small_stem: Callable[[nn.Module, int], None] | None = None  # (model, stride)
    cam_layer: str = "features"  # Grad-CAM's target: the module whose output is the last
    # convolutional feature map (a dotted path; a negative number counts from the end of a
    # Sequential: "features.-2"; core/explain.py). VGG and AlexNet: the last conv's ReLU, before
    # the final max-pool (as in the Grad-CAM paper): twice the resolution; measured on demo
    # shapes, AlexNet at 128 px put 59 of 59 peaks in the shape there, 38 of 59 after the pool.


RESNET = Family("ResNet", _resnet_parts, _resnet_tail_start, _resnet_small_stem, cam_layer="layer4")
VGG = Family("VGG", _features_pool_flatten_parts, _last_conv_block_start, cam_layer="features.-2")
ALEXNET = Family("AlexNet", _features_pool_flatten_parts, _last_conv_block_start, cam_layer="features.-2")
MOBILENET = Family("MobileNet", _features_pool_flatten_parts, _last_feature_blocks(3), cam_layer="features")
EFFICIENTNET = Family("EfficientNet", _features_pool_flatten_parts, _last_feature_blocks(2), cam_layer="features")
CONVNEXT = Family("ConvNeXt", _convnext_parts, _last_feature_blocks(2), cam_layer="features")


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


@dataclass(frozen=True)
class _Row:
    """One line of the table, as written below; `_spec` fills in the rest."""

    name: str
    display: str
    family: Family
    weights: WeightsEnum | None
    head: str
    params: int
    gmacs: float
    builder: Callable[..., nn.Module] | None = None  # default: torchvision's function `name`
    min_size: int = 32
    cpu_friendly: bool = False


def _spec(row: _Row) -> BackboneSpec:
    """A table row; preprocessing comes from the weights' own metadata where there are weights."""
    mean, std, size = IMAGENET_MEAN, IMAGENET_STD, 224
    if row.weights is not None:
        transforms = row.weights.transforms()
        mean, std = tuple(transforms.mean), tuple(transforms.std)
        size = int(transforms.crop_size[0])
    return BackboneSpec(
        name=row.name,
        display_name=row.display,
        family_info=row.family,
        builder=row.builder or getattr(tvm, row.name),
        weights=row.weights,
        head_path=row.head,
        default_size=size,
        min_size=row.min_size,
        params=row.params,
        gmacs=row.gmacs,
        mean=mean,
        std=std,
        cpu_friendly=row.cpu_friendly,
    )


W = tvm  # short alias for the weight enums below

BACKBONES: tuple[BackboneSpec, ...] = tuple(_spec(row) for row in (
    _Row("alexnet", "AlexNet", ALEXNET, W.AlexNet_Weights.IMAGENET1K_V1, "classifier.6", 61_100_840, 0.714, min_size=63),
    _Row("vgg11", "VGG-11", VGG, W.VGG11_Weights.IMAGENET1K_V1, "classifier.6", 132_863_336, 7.609),
    _Row("vgg11_bn", "VGG-11 (BatchNorm)", VGG, W.VGG11_BN_Weights.IMAGENET1K_V1, "classifier.6", 132_868_840, 7.609),
    _Row("vgg13", "VGG-13", VGG, W.VGG13_Weights.IMAGENET1K_V1, "classifier.6", 133_047_848, 11.308),
    _Row("vgg13_bn", "VGG-13 (BatchNorm)", VGG, W.VGG13_BN_Weights.IMAGENET1K_V1, "classifier.6", 133_053_736, 11.308),
    _Row("vgg16", "VGG-16", VGG, W.VGG16_Weights.IMAGENET1K_V1, "classifier.6", 138_357_544, 15.47),
    _Row("vgg16_bn", "VGG-16 (BatchNorm)", VGG, W.VGG16_BN_Weights.IMAGENET1K_V1, "classifier.6", 138_365_992, 15.47),
    _Row("vgg19", "VGG-19", VGG, W.VGG19_Weights.IMAGENET1K_V1, "classifier.6", 143_667_240, 19.632),
    _Row("vgg19_bn", "VGG-19 (BatchNorm)", VGG, W.VGG19_BN_Weights.IMAGENET1K_V1, "classifier.6", 143_678_248, 19.632),
    _Row("resnet18", "ResNet-18", RESNET, W.ResNet18_Weights.IMAGENET1K_V1, "fc", 11_689_512, 1.814, cpu_friendly=True),
    _Row("resnet34", "ResNet-34", RESNET, W.ResNet34_Weights.IMAGENET1K_V1, "fc", 21_797_672, 3.664),
    _Row("resnet50", "ResNet-50", RESNET, W.ResNet50_Weights.IMAGENET1K_V2, "fc", 25_557_032, 4.089),
    _Row("resnet101", "ResNet-101", RESNET, W.ResNet101_Weights.IMAGENET1K_V2, "fc", 44_549_160, 7.801),
    _Row("resnet152", "ResNet-152", RESNET, W.ResNet152_Weights.IMAGENET1K_V2, "fc", 60_192_808, 11.514),
    _Row("resnet50_gn", "ResNet-50 (GroupNorm)", RESNET, None, "fc", 25_557_032, 4.089,
         builder=partial(tvm.resnet50, norm_layer=_gn32)),
    _Row("resnet101_gn", "ResNet-101 (GroupNorm)", RESNET, None, "fc", 44_549_160, 7.801,
         builder=partial(tvm.resnet101, norm_layer=_gn32)),
    _Row("mobilenet_v3_small", "MobileNetV3 Small", MOBILENET, W.MobileNet_V3_Small_Weights.IMAGENET1K_V1, "classifier.3", 2_542_856, 0.057, cpu_friendly=True),
    _Row("mobilenet_v3_large", "MobileNetV3 Large", MOBILENET, W.MobileNet_V3_Large_Weights.IMAGENET1K_V2, "classifier.3", 5_483_032, 0.217, cpu_friendly=True),
    _Row("efficientnet_b0", "EfficientNet-B0", EFFICIENTNET, W.EfficientNet_B0_Weights.IMAGENET1K_V1, "classifier.1", 5_288_548, 0.386, cpu_friendly=True),
    _Row("convnext_tiny", "ConvNeXt Tiny", CONVNEXT, W.ConvNeXt_Tiny_Weights.IMAGENET1K_V1, "classifier.2", 28_589_128, 4.456),
))  # fmt: skip

_BY_NAME = {spec.name: spec for spec in BACKBONES}


def get_spec(name: str | BackboneSpec) -> BackboneSpec:
    if isinstance(name, BackboneSpec):
        return name
    try:
        return _BY_NAME[name]
    except KeyError:
        raise BackboneStudioError(
            _UNKNOWN_BACKBONE_AVAILABLE(name=name, items=', '.join(_BY_NAME))
        ) from None
