"""Giving freed memory back to the system after a large load (seeding, a reset).

Freed Python objects go back to Python's allocator, and large freed blocks (SQLite's
statement buffers, the lists of rows seeding builds) to the C library's heap, which keeps
them for reuse: the process's resident size stays at its peak. glibc's ``malloc_trim``
returns the free pages of that heap to the system.
"""

from __future__ import annotations

import ctypes
import sys
from functools import cache


@cache
def _trim():  # noqa: ANN202 - the C function, or None where there is none
    if not sys.platform.startswith("linux"):
        return None
    # The symbols already loaded (dlopen(NULL)), the C library's among them: not
    # ctypes.util.find_library("c"), which runs ldconfig or a compiler in a child process
    # (45-100 ms of start-up's wall time, none of it the server's own CPU).
    try:
        return ctypes.CDLL(None).malloc_trim
    except (OSError, AttributeError):  # not glibc (musl has no malloc_trim)
        return None


def give_back() -> None:
    trim = _trim()
    if trim is not None:
        trim(0)
