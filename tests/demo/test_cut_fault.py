"""A cut fault always cuts: whatever byte it stops at, the event it cuts is never complete on
the wire, with every line ending the demo can use."""

from __future__ import annotations

import random
import re
from collections.abc import Iterator

import httpx
import pytest

from logtui.demo import DemoServer, Fault
from logtui.demo.faults import FaultBook, FaultRun

from .conftest import TOKEN, make_config


class _Greedy(random.Random):
    """Always draws the largest value allowed: the cut that keeps the most of a frame."""

    def randint(self, a: int, b: int) -> int:
        return b


@pytest.fixture
def greedy_cuts(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    original = FaultBook.next_run

    def next_run(self: FaultBook, endpoint: object) -> FaultRun:
        run = original(self, endpoint)  # type: ignore[arg-type]
        return FaultRun(run.fault, _Greedy())

    monkeypatch.setattr(FaultBook, "next_run", next_run)
    yield


def _lines(raw: bytes) -> list[bytes]:
    """The complete lines of ``raw`` by the SSE rules (CRLF, LF or a lone CR ends a line)."""
    return re.split(rb"\r\n|\r|\n", raw)[:-1]


@pytest.mark.parametrize("eol", ["\n", "\r\n", "\r"])
def test_a_cut_never_sends_the_whole_event_it_cuts(greedy_cuts: None, eol: str) -> None:
    with DemoServer(make_config()) as server, httpx.Client(
        headers={"Authorization": f"Bearer {TOKEN}"}, timeout=5
    ) as client:
        server.faults.script("proxy-stream", [Fault.framing(line_ending=eol) + Fault.cut(1)])  # type: ignore[arg-type]
        raw = b""
        with client.stream("GET", server.proxy_url + "/_logs/stream") as response:
            server.emit(3, "proxy")
            with pytest.raises(httpx.RemoteProtocolError):
                for chunk in response.iter_raw():
                    raw += chunk

    blank = eol.encode() * 2
    first, _, tail = raw.partition(blank)
    assert first.startswith(b"id: ") and tail, "one whole event, then part of the next"
    assert b"" not in _lines(tail), f"the cut event is complete: {tail[-8:]!r}"
