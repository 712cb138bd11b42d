"""How the C heap is tuned: read buffers reused warm, large arrays apart, free pages returned.

A stream is read in pieces of up to 256 KiB (see ``sse_source.READ_SIZE``): the socket read,
h11's receive buffer and the decoded text each allocate one, and free it a moment later.
glibc serves blocks over its mmap threshold (128 KiB at first, moved up and down as blocks
come and go) with a fresh ``mmap`` and returns them with ``munmap``, and trims the top of the
heap when it frees more than the trim threshold, so every read touches fresh pages again:
under a virtual machine those page faults cost more than the bytes (measured: about half of
httpx's own CPU per body read). Fixed thresholds a little above the read size keep those
blocks in the heap, where the next read reuses the same warm pages; at most
:data:`TRIM_THRESHOLD` bytes of freed memory stay mapped.

The dashboard takes the same thresholds (:mod:`logtui.tui.gc_policy`): they also keep its
large arrays (the store's columns, megabytes each with a big buffer) in mappings of their own,
which grow in place and leave no holes behind; glibc's moving threshold otherwise rises past
them after the first large block is freed, and each growth then copies the array within the
heap and leaves the old copy's pages resident (30 MB with 1,000,000 entries buffered). And it
calls :func:`give_back` now and then: pages freed in the middle of the heap (what parsing a
burst leaves behind) stay resident until the C library is asked to return them.

Elsewhere, and away from glibc, the defaults are left alone.
"""

from __future__ import annotations

import sys
from typing import Any, Final

__all__ = ["MMAP_THRESHOLD", "TRIM_THRESHOLD", "give_back", "keep_read_buffers"]

MMAP_THRESHOLD: Final = 1024 * 1024
"""Blocks smaller than this come from the heap, read buffers included."""
TRIM_THRESHOLD: Final = 4 * 1024 * 1024
"""Freed memory at the top of the heap is given back to the kernel only beyond this."""
_M_TRIM_THRESHOLD: Final = -1
_M_MMAP_THRESHOLD: Final = -3
"""glibc's ``mallopt`` parameter numbers (malloc.h)."""


def _libc_function(name: str) -> Any:
    """The C library's ``name`` on Linux, or None (elsewhere, or a C library without it)."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        import ctypes

        return getattr(ctypes.CDLL(None), name)
    except (ImportError, OSError, AttributeError):
        return None


def keep_read_buffers() -> bool:
    """Set the thresholds; True when the C library took them (glibc on Linux)."""
    mallopt = _libc_function("mallopt")
    if mallopt is None:
        return False
    import ctypes

    mallopt.argtypes = (ctypes.c_int, ctypes.c_int)
    mallopt.restype = ctypes.c_int
    # mallopt returns 1 on success; musl's accepts nothing and returns 0.
    return bool(mallopt(_M_MMAP_THRESHOLD, MMAP_THRESHOLD)) and bool(
        mallopt(_M_TRIM_THRESHOLD, TRIM_THRESHOLD)
    )


def give_back() -> bool:
    """Return the heap's free pages to the kernel (glibc's ``malloc_trim(0)``, about 1 ms
    with a full buffer); True when some were returned."""
    trim = _libc_function("malloc_trim")
    if trim is None:
        return False
    import ctypes

    trim.argtypes = (ctypes.c_size_t,)
    trim.restype = ctypes.c_int
    return bool(trim(0))
