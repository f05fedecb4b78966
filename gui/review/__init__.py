"""Reviewing images with the shared review grid: `ReviewDialog` ("Not sure" images after a sort,
or any list of images with a suggested class)."""

from .dialog import ReviewDialog, ReviewEntry

__all__ = ["ReviewDialog", "ReviewEntry"]
