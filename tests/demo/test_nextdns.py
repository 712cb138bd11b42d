"""The NextDNS logs API over a real socket: ``/logs`` parameters, cursors, ``/logs/stream``
with ``?id=`` resume, stitching history to live, errors and faults."""

from __future__ import annotations

import httpx
import pytest

from logtui.demo import DemoServer, Fault
from logtui.demo.dns_store import encode_id

from .conftest import API_KEY, FIXED_NOW, make_config
from .sse_reader import SseReader, read_all, take

FIXED_NOW_MS = int(FIXED_NOW * 1000)

DOCUMENTED_KEYS = {
    "timestamp", "domain", "root", "encrypted", "protocol", "clientIp", "client", "device",
    "status", "reasons",
}


@pytest.mark.parametrize("path", ["/logs", "/logs/stream"])
@pytest.mark.parametrize("key", [None, "wrong-key"])
def test_bad_or_missing_api_key_gets_403_with_errors(
    server: DemoServer, path: str, key: str | None
) -> None:
    headers = {"X-Api-Key": key} if key else {}
    response = httpx.get(f"{server.nextdns_url}/profiles/abc123{path}", headers=headers,
                         timeout=5)
    assert response.status_code == 403
    errors = response.json()["errors"]
    assert errors and errors[0]["code"] == "forbidden"


def test_logs_default_to_100_newest_first_with_the_documented_shape(
    server: DemoServer, nextdns: httpx.Client
) -> None:
    server.emit(150, "nextdns")
    body = nextdns.get("/logs").json()
    assert body["data"] == server.entries("nextdns")[::-1][:100]
    assert body["meta"]["pagination"]["cursor"]
    assert isinstance(body["meta"]["stream"]["id"], str)
    for entry in body["data"]:
        assert DOCUMENTED_KEYS <= set(entry) <= DOCUMENTED_KEYS | {"tracker"}
        assert set(entry["device"]) == {"id", "name", "model"}


def test_blocked_queries_carry_reasons(server: DemoServer) -> None:
    server.emit(500, "nextdns")
    entries = server.entries("nextdns")
    blocked = [e for e in entries if e["status"] == "blocked"]
    assert blocked and all(e["reasons"] for e in blocked)
    assert all(set(r) == {"id", "name"} for e in blocked for r in e["reasons"])
    assert all(e["reasons"] == [] for e in entries if e["status"] == "default")
    assert len({e["device"]["id"] for e in entries}) >= 5


@pytest.mark.parametrize("limit", ["9", "1001", "0", "abc"])
def test_limit_outside_10_to_1000_is_a_user_error_answered_200_with_errors(
    nextdns: httpx.Client, limit: str
) -> None:
    response = nextdns.get("/logs", params={"limit": limit})
    assert response.status_code == 200
    (error,) = response.json()["errors"]
    assert error["code"] == "invalidParameter"
    assert error["source"] == {"parameter": "limit"}


@pytest.mark.parametrize("sort", ["desc", "asc"])
def test_cursor_pages_cover_everything_once(
    server: DemoServer, nextdns: httpx.Client, sort: str
) -> None:
    server.emit(95, "nextdns")
    seen: list[dict[str, object]] = []
    params = {"limit": "10", "sort": sort}
    while True:
        body = nextdns.get("/logs", params=params).json()
        seen += body["data"]
        cursor = body["meta"]["pagination"]["cursor"]
        if cursor is None:
            break
        params["cursor"] = cursor
    truth = server.entries("nextdns")
    assert seen == (truth if sort == "asc" else truth[::-1])


def test_a_bad_cursor_is_a_client_error_400_and_a_bad_sort_a_user_error_200(
    nextdns: httpx.Client,
) -> None:
    cursor = nextdns.get("/logs", params={"cursor": "!!!"})
    assert cursor.status_code == 400
    assert cursor.json()["errors"][0]["source"] == {"parameter": "cursor"}
    sort = nextdns.get("/logs", params={"sort": "sideways"})
    assert sort.status_code == 200 and "data" not in sort.json()
    assert sort.json()["errors"][0]["source"] == {"parameter": "sort"}


@pytest.mark.parametrize(
    ("param", "value", "keep"),
    [
        ("device", "8TD1G", lambda e: e["device"]["id"] == "8TD1G"),
        ("status", "blocked", lambda e: e["status"] == "blocked"),
        ("search", "apple", lambda e: "apple" in e["domain"]),
    ],
)
def test_device_status_and_search_filter_history(
    server: DemoServer, nextdns: httpx.Client, param: str, value: str, keep: object
) -> None:
    server.emit(400, "nextdns")
    expected = [e for e in server.entries("nextdns") if keep(e)]  # type: ignore[operator]
    body = nextdns.get("/logs", params={param: value, "limit": "1000"}).json()
    assert expected and body["data"] == expected[::-1]


def test_raw_shows_resolver_noise_that_is_hidden_by_default(
    server: DemoServer, nextdns: httpx.Client
) -> None:
    server.emit(400, "nextdns")
    plain = nextdns.get("/logs", params={"limit": "1000"}).json()["data"]
    raw = nextdns.get("/logs", params={"limit": "1000", "raw": "1"}).json()["data"]
    assert raw == server.entries("nextdns", raw=True)[::-1]
    assert len(raw) > len(plain)
    assert any(e["domain"].endswith(".arpa") for e in raw)
    assert not any(e["domain"].endswith(".arpa") for e in plain)


def test_from_and_to_select_a_time_window() -> None:
    ticks = iter(range(10_000))
    clock_ms: list[int] = []

    def clock() -> float:
        now = FIXED_NOW + next(ticks)
        clock_ms.append(int(now * 1000))
        return now

    with DemoServer(make_config(clock=clock)) as server, httpx.Client(
        base_url=f"{server.nextdns_url}/profiles/abc123", headers={"X-Api-Key": API_KEY},
        timeout=5,
    ) as client:
        for _ in range(10):
            server.emit(1, "nextdns")
        stamps = clock_ms[:10]
        start, end = stamps[3], stamps[7]
        expected = [e for e in server.entries("nextdns")
                    if _iso(start) <= str(e["timestamp"]) < _iso(end)]
        assert expected
        for low, high in ((str(start), str(end)),
                          (str(start // 1000), str(end // 1000)),
                          (_iso(start), _iso(end))):
            body = client.get("/logs", params={"from": low, "to": high, "sort": "asc"}).json()
            assert body["data"] == expected
        assert client.get("/logs", params={"from": "yesterday"}).json()["errors"]
        recent = client.get("/logs", params={"from": "-1h"}).json()["data"]
        assert recent == server.entries("nextdns")[::-1]


def _emit(server: DemoServer, count: int) -> list[dict[str, object]]:
    """Emit ``count`` queries; the ones a query without ``raw`` sees (a few are raw-only)."""
    before = len(server.entries("nextdns"))
    server.emit(count, "nextdns")
    return server.entries("nextdns")[before:]


def _iso(ms: int) -> str:
    from logtui.demo.timefmt import iso_ms

    return iso_ms(ms)


def test_stream_sends_new_queries_with_opaque_ids(
    server: DemoServer, nextdns: httpx.Client
) -> None:
    with nextdns.stream("GET", "/logs/stream") as response:
        assert response.headers["content-type"] == "text/event-stream"
        new = _emit(server, 8)
        events = take(response, len(new))
    assert [e.json() for e in events] == new
    ids = [e.id or "" for e in events]
    assert len(set(ids)) == len(new) and all(len(i) == 26 and i.isalnum() for i in ids)


def test_stream_id_resumes_after_that_event(server: DemoServer, nextdns: httpx.Client) -> None:
    with nextdns.stream("GET", "/logs/stream") as response:
        first = take(response, len(_emit(server, 12)))
    with nextdns.stream("GET", "/logs/stream", params={"id": first[3].id}) as response:
        replayed = take(response, len(first) - 4)
    assert [e.id for e in replayed] == [e.id for e in first[4:]]


def test_history_stream_id_stitches_to_live_with_no_gap_or_duplicate(
    server: DemoServer, nextdns: httpx.Client
) -> None:
    server.emit(30, "nextdns")
    history = nextdns.get("/logs", params={"limit": "10"}).json()
    server.emit(7, "nextdns")  # happens between the history call and the stream
    stream_id = history["meta"]["stream"]["id"]
    with nextdns.stream("GET", "/logs/stream", params={"id": stream_id}) as response:
        server.emit(3, "nextdns")
        live = take(response, 10)
    stitched = history["data"][::-1] + [e.json() for e in live]
    assert stitched == server.entries("nextdns")[-20:]


def test_stream_id_from_an_empty_log_still_stitches(
    server: DemoServer, nextdns: httpx.Client
) -> None:
    history = nextdns.get("/logs").json()
    assert history["data"] == []
    with nextdns.stream("GET", "/logs/stream",
                        params={"id": history["meta"]["stream"]["id"]}) as response:
        new = _emit(server, 3)
        assert [e.json() for e in take(response, len(new))] == new


def test_stream_filters_match_the_history_filters(
    server: DemoServer, nextdns: httpx.Client
) -> None:
    params = {"status": "blocked", "device": "8TD1G"}
    with nextdns.stream("GET", "/logs/stream", params=params) as response:
        server.emit(600, "nextdns")
        expected = [e for e in server.entries("nextdns")
                    if e["status"] == "blocked" and e["device"]["id"] == "8TD1G"]
        events = take(response, len(expected))
    assert expected and [e.json() for e in events] == expected
    with nextdns.stream("GET", "/logs/stream", params={"search": "arpa", "raw": "1"}) as r:
        server.emit(200, "nextdns")
        assert "arpa" in take(r, 1)[0].json()["domain"]


def test_unknown_stream_id_is_a_400(nextdns: httpx.Client) -> None:
    response = nextdns.get("/logs/stream", params={"id": "not-an-id"})
    assert response.status_code == 400
    assert response.json()["errors"][0]["source"] == {"parameter": "id"}


def test_a_stream_id_ahead_of_the_server_is_a_400_not_silence(
    server: DemoServer, nextdns: httpx.Client
) -> None:
    server.emit(3, "nextdns")
    ahead = encode_id(FIXED_NOW_MS, 10_000)  # an id from before a restart
    response = nextdns.get("/logs/stream", params={"id": ahead})
    assert response.status_code == 400
    assert response.json()["errors"][0]["source"] == {"parameter": "id"}


def test_stream_faults_apply_to_nextdns_too(server: DemoServer, nextdns: httpx.Client) -> None:
    server.faults.script(
        "nextdns-stream",
        [Fault.rate_limited(4), Fault.cut(after=1),
         Fault.framing(line_ending="\r\n", split_data=True) + Fault.end(after=2)],
    )
    refused = nextdns.get("/logs/stream")
    assert refused.status_code == 429 and refused.headers["retry-after"] == "4"
    assert refused.json()["errors"][0]["code"] == "tooManyRequests"
    reader = SseReader()
    with nextdns.stream("GET", "/logs/stream") as response:
        server.emit(3, "nextdns")
        with pytest.raises(httpx.RemoteProtocolError):
            for chunk in response.iter_raw():
                reader.feed(chunk)
    with nextdns.stream("GET", "/logs/stream") as response:
        new = _emit(server, 4)
        events = read_all(response)
        raw = bytes(response.extensions["sse_reader"].raw)
    assert [e.json() for e in events] == new[:2]
    assert b"\r\ndata: " in raw and raw.replace(b"\r\n", b"").count(b"\n") == 0


def test_profile_names_must_be_alphanumeric(server: DemoServer) -> None:
    response = httpx.get(f"{server.nextdns_url}/profiles/ab_c/logs",
                         headers={"X-Api-Key": API_KEY}, timeout=5)
    assert response.status_code == 404
