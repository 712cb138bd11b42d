"""When the decoder's fast path takes every frame of a chunk it hands them on as two columns
(``FrameColumns``), not a tuple per frame. Read as frames, the columns must be exactly what the
general line-by-line path dispatches, for any stream of mostly common frames cut anywhere."""

from __future__ import annotations

from itertools import pairwise

from hypothesis import event, given, settings
from hypothesis import strategies as st

from logtui.core.sse import FrameColumns, SSEDecoder

COMMON = st.builds(
    lambda n, text: f"id: {n}\ndata: {{\"n\":{n},\"t\":\"{text}\"}}\n\n".encode(),
    st.integers(0, 10**6), st.text("abc é\u2028", max_size=8),
)
NEAR_MISS = st.sampled_from([
    b":\n\n", b"id: 7\ndata: a\ndata: b\n\n", b"event: x\ndata: y\n\n", b"id: a\0b\ndata: z\n\n",
    b"id:7\ndata:q\n\n", b"data: w\r\n\r\n", b"retry: 5\ndata: r\n\n", b"id: 9\n\n",
])
FRAMES = st.integers(0, 7).flatmap(lambda pick: NEAR_MISS if pick == 0 else COMMON)
STREAMS = st.lists(FRAMES, max_size=40).map(b"".join)
CUTS = st.lists(st.integers(min_value=0, max_value=2000), max_size=6)


def frames_of(stream: bytes, cuts: list[int], *, fast: bool) -> tuple[list[object], int]:
    decoder = SSEDecoder(fast_path=fast)
    bounds = [0, *sorted({min(cut, len(stream)) for cut in cuts}), len(stream)]
    frames: list[object] = []
    columns = 0
    for a, b in pairwise(bounds):
        got = decoder.feed_frames(stream[a:b])
        if isinstance(got, FrameColumns):
            columns += 1
            assert len(got) == len(list(got)) > 0
            assert [got[i] for i in range(len(got))] == list(got) == got[:]
        frames += got
    frames.append(decoder.last_event_id)
    return frames, columns


@settings(max_examples=400, deadline=None)
@given(stream=STREAMS, cuts=CUTS)
def test_frames_handed_on_as_columns_are_those_the_general_path_dispatches(
    stream: bytes, cuts: list[int]
) -> None:
    fast, columns = frames_of(stream, cuts, fast=True)
    exact, none = frames_of(stream, cuts, fast=False)
    assert fast == exact
    assert none == 0
    event(f"some chunk came as columns: {columns > 0}")


def test_a_chunk_of_common_frames_comes_as_columns_and_a_mixed_one_as_tuples() -> None:
    decoder = SSEDecoder()
    common = decoder.feed_frames(b"id: 1\ndata: {}\n\nid: 2\ndata: []\n\n")
    assert isinstance(common, FrameColumns)
    assert (common.ids, common.data) == (["1", "2"], ["{}", "[]"])
    mixed = decoder.feed_frames(b"id: 3\ndata: a\n\n:\n\nid: 4\ndata: b\n\n")
    assert not isinstance(mixed, FrameColumns)
    assert list(mixed) == [("3", "a", ""), ("4", "b", "")]


def test_a_chunk_cut_inside_frames_at_both_ends_still_comes_as_columns() -> None:
    decoder = SSEDecoder()
    decoder.feed_frames(b'id: 1\ndata: {"a"')
    middle = decoder.feed_frames(b":1}\n\nid: 2\ndata: {}\n\nid: 3\ndata: []\n\ndata: q\n\nid: 4")
    assert isinstance(middle, FrameColumns)
    assert (middle.ids, middle.data) == (["1", "2", "3", "3"], ['{"a":1}', "{}", "[]", "q"])
    assert list(decoder.feed_frames(b"\ndata: x\n\n")) == [("4", "x", "")]


def test_a_named_event_beside_the_columns_sends_the_chunk_as_tuples_in_order() -> None:
    decoder = SSEDecoder()
    decoder.feed_frames(b"event: ctl\ndata: z")
    mixed = decoder.feed_frames(b"\n\nid: 5\ndata: y\n\nid: 6\ndata: w\n\n")
    assert not isinstance(mixed, FrameColumns)
    assert list(mixed) == [("", "z", "ctl"), ("5", "y", ""), ("6", "w", "")]


def test_columns_say_whether_any_data_spans_lines() -> None:
    decoder = SSEDecoder()
    assert decoder.feed_frames(b"id: 1\ndata: {}\n\nid: 2\ndata: []\n\n").one_line  # type: ignore[attr-defined]
    decoder.feed_frames(b"data: [1,\ndata: 2")
    joined = decoder.feed_frames(b"]\n\nid: 3\ndata: {}\n\nid: 4\ndata: []\n\n")
    assert isinstance(joined, FrameColumns)
    assert joined.data[0] == "[1,\n2]"
    assert not joined.one_line
