"""A proven ONNX Runtime copy of each model file, kept in the app's cache folder.

One folder per model file, named after the SHA-256 of its bytes (so a renamed or copied file
finds its entry, and a retrained one does not): ``proof.json`` (core.export.proof.Proof, with the
versions of torch and onnxruntime it was measured with) and, when the runtime agreed,
``model.onnx``. The proof is written last, so an entry cut short by a full disk or a crash has no
proof and is ignored. An entry measured with other library versions counts as absent. The KEEP
most recently used entries stay; older ones are deleted (they are only a cache: the next job
builds them again).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from pathlib import Path

from ..fileio import atomic_write, default_cache_dir
from .proof import Proof

KEEP = 8  # entries kept; a ResNet-18 entry is about 45 MB
PROOF_NAME = "proof.json"
ONNX_NAME = "model.onnx"


def model_key(path: str | os.PathLike) -> str:
    """The cache key of a model file: the SHA-256 of its bytes (hex, first 40 digits)."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()[:40]


class RuntimeCache:
    """The proven runtimes under ``root`` (default: <the app's cache folder>/runtimes)."""

    def __init__(self, root: str | os.PathLike | None = None):
        self.root = Path(root) if root is not None else default_cache_dir() / "runtimes"

    def folder(self, key: str) -> Path:
        return self.root / key

    def read(self, key: str, versions: dict[str, str]) -> tuple[Proof, bytes | None] | None:
        """(proof, ONNX bytes or None) stored for ``key`` with these library versions; None when
        there is no usable entry (none, cut short, damaged, or measured with other versions)."""
        folder = self.folder(key)
        try:
            proof = Proof.from_json(json.loads((folder / PROOF_NAME).read_text("utf-8")))
        except (OSError, ValueError, KeyError, TypeError):
            return None
        if proof.versions != versions:
            return None
        onnx = None
        if proof.agrees:
            try:
                onnx = (folder / ONNX_NAME).read_bytes()
            except OSError:
                return None
        try:
            os.utime(folder / PROOF_NAME)  # most recently used: kept longest
        except OSError:
            pass
        return proof, onnx

    def store(self, key: str, proof: Proof, onnx: bytes | None) -> Path:
        """Keep ``proof`` (and the ONNX file when it agreed) for ``key``; DiskWriteError when the
        disk refuses (nothing half-written is left to be trusted)."""
        folder = self.folder(key)
        if onnx is not None:
            with atomic_write(folder / ONNX_NAME, size_hint=len(onnx), make_folder=True) as handle:
                handle.write(onnx)
        data = (json.dumps(proof.to_json(), indent=1) + "\n").encode("utf-8")
        with atomic_write(folder / PROOF_NAME, size_hint=len(data), make_folder=True) as handle:
            handle.write(data)
        self.prune()
        return folder

    def entries(self) -> list[Path]:
        """The entries with a proof, most recently used first."""
        if not self.root.is_dir():
            return []
        found = [p for p in self.root.iterdir() if (p / PROOF_NAME).is_file()]
        return sorted(found, key=lambda p: (p / PROOF_NAME).stat().st_mtime_ns, reverse=True)

    def prune(self, keep: int = KEEP) -> None:
        """Best effort: an entry that vanishes or cannot be read meanwhile is left alone."""
        try:
            old = self.entries()[keep:]
        except OSError:
            return
        for folder in old:
            shutil.rmtree(folder, ignore_errors=True)
