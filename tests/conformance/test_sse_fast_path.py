"""The decoder's fast path (whole chunks of ``id:``/``data:`` frames split at C speed) must
dispatch exactly what the general line-by-line path dispatches: on every conformance vector
however it is cut, and on generated streams made mostly of the common frame shape with every
near miss mixed in (no space after the colon, NUL in an id, CR line ends, heartbeats, named
events, two ``data`` lines, a BOM, a tiny size cap)."""

from __future__ import annotations

import itertools
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from test_sse_vectors import VECTORS, Vector

from logtui.core.sse import SSEDecoder

Event = tuple[str, str, str, int | None]
Result = tuple[list[Event], list[tuple[str, str, str]], str, int | None, int]


def decode(chunks: list[bytes], *, fast: bool, **options: int) -> Result:
    """Events (type, data, id, retry) from ``feed``, frames from ``feed_frames``, and the
    decoder's state after the stream, with the fast path on or off."""
    by_event = SSEDecoder(fast_path=fast, dataless_events=("ctl",), **options)
    by_frame = SSEDecoder(fast_path=fast, dataless_events=("ctl",), **options)
    events = []
    frames = []
    for chunk in chunks:
        events += [(e.event, e.data, e.id, e.retry) for e in by_event.feed(chunk)]
        frames += by_frame.feed_frames(chunk)
    assert [(e or "message", d, i) for i, d, e in frames] == [
        (event, data, id_) for event, data, id_, _ in events
    ]
    assert (by_frame.last_event_id, by_frame.oversized) == (
        by_event.last_event_id,
        by_event.oversized,
    )
    by_event.close()
    return events, frames, by_event.last_event_id, by_event.retry_ms, by_event.oversized


def cut(stream: bytes, points: list[int]) -> list[bytes]:
    bounds = sorted({min(p, len(stream)) for p in points})
    edges = [0, *bounds, len(stream)]
    return [stream[a:b] for a, b in itertools.pairwise(edges)]


@pytest.mark.parametrize("vector", VECTORS, ids=lambda vector: vector.name)
def test_fast_and_general_paths_agree_on_every_vector_cut_anywhere(vector: Vector) -> None:
    stream = vector.stream
    assert decode([stream], fast=True) == decode([stream], fast=False)
    for point in range(1, len(stream)):
        chunks = [stream[:point], stream[point:]]
        assert decode(chunks, fast=True) == decode(chunks, fast=False)


def test_a_long_run_of_common_frames_takes_the_fast_path_and_keeps_every_id(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    stream = b"".join(b"id: %d\ndata: {\"id\":%d}\n\n" % (n, n) for n in range(1, 501))
    chunks = cut(stream, list(range(0, len(stream), 997)))
    general_lines = 0
    process = SSEDecoder._process

    def counting(self: SSEDecoder, lines: list[str], *rest: Any) -> None:
        nonlocal general_lines
        general_lines += len(lines)
        process(self, lines, *rest)

    monkeypatch.setattr(SSEDecoder, "_process", counting)
    events, frames, last_id, _, _ = decode(chunks, fast=True)
    # Only the frames each cut went through are read line by line (both decoders count).
    assert 0 < general_lines <= 2 * 3 * len(chunks)
    monkeypatch.undo()
    assert [(i, d) for i, d, _ in frames] == [(str(n), f'{{"id":{n}}}') for n in range(1, 501)]
    assert last_id == "500"
    assert (events, frames) == decode(chunks, fast=False)[:2]


FRAME_PIECES = st.sampled_from(
    [
        b"id: 7\ndata: {\"a\":1}\n\n",
        b"id: 8\ndata: x\n\n",
        b"id: \ndata: \n\n",
        b"id: 9\ndata: data: id: 3\n\n",
        b"id:  10\ndata:  spaced\n\n",
        b"id: \xc3\xa9\ndata: \xe2\x82\xac\xff\n\n",
        b"id: 1\x002\ndata: nul in id\n\n",
        b"id:5\ndata: no space after id\n\n",
        b"id: 6\ndata:no space after data\n\n",
        b"id: 19\ndata:!after the range\n\n",
        b"id: 20\ndata\n\n",
        b"id: 21\ndatb: x\n\n",
        b"id: 22\ndata:\n\n",
        b"id: 23\ndata \n\n",
        b"id: 11\r\ndata: crlf\r\n\r\n",
        b"id: 12\rdata: cr\r\r",
        b"id: 13\ndata: a\ndata: b\n\n",
        b"id: 14\nevent: ctl\ndata: named\n\n",
        b"event: ctl\n\n",
        b"id: 15\nretry: 40\ndata: r\n\n",
        b"retry: 50\n\n",
        b":\n\n",
        b": heartbeat\n",
        b"id: 16\n\n",
        b"data: no id\n\n",
        b"id: 17\ndata: cut",
        b"\n",
        b"\xef\xbb\xbf",
        b"id: 18\ndata: " + b"y" * 90 + b"\n\n",
    ]
)
STREAMS = st.lists(FRAME_PIECES, max_size=40).map(b"".join)
CUTS = st.lists(st.integers(min_value=0, max_value=1200), max_size=10)


@settings(max_examples=400, deadline=None)
@given(stream=STREAMS, points=CUTS)
def test_fast_and_general_paths_agree_on_generated_streams(
    stream: bytes, points: list[int]
) -> None:
    chunks = cut(stream, points)
    assert decode(chunks, fast=True) == decode(chunks, fast=False)


@settings(max_examples=200, deadline=None)
@given(stream=STREAMS, points=CUTS, limit=st.integers(min_value=1, max_value=300))
def test_fast_and_general_paths_agree_under_a_size_cap(
    stream: bytes, points: list[int], limit: int
) -> None:
    chunks = cut(stream, points)
    assert decode(chunks, fast=True, max_event_bytes=limit) == decode(
        chunks, fast=False, max_event_bytes=limit
    )
