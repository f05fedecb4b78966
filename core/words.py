"""Words for messages people read, from the CLI and the app alike."""

from __future__ import annotations


def plural(count: int, word: str, words: str | None = None) -> str:
    """"1 image", "3 images", "1,204 images"; `words` for an irregular plural ("classes")."""
    return f"{count:,} {word if count == 1 else (words or word + 's')}"
