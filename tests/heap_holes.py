"""A child process that leaves 64 MB of freed heap resident, for the tests of giving it back.

``free`` alone keeps pages below a live allocation resident (glibc returns only the heap's top),
so the child mallocs 64 MB, pins the heap's top with one more piece and frees the 64 MB. What
a test runs before and after that decides whether anything gives the pages back; it prints
what it measured.
"""

from __future__ import annotations

import platform
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

GLIBC_ONLY = pytest.mark.skipif(
    not sys.platform.startswith("linux") or platform.libc_ver()[0] != "glibc",
    reason="returning free pages is glibc's malloc_trim",
)

_MEASURE = textwrap.dedent("""
    import ctypes, sys
    def rss():
        with open("/proc/self/statm") as statm:
            return int(statm.read().split()[1]) * 4096
    libc = ctypes.CDLL(None)
    libc.malloc.restype = ctypes.c_void_p
    libc.malloc.argtypes = (ctypes.c_size_t,)
    libc.free.argtypes = (ctypes.c_void_p,)
""")

_FREE_BELOW_A_PIN = textwrap.dedent("""
    pieces = [libc.malloc(64 * 1024) for _ in range(1000)]  # 64 MB in the heap
    for piece in pieces:
        ctypes.memset(piece, 1, 64 * 1024)
    pin = libc.malloc(64 * 1024)  # what is still alive above it keeps the heap's top in place
    for piece in pieces:
        libc.free(piece)
    freed = rss()
""")


def run_after_freeing(script: str, *args: str, setup: str = "") -> list[str]:
    """Run ``setup``, the freeing, then ``script`` (where ``freed`` is the RSS with the 64 MB
    freed but resident and ``rss()`` reads it again) in a fresh interpreter; its printed
    words."""
    code = _MEASURE + textwrap.dedent(setup) + _FREE_BELOW_A_PIN + textwrap.dedent(script)
    result = subprocess.run(
        [sys.executable, "-c", code, *args], cwd=ROOT,
        capture_output=True, text=True, check=True, timeout=60,
        env={"PYTHONPATH": str(ROOT)},
    )
    return result.stdout.split()
