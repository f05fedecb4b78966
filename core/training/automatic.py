"""The "Automatic" backbone (`TrainConfig(backbone="auto")`, `--backbone auto`, the Train page's
first choice): the network chosen for what is on this computer, with a plan note saying why.

- ResNet-18's ImageNet weights are here (and pretrained is allowed): ResNet-18 from them.
  Transfer learning is the biggest lever there is.
- Otherwise ResNet-18 from scratch; the plan gives it the small-image stem (3x3, stride 2, no
  max-pool) for images under 96 px, which is what makes it fast on small images.

Measured within the same time budget (docs/TRAINING.md, "Automatic backbone"): on 900 icons of
48 px, ResNet-18 with the stem reached 99.2 % where MobileNetV3 Small, with 4.6x fewer weights and
2.7x more epochs in the time, reached 80.7 %; at 128 px 95.7 % against 86.2 % (MobileNetV3 Small)
and 66.9 % (MobileNetV3 Large). Before, the app's first choice without weights was MobileNetV3
Small. The plan resolves the choice once (`make_plan`), so the checkpoint, the model file and a
resumed run name the real backbone.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from .. import backbones
from ..messages import Message, define

AUTO = "auto"
SMALL_INPUT_BELOW = 96  # ResNets trained from scratch on smaller images use the small stem
PRETRAINED_CHOICE = "resnet18"  # from its ImageNet weights, when they are here
SCRATCH_CHOICE = "resnet18"  # otherwise, with the small-image stem below SMALL_INPUT_BELOW

CHOSE_PRETRAINED = define(
    "plan.auto.pretrained",
    "Automatic backbone: {backbone} from its ImageNet weights, which are on this computer "
    "(starting from pretrained features is far better than from scratch, above all with few "
    "images).",
)
CHOSE_SMALL = define(
    "plan.auto.small",
    "Automatic backbone: {backbone} from scratch with the small-image stem (images under "
    "{below} px). Within the same time budget it learned the most of the networks tried: on 900 "
    "icons of 48 px in 100 s, 99 % against 81 % for MobileNetV3 Small (docs/TRAINING.md).",
)
CHOSE_LARGE = define(
    "plan.auto.large",
    "Automatic backbone: {backbone} from scratch. Within the same time budget it learned the most "
    "of the networks tried: on 900 icons of 128 px in 100 s, 96 % against 86 % for MobileNetV3 "
    "Small (docs/TRAINING.md). Pretrained weights would do much better: download them on the "
    "Train page or with `backbone-studio-cli weights download {pretrained}`.",
)


@dataclass(frozen=True)
class Choice:
    backbone: str
    pretrained: bool


def choose(pretrained: bool) -> Choice:
    """The automatic backbone; `pretrained`: whether the user allows ImageNet weights (used
    when they are cached)."""
    if pretrained and backbones.weights_cached(PRETRAINED_CHOICE):
        return Choice(PRETRAINED_CHOICE, True)
    return Choice(SCRATCH_CHOICE, False)


def resolve(config):
    """`config` with a real backbone (and whether it starts from ImageNet weights) in place of
    "auto"; `config` itself when it names one. Validated again (the image size against the
    chosen network's least)."""
    if config.backbone != AUTO:
        return config
    choice = choose(config.pretrained)
    return dataclasses.replace(config, backbone=choice.backbone, pretrained=choice.pretrained)


def note(config, small_input: bool) -> Message:
    """What the plan says about an automatic choice (`config`: the resolved one)."""
    name = backbones.get_spec(config.backbone).display_name
    if config.pretrained:
        return CHOSE_PRETRAINED(backbone=name)
    if small_input:
        return CHOSE_SMALL(backbone=name, below=SMALL_INPUT_BELOW)
    return CHOSE_LARGE(backbone=name, pretrained=PRETRAINED_CHOICE)


def weights_backbone(name: str) -> str:
    """The network whose ImageNet weights a run of `name` uses: for "auto", the one it takes
    when they are here."""
    return PRETRAINED_CHOICE if name == AUTO else name


def largest_candidate(name: str) -> str:
    """`name`, or for "auto" the largest network it may choose (to size the files it writes)."""
    if name != AUTO:
        return name
    return max((PRETRAINED_CHOICE, SCRATCH_CHOICE), key=lambda n: backbones.get_spec(n).params)
