"""Giving freed memory back to the system after a large load (seeding, a reset).

Freed Python objects go back to Python's allocator, and large freed blocks (SQLite's
statement buffers, the lists of rows seeding builds) to the C library's heap, which keeps
them for reuse: the process's resident size stays at its peak. glibc's ``malloc_trim``
returns the free pages of that heap to the system.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import sys
from functools import cache


@cache
def _trim():  # noqa: ANN202 - the C function, or None where there is none
    if not sys.platform.startswith("linux"):
        return None
    name = ctypes.util.find_library("c")
    try:
        return ctypes.CDLL(name).malloc_trim if name else None
    except (OSError, AttributeError):  # not glibc (musl has no malloc_trim)
        return None


def give_back() -> None:
    trim = _trim()
    if trim is not None:
        trim(0)
