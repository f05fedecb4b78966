"""Item 2 of the first-hour issue: on a bare Linux, missing X11 libraries are found before Qt
aborts, and the exact packages are printed per distribution. The library check is stubbed."""

from __future__ import annotations

from pathlib import Path

import pytest

from gui import app as gui_app
from gui import qt_platform
from gui.qt_platform import XCB_LIBRARIES, check, distribution, uses_xcb

UBUNTU = 'NAME="Ubuntu"\nID=ubuntu\nID_LIKE=debian\n'
FEDORA = 'NAME="Fedora Linux"\nID=fedora\n'


@pytest.mark.parametrize(
    ("env", "platform", "argv", "expected"),
    [
        ({"DISPLAY": ":0"}, "linux", (), True),
        ({"DISPLAY": ":0", "QT_QPA_PLATFORM": "offscreen"}, "linux", (), False),
        ({"DISPLAY": ":0", "QT_QPA_PLATFORM": "wayland"}, "linux", (), False),
        ({"DISPLAY": ":0", "QT_QPA_PLATFORM": "xcb"}, "linux", (), True),
        ({"DISPLAY": ":0"}, "linux", ("-platform", "offscreen"), False),
        ({"DISPLAY": ":0", "WAYLAND_DISPLAY": "wayland-0", "XDG_SESSION_TYPE": "wayland"}, "linux", (), False),
        ({}, "linux", (), False),  # no display at all: not the xcb libraries' problem
        ({"DISPLAY": ":0"}, "darwin", (), False),
        ({"DISPLAY": ":0"}, "win32", (), False),
    ],
)
def test_the_check_runs_only_when_qt_will_use_xcb(env, platform, argv, expected):
    assert uses_xcb(env, platform, argv) is expected


def test_missing_libraries_are_named_with_each_distributions_packages():
    absent = {"libxcb-cursor.so.0", "libxcb-icccm.so.4", "libxcb-randr.so.0", "libxcb-shape.so.0"}
    missing = check({"DISPLAY": ":0"}, "linux", present=lambda name: name not in absent,
                    os_release=UBUNTU)  # fmt: skip
    assert missing is not None and set(missing.sonames) == absent
    text = missing.message()
    assert "sudo apt install libxcb-cursor0 libxcb-icccm4 libxcb-randr0 libxcb-shape0" in text
    assert "sudo dnf install xcb-util-cursor xcb-util-wm libxcb\n" in text + "\n"  # no repeats
    assert "sudo pacman -S xcb-util-cursor xcb-util-wm libxcb" in text
    assert text.index("Debian/Ubuntu (this system)") < text.index("Fedora")
    assert "Traceback" not in text


def test_nothing_is_reported_when_every_library_is_there_or_the_platform_is_not_xcb():
    assert check({"DISPLAY": ":0"}, "linux", present=lambda name: True) is None
    assert check({"DISPLAY": ":0", "QT_QPA_PLATFORM": "offscreen"}, "linux",
                 present=lambda name: False) is None  # fmt: skip


def test_the_distribution_is_read_from_os_release():
    assert distribution(UBUNTU) == "Debian/Ubuntu"
    assert distribution(FEDORA) == "Fedora"
    assert distribution("ID=manjaro\nID_LIKE=arch\n") == "Arch"
    assert distribution("ID=gentoo\n") is None
    missing = check({"DISPLAY": ":0"}, "linux", present=lambda n: n != "libxcb-xkb.so.1",
                    os_release=FEDORA)  # fmt: skip
    assert missing.message().index("Fedora (this system)") < missing.message().index("Debian")


def test_main_prints_what_to_install_and_exits_before_qt_starts(monkeypatch, capsys):
    monkeypatch.setenv("DISPLAY", ":0")
    for name in ("QT_QPA_PLATFORM", "WAYLAND_DISPLAY", "XDG_SESSION_TYPE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr(qt_platform.sys, "platform", "linux")
    monkeypatch.setattr(qt_platform, "library_present", lambda name: name != "libxcb-cursor.so.0")

    def no_qt(*_args, **_kwargs):
        raise AssertionError("Qt was started although its platform cannot load")

    monkeypatch.setattr(gui_app, "create_application", no_qt)
    monkeypatch.setattr(gui_app, "configure_logging", no_qt)
    assert gui_app.main([]) == 1
    err = capsys.readouterr().err
    assert "libxcb-cursor.so.0" in err and "libxcb-cursor0" in err and "xcb-util-cursor" in err
    assert "Traceback" not in err


def test_the_readme_lists_every_package():
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    first_section = readme.split("\n## Using the app")[0]
    for packages in XCB_LIBRARIES.values():
        for package in packages:
            assert package in first_section, package
