"""Words the user reads: real plurals, backbones by their display name, and technical errors
turned into plain sentences (the technical detail goes to the log file instead)."""

from __future__ import annotations

import logging
import re

from core.words import plural  # noqa: F401 - the GUI's words use the same plurals

_log = logging.getLogger(__name__)


def display_name(backbone: str) -> str:
    """The backbone table's display name ("ResNet-18" for "resnet18"); the name itself for a
    backbone the table does not know."""
    from core.backbones import get_spec

    try:
        return get_spec(backbone).display_name
    except Exception:  # noqa: BLE001 - an unknown or odd name is shown as it is
        return str(backbone)


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
    elsewhere = (
        f" or download {url.group(0).rstrip('.,')} on a computer that is online and import it"
        if url
        else " or import a weights file fetched on a computer that is online"
    )
    return _logged(message, (
        f"No internet connection: the ImageNet weights for {download.group('what')} could not "
        f"be downloaded. Connect to the internet and try again,{elsewhere} with “Import weights "
        "file…”. You can also train from scratch without pretrained weights."
    ))  # fmt: skip


def plain_model_error(message: str, subject: str = "") -> str:
    """A model file that could not be loaded: header sizes and offsets become "not a model file,
    or it is damaged"; the original goes to the log. `subject` names the file."""
    if not _NOT_A_MODEL.search(message) or "pickle" in message:
        return message  # a pickle's message is plain already and says how to import it
    return _logged(message, (
        f"{subject or 'This file'} is not a model file, or it is damaged (cut short by an "
        "interrupted copy or download). Choose a .safetensors model saved by Backbone Studio."
    ))  # fmt: skip


def without_resume_hint(message: str) -> str:
    """A training's end message without the command-line hint "; resume from FILE.ckpt" (the app
    offers a Resume button instead)."""
    return re.sub(r";\s*resume from .+?\.ckpt(?=\.)", "", message)
