"""Property tests: the SSE decoder agrees with a plain reading of the WHATWG text for any bytes,
however the network happens to cut them, and never raises."""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field

from hypothesis import given, settings
from hypothesis import strategies as st

from logtui.core.sse import DEFAULT_MAX_RETRY_MS, SSEDecoder

Event = tuple[str, str, str]


@dataclass
class Outcome:
    events: list[Event] = field(default_factory=list)
    last_event_id: str = ""
    retry_ms: int | None = None


def reference_parse(stream: bytes) -> Outcome:
    """A slow whole-stream parser written line by line from the spec; the oracle."""
    text = stream.decode("utf-8", "replace").removeprefix("\ufeff")
    lines = re.split(r"\r\n|\r|\n", text)
    lines.pop()  # unterminated (or empty) last piece: the end of the stream discards it
    out = Outcome()
    data_buffer = event_type = id_buffer = ""
    for line in lines:
        if line == "":
            out.last_event_id = id_buffer
            if data_buffer:
                out.events.append(
                    (event_type or "message", data_buffer.removesuffix("\n"), out.last_event_id)
                )
            data_buffer = event_type = ""
            continue
        if line.startswith(":"):
            continue
        name, value = line.split(":", 1) if ":" in line else (line, "")
        value = value.removeprefix(" ")
        if name == "event":
            event_type = value
        elif name == "data":
            data_buffer += value + "\n"
        elif name == "id" and "\0" not in value:
            id_buffer = value
        elif name == "retry" and value and all(c in "0123456789" for c in value):
            out.retry_ms = min(int(value), DEFAULT_MAX_RETRY_MS)
    return out


def decode(chunks: list[bytes], **options: int) -> Outcome:
    decoder = SSEDecoder(**options)
    out = Outcome()
    for chunk in chunks:
        out.events.extend((e.event, e.data, e.id) for e in decoder.feed(chunk))
    decoder.close()
    out.last_event_id = decoder.last_event_id
    out.retry_ms = decoder.retry_ms
    return out


def cut(stream: bytes, points: list[int]) -> list[bytes]:
    bounds = sorted({min(p, len(stream)) for p in points})
    edges = [0, *bounds, len(stream)]
    return [stream[a:b] for a, b in itertools.pairwise(edges)]


TOKENS = st.sampled_from(
    [
        b"data:", b"data: ", b"data", b"id:", b"id: ", b"id", b"event:", b"event: x",
        b"retry:", b"retry: 12", b"0", b"7", b":", b": comment", b" ", b"\t", b"\r", b"\n",
        b"\r\n", b"\n\n", b"x", b"\xef\xbb\xbf", b"\xc3\xa9", b"\xe2\x82\xac", b"\xf0\x9f\x98\x80",
        b"\xe2\x80\xa8", b"\xc2\x85", b"\x0b", b"\x1c", b"\xff", b"\xc3", b"\x00", b"\xe2\x82",
    ]
)
SSE_LIKE = st.lists(TOKENS, max_size=60).map(b"".join)
ANY_STREAM = st.one_of(SSE_LIKE, st.binary(max_size=300))
CUT_POINTS = st.lists(st.integers(min_value=0, max_value=400), max_size=12)


@settings(max_examples=400, deadline=None)
@given(stream=ANY_STREAM, points=CUT_POINTS)
def test_any_chunking_yields_the_same_result_as_the_whole_stream(
    stream: bytes, points: list[int]
) -> None:
    assert decode(cut(stream, points)) == decode([stream])


@settings(max_examples=400, deadline=None)
@given(stream=ANY_STREAM)
def test_decoder_agrees_with_the_reference_reading_of_the_spec(stream: bytes) -> None:
    assert decode([stream]) == reference_parse(stream)


@settings(max_examples=150, deadline=None)
@given(stream=ANY_STREAM)
def test_one_byte_chunks_agree_with_the_reference(stream: bytes) -> None:
    chunks = [stream[i : i + 1] for i in range(len(stream))]
    assert decode(chunks) == reference_parse(stream)


@settings(max_examples=300, deadline=None)
@given(stream=ANY_STREAM, points=CUT_POINTS, limit=st.integers(min_value=1, max_value=40))
def test_arbitrary_bytes_never_raise_even_with_a_tiny_size_cap(
    stream: bytes, points: list[int], limit: int
) -> None:
    decoder = SSEDecoder(max_event_bytes=limit)
    for chunk in cut(stream, points):
        for event in decoder.feed(chunk):
            assert len(event.data) <= limit
    decoder.close()
    assert decoder.oversized >= 0
