"""proxy-logs ``/_logs/stream`` over a real socket: ids, replay, filters, heartbeats, reset,
scope-destroyed and every scripted fault."""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

import httpx
import pytest

from logtui.demo import DemoServer, Fault

from .conftest import TOKEN, make_config
from .sse_reader import SseReader, read_all, take


def test_every_frame_carries_its_ring_sequence_as_id(
    server: DemoServer, proxy: httpx.Client
) -> None:
    with proxy.stream("GET", "/_logs/stream") as response:
        assert response.headers["content-type"] == "text/event-stream"
        server.emit(5, "proxy")
        events = take(response, 5)
    assert [e.json() for e in events] == server.entries("proxy")
    ids = [int(e.id or "") for e in events]
    assert ids == list(range(ids[0], ids[0] + 5))


def test_a_new_connection_without_last_event_id_starts_live(
    server: DemoServer, proxy: httpx.Client
) -> None:
    server.emit(10, "proxy")
    with proxy.stream("GET", "/_logs/stream") as response:
        server.emit(1, "proxy")
        (event,) = take(response, 1)
    assert event.json() == server.entries("proxy")[-1]


def test_last_event_id_replays_every_later_frame_from_the_ring(
    server: DemoServer, proxy: httpx.Client
) -> None:
    with proxy.stream("GET", "/_logs/stream") as response:
        server.emit(20, "proxy")
        first = take(response, 20)
    resume_after = first[7].id or ""
    with proxy.stream("GET", "/_logs/stream", headers={"Last-Event-ID": resume_after}) as again:
        replayed = take(again, 12)
    assert [e.id for e in replayed] == [e.id for e in first[8:]]
    assert [e.data for e in replayed] == [e.data for e in first[8:]]


def test_the_ring_keeps_the_last_5000_frames(server: DemoServer, proxy: httpx.Client) -> None:
    with proxy.stream("GET", "/_logs/stream") as response:
        server.emit(1, "proxy")
        (first,) = take(response, 1)
    server.emit(5_999, "proxy")
    with proxy.stream("GET", "/_logs/stream", headers={"Last-Event-ID": first.id or ""}) as r:
        replayed = take(r, 5_000)
        server.emit(1, "proxy")
        (live,) = take(r, 1)
    truth = server.entries("proxy")
    assert [e.json()["id"] for e in replayed] == [e["id"] for e in truth[1_000:6_000]]
    assert live.json() == truth[-1]


def test_stream_filters_by_project_container_kind_and_level(
    server: DemoServer, proxy: httpx.Client
) -> None:
    params = {"projectId": "proj_a1b2c3d4", "kind": "response", "level": "info"}
    with proxy.stream("GET", "/_logs/stream", params=params) as response:
        server.emit(400, "proxy")
        expected = [
            e for e in server.entries("proxy")
            if e["projectId"] == "proj_a1b2c3d4" and e["kind"] == "response"
            and e["level"] == "info"
        ]
        events = take(response, len(expected))
    assert expected and [e.json() for e in events] == expected
    container = server.entries("proxy")[0]["containerId"]
    with proxy.stream("GET", "/_logs/stream", params={"containerId": container}) as response:
        server.emit(50, "proxy")
        got = take(response, 1)
    assert got[0].json()["containerId"] == container


def test_heartbeats_arrive_on_a_quiet_stream() -> None:
    with DemoServer(make_config(heartbeat=0.1)) as server, httpx.Client(
        headers={"Authorization": f"Bearer {TOKEN}"}, timeout=5
    ) as client, client.stream("GET", server.proxy_url + "/_logs/stream") as response:
        started = time.monotonic()
        beats = take(response, 3, comments=True)
        elapsed = time.monotonic() - started
        assert all(b.comment and b.data == "" for b in beats)
        assert 0.2 <= elapsed < 3
        assert response.extensions["sse_reader"].raw.startswith(b":\n\n")


def test_reset_jumps_the_ring_sequence_and_closes_and_ids_survive(
    server: DemoServer, proxy: httpx.Client
) -> None:
    server.emit(5, "proxy")
    server.faults.script("proxy-stream", [Fault.reset(after=3)])
    with proxy.stream("GET", "/_logs/stream", headers={"Last-Event-ID": "0"}) as response:
        events = read_all(response)
    assert [e.event for e in events] == ["message"] * 3 + ["reset"]
    last_seq = int(events[2].id or "")
    assert int(events[3].id or "") >= last_seq + 10_000
    server.emit(4, "proxy")  # written "during the restart": in /_logs, not in the new ring
    truth = server.entries("proxy")
    with proxy.stream("GET", "/_logs/stream", headers={"Last-Event-ID": "0"}) as response:
        replayed = take(response, 4)
    assert [e.json() for e in replayed] == truth[5:]
    assert all(int(e.id or "") > last_seq + 10_000 for e in replayed)
    backfill = proxy.get("/_logs", params={"afterId": events[2].json()["id"]}).json()
    assert backfill["entries"] == truth[3:]
    assert [e["id"] for e in truth] == list(range(truth[0]["id"], truth[0]["id"] + 9))


def test_a_last_event_id_ahead_of_the_ring_is_answered_with_reset(
    server: DemoServer, proxy: httpx.Client
) -> None:
    server.emit(5, "proxy")
    ahead = {"Last-Event-ID": "99999"}  # saved before a restart the client did not see
    with proxy.stream("GET", "/_logs/stream", headers=ahead) as response:
        events = read_all(response)
    assert [e.event for e in events] == ["reset"]


def test_reset_on_one_connection_resets_every_open_stream(
    server: DemoServer, proxy: httpx.Client
) -> None:
    server.faults.script("proxy-stream", [None, Fault.reset(after=1)])
    with proxy.stream("GET", "/_logs/stream") as bystander:
        server.emit(1, "proxy")
        assert [e.event for e in take(bystander, 1)] == ["message"]
        replay_all = {"Last-Event-ID": "0"}
        with proxy.stream("GET", "/_logs/stream", headers=replay_all) as trigger:
            assert [e.event for e in read_all(trigger)] == ["message", "reset"]
        assert [e.event for e in read_all(bystander)] == ["reset"]


def test_scope_destroyed_is_sent_and_the_stream_closes(
    server: DemoServer, proxy: httpx.Client
) -> None:
    server.faults.script("proxy-stream", [Fault.scope_destroyed(after=2)])
    with proxy.stream("GET", "/_logs/stream") as response:
        server.emit(5, "proxy")
        events = read_all(response)
    assert [e.event for e in events] == ["message", "message", "scope-destroyed"]
    assert events[-1].id is not None


def test_rate_limit_answers_the_documented_429_with_retry_after_seconds(
    server: DemoServer, proxy: httpx.Client
) -> None:
    server.faults.script("proxy-stream", [Fault.rate_limited(retry_after=7), None])
    refused = proxy.get("/_logs/stream")
    assert refused.status_code == 429
    assert refused.headers["retry-after"] == "7"
    assert refused.json() == {
        "statusCode": 429,
        "error": "Too Many Requests",
        "message": "Rate limit exceeded for log stream",
    }
    with proxy.stream("GET", "/_logs/stream") as response:
        assert response.status_code == 200
    assert server.faults.connections("proxy-stream") == 2


def test_rate_limit_can_give_retry_after_as_an_http_date(
    server: DemoServer, proxy: httpx.Client
) -> None:
    when = datetime(2030, 1, 2, 3, 4, 5, tzinfo=UTC)
    server.faults.script("proxy-stream", [Fault.rate_limited(retry_after=when)])
    refused = proxy.get("/_logs/stream")
    assert refused.status_code == 429
    assert parsedate_to_datetime(refused.headers["retry-after"]) == when


def test_unavailable_answers_503_with_and_without_retry_after(
    server: DemoServer, proxy: httpx.Client
) -> None:
    server.faults.script("proxy-stream", [Fault.unavailable(), Fault.unavailable(2)])
    first, second = proxy.get("/_logs/stream"), proxy.get("/_logs/stream")
    assert (first.status_code, second.status_code) == (503, 503)
    assert "retry-after" not in first.headers and second.headers["retry-after"] == "2"
    assert first.json()["statusCode"] == 503


def test_history_endpoints_can_be_refused_too(server: DemoServer, proxy: httpx.Client) -> None:
    server.faults.script("proxy-logs", [Fault.rate_limited(3)])
    assert proxy.get("/_logs").status_code == 429
    assert proxy.get("/_logs").status_code == 200


def test_cut_leaves_part_of_a_frame_on_the_wire_then_closes(
    server: DemoServer, proxy: httpx.Client
) -> None:
    server.faults.script("proxy-stream", [Fault.cut(after=2)])
    reader = SseReader()
    events = []
    with proxy.stream("GET", "/_logs/stream") as response:
        server.emit(5, "proxy")
        with pytest.raises(httpx.RemoteProtocolError):
            for chunk in response.iter_raw():
                events += reader.feed(chunk)
    truth = server.entries("proxy")
    assert [e.json() for e in events] == truth[:2]
    third = json.dumps(truth[2], separators=(",", ":"), ensure_ascii=False)
    whole = f"id: {int(events[1].id or '') + 1}\ndata: {third}\n\n".encode()
    tail = bytes(reader.raw).split(b"\n\n", 2)[-1]
    assert 0 < len(tail) < len(whole) and whole.startswith(tail)


def test_stall_sends_nothing_not_even_heartbeats_then_carries_on() -> None:
    with DemoServer(make_config(heartbeat=0.05)) as server, httpx.Client(
        headers={"Authorization": f"Bearer {TOKEN}"}, timeout=5
    ) as client:
        server.faults.script("proxy-stream", [Fault.stall(after=1, seconds=0.6)])
        with client.stream("GET", server.proxy_url + "/_logs/stream") as response:
            server.emit(2, "proxy")
            arrivals: list[tuple[float, bool]] = []
            for event in _timed(response, 2):
                arrivals.append(event)
        (first_at, _), (second_at, _) = arrivals
        assert second_at - first_at >= 0.4


def _timed(response: httpx.Response, count: int) -> list[tuple[float, bool]]:
    """Arrival times of the first ``count`` data events, failing on any comment between."""
    reader = SseReader()
    out: list[tuple[float, bool]] = []
    for chunk in response.iter_raw():
        for event in reader.feed(chunk):
            if out and len(out) < count:
                assert not event.comment, "a heartbeat arrived during the stall"
            if not event.comment:
                out.append((time.monotonic(), True))
        if len(out) >= count:
            return out
    return out


def test_garbage_frame_is_not_json_and_the_stream_goes_on(
    server: DemoServer, proxy: httpx.Client
) -> None:
    server.faults.script("proxy-stream", [Fault.garbage(after=2)])
    with proxy.stream("GET", "/_logs/stream") as response:
        server.emit(4, "proxy")
        events = take(response, 5)
        raw = bytes(response.extensions["sse_reader"].raw)
    (garbage_frame,) = [f for f in raw.split(b"\n\n") if b"not json" in f]
    assert b"id:" not in garbage_frame, "a garbage frame must not move the resume id"
    with pytest.raises(ValueError):
        events[2].json()
    good = [events[i].json() for i in (0, 1, 3, 4)]
    assert good == server.entries("proxy")


@pytest.mark.parametrize("line_ending", ["\r\n", "\r"])
def test_frames_can_use_crlf_or_cr_line_ends(
    server: DemoServer, proxy: httpx.Client, line_ending: str
) -> None:
    server.faults.script(
        "proxy-stream",
        [Fault.framing(line_ending=line_ending) + Fault.end(after=3)],  # type: ignore[arg-type]
    )
    with proxy.stream("GET", "/_logs/stream") as response:
        server.emit(3, "proxy")
        events = read_all(response)
        raw = bytes(response.extensions["sse_reader"].raw)
    assert [e.json() for e in events] == server.entries("proxy")
    other = b"\n" if line_ending == "\r\n" else b"\r\n"
    assert raw.count(line_ending.encode()) >= 9
    if line_ending == "\r":
        assert b"\n" not in raw
    else:
        assert raw.replace(b"\r\n", b"").count(b"\n") == 0 and other not in raw.replace(
            b"\r\n", b"")


def test_data_can_be_split_over_several_data_lines(
    server: DemoServer, proxy: httpx.Client
) -> None:
    server.faults.script("proxy-stream", [Fault.framing(split_data=True)])
    with proxy.stream("GET", "/_logs/stream") as response:
        server.emit(3, "proxy")
        events = take(response, 3)
        raw = bytes(response.extensions["sse_reader"].raw)
    assert [e.json() for e in events] == server.entries("proxy")
    first_frame = raw.split(b"\n\n")[0]
    assert first_frame.count(b"\ndata: ") >= 10


def test_end_closes_the_stream_cleanly_after_n_events(
    server: DemoServer, proxy: httpx.Client
) -> None:
    server.faults.script("proxy-stream", [Fault.end(after=3)])
    with proxy.stream("GET", "/_logs/stream") as response:
        server.emit(6, "proxy")
        events = read_all(response)
    assert [e.json() for e in events] == server.entries("proxy")[:3]


def test_scripted_faults_apply_to_connections_in_order(
    server: DemoServer, proxy: httpx.Client
) -> None:
    server.faults.script(
        "proxy-stream", [Fault.rate_limited(1), Fault.end(after=1), Fault.cut(after=0)]
    )
    assert proxy.get("/_logs/stream").status_code == 429
    server.emit(2, "proxy")
    with proxy.stream("GET", "/_logs/stream", headers={"Last-Event-ID": "0"}) as response:
        assert len(read_all(response)) == 1
    with pytest.raises(httpx.RemoteProtocolError), proxy.stream(
        "GET", "/_logs/stream", headers={"Last-Event-ID": "0"}
    ) as response:
        read_all(response)
    assert server.faults.pending("proxy-stream") == 0
    assert server.faults.connections("proxy-stream") == 3


def test_stop_ends_open_streams_cleanly() -> None:
    server = DemoServer(make_config()).start()
    with httpx.Client(headers={"Authorization": f"Bearer {TOKEN}"}, timeout=5) as client:
        with client.stream("GET", server.proxy_url + "/_logs/stream") as response:
            started = time.monotonic()
            server.stop()
            assert read_all(response) == []
        assert time.monotonic() - started < 3

