"""The demo NextDNS API as the public documents describe it, over a real socket: ``from``/``to``
in every documented form, the last page's ``null`` cursor, ``__UNIDENTIFIED__``, raw fields,
``Last-Event-ID``, ``meta.stream`` for the most recent logs, and each ``--nextdns-modes``."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from logtui.demo import DemoConfig, DemoServer
from logtui.demo.nextdns_modes import NextDnsModes
from logtui.demo.timefmt import iso_ms
from tests.demo.sse_reader import take

from .conftest import API_KEY, PROFILE, demo

NOW = 1_718_201_234.0


@pytest.fixture
def stepping() -> Iterator[tuple[DemoServer, httpx.Client, list[int]]]:
    """A server whose clock moves one second per reading, the stamps of emitted queries, and
    a client for its NextDNS profile."""
    ticks = iter(range(100_000))
    stamps: list[int] = []

    def clock() -> float:
        now = NOW + next(ticks)
        stamps.append(int(now * 1000))
        return now

    config = DemoConfig(seed=5, rate=0.0, api_key=API_KEY, history=0, clock=clock)
    with DemoServer(config) as server, httpx.Client(
        base_url=f"{server.nextdns_url}/profiles/{PROFILE}", headers={"X-Api-Key": API_KEY},
        timeout=5,
    ) as client:
        for _ in range(10):
            server.emit(1, "nextdns")
        yield server, client, stamps[:10]


def _timestamps(body: dict[str, object]) -> list[str]:
    return [str(entry["timestamp"]) for entry in body["data"]]  # type: ignore[attr-defined]


def test_from_is_inclusive_and_to_exclusive_in_every_documented_form(
    stepping: tuple[DemoServer, httpx.Client, list[int]],
) -> None:
    server, client, stamps = stepping
    entries = server.entries("nextdns", raw=True)
    start, end = stamps[3], stamps[7]
    expected = [str(e["timestamp"]) for e in entries
                if iso_ms(start) <= str(e["timestamp"]) < iso_ms(end)]
    assert len(expected) == 4
    for low, high in ((str(start), str(end)), (str(start // 1000), str(end // 1000)),
                      (iso_ms(start), iso_ms(end))):
        body = client.get("/logs", params={"from": low, "to": high, "sort": "asc",
                                           "raw": "1"}).json()
        assert _timestamps(body) == expected
    for relative in ("-6h", "-1d", "-2w"):
        body = client.get("/logs", params={"from": relative, "to": "now", "raw": "1"}).json()
        assert len(body["data"]) == len(entries)
    assert client.get("/logs", params={"from": "now"}).json()["data"] == []


def test_the_last_page_has_a_null_cursor(
    stepping: tuple[DemoServer, httpx.Client, list[int]],
) -> None:
    _, client, _ = stepping
    first = client.get("/logs", params={"limit": "10", "raw": "1"}).json()
    assert first["meta"]["pagination"]["cursor"] is None


def test_stream_id_is_given_for_the_most_recent_logs_only(
    stepping: tuple[DemoServer, httpx.Client, list[int]],
) -> None:
    _, client, stamps = stepping
    assert "id" in client.get("/logs").json()["meta"]["stream"]
    assert "stream" not in client.get("/logs", params={"sort": "asc"}).json()["meta"]
    assert "stream" not in client.get("/logs", params={"to": str(stamps[5])}).json()["meta"]


def test_raw_adds_type_and_dnssec_and_the_default_does_not() -> None:
    with demo() as server, _client(server) as client:
        server.emit(50, "nextdns")
        raw = client.get("/logs", params={"raw": "1"}).json()["data"]
        plain = client.get("/logs").json()["data"]
        assert all(isinstance(e["type"], str) and isinstance(e["dnssec"], bool) for e in raw)
        assert not any("type" in e or "dnssec" in e for e in plain)
        with client.stream("GET", "/logs/stream", params={"raw": "1"}) as response:
            server.emit(5, "nextdns")
            assert all("dnssec" in event.json() for event in take(response, 5))


def test_unidentified_queries_have_no_device_or_client_and_are_selected_by_name() -> None:
    with demo("unidentified=0.3") as server, _client(server) as client:
        server.emit(200, "nextdns")
        entries = server.entries("nextdns")
        anonymous = [e for e in entries if "device" not in e]
        assert anonymous and all("client" not in e for e in anonymous)
        body = client.get("/logs", params={"device": "__UNIDENTIFIED__", "limit": "1000",
                                           "sort": "asc"}).json()
        assert body["data"] == anonymous
        known = client.get("/logs", params={"device": "8TD1G", "limit": "1000"}).json()
        assert known["data"] and all(e["device"]["id"] == "8TD1G" for e in known["data"])
        with client.stream("GET", "/logs/stream",
                           params={"device": "__UNIDENTIFIED__"}) as response:
            before = len(server.entries("nextdns"))
            server.emit(60, "nextdns")
            fresh = [e for e in server.entries("nextdns")[before:] if "device" not in e]
            assert [event.json() for event in take(response, len(fresh))] == fresh


def test_the_stream_resumes_after_a_last_event_id_header() -> None:
    with demo() as server, _client(server) as client:
        with client.stream("GET", "/logs/stream") as response:
            server.emit(12, "nextdns")
            first = take(response, 8)
        headers = {"Last-Event-ID": first[3].id or ""}
        with client.stream("GET", "/logs/stream", headers=headers) as response:
            replayed = take(response, 4)
        assert [e.id for e in replayed] == [e.id for e in first[4:8]]


@pytest.mark.parametrize(("modes", "status"), [("", 200), ("user-errors=400", 400)])
def test_a_user_error_has_the_documented_body_with_the_mode_s_status(
    modes: str, status: int
) -> None:
    with demo(modes) as server, _client(server) as client:
        for path in ("/logs", "/logs/stream"):
            response = client.get(path, params={"status": "sometimes"})
            assert response.status_code == status
            (error,) = response.json()["errors"]
            assert error["code"] == "invalidParameter" and error["detail"]
            assert error["source"] == {"parameter": "status"}
        assert client.get("/logs", params={"cursor": "nope"}).status_code == 400


def test_timeouts_and_bare_429s_come_first_then_the_api_answers() -> None:
    with demo("timeout=1,429=1") as server, _client(server) as client:
        timed_out = client.get("/logs")
        limited = client.get("/logs/stream")
        assert timed_out.status_code == 524 and timed_out.json()["errors"]
        assert limited.status_code == 429 and "retry-after" not in limited.headers
        assert client.get("/logs").status_code == 200


@pytest.mark.parametrize("spec", ["user-errors=500", "unidentified=2", "timeout=x", "bogus"])
def test_an_unreadable_mode_names_the_item(spec: str) -> None:
    with pytest.raises(ValueError, match="nextdns-modes"):
        NextDnsModes.parse(spec)


def _client(server: DemoServer) -> httpx.Client:
    return httpx.Client(base_url=f"{server.nextdns_url}/profiles/{PROFILE}",
                        headers={"X-Api-Key": API_KEY}, timeout=5)
