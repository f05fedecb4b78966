"""Words the user reads: real plurals, backbones by their display name, numbers, percentages
and durations in the user's locale (QLocale), and technical errors turned into plain sentences
(the technical detail goes to the log file instead). Sentences go through Qt's translation
(context "Text"); core's messages through `render` (gui.i18n)."""

from __future__ import annotations

import logging
import math
import re

from PySide6.QtCore import QCoreApplication, QLocale

from core.messages import Message
from core.words import plural  # noqa: F401 - the GUI's words use the same plurals

from .i18n import error_text, render, translated_plan  # noqa: F401 - core's messages, said in the GUI

_log = logging.getLogger(__name__)


def format_number(value: float, decimals: int = 0) -> str:
    """A number in the user's locale (grouped thousands: 12,345 / 12 345 / 12.345)."""
    locale = _locale()
    if decimals <= 0:
        return locale.toString(int(round(value)))
    return locale.toString(float(value), "f", decimals)


def _locale() -> QLocale:
    """The default QLocale, or US English where it is the C locale (no digit grouping)."""
    locale = QLocale()
    if locale.language() == QLocale.Language.C:
        return QLocale(QLocale.Language.English, QLocale.Country.UnitedStates)
    return locale


def format_percent(fraction: float, decimals: int = 1) -> str:
    """A fraction (0.873) as a percentage in the user's locale ("87.3%")."""
    if fraction is None or not math.isfinite(fraction):
        return "–"
    number = _locale().toString(float(fraction) * 100, "f", decimals)
    return QCoreApplication.translate("Text", "{number}%").format(number=number)


def format_duration(seconds: float | None) -> str:
    """A duration as 5:00 or 1:02:03 with the locale's digits; "–" for what is not a time."""
    if seconds is None or not math.isfinite(seconds) or seconds < 0:
        return "–"
    total = int(round(seconds))
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    locale = _locale()

    def two(n: int) -> str:
        return locale.toString(n).rjust(2, locale.zeroDigit())

    if hours:
        return f"{locale.toString(hours)}:{two(minutes)}:{two(secs)}"
    return f"{locale.toString(minutes)}:{two(secs)}"


def display_name(backbone: str) -> str:
    """The backbone table's display name ("ResNet-18" for "resnet18"); the name itself for a
    backbone the table does not know."""
    from core.backbones import get_spec

    if backbone == "auto":
        return QCoreApplication.translate("BackbonePanelWidget", "Automatic")
    try:
        return get_spec(backbone).display_name
    except Exception:  # noqa: BLE001 - an unknown or odd name is shown as it is
        return str(backbone)


def run_backbone_name(backbone: str, plan) -> str:
    """The backbone a run trains: "ResNet-18 (Automatic)" when the plan chose it."""
    if backbone == "auto" and plan is not None:
        return QCoreApplication.translate("BackbonePanelWidget", "{backbone} (Automatic)").format(
            backbone=display_name(plan.backbone)
        )
    return display_name(backbone)


_NETWORK = re.compile(
    r"Errno -?\d+|Name or service not known|Temporary failure in name resolution|getaddrinfo|"
    r"nodename nor servname|Network is unreachable|No route to host|timed out|"
    r"Connection (refused|reset)|urlopen error|connection lost",
    re.IGNORECASE,
)
_DOWNLOAD = re.compile(r"Could not download the ImageNet weights for (?P<what>.+?) \(")
_URL = re.compile(r"https?://\S+")
_NOT_A_MODEL = re.compile(
    r"announce a [\d,]+-byte header|header is not valid JSON|header is not a JSON object|"
    r"is empty or truncated|is truncated:|is damaged",
)


def _logged(original: str, plain: str) -> str:
    if plain != original:
        _log.info("shown as a plain message: %s", original)
    return plain


def plain_download_error(message: str) -> str:
    """A weights download's failure: socket errors ("[Errno -2] Name or service not known")
    become "No internet connection" and what to do; the original goes to the log."""
    download = _DOWNLOAD.search(message)
    if not download or not _NETWORK.search(message):
        return message
    url = _URL.search(message)
    if url:
        text = QCoreApplication.translate(
            "Text",
            "No internet connection: the ImageNet weights for {backbone} could not be downloaded. "
            "Connect to the internet and try again, or download {url} on a computer that is "
            "online and import it with “Import weights file…”. You can also train from scratch "
            "without pretrained weights.",
        )
    else:
        text = QCoreApplication.translate(
            "Text",
            "No internet connection: the ImageNet weights for {backbone} could not be downloaded. "
            "Connect to the internet and try again, or import a weights file fetched on a "
            "computer that is online with “Import weights file…”. You can also train from "
            "scratch without pretrained weights.",
        )
    url_text = url.group(0).rstrip(".,") if url else ""
    return _logged(message, text.format(backbone=download.group("what"), url=url_text))


def plain_model_error(message: str, subject: str = "") -> str:
    """A model file that could not be loaded: header sizes and offsets become "not a model file,
    or it is damaged"; the original goes to the log. `subject` names the file."""
    if not _NOT_A_MODEL.search(message) or "pickle" in message:
        return message  # a pickle's message is plain already and says how to import it
    text = QCoreApplication.translate(
        "Text",
        "{subject} is not a model file, or it is damaged (cut short by an interrupted copy or "
        "download). Choose a .safetensors model saved by Backbone Studio.",
    )
    subject = subject or QCoreApplication.translate("Text", "This file")
    return _logged(message, text.format(subject=subject))


def without_resume_hint(message: str) -> str:
    """A training's end message without the command-line hint "; resume from FILE.ckpt" (the app
    offers a Resume button instead); one of core's messages comes back in the user's language."""
    if isinstance(message, Message):
        return render(_drop_resume(message))
    return re.sub(r";\s*resume from .+?\.ckpt(?=\.)", "", message)


def _drop_resume(message: Message) -> Message:
    """The message with its nested "run.kept_resume" ("…; resume from X.ckpt.") as "run.kept"."""
    from core.training.run_messages import KEPT

    if message.id == "run.kept_resume":
        return KEPT(kept=message.params["kept"])
    params = {key: _drop_resume(value) if isinstance(value, Message) else value
              for key, value in message.params.items()}  # fmt: skip
    return Message(message.id, message.template, params)
