"""What a scan produces: samples, problems, the dataset index and the scan result."""

from __future__ import annotations

import hashlib
import os
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class Sample:
    path: Path
    label: int


@dataclass(frozen=True)
class Problem:
    path: Path
    reason: str


@dataclass
class DatasetIndex:
    root: Path
    class_names: list[str]
    samples: list[Sample]  # all usable samples (the train part if a split is predefined)
    val_samples: list[Sample] | None = None  # set when the folder had train/ + val/

    def counts(self) -> dict[str, int]:
        """Images per class in ``samples`` (the train part of a predefined split), class order."""
        counter = Counter(s.label for s in self.samples)
        return {name: counter.get(i, 0) for i, name in enumerate(self.class_names)}

    def fingerprint(self) -> str:
        """Hash of class names and every sample's relative path, label, size and mtime.

        Computed from the files as they are now, so it changes when a file is edited, added to
        the index, removed or relabelled (a resumed training refuses a changed dataset).
        """
        digest = hashlib.sha256()
        digest.update("\x1f".join(self.class_names).encode("utf-8", "surrogateescape"))
        for part, samples in (("train", self.samples), ("val", self.val_samples or ())):
            for sample in sorted(samples, key=lambda s: str(s.path)):
                try:
                    rel = sample.path.relative_to(self.root).as_posix()
                except ValueError:
                    rel = sample.path.as_posix()
                try:
                    st = os.stat(sample.path)
                    meta = f"{st.st_size}:{st.st_mtime_ns}"
                except OSError:
                    meta = "missing"
                line = f"\x1e{part}\x1f{rel}\x1f{sample.label}\x1f{meta}"
                digest.update(line.encode("utf-8", "surrogateescape"))
        return digest.hexdigest()


@dataclass
class ScanResult:
    index: DatasetIndex
    problems: list[Problem] = field(default_factory=list)  # unreadable files with reasons
    warnings: list[str] = field(default_factory=list)  # empty/tiny classes, imbalance, ...
    ignored: list[Path] = field(default_factory=list)  # hidden files, __MACOSX, Thumbs.db, ...

    def ignored_file_count(self) -> int:
        """Files the ignored entries stand for: an ignored folder such as __MACOSX/ is listed
        once in `ignored` but counts every file inside it (links count as one)."""
        total = 0
        for path in self.ignored:
            if path.is_symlink() or not path.is_dir():
                total += 1
            else:
                total += sum(len(files) for _root, _dirs, files in os.walk(path))
        return total
