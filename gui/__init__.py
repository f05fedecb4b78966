"""Backbone Studio's Qt front end. Imports core; core never imports gui."""

import sys


def _guard_singleton_refcounts() -> None:
    """Work around PySide6 6.12 on CPython 3.11, where every call of a Qt method returning
    nothing releases one reference to None/True/False too many (measured: -1 per call). After
    ~17,000 such calls (a live plot gets there within a minute) the process aborts with "Fatal
    Python error: none_dealloc". pyproject keeps 6.12 off Python < 3.12; this protects an install
    that has it anyway by giving the three singletons a huge count, making them effectively
    immortal as 3.12 does. Nothing happens on other versions.
    """
    if sys.version_info >= (3, 12) or sys.implementation.name != "cpython":
        return
    from importlib.metadata import PackageNotFoundError, version

    try:
        major, minor = (int(x) for x in version("PySide6-Essentials").split(".")[:2])
    except (PackageNotFoundError, ValueError):
        try:
            import PySide6

            major, minor = (int(x) for x in PySide6.__version__.split(".")[:2])
        except (ImportError, ValueError):
            return
    if (major, minor) < (6, 12):
        return
    import ctypes

    for singleton in (None, True, False):
        refcount = ctypes.c_ssize_t.from_address(id(singleton))  # ob_refcnt is the first field
        if refcount.value < 2**40:
            refcount.value += 2**40


_guard_singleton_refcounts()
