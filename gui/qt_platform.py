"""Before any window opens: are the system libraries Qt's X11 (xcb) platform plugin needs there?

On a bare Linux desktop Qt aborts at `QApplication(...)` with "xcb-cursor0 or libxcb-cursor0 is
needed to load the Qt xcb platform plugin", and after that is installed asks for the next one.
`check()` finds every missing library at once, before Qt is asked to start, and `message()` says
which packages to install on Debian/Ubuntu, Fedora and Arch. Used by `gui.app.main()` (so by
`make run`, `python -m gui` and the frozen app alike).

Nothing here imports Qt: the check runs before Qt loads its platform plugin.
"""

from __future__ import annotations

import ctypes
import os
import sys
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

# soname -> (Debian/Ubuntu package, Fedora package, Arch package): what the xcb platform plugin of
# Qt 6.5+ (libqxcb.so, libQt6XcbQpa.so) links against and PySide6's wheels do not bring along.
XCB_LIBRARIES: dict[str, tuple[str, str, str]] = {
    "libxcb-cursor.so.0": ("libxcb-cursor0", "xcb-util-cursor", "xcb-util-cursor"),
    "libxcb-icccm.so.4": ("libxcb-icccm4", "xcb-util-wm", "xcb-util-wm"),
    "libxcb-image.so.0": ("libxcb-image0", "xcb-util-image", "xcb-util-image"),
    "libxcb-keysyms.so.1": ("libxcb-keysyms1", "xcb-util-keysyms", "xcb-util-keysyms"),
    "libxcb-render-util.so.0": ("libxcb-render-util0", "xcb-util-renderutil", "xcb-util-renderutil"),
    "libxcb-util.so.1": ("libxcb-util1", "xcb-util", "xcb-util"),
    "libxcb-randr.so.0": ("libxcb-randr0", "libxcb", "libxcb"),
    "libxcb-render.so.0": ("libxcb-render0", "libxcb", "libxcb"),
    "libxcb-shape.so.0": ("libxcb-shape0", "libxcb", "libxcb"),
    "libxcb-shm.so.0": ("libxcb-shm0", "libxcb", "libxcb"),
    "libxcb-sync.so.1": ("libxcb-sync1", "libxcb", "libxcb"),
    "libxcb-xfixes.so.0": ("libxcb-xfixes0", "libxcb", "libxcb"),
    "libxcb-xkb.so.1": ("libxcb-xkb1", "libxcb", "libxcb"),
    "libxcb.so.1": ("libxcb1", "libxcb", "libxcb"),
    "libxkbcommon-x11.so.0": ("libxkbcommon-x11-0", "libxkbcommon-x11", "libxkbcommon-x11"),
    "libxkbcommon.so.0": ("libxkbcommon0", "libxkbcommon", "libxkbcommon"),
    "libX11-xcb.so.1": ("libx11-xcb1", "libX11-xcb", "libx11"),
    "libX11.so.6": ("libx11-6", "libX11", "libx11"),
    "libEGL.so.1": ("libegl1", "libglvnd-egl", "libglvnd"),
    "libGL.so.1": ("libgl1", "libglvnd-glx", "libglvnd"),
    "libfontconfig.so.1": ("libfontconfig1", "fontconfig", "fontconfig"),
    "libfreetype.so.6": ("libfreetype6", "freetype", "freetype2"),
    "libdbus-1.so.3": ("libdbus-1-3", "dbus-libs", "dbus"),
}

# (name shown, install command, the os-release IDs it is for)
DISTRIBUTIONS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("Debian/Ubuntu", "sudo apt install", ("debian", "ubuntu", "linuxmint", "pop", "raspbian")),
    ("Fedora", "sudo dnf install", ("fedora", "rhel", "centos", "rocky", "almalinux")),
    ("Arch", "sudo pacman -S", ("arch", "manjaro", "endeavouros")),
)


@dataclass(frozen=True)
class MissingLibraries:
    """The libraries the xcb platform needs and this system lacks, with what to install."""

    sonames: tuple[str, ...]
    distribution: str | None = None  # "Debian/Ubuntu", "Fedora", "Arch" when recognised

    def packages(self, column: int) -> list[str]:
        """The packages to install for one of DISTRIBUTIONS (by index), without repeats."""
        return list(dict.fromkeys(XCB_LIBRARIES[name][column] for name in self.sonames))

    def message(self) -> str:
        """What to print: the missing libraries, then the install command per distribution
        (the one this system runs first)."""
        order = sorted(range(len(DISTRIBUTIONS)),
                       key=lambda i: DISTRIBUTIONS[i][0] != self.distribution)  # fmt: skip
        lines = [
            "Backbone Studio cannot open its window: Qt needs system libraries for the X11 "
            "display that are not installed:",
            "  " + ", ".join(self.sonames),
            "",
            "Install them, then start Backbone Studio again:",
        ]
        for index in order:
            name, command, _ids = DISTRIBUTIONS[index]
            mark = " (this system)" if name == self.distribution else ""
            lines.append(f"  {name}{mark}:\n    {command} {' '.join(self.packages(index))}")
        lines += [
            "",
            "The command-line tool (backbone-studio-cli) works without them.",
        ]
        return "\n".join(lines)


def uses_xcb(env: Mapping[str, str], platform: str | None = None,
             argv: Sequence[str] = ()) -> bool:  # fmt: skip
    """True when Qt will start its xcb (X11) platform plugin: on Linux with an X display, unless
    QT_QPA_PLATFORM or `-platform` names another platform, or a Wayland session is used."""
    if not (platform or sys.platform).startswith("linux"):
        return False
    chosen = env.get("QT_QPA_PLATFORM", "")
    args = list(argv)
    if "-platform" in args[:-1]:
        chosen = args[args.index("-platform") + 1]
    if chosen:
        return chosen.split(";")[0].split(":")[0].strip().lower() == "xcb"
    if env.get("WAYLAND_DISPLAY") and env.get("XDG_SESSION_TYPE", "").lower() == "wayland":
        return False  # Qt 6 picks its Wayland plugin in a Wayland session
    return bool(env.get("DISPLAY"))


def _bundled_dirs() -> list[Path]:
    """Folders where a frozen app or the PySide6 wheel may carry a library of its own."""
    dirs = []
    frozen = getattr(sys, "_MEIPASS", None)
    if frozen:
        dirs += [Path(frozen), Path(frozen) / "PySide6" / "Qt" / "lib"]
    try:
        import importlib.util

        spec = importlib.util.find_spec("PySide6")
        if spec is not None and spec.origin:
            dirs.append(Path(spec.origin).parent / "Qt" / "lib")
    except (ImportError, ValueError):
        pass
    return dirs


def library_present(soname: str) -> bool:
    """True when the dynamic loader can load `soname` (or the app carries it itself)."""
    for folder in _bundled_dirs():
        if (folder / soname).exists():
            return True
    try:
        ctypes.CDLL(soname)
    except OSError:
        return False
    return True


def distribution(os_release: str | None = None) -> str | None:
    """"Debian/Ubuntu", "Fedora" or "Arch" from /etc/os-release's ID and ID_LIKE; None else."""
    if os_release is None:
        try:
            os_release = Path("/etc/os-release").read_text(encoding="utf-8", errors="replace")
        except OSError:
            return None
    ids: list[str] = []
    for line in os_release.splitlines():
        key, _, value = line.partition("=")
        if key.strip() in ("ID", "ID_LIKE"):
            ids += value.strip().strip('"').lower().split()
    for name, _command, known in DISTRIBUTIONS:
        if any(i in known for i in ids):
            return name
    return None


def check(env: Mapping[str, str] | None = None, platform: str | None = None,
          argv: Iterable[str] = (), present: Callable[[str], bool] | None = None,
          os_release: str | None = None) -> MissingLibraries | None:  # fmt: skip
    """The missing libraries, or None when nothing is missing (or the platform is not xcb).

    `present(soname)` decides whether a library is there (default `library_present`)."""
    env = os.environ if env is None else env
    if not uses_xcb(env, platform, list(argv)):
        return None
    present = present or library_present
    missing = tuple(name for name in XCB_LIBRARIES if not present(name))
    if not missing:
        return None
    return MissingLibraries(missing, distribution(os_release))
