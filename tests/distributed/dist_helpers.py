"""Helpers for the distributed tests: the CLI run as a child process (as a
user runs it), each rank on one CPU thread with the gloo backend."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# 32 train / 8 validation images at 32 px, a global batch of 8: 4 steps an epoch
TRAIN_ARGS = ["--backbone", "resnet18", "--no-pretrained", "--strategy", "full",
              "--image-size", "32", "--batch-size", "8", "--no-augment", "--seed", "3",
              "--lr", "1e-4"]


@dataclass
class Run:
    returncode: int
    stdout: str
    stderr: str

    def events(self, kind: str) -> list:
        from core.distributed import decode

        found = [decode(line) for line in self.stdout.splitlines()]
        return [e for e in found if type(e).__name__ == kind]


def child_env(**extra: str) -> dict:
    env = dict(os.environ)
    env.update(OMP_NUM_THREADS="1", BACKBONE_STUDIO_CPU_BF16="0", PYTHONUNBUFFERED="1", **extra)
    for name in ("RANK", "WORLD_SIZE", "LOCAL_RANK", "MASTER_ADDR", "MASTER_PORT"):
        env.pop(name, None)
    return env


def run_cli(args: list[str], timeout: float = 240, **extra: str) -> Run:
    done = subprocess.run(
        [sys.executable, "-m", "core", *args], cwd=ROOT, env=child_env(**extra),
        capture_output=True, text=True, timeout=timeout,
    )  # fmt: skip
    return Run(done.returncode, done.stdout, done.stderr)


def processes_mentioning(text: str) -> list[int]:
    """Live processes whose command line contains `text` (Linux /proc)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            state = (entry / "stat").read_text().split(")")[-1].split()[0]
        except OSError:
            continue
        if text in cmdline and state != "Z":
            found.append(int(entry.name))
    return found
