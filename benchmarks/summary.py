"""`python -m benchmarks.summary [REPORT.json]`: the README's table from a results file.

Without an argument it reads `benchmarks/results/latest.json`, the last full run.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from .harness import DEFAULT_RESULTS_DIR, format_markdown


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    path = Path(argv[0]) if argv else DEFAULT_RESULTS_DIR / "latest.json"
    try:
        report = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        print(f"{path}: no results yet; run `python -m benchmarks all` first", file=sys.stderr)
        return 1
    print(format_markdown(report))
    return 0


if __name__ == "__main__":
    sys.exit(main())
