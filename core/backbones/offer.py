"""Whether to offer pretrained weights before a run from scratch starts: the biggest lever a user
has, decided here for the GUI and the CLI alike.

A run from scratch on a backbone that has ImageNet weights, which are not on this computer yet:
offer the download (with its size) when the weights' server can be reached; when it cannot,
say once that the run trains from scratch, and do not ask again in this session.
"""

from __future__ import annotations

import socket
import threading
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass

from ..messages import define
from .table import BackboneSpec, get_spec
from .weights import weights_cached

OFFLINE = define(
    "weights.offer.offline",
    "This computer seems to be offline, so {backbone} trains from scratch. With its ImageNet "
    "weights (Download or Import weights file) a few hundred images usually reach a much better "
    "model.",
)
DOWNLOAD = define(
    "weights.offer.download",
    "{backbone}'s ImageNet weights ({megabytes:.0f} MB) are not on this computer. Starting from "
    "them instead of from scratch usually gives a much better model from a few hundred images, "
    "in a fraction of the time. Download them now?",
)
DOWNLOAD_UNSIZED = define(
    "weights.offer.download_unsized",
    "{backbone}'s ImageNet weights are not on this computer. Starting from them instead of from "
    "scratch usually gives a much better model from a few hundred images, in a fraction of the "
    "time. Download them now?",
)

REACH_TIMEOUT = 2.0  # seconds to wait for the weights' server before calling the machine offline


def can_reach(url: str, timeout: float = REACH_TIMEOUT) -> bool:
    """True when a TCP connection to the URL's host can be opened (nothing is downloaded).

    Never takes much longer than `timeout`, name lookup included (which the socket timeout
    does not cover): the attempt runs on a daemon thread that is left behind if it hangs."""
    parts = urllib.parse.urlsplit(url)
    port = parts.port or (443 if parts.scheme == "https" else 80)
    reached: list[bool] = []

    def attempt() -> None:
        try:
            with socket.create_connection((parts.hostname, port), timeout=timeout):
                reached.append(True)
        except OSError:
            reached.append(False)

    worker = threading.Thread(target=attempt, name="reach", daemon=True)
    worker.start()
    worker.join(timeout + 0.5)
    return bool(reached and reached[0])


@dataclass(frozen=True)
class WeightsOffer:
    """What to say before a run from scratch: `download` (ask to fetch `megabytes` first) or
    `offline` (say once that the run trains from scratch); `message` is the sentence."""

    kind: str  # "download" or "offline"
    backbone: str
    megabytes: float | None
    message: str


def weights_megabytes(spec: BackboneSpec) -> float | None:
    size = spec.weights.meta.get("_file_size") if spec.weights is not None else None
    return float(size) if size else None


def offer_for(name: str | BackboneSpec, pretrained: bool,
              reachable: Callable[[str], bool] = can_reach) -> WeightsOffer | None:  # fmt: skip
    """The offer to make before training `name` (None: nothing to say)."""
    spec = get_spec(name)
    if pretrained or spec.weights is None or weights_cached(spec):
        return None
    size = weights_megabytes(spec)
    if not reachable(spec.weights.url):
        return WeightsOffer("offline", spec.name, size, OFFLINE(backbone=spec.display_name))
    message = (
        DOWNLOAD(backbone=spec.display_name, megabytes=size)
        if size
        else DOWNLOAD_UNSIZED(backbone=spec.display_name)
    )
    return WeightsOffer("download", spec.name, size, message)
