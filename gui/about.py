"""What the app runs on, in words: the status bar's device line and the About box's versions."""

from __future__ import annotations

import platform

from PySide6.QtCore import QCoreApplication

APP_NAME = "Backbone Studio"


def device_kind(info) -> str:
    return {"cpu": "CPU", "cuda": f"GPU {info.id}", "mps": "Apple GPU (MPS)"}.get(
        info.kind, info.id
    )


def device_text(device=None) -> str:
    """One line for the status bar: what prediction runs on."""
    try:
        from core.devices import device_info, resolve_device

        info = device_info(device if device is not None else resolve_device("auto"))
        return QCoreApplication.translate("About", "Device: {kind} · {label}").format(
            kind=device_kind(info), label=info.label
        )
    except Exception:  # noqa: BLE001 - a status line never breaks the window
        return QCoreApplication.translate("About", "Device: unknown")


def versions_text() -> str:
    """App, Python, torch, torchvision and Qt versions plus the devices (for About and logs)."""
    import PySide6
    import torch
    import torchvision
    from PySide6.QtCore import qVersion

    from core import __version__

    lines = [
        f"{APP_NAME} {__version__}",
        f"Python {platform.python_version()} on {platform.system()} {platform.machine()}",
        f"PyTorch {torch.__version__} · torchvision {torchvision.__version__}",
        f"Qt {qVersion()} · PySide6 {PySide6.__version__}",
    ]
    try:
        from core.devices import list_devices

        devices = list_devices()
        lines.append("Devices:")
        lines += [f"  • {device_kind(d)}: {d.label}" for d in devices]
    except Exception as exc:  # noqa: BLE001
        lines.append(f"Devices: unknown ({exc})")
    return "\n".join(lines)


def about_html(log_path) -> str:
    """The About box's text (the versions stay in English: they are for bug reports)."""
    intro = QCoreApplication.translate(
        "About",
        "<b>Backbone Studio</b> classifies your photos and fine-tunes CNN backbones (AlexNet, "
        "VGG, ResNet, MobileNet, EfficientNet, ConvNeXt) on your own folders.",
    )
    log_line = QCoreApplication.translate("About", "Log file: {path}").format(
        path=html_escape(str(log_path))
    )
    return f"<p>{intro}</p><pre>{html_escape(versions_text())}</pre><p>{log_line}</p>"


def imagenet_available() -> list[str]:
    """The backbones whose ImageNet weights are cached (an empty list when that cannot be told)."""
    try:
        from core.predict import Classifier

        return Classifier.imagenet_available()
    except Exception:  # noqa: BLE001
        return []


def html_escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
