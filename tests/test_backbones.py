"""The backbone table, model building and splitting, and the pretrained-weight cache."""

from __future__ import annotations

import hashlib
import io
import os
import pickle
import urllib.error
from pathlib import Path

import pytest
import torch
from safetensors.torch import save_file
from torch import nn

from core import backbones
from core.backbones import (
    BACKBONES,
    build_model,
    get_spec,
    head_module,
    import_weights,
    parameter_groups,
    split_features,
    split_partial,
    weights_cached,
    weights_file,
)
from core.backbones import weights as weights_module
from core.errors import BackboneStudioError, WeightsUnavailable
from tests.weights_helpers import fake_pretrained, fake_state_dict

REQUIRED = {
    "alexnet", "vgg11", "vgg13", "vgg16", "vgg19", "vgg11_bn", "vgg13_bn", "vgg16_bn", "vgg19_bn",
    "resnet18", "resnet34", "resnet50", "resnet101", "resnet152", "resnet50_gn", "resnet101_gn",
    "mobilenet_v3_small", "mobilenet_v3_large", "efficientnet_b0", "convnext_tiny",
}  # fmt: skip


@pytest.fixture
def hub(tmp_path, monkeypatch) -> Path:
    """A private, empty torch hub cache for the test."""
    monkeypatch.setenv("TORCH_HOME", str(tmp_path / "torch-home"))
    return tmp_path / "torch-home" / "hub" / "checkpoints"


def test_table_covers_the_required_backbones():
    names = [spec.name for spec in BACKBONES]
    assert REQUIRED <= set(names)
    assert len(names) == len(set(names))
    for spec in BACKBONES:
        assert spec.default_size >= spec.min_size > 0
        assert len(spec.mean) == len(spec.std) == 3
        assert spec.gmacs > 0 and spec.family
    gn = get_spec("resnet50_gn")
    assert gn.weights is None and not gn.has_pretrained


@pytest.mark.parametrize("spec", BACKBONES, ids=lambda s: s.name)
def test_params_in_table_match_the_architecture(spec):
    with torch.device("meta"):
        model = spec.builder(weights=None)
    assert sum(p.numel() for p in model.parameters()) == spec.params


@pytest.mark.parametrize("spec", BACKBONES, ids=lambda s: s.name)
def test_builds_offline_and_splits_exactly(spec):
    torch.manual_seed(0)
    model = build_model(spec.name, num_classes=3).eval()
    head = head_module(model, spec)
    assert head.out_features == 3
    x = torch.randn(2, 3, spec.min_size, spec.min_size)
    with torch.inference_mode():
        logits = model(x)
        assert logits.shape == (2, 3)
        body, head2 = split_features(model, spec)
        assert head2 is head
        features = body(x)
        assert features.shape == (2, head.in_features)
        torch.testing.assert_close(head2(features), logits)
        trunk, tail = split_partial(model, spec)
        torch.testing.assert_close(tail(trunk(x)), logits)
    # the splits share parameters with the model, they are not copies
    model_params = {id(p) for p in model.parameters()}
    assert {id(p) for p in body.parameters()} <= model_params
    assert {id(p) for p in trunk.parameters()} | {id(p) for p in tail.parameters()} == model_params
    groups = parameter_groups(model, spec)
    assert [id(p) for p in groups[-1]] == [id(head.weight), id(head.bias)]
    flat = [id(p) for g in groups for p in g]
    assert sorted(flat) == sorted(model_params) and len(flat) == len(set(flat))


def test_group_norm_variants_really_use_group_norm():
    model = build_model("resnet50_gn", 2)
    norms = [m for m in model.modules() if isinstance(m, nn.GroupNorm)]
    assert norms and all(m.num_groups == 32 for m in norms)
    assert not any(isinstance(m, nn.BatchNorm2d) for m in model.modules())


def test_small_input_stem_for_resnets():
    model = build_model("resnet18", 4, small_input=True).eval()
    assert model.conv1.kernel_size == (3, 3) and model.conv1.stride == (1, 1)
    assert isinstance(model.maxpool, nn.Identity)
    with torch.inference_mode():
        assert model(torch.randn(1, 3, 32, 32)).shape == (1, 4)
        # the stem keeps resolution: layer4 sees 4x4 for a 32 px input, not 1x1
        trunk, _ = split_partial(model, "resnet18")
        assert trunk(torch.randn(1, 3, 32, 32)).shape[-1] == 8
    with pytest.raises(BackboneStudioError, match="small-image stem"):
        build_model("mobilenet_v3_small", 3, small_input=True)
    # stride 2: a 48 px image reaches the first stage at 24 px, as a 96 px one does through the
    # standard stem, at a quarter of the stride-1 stem's cost
    halved = build_model("resnet18", 4, small_input=True, stem_stride=2).eval()
    assert halved.conv1.stride == (2, 2) and isinstance(halved.maxpool, nn.Identity)
    with torch.inference_mode():
        assert split_partial(halved, "resnet18")[0](torch.randn(1, 3, 48, 48)).shape[-1] == 6


def test_unknown_backbone_lists_the_valid_names():
    with pytest.raises(BackboneStudioError, match="resnet18"):
        get_spec("resnet19")


def test_pretrained_without_cached_weights_says_what_to_do(hub):
    assert not weights_cached("resnet18")
    with pytest.raises(WeightsUnavailable, match="not on this computer"):
        build_model("resnet18", 3, pretrained=True)
    with pytest.raises(WeightsUnavailable, match="no pretrained weights"):
        build_model("resnet50_gn", 3, pretrained=True)


def test_cached_weights_are_loaded_before_the_head_is_replaced(hub):
    path = fake_pretrained("resnet18", seed=7)
    assert path.parent == hub and path.name == "resnet18-f37072fd.pth"
    assert weights_cached("resnet18")
    expected = fake_state_dict("resnet18", seed=7)
    model = build_model("resnet18", 5, pretrained=True)
    torch.testing.assert_close(model.layer3[0].conv1.weight, expected["layer3.0.conv1.weight"])
    assert model.fc.out_features == 5
    small = build_model("resnet18", 5, pretrained=True, small_input=True)
    torch.testing.assert_close(small.conv1.weight, expected["conv1.weight"][:, :, 2:5, 2:5])


@pytest.mark.parametrize("suffix", [".pth", ".safetensors"])
def test_import_weights_file(hub, tmp_path, suffix):
    state = fake_state_dict("mobilenet_v3_small", seed=3)
    source = tmp_path / f"my-weights{suffix}"
    if suffix == ".pth":
        torch.save({"state_dict": {f"module.{k}": v for k, v in state.items()}}, source)
    else:
        save_file({k: v.contiguous() for k, v in state.items()}, str(source))
    cached = import_weights("mobilenet_v3_small", source)
    assert cached == weights_file("mobilenet_v3_small") and weights_cached("mobilenet_v3_small")
    model = build_model("mobilenet_v3_small", 2, pretrained=True)
    torch.testing.assert_close(model.features[1].block[0][0].weight, state["features.1.block.0.0.weight"])
    assert [p.name for p in hub.iterdir()] == [cached.name]  # no temporary file left


class _Sentinel:
    def __init__(self, path):
        self.path = path

    def __reduce__(self):
        return (open, (self.path, "w"))


def test_bad_weight_files_are_refused(hub, tmp_path):
    wrong_arch = tmp_path / "wrong.pth"
    torch.save(fake_state_dict("mobilenet_v3_small"), wrong_arch)
    with pytest.raises(WeightsUnavailable, match=r"wrong\.pth does not fit ResNet-18: missing"):
        import_weights("resnet18", wrong_arch)

    good = io.BytesIO()
    torch.save(fake_state_dict("resnet18"), good)
    truncated = tmp_path / "truncated.pth"
    truncated.write_bytes(good.getvalue()[: len(good.getvalue()) // 2])
    with pytest.raises(WeightsUnavailable, match="truncated.pth is not a weights file"):
        import_weights("resnet18", truncated)

    sentinel = tmp_path / "pwned"
    evil = tmp_path / "evil.pth"
    evil.write_bytes(pickle.dumps({"fc.weight": _Sentinel(str(sentinel))}))
    with pytest.raises(WeightsUnavailable, match="evil.pth"):
        import_weights("resnet18", evil)
    assert not sentinel.exists()

    noise = tmp_path / "noise.safetensors"
    noise.write_bytes(os.urandom(4096))
    with pytest.raises(WeightsUnavailable, match="noise.safetensors"):
        import_weights("resnet18", noise)

    with pytest.raises(WeightsUnavailable, match="no such file"):
        import_weights("resnet18", tmp_path / "missing.pth")
    assert not weights_cached("resnet18")


class _FakeResponse(io.BytesIO):
    def __init__(self, payload: bytes):
        super().__init__(payload)
        self.headers = {"Content-Length": str(len(payload))}


def test_download_offline_gives_a_clear_error_and_no_partial_file(hub, monkeypatch):
    def offline(*args, **kwargs):
        raise urllib.error.URLError("[Errno -3] Temporary failure in name resolution")

    monkeypatch.setattr(weights_module.urllib.request, "urlopen", offline)
    with pytest.raises(WeightsUnavailable) as info:
        backbones.download_weights("resnet18")
    message = str(info.value)
    assert "offline" in message and "resnet18-f37072fd.pth" in message and "import" in message
    assert not weights_cached("resnet18")
    assert not hub.exists() or not any(hub.iterdir())  # not even the cache folder is made


def test_download_reports_progress_and_checks_the_hash(hub, monkeypatch):
    buffer = io.BytesIO()
    torch.save(fake_state_dict("mobilenet_v3_small"), buffer)
    payload = buffer.getvalue()
    monkeypatch.setattr(weights_module.urllib.request, "urlopen", lambda *a, **k: _FakeResponse(payload))

    monkeypatch.setattr(weights_module, "_hash_prefix", lambda url: "deadbeef")
    with pytest.raises(WeightsUnavailable, match="checksum"):
        backbones.download_weights("mobilenet_v3_small")
    assert not any(hub.iterdir())

    digest = hashlib.sha256(payload).hexdigest()[:8]
    monkeypatch.setattr(weights_module, "_hash_prefix", lambda url: digest)
    seen: list[tuple[int, int]] = []
    path = backbones.download_weights("mobilenet_v3_small", progress=lambda d, t: seen.append((d, t)))
    assert path.read_bytes() == payload and weights_cached("mobilenet_v3_small")
    assert seen[-1] == (len(payload), len(payload)) and len(seen) >= 2
    assert [p.name for p in hub.iterdir()] == [path.name]


def test_download_can_be_cancelled(hub, monkeypatch):
    from core.events import CancelToken

    token = CancelToken()
    token.cancel()
    monkeypatch.setattr(weights_module.urllib.request, "urlopen", lambda *a, **k: _FakeResponse(b"x" * 10))
    with pytest.raises(WeightsUnavailable, match="cancelled"):
        backbones.download_weights("resnet18", cancel=token)
    assert not any(hub.iterdir())


def test_imagenet_categories():
    categories = backbones.imagenet_categories("resnet18")
    assert len(categories) == 1000 and categories[0] == "tench"


def test_pretrained_weights_are_offered_before_a_run_from_scratch(hub):
    from core.backbones.offer import offer_for

    online, offline = (lambda url: True), (lambda url: False)
    offer = offer_for("resnet18", pretrained=False, reachable=online)
    assert offer.kind == "download" and offer.megabytes == pytest.approx(44.7, abs=0.1)
    assert "ResNet-18" in offer.message and "45 MB" in offer.message
    said = offer_for("resnet18", pretrained=False, reachable=offline)
    assert said.kind == "offline" and "from scratch" in said.message
    assert offer_for("resnet18", pretrained=True, reachable=online) is None  # already chosen
    assert offer_for("resnet50_gn", pretrained=False, reachable=online) is None  # has none
    from tests.weights_helpers import fake_pretrained

    fake_pretrained("resnet18")
    assert offer_for("resnet18", pretrained=False, reachable=online) is None  # cached: no offer


def test_reaching_a_server_is_a_connection_attempt_only(monkeypatch):
    from core.backbones import offer

    tried = []

    class Refused:
        def __init__(self, address, timeout):
            tried.append((address, timeout))
            raise OSError("Network is unreachable")

    monkeypatch.setattr(offer.socket, "create_connection", Refused)
    assert offer.can_reach("https://download.pytorch.org/models/x.pth") is False
    assert tried == [(("download.pytorch.org", 443), offer.REACH_TIMEOUT)]
