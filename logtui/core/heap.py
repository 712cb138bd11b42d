"""Keep the C heap from handing large read buffers back to the kernel after every read.

A stream is read in pieces of up to 256 KiB (see ``sse_source.READ_SIZE``): the socket read,
h11's receive buffer and the decoded text each allocate one, and free it a moment later.
glibc serves blocks over its mmap threshold (128 KiB at first, moved up and down as blocks
come and go) with a fresh ``mmap`` and returns them with ``munmap``, and trims the top of the
heap when it frees more than the trim threshold, so every read touches fresh pages again:
under a virtual machine those page faults cost more than the bytes (measured: about half of
httpx's own CPU per body read). Fixed thresholds a little above the read size keep those
blocks in the heap, where the next read reuses the same warm pages; at most
:data:`TRIM_THRESHOLD` bytes of freed memory stay mapped.

Only for a process that streams in bulk (headless mode); elsewhere, and away from glibc, the
defaults are left alone.
"""

from __future__ import annotations

import sys
from typing import Final

__all__ = ["MMAP_THRESHOLD", "TRIM_THRESHOLD", "keep_read_buffers"]

MMAP_THRESHOLD: Final = 1024 * 1024
"""Blocks smaller than this come from the heap, read buffers included."""
TRIM_THRESHOLD: Final = 4 * 1024 * 1024
"""Freed memory at the top of the heap is given back to the kernel only beyond this."""
_M_TRIM_THRESHOLD: Final = -1
_M_MMAP_THRESHOLD: Final = -3
"""glibc's ``mallopt`` parameter numbers (malloc.h)."""


def keep_read_buffers() -> bool:
    """Set the thresholds; True when the C library took them (glibc on Linux)."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        import ctypes

        mallopt = ctypes.CDLL(None).mallopt
    except (ImportError, OSError, AttributeError):
        return False
    mallopt.argtypes = (ctypes.c_int, ctypes.c_int)
    mallopt.restype = ctypes.c_int
    # mallopt returns 1 on success; musl's accepts nothing and returns 0.
    return bool(mallopt(_M_MMAP_THRESHOLD, MMAP_THRESHOLD)) and bool(
        mallopt(_M_TRIM_THRESHOLD, TRIM_THRESHOLD)
    )
