"""Headless mode keeps large read buffers in the heap: reading a stream in 256 KiB pieces
(the socket read, h11's receive buffer, the 64 KiB pieces cut from it) must reuse warm pages,
not fault in fresh ones for every read."""

from __future__ import annotations

import platform
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

READS = textwrap.dedent("""
    import resource, sys
    if sys.argv[1] == "keep":
        from logtui.core.heap import keep_read_buffers
        assert keep_read_buffers()
    def faults():
        return resource.getrusage(resource.RUSAGE_SELF).ru_minflt
    buffer = bytearray()
    before = faults()
    for _ in range(200):
        buffer += b"x" * (256 * 1024)
        while len(buffer) >= 64 * 1024:
            piece = bytes(buffer[:65546])
            del buffer[:65546]
            piece.decode()
    print(faults() - before)
""")


def page_faults(mode: str) -> int:
    result = subprocess.run(
        [sys.executable, "-c", READS, mode], cwd=ROOT, capture_output=True, text=True,
        check=True, timeout=60, env={"PYTHONPATH": str(ROOT)},
    )
    return int(result.stdout)


@pytest.mark.skipif(
    not sys.platform.startswith("linux") or platform.libc_ver()[0] != "glibc",
    reason="the thresholds are glibc's",
)
def test_reading_in_large_pieces_reuses_the_same_pages_once_buffers_are_kept() -> None:
    fresh = page_faults("default")
    kept = page_faults("keep")
    assert fresh > 5000  # the default: a fresh mapping for every read (64 pages each)
    assert kept < fresh / 10


def test_keeping_buffers_is_a_no_op_answer_where_it_cannot_apply(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from logtui.core import heap

    monkeypatch.setattr(heap.sys, "platform", "darwin")
    assert heap.keep_read_buffers() is False


FREED = textwrap.dedent("""
    import ctypes, sys
    from logtui.core import heap
    def rss():
        with open("/proc/self/statm") as statm:
            return int(statm.read().split()[1]) * 4096
    libc = ctypes.CDLL(None)
    libc.malloc.restype = ctypes.c_void_p
    libc.malloc.argtypes = (ctypes.c_size_t,)
    libc.free.argtypes = (ctypes.c_void_p,)
    pieces = [libc.malloc(64 * 1024) for _ in range(1000)]  # 64 MB in the heap
    for piece in pieces:
        ctypes.memset(piece, 1, 64 * 1024)
    pin = libc.malloc(64 * 1024)  # what is still alive above it keeps the heap's top in place
    for piece in pieces:
        libc.free(piece)
    freed = rss()
    returned = heap.give_back() if sys.argv[1] == "give-back" else False
    print(freed - rss(), int(returned))
""")


def returned_after_freeing(mode: str) -> tuple[int, int]:
    result = subprocess.run(
        [sys.executable, "-c", FREED, mode], cwd=ROOT, capture_output=True, text=True,
        check=True, timeout=60, env={"PYTHONPATH": str(ROOT)},
    )
    returned, answer = result.stdout.split()
    return int(returned), int(answer)


@pytest.mark.skipif(
    not sys.platform.startswith("linux") or platform.libc_ver()[0] != "glibc",
    reason="malloc_trim is glibc's",
)
def test_pages_freed_below_live_memory_stay_resident_until_given_back() -> None:
    kept, _ = returned_after_freeing("keep")
    returned, answer = returned_after_freeing("give-back")
    assert kept < 4 * 1024 * 1024  # free() alone leaves them resident
    assert returned > 48 * 1024 * 1024
    assert answer == 1


def test_giving_back_is_a_no_op_answer_where_it_cannot_apply(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from logtui.core import heap

    monkeypatch.setattr(heap.sys, "platform", "darwin")
    assert heap.give_back() is False
