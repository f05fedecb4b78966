"""`make app-test`: build the double-clickable app and prove the frozen build works.

    .venv/bin/python tests/packaging/app_test.py [--time-limit S] [--gui-seconds S] [--keep]

1. Builds the one-folder app with PyInstaller from build.spec (as `make app` does) and reports
   the build time and the bundle's size.
2. Runs the frozen `BackboneStudio --self-test` in its own session with a time limit, and checks
   its exit status 0, its summary (`RESULT: PASSED`, "packaged app") and its report file.
3. Starts the frozen GUI headless (Qt offscreen) for a few seconds and checks it stays up without
   a traceback, then ends it.
4. After each run, checks that no process of the app survived: nothing left in its process
   group/session, and (Linux) no process running an executable from the bundle.
5. Always deletes build/ and dist/ (unless --keep), even on failure or Ctrl+C, so repeated runs
   do not fill the disk (a CUDA build is about 4 GB).

Exit status 0 when every check passed, 1 otherwise (each failure is printed).
Only the standard library is used, so pytest collecting this file runs nothing.
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SPEC = ROOT / "build.spec"
BUILD_DIR = ROOT / "build"
DIST_DIR = ROOT / "dist"
APP_NAME = "BackboneStudio"


class CheckFailed(Exception):
    """One packaging check failed; the message says which and why."""


def log(text: str = "") -> None:
    print(f"[app-test] {text}" if text else "", flush=True)


def human_size(n: float) -> str:
    for unit in ("B", "KiB", "MiB", "GiB"):
        if n < 1024 or unit == "GiB":
            return f"{n:.1f} {unit}" if unit != "B" else f"{int(n)} B"
        n /= 1024
    return f"{n:.1f} GiB"


def tree_size(folder: Path) -> tuple[int, int]:
    """(bytes, files) under `folder`, not following symbolic links (like `du`)."""
    total = files = 0
    for dirpath, _dirnames, filenames in os.walk(folder):
        for name in filenames:
            path = Path(dirpath, name)
            if not path.is_symlink():
                total += path.stat().st_size
                files += 1
    return total, files


def app_executable() -> Path:
    if sys.platform == "win32":
        return DIST_DIR / APP_NAME / f"{APP_NAME}.exe"
    if sys.platform == "darwin":
        return DIST_DIR / f"{APP_NAME}.app" / "Contents" / "MacOS" / APP_NAME
    return DIST_DIR / APP_NAME / APP_NAME


def clean() -> None:
    for folder in (BUILD_DIR, DIST_DIR):
        if folder.exists():
            shutil.rmtree(folder, ignore_errors=True)
            if folder.exists():
                log(f"WARNING: could not delete {folder} completely")
            else:
                log(f"deleted {folder.relative_to(ROOT)}/")


# ------------------------------------------------------------------------------------ build


def build() -> tuple[float, int, int]:
    """Run PyInstaller; returns (seconds, bundle bytes, files)."""
    command = [sys.executable, "-m", "PyInstaller", "--noconfirm", "--clean", str(SPEC)]
    log(f"building: {' '.join(command)}")
    started = time.perf_counter()
    log_file = Path(tempfile.gettempdir()) / "backbone-studio-app-test-build.log"
    with open(log_file, "w", encoding="utf-8") as out:
        done = subprocess.run(command, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT)
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        tail = log_file.read_text(encoding="utf-8", errors="replace").splitlines()[-40:]
        raise CheckFailed(
            f"PyInstaller failed with exit status {done.returncode} after {seconds:.0f} s; "
            f"last lines of {log_file}:\n" + "\n".join(tail)
        )
    exe = app_executable()
    if not exe.is_file():
        raise CheckFailed(f"the build finished but {exe} does not exist")
    bundle = DIST_DIR / (f"{APP_NAME}.app" if sys.platform == "darwin" else APP_NAME)
    size, files = tree_size(bundle)
    log(f"build log: {log_file}")
    return seconds, size, files


# ------------------------------------------------------------------------------ processes


def app_processes(bundle: Path) -> list[tuple[int, str]]:
    """(pid, command line) of every process running an executable from `bundle` (Linux)."""
    found = []
    proc = Path("/proc")
    if not proc.is_dir():
        return found
    bundle = bundle.resolve()
    for entry in proc.iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            exe = Path(os.readlink(entry / "exe"))
            if exe == bundle or bundle in exe.parents:
                cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
                found.append((int(entry.name), cmdline.strip()))
        except OSError:  # gone, or not ours to inspect
            continue
    return found


def group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def kill_group(pgid: int) -> None:
    for sig in (signal.SIGTERM, signal.SIGKILL):
        try:
            os.killpg(pgid, sig)
        except ProcessLookupError:
            return
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline and group_alive(pgid):
            time.sleep(0.1)


def check_no_strays(pgid: int | None, what: str) -> None:
    """Nothing from the app may outlive it: its process group, or anything running the bundle."""
    deadline = time.monotonic() + 10  # orphans may need a moment to be reaped
    while True:
        in_group = pgid is not None and group_alive(pgid)
        running = app_processes(app_executable().parent)
        if not in_group and not running:
            return
        if time.monotonic() > deadline:
            break
        time.sleep(0.2)
    if pgid is not None:
        kill_group(pgid)
    for pid, _cmd in running:
        try:
            os.kill(pid, signal.SIGKILL)
        except OSError:
            pass
    details = "; ".join(f"pid {pid}: {cmd[:120]}" for pid, cmd in running) or "its process group"
    raise CheckFailed(f"{what} left stray processes behind ({details}); they were killed")


def app_env(home: Path) -> dict[str, str]:
    """The app runs against private temporary folders: no user caches, settings or weights."""
    env = dict(os.environ)
    env.update(
        TORCH_HOME=str(home / "torch"),
        BACKBONE_STUDIO_CACHE=str(home / "cache"),
        BACKBONE_STUDIO_CONFIG=str(home / "config"),
        QT_QPA_PLATFORM="offscreen",
        PYTHONUNBUFFERED="1",
    )
    for name in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV"):  # the bundle must not need them
        env.pop(name, None)
    return env


def start(command: list[str], env: dict[str, str], out, cwd: Path) -> subprocess.Popen:
    kwargs: dict = {"stdout": out, "stderr": subprocess.STDOUT, "env": env, "cwd": cwd}
    if os.name == "posix":
        kwargs["start_new_session"] = True  # its own session and process group
    else:
        kwargs["creationflags"] = subprocess.CREATE_NEW_PROCESS_GROUP
    return subprocess.Popen(command, **kwargs)


# ------------------------------------------------------------------------------- self-test


def run_self_test(time_limit: float, home: Path) -> float:
    report_file = home / "self-test-report.txt"
    output_file = home / "self-test-output.txt"
    command = [str(app_executable()), "--self-test", "--report", str(report_file)]
    log(f"running: {' '.join(command)} (time limit {time_limit:.0f} s)")
    started = time.perf_counter()
    with open(output_file, "w+", encoding="utf-8") as out:
        process = start(command, app_env(home), out, cwd=home)
        pgid = process.pid if os.name == "posix" else None
        try:
            status = process.wait(timeout=time_limit)
        except subprocess.TimeoutExpired:
            status = None
        seconds = time.perf_counter() - started
        out.seek(0)
        output = out.read()
    print(output.rstrip(), flush=True)
    if status is None:
        if pgid is not None:
            kill_group(pgid)
        else:
            process.kill()
        process.wait()
        raise CheckFailed(f"the frozen self-test did not finish within {time_limit:.0f} s")
    check_no_strays(pgid, "the frozen self-test")
    if status != 0:
        raise CheckFailed(f"the frozen self-test exited with status {status} (see its output above)")
    report = report_file.read_text(encoding="utf-8") if report_file.exists() else ""
    for text, where in ((report, "its --report file"), (output if sys.platform.startswith("linux") else report, "its output")):
        if "RESULT: PASSED" not in text:
            raise CheckFailed(f"the frozen self-test exited 0 but {where} has no 'RESULT: PASSED'")
    if "packaged app" not in report:
        raise CheckFailed("the self-test did not run as a packaged app (sys.frozen unset?)")
    return seconds


# ------------------------------------------------------------------------------ GUI start


def run_gui_smoke(seconds: float, home: Path) -> None:
    """Start the frozen GUI (offscreen), let it run `seconds`, then end it; it must stay up."""
    output_file = home / "gui-output.txt"
    command = [str(app_executable())]
    log(f"starting the GUI headless for {seconds:.0f} s: {command[0]}")
    with open(output_file, "w+", encoding="utf-8") as out:
        process = start(command, app_env(home), out, cwd=home)
        pgid = process.pid if os.name == "posix" else None
        try:
            status = process.wait(timeout=seconds)
        except subprocess.TimeoutExpired:
            status = None  # still running: what a GUI should do
        if status is None:
            if pgid is not None:
                kill_group(pgid)
            else:
                process.terminate()
            process.wait(timeout=30)
        out.seek(0)
        output = out.read()
    if status is not None:
        raise CheckFailed(
            f"the frozen GUI exited by itself with status {status} within {seconds:.0f} s:\n"
            + output[-3000:]
        )
    if "Traceback (most recent call last)" in output:
        raise CheckFailed("the frozen GUI printed a traceback:\n" + output[-3000:])
    check_no_strays(pgid, "the frozen GUI")
    log("the GUI started and stayed up; ended it, no processes left")


# ------------------------------------------------------------------------------------ main


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--time-limit", type=float, default=240.0,
                        help="seconds the frozen self-test may take (default 240)")  # fmt: skip
    parser.add_argument("--gui-seconds", type=float, default=20.0,
                        help="seconds the frozen GUI must stay up (0 skips the check)")  # fmt: skip
    parser.add_argument("--keep", action="store_true", help="keep build/ and dist/ afterwards")
    args = parser.parse_args(argv)

    failures: list[str] = []
    facts: list[str] = []
    home = Path(tempfile.mkdtemp(prefix="bbs-app-test-"))
    try:
        if DIST_DIR.exists() or BUILD_DIR.exists():
            log("note: replacing the existing build/ and dist/ (they are deleted afterwards)")
        seconds, size, files = build()
        facts += [f"build time: {seconds:.0f} s", f"bundle size: {human_size(size)} ({files} files)"]
        log(f"built {app_executable().relative_to(ROOT)} in {seconds:.0f} s; bundle {human_size(size)}")
        try:
            took = run_self_test(args.time_limit, home)
            facts.append(f"frozen self-test: passed in {took:.1f} s")
        except CheckFailed as exc:
            failures.append(str(exc))
        if args.gui_seconds > 0:
            try:
                run_gui_smoke(args.gui_seconds, home)
                facts.append(f"frozen GUI: started and stayed up {args.gui_seconds:.0f} s")
            except CheckFailed as exc:
                failures.append(str(exc))
    except CheckFailed as exc:
        failures.append(str(exc))
    except KeyboardInterrupt:
        failures.append("interrupted")
    finally:
        shutil.rmtree(home, ignore_errors=True)
        if args.keep:
            log("keeping build/ and dist/ (--keep)")
        else:
            clean()

    log()
    for fact in facts:
        log(fact)
    if failures:
        for failure in failures:
            log(f"FAILED: {failure}")
        return 1
    log("PASSED: the app builds, its frozen self-test passes, its GUI starts, nothing is left running")
    return 0


if __name__ == "__main__":
    sys.exit(main())
