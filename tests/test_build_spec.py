"""Cheap static checks of the packaging: build.spec, the entry point, the desktop integration.

The spec is executed with PyInstaller's build classes replaced by recorders, so every decision
it makes (what it collects, excludes, names, on which platform) is checked in a second or two
without building anything. The real build and the frozen self-test are `make app-test`
(tests/packaging/app_test.py).
"""

from __future__ import annotations

import ast
import configparser
import json
import os
import shutil
import subprocess
import sys
import types
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SPEC = ROOT / "build.spec"
RESOURCES = ROOT / "resources"
BUILD_CLASSES = ("Analysis", "PYZ", "EXE", "COLLECT", "BUNDLE")


class SpecRun(dict):
    """The build objects a spec execution created, by class name, plus the spec's globals."""

    names: dict


def run_spec(monkeypatch, platform: str | None = None) -> SpecRun:
    """Execute build.spec like PyInstaller does, recording the build objects it creates."""
    calls = SpecRun({name: [] for name in BUILD_CLASSES})

    def recorder(kind):
        def create(*args, **kwargs):
            obj = types.SimpleNamespace(
                args=args, kwargs=kwargs, pure=[], scripts=[], binaries=[], datas=[], zipfiles=[]
            )
            calls[kind].append(obj)
            return obj

        return create

    namespace = {name: recorder(name) for name in BUILD_CLASSES}
    namespace.update(SPECPATH=str(ROOT), __file__=str(SPEC), __name__="__main__")
    if platform is not None:
        monkeypatch.setattr(sys, "platform", platform)
    exec(compile(SPEC.read_text(encoding="utf-8"), str(SPEC), "exec"), namespace)
    calls.names = namespace
    return calls


@pytest.fixture(scope="module")
def linux_build():
    with pytest.MonkeyPatch.context() as mp:
        return run_spec(mp, "linux")


def test_spec_builds_one_folder_app_named_backbonestudio(linux_build):
    (analysis,) = linux_build["Analysis"]
    (exe,) = linux_build["EXE"]
    (coll,) = linux_build["COLLECT"]
    assert exe.kwargs["name"] == "BackboneStudio"
    assert exe.kwargs["exclude_binaries"] is True  # one-folder: binaries go to COLLECT
    assert coll.kwargs["name"] == "BackboneStudio"
    assert exe.kwargs["upx"] is False and coll.kwargs["upx"] is False
    assert exe.kwargs["console"] is True  # Linux: keeps stdout, so --self-test prints
    assert linux_build["BUNDLE"] == []
    (entry,) = analysis.args[0]
    assert Path(entry) == RESOURCES / "launcher.py"
    assert "core.selftest" in analysis.kwargs["hiddenimports"]


@pytest.mark.parametrize(("platform", "icon_suffix"), [("win32", ".ico"), ("darwin", None)])
def test_windowed_with_icon_on_windows_and_macos(monkeypatch, platform, icon_suffix):
    build = run_spec(monkeypatch, platform)
    (exe,) = build["EXE"]
    assert exe.kwargs["console"] is False
    icon = Path(exe.kwargs["icon"])
    assert icon.is_file() and icon.parent == RESOURCES / "icons"
    if icon_suffix:
        assert icon.suffix == icon_suffix
    else:  # no .icns in the repo: PyInstaller converts the largest PNG with Pillow
        assert icon.suffix in {".icns", ".png"}
    if platform == "darwin":
        (bundle,) = build["BUNDLE"]
        assert bundle.kwargs["name"] == "BackboneStudio.app"
        assert bundle.kwargs["info_plist"]["NSHighResolutionCapable"] is True
    else:
        assert build["BUNDLE"] == []


def test_torchvision_native_library_is_collected(linux_build):
    """A plain build misses it and `import torchvision` dies: operator torchvision::nms."""
    import torchvision

    (analysis,) = linux_build["Analysis"]
    binaries = analysis.kwargs["binaries"]
    native = [(Path(src), dest) for src, dest in binaries if Path(src).name.startswith("_C")]
    assert native, f"no torchvision _C library among {binaries}"
    package_dir = Path(torchvision.__file__).parent
    for src, dest in native:
        assert src.is_file()
        assert src.parent == package_dir
        assert Path(dest) == Path("torchvision")  # next to torchvision/__init__, where it is looked up


def test_spec_refuses_to_build_without_torchvision_native_library(monkeypatch):
    import PyInstaller.utils.hooks as hooks

    monkeypatch.setattr(hooks, "collect_dynamic_libs", lambda *args, **kwargs: [])
    with pytest.raises(SystemExit, match="torchvision's native library"):
        run_spec(monkeypatch)


def test_resources_are_bundled_as_data(linux_build):
    (analysis,) = linux_build["Analysis"]
    datas = [(Path(src), Path(dest)) for src, dest in analysis.kwargs["datas"]]
    names = {src.name for src, _ in datas}
    assert {"backbone-studio.desktop", "backbone-studio.svg", "backbone-studio.ico"} <= names
    assert any(n.startswith("backbone-studio-") and n.endswith(".png") for n in names)
    for src, dest in datas:
        assert src.is_file()
        assert dest.parts[0] == "resources"
        assert dest == Path("resources") / src.parent.relative_to(RESOURCES)
        assert src.suffix not in {".py", ".pyc"} and "__pycache__" not in src.parts


REQUIRED_EXCLUDES = {
    "tkinter", "matplotlib", "IPython", "PySide6.QtWebEngineCore", "PySide6.QtWebEngineWidgets",
    "PySide6.Qt3DCore", "PySide6.QtQuick", "PySide6.QtQml", "pytest", "hypothesis",
    "torch.utils.tensorboard", "triton",
}  # fmt: skip


def test_excludes_what_the_app_never_uses(linux_build):
    (analysis,) = linux_build["Analysis"]
    excludes = set(analysis.kwargs["excludes"])
    missing = REQUIRED_EXCLUDES - excludes
    assert not missing, f"build.spec no longer excludes {sorted(missing)}"


def test_excludes_never_drop_a_module_the_app_imports(linux_build):
    """Import every module of core and gui (what the frozen app can reach) in a fresh
    interpreter where the optional excludes are blocked, as in the bundle, and check that no
    excluded name is among the loaded modules."""
    (analysis,) = linux_build["Analysis"]
    excludes = sorted(analysis.kwargs["excludes"])
    optional = linux_build.names["OPTIONAL_EXCLUDES"]
    assert set(optional) <= set(excludes)
    script = (
        "import json, pkgutil, importlib, sys\n"
        f"for name in {optional!r}:\n"
        "    sys.modules[name] = None  # missing, as in the bundle\n"
        "import core, gui\n"
        "for package in (core, gui):\n"
        "    for info in pkgutil.walk_packages(package.__path__, package.__name__ + '.'):\n"
        "        if not info.name.endswith('__main__'):\n"
        "            importlib.import_module(info.name)\n"
        "print(json.dumps(sorted(k for k, v in sys.modules.items() if v is not None)))\n"
    )
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True,
        timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    loaded = json.loads(done.stdout.strip().splitlines()[-1])
    clashes = [
        (module, name)
        for module in loaded
        for name in excludes
        if module == name or module.startswith(name + ".")
    ]
    assert not clashes, f"build.spec excludes modules the app imports: {clashes[:10]}"
    assert not [m for m in loaded if m.split(".")[0] in optional]


def _first_call_name(statement: ast.stmt) -> str | None:
    if isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Call):
        return ast.unparse(statement.value.func)
    return None


def _body_without_docstring(function: ast.FunctionDef) -> list[ast.stmt]:
    body = function.body
    if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
        body = body[1:]
    return body


def test_entry_calls_freeze_support_before_anything_else():
    tree = ast.parse((RESOURCES / "launcher.py").read_text(encoding="utf-8"))
    (run,) = [n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == "_run"]
    assert _first_call_name(_body_without_docstring(run)[0]) == "multiprocessing.freeze_support"
    module_imports = {
        alias.name for n in tree.body if isinstance(n, ast.Import) for alias in n.names
    }
    assert module_imports <= {"multiprocessing", "os", "sys"}  # nothing heavy before the call


def test_gui_main_calls_freeze_support_first():
    tree = ast.parse((ROOT / "gui" / "app.py").read_text(encoding="utf-8"))
    (main,) = [n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == "main"]
    assert _first_call_name(_body_without_docstring(main)[0]) == "multiprocessing.freeze_support"


# -------------------------------------------------------------------------- desktop integration


def read_desktop_file(path: Path) -> dict[str, str]:
    parser = configparser.ConfigParser(interpolation=None, strict=True)
    parser.optionxform = str  # keys are case-sensitive
    parser.read(path, encoding="utf-8")
    return dict(parser["Desktop Entry"])


def test_desktop_file_is_complete():
    entry = read_desktop_file(RESOURCES / "backbone-studio.desktop")
    assert entry["Type"] == "Application"
    assert entry["Name"] == "Backbone Studio"
    assert entry["Exec"].split()[0] == "BackboneStudio"
    assert entry["Exec"].split()[1:] == ["%F"]  # gui.app opens the files it is given
    assert entry["Terminal"] == "false"
    assert entry["Icon"] == "backbone-studio"  # a theme name, installed by install-desktop.sh
    assert (RESOURCES / "icons" / "backbone-studio.svg").is_file()
    for key in ("Categories", "Keywords", "MimeType"):
        assert entry[key].endswith(";")
    assert all(m.startswith("image/") for m in entry["MimeType"].rstrip(";").split(";"))


@pytest.mark.skipif(shutil.which("bash") is None, reason="needs bash")
def test_install_desktop_script_installs_and_uninstalls(tmp_path):
    app_dir = tmp_path / "My Apps"
    app_dir.mkdir()
    program = app_dir / "BackboneStudio"
    program.write_text("#!/bin/sh\nexit 0\n")
    program.chmod(0o755)
    data_home = tmp_path / "share"
    env = {**os.environ, "XDG_DATA_HOME": str(data_home)}
    script = str(RESOURCES / "install-desktop.sh")

    done = subprocess.run(
        ["bash", script, "--exec", str(program)], env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    installed = data_home / "applications" / "backbone-studio.desktop"
    entry = read_desktop_file(installed)
    assert entry["Exec"] == f'"{program}" %F'  # quoted: the path has a space
    assert entry["TryExec"] == str(program)
    assert entry["Icon"] == "backbone-studio"
    icons = data_home / "icons" / "hicolor"
    assert (icons / "scalable" / "apps" / "backbone-studio.svg").is_file()
    pngs = sorted(icons.glob("*x*/apps/backbone-studio.png"))
    assert pngs and all(p.parent.parent.name.split("x")[0] == p.parent.parent.name.split("x")[1] for p in pngs)

    done = subprocess.run(["bash", script, "--uninstall"], env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert not installed.exists()
    assert not list(icons.rglob("backbone-studio.*"))

    done = subprocess.run(
        ["bash", script, "--exec", str(tmp_path / "missing")], env=env, capture_output=True, text=True
    )
    assert done.returncode != 0 and "not an executable" in done.stderr
