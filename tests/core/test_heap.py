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

from tests.heap_holes import GLIBC_ONLY, run_after_freeing

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


GIVE_BACK_IF_ASKED = """
    from logtui.core import heap
    returned = heap.give_back() if sys.argv[1] == "give-back" else False
    print(freed - rss(), int(returned))
"""


def returned_after_freeing(mode: str) -> tuple[int, int]:
    returned, answer = run_after_freeing(GIVE_BACK_IF_ASKED, mode)
    return int(returned), int(answer)


@GLIBC_ONLY
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
