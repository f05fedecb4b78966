"""`python -m gui` starts the app (same as the `backbone-studio` command)."""

from .app import main

if __name__ == "__main__":
    raise SystemExit(main())
