"""Headless mode hands a chunk's checked payloads on as an ``EntryBatch`` (columns, no entry
objects) and writes their texts straight to NDJSON. For any stream of frames, however the
network cuts it, the lines written, the counters, the resume point and the de-duplication
memory must be exactly those of the exact path, where every payload is parsed into an entry."""

from __future__ import annotations

import io
import json
from itertools import pairwise

from hypothesis import event, given, settings
from hypothesis import strategies as st

from logtui.core.batch import EntryBatch
from logtui.core.engine import Engine
from logtui.core.models import CollectingSink, Entry, Notice, SourceStatus
from logtui.core.sources.base import Chunk
from logtui.core.sources.generic import GenericSSESource
from logtui.core.sources.proxy import ProxySource
from logtui.core.sources.sse_source import SSESource
from logtui.core.sse import SSEDecoder
from logtui.headless import NdjsonSink

# What one frame is: mostly the usual keyed entry, and now and then anything else.
ODD_KINDS = ["garbage", "heartbeat", "multiline", "named", "array", "long", "nul-id", "no-id",
             "empty-id", "string-key", "text"]
FRAMES = st.tuples(
    st.sampled_from(["entry"] * 40 + ODD_KINDS),
    st.one_of(st.none(), st.integers(0, 60)),
    st.booleans(),
)
STREAMS = st.lists(FRAMES, max_size=60)
CUTS = st.lists(st.integers(min_value=0, max_value=3000), max_size=5)


def frame(serial: int, kind: str, key: int | None, flag: bool) -> bytes:
    """The wire bytes of one generated frame."""
    body: dict[str, object] = {"n": serial, "msg": "é ok" if flag else "plain"}
    if key is not None:
        body["id"] = key
    text = json.dumps(body, ensure_ascii=False, separators=(",", ":"))
    line_id = f"id: {serial}\n"
    if kind == "garbage":
        text = "{not json" + str(key)
    elif kind == "heartbeat":
        return b":\n\n"
    elif kind == "multiline":
        text = text.replace(",", ",\ndata: ", 1)
    elif kind == "named":
        return f"event: other\n{line_id}data: {text}\n\n".encode()
    elif kind == "array":
        text = f"[{key}]"
    elif kind == "long":
        text = text[:-1] + ',"pad":"' + "x" * 2000 + '"}'
    elif kind == "nul-id":
        line_id = "id: a\0b\n"
    elif kind == "no-id":
        line_id = ""
    elif kind == "empty-id":
        line_id = "id:\n"
    elif kind == "string-key":
        text = json.dumps({"id": f"k{key}", "n": serial})
    elif kind == "text":
        text = f"plain text {key}"
    return f"{line_id}data: {text}\n\n".encode()


def pieces(stream: bytes, cuts: list[int]) -> list[bytes]:
    points = sorted({min(cut, len(stream)) for cut in cuts})
    bounds = [0, *points, len(stream)]
    return [stream[a:b] for a, b in pairwise(bounds) if b > a]


class Recorder(CollectingSink):
    """Collects statuses and notices; entries go to the NDJSON sink under test."""

    def __init__(self, ndjson: NdjsonSink) -> None:
        super().__init__()
        self._ndjson = ndjson

    def on_entries(self, entries: object) -> None:
        self._ndjson.on_entries(entries)  # type: ignore[arg-type]


def run(
    make: type[SSESource], stream: bytes, cuts: list[int], *, deferred: bool
) -> tuple[object, ...]:
    source = make(url="http://127.0.0.1:9", headers={}, filters={}, **extra(make))
    if deferred:
        source.defer_parsing()
    out = io.BytesIO()
    sink = Recorder(NdjsonSink(out, io.StringIO()))
    engine = Engine(source, sink, clock=lambda: 7.0)
    decoder = SSEDecoder(dataless_events=source.CONTROL_EVENTS.keys())
    batches = 0
    for piece in pieces(stream, cuts):
        chunk = source._decode(decoder.feed_frames(piece))
        batches += type(chunk.entries) is EntryBatch
        if engine._handle(chunk) is not None:
            break
    status = engine.status
    counters = (status.received, status.duplicates, status.malformed, status.history)
    memory = (engine._last_key, list(engine._catchup), list(engine._seen.order))
    return out.getvalue(), counters, memory, [n.message for n in sink.notices], batches


def extra(make: type[SSESource]) -> dict[str, object]:
    return {"secret": None} if make is ProxySource else {}


def stream_of(frames: list[tuple[str, int | None, bool]]) -> bytes:
    return b"".join(frame(serial, *spec) for serial, spec in enumerate(frames, start=1))


@settings(max_examples=500, deadline=None)
@given(frames=STREAMS, cuts=CUTS)
def test_batches_write_and_count_exactly_what_parsed_entries_do(
    frames: list[tuple[str, int | None, bool]], cuts: list[int]
) -> None:
    stream = stream_of(frames)
    for make in (ProxySource, GenericSSESource):
        fast = run(make, stream, cuts, deferred=True)
        exact = run(make, stream, cuts, deferred=False)
        assert fast[:4] == exact[:4]
        assert exact[4] == 0  # the exact path never batches
        event(f"{make.__name__} handed on in batches: {fast[4] > 0}")


def test_a_plain_stream_is_handed_on_in_batches_and_written_verbatim() -> None:
    frames = [("entry", key, False) for key in range(40)]
    stream = stream_of(frames)
    written, counters, *_, batches = run(ProxySource, stream, [len(stream) // 2], deferred=True)
    assert batches == 2
    assert counters[:2] == (40, 0)
    assert written.decode().splitlines() == [
        line.removeprefix("data: ") for line in stream.decode().splitlines()
        if line.startswith("data: ")
    ]


def test_a_replayed_batch_is_deduplicated_like_entries() -> None:
    frames = [("entry", key, False) for key in range(8)]
    stream = stream_of(frames)
    # The same bytes twice (a ring replay): the second time every key is a duplicate.
    written, counters, memory, *_ = run(ProxySource, stream + stream, [len(stream)],
                                        deferred=True)
    assert counters[:2] == (8, 8)
    assert len(written.decode().splitlines()) == 8
    assert memory[2] == [str(key) for key in range(8)]


def test_a_batch_after_entries_without_an_event_id_clears_what_a_restart_would_replay() -> None:
    head = stream_of([("entry", 1, False), ("empty-id", 2, False)])
    tail = b"".join(frame(serial, "entry", serial, False) for serial in range(10, 16))
    for deferred in (True, False):
        _, counters, memory, _, batches = run(
            ProxySource, head + tail, [len(head)], deferred=deferred
        )
        assert batches == (1 if deferred else 0)
        assert counters[:2] == (8, 0)
        assert memory[:2] == ("15", [])  # the key without an event id no longer lags


def batch(*keys: int) -> EntryBatch:
    texts = [f'{{"id":{key}}}' for key in keys]
    return EntryBatch(texts, [str(key) for key in keys], [str(key) for key in keys])


def test_entries_read_from_a_batch_are_the_same_objects_every_time() -> None:
    entries = batch(1, 2, 3)
    first = entries[0]
    first.source = "a"  # a tagging sink changes an entry, then hands the batch on
    assert [entry.source for entry in entries] == ["a", None, None]
    assert entries[0] is first
    assert not entries.untouched


def test_a_batch_reads_as_the_entries_it_stands_for() -> None:
    entries = batch(1, 2)
    entries.stamp(5.0)
    assert entries == [
        Entry(raw='{"id":1}', data={"id": 1}, event_id="1", key="1", received_at=5.0),
        Entry(raw='{"id":2}', data={"id": 2}, event_id="2", key="2", received_at=5.0),
    ]
    entries.stamp(6.0)  # stamping after the entries were built reaches them too
    assert [entry.received_at for entry in entries] == [6.0, 6.0]


class Reading:
    """A sink in front of another that reads every entry (as a tagging sink does)."""

    def __init__(self, target: NdjsonSink) -> None:
        self.target = target

    def on_entries(self, entries: list[Entry]) -> None:
        for entry in entries:
            entry.source = "x"
        self.target.on_entries(entries)

    def on_status(self, status: SourceStatus) -> None:
        pass

    def on_notice(self, notice: Notice) -> None:
        pass


def test_a_batch_someone_read_is_written_from_its_entries() -> None:
    out = io.BytesIO()
    engine = Engine(
        ProxySource(secret=None, url="http://127.0.0.1:9", headers={}, filters={}),
        Reading(NdjsonSink(out, io.StringIO())),
    )
    engine._handle(Chunk(entries=batch(1, 2, 3, 4)))
    assert out.getvalue() == b'{"id":1}\n{"id":2}\n{"id":3}\n{"id":4}\n'
