"""A sort killed with SIGKILL in the middle, then run again: nothing missing, nothing twice."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from sort_helpers import snapshot, write_photos
from test_sort_folder import check_matches_source

from core.sorting import MANIFEST_NAME, sort_folder

ROOT = Path(__file__).resolve().parents[2]

# The CLI, with each copy slowed to a slow disk's pace so the kill lands mid-sort.
SLOW_CLI = textwrap.dedent("""
    import sys, time
    from core.sorting import place
    copy = place.Placer._copy
    def slow_copy(source, target):
        time.sleep(0.03)
        copy(source, target)
    place.Placer._copy = staticmethod(slow_copy)
    from core.cli import main
    sys.exit(main(sys.argv[1:]))
""")


def _placed(dest: Path) -> int:
    return sum(1 for p in dest.rglob("*.jpg"))


@pytest.mark.slow
@pytest.mark.skipif(os.name != "posix", reason="SIGKILL")
def test_kill_9_mid_sort_then_rerun_matches_the_source_exactly(model_file, classifier, tmp_path):
    source = tmp_path / "inbox"
    files = write_photos(source, 60) + write_photos(source, 20, start=60, sub="b")
    before = snapshot(source)
    dest = tmp_path / "sorted"
    env = {**os.environ, "OMP_NUM_THREADS": "1", "PYTHONPATH": str(ROOT)}
    process = subprocess.Popen(
        [sys.executable, "-c", SLOW_CLI, "sort", str(source), str(dest), "--model",
         str(model_file), "--device", "cpu", "--batch-size", "2", "--threshold", "0.4"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 120
        while not dest.exists() or _placed(dest) < 20:
            assert process.poll() is None, process.stderr.read().decode()
            assert time.monotonic() < deadline, "the sort never got going"
            time.sleep(0.01)
        os.kill(process.pid, signal.SIGKILL)
    finally:
        process.wait(timeout=60)
        process.stderr.close()
    assert process.returncode == -signal.SIGKILL
    assert 20 <= _placed(dest) < len(files)  # killed in the middle
    summary = sort_folder(classifier, source, dest, _threshold(0.4))
    assert summary.already + summary.sorted == len(files) and not summary.problems
    check_matches_source(files, dest)
    assert not [p for p in dest.rglob(".*") if p.is_file()]  # no temporary file left behind
    assert snapshot(source) == before
    assert (dest / MANIFEST_NAME).is_file()


def _threshold(value):
    from core.sorting import SortOptions

    return SortOptions(threshold=value)
