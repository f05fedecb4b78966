"""Entry script of the frozen app (build.spec) and a plain launcher from a checkout.

    python resources/launcher.py [--self-test ...]

`multiprocessing.freeze_support()` runs first, before Qt or torch are imported: in a frozen app a
child process (DataLoader worker, spawn start method) re-executes this executable, and
freeze_support() turns that execution into the child instead of a second copy of the app.
Everything else, `--self-test` included, is gui.app.main()'s job.
"""

import multiprocessing
import os
import sys


def _run() -> int:
    multiprocessing.freeze_support()
    if not getattr(sys, "frozen", False):
        # From a checkout: make `core` and `gui` importable without installing the package.
        sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    from gui.app import main

    return main()


if __name__ == "__main__":
    sys.exit(_run())
