"""Generated traffic: deterministic for a seed, and shaped like real proxy and DNS logs."""

from __future__ import annotations

import time
from collections import Counter

import httpx
import pytest

from logtui.demo import DemoServer
from logtui.demo.dns_traffic import DnsTraffic
from logtui.demo.proxy_traffic import ProxyTraffic

from .conftest import FIXED_NOW, TOKEN, make_config
from .sse_reader import take

NOW_MS = int(FIXED_NOW * 1000)


def _run(seed: int, history: int = 50) -> tuple[list[dict[str, object]], ...]:
    with DemoServer(make_config(seed=seed, history=history)) as server:
        server.emit(200, "all")
        return (server.entries("proxy", bodies=True), server.entries("nextdns", raw=True))


def test_the_same_seed_gives_the_same_entries() -> None:
    assert _run(11) == _run(11)


def test_a_different_seed_gives_different_entries() -> None:
    assert _run(11)[0] != _run(12)[0]
    assert _run(11)[1] != _run(12)[1]


def test_history_prefills_entries_stamped_in_the_past() -> None:
    with DemoServer(make_config(history=40)) as server:
        proxy = server.entries("proxy")
        dns = server.entries("nextdns", raw=True)
    assert len(proxy) == 40 and len(dns) == 40
    assert all(int(str(e["tsMs"])) < NOW_MS + 60_000 for e in proxy)
    assert min(int(str(e["tsMs"])) for e in proxy) < NOW_MS - 5_000


def test_requests_and_responses_pair_up_by_trace_id() -> None:
    traffic = ProxyTraffic(3)
    entries = [traffic.next(NOW_MS + 10 * i) for i in range(2_000)]
    requests = {e["traceId"]: e for e in entries if e["kind"] == "request"}
    responses = [e for e in entries if e["kind"] == "response"]
    assert len(responses) > 800
    for response in responses:
        request = requests[response["traceId"]]
        assert (request["method"], request["url"]) == (response["method"], response["url"])
        assert response["data"]["durationMs"] > 0
        assert response["tsMs"] >= request["tsMs"]
        assert response["level"] == (
            "error" if response["status"] >= 500 else "warn" if response["status"] >= 400
            else response["level"]
        )
    assert all(isinstance(e["data"]["bytesIn"], int) for e in requests.values())


def test_the_level_mix_has_every_level_and_some_events() -> None:
    traffic = ProxyTraffic(5)
    entries = [traffic.next(NOW_MS + 10 * i) for i in range(5_000)]
    levels = Counter(e["level"] for e in entries)
    kinds = Counter(e["kind"] for e in entries)
    assert set(levels) == {"debug", "info", "warn", "error"}
    assert levels["info"] > levels["warn"] > 0 and levels["error"] > 0
    assert kinds["event"] > 50
    assert len({e["serviceName"] for e in entries}) >= 5
    assert len({e["containerId"] for e in entries}) >= 6


def test_error_bursts_cluster_server_errors_in_one_service() -> None:
    traffic = ProxyTraffic(9)
    entries = [traffic.next(NOW_MS + 10 * i) for i in range(20_000)]
    errors = [i for i, e in enumerate(entries) if e["kind"] == "response"
              and e["status"] is not None and e["status"] >= 500]
    windows = Counter(i // 100 for i in errors)
    assert max(windows.values()) >= 8, "some 100-entry window should hold a burst of 5xx"


def test_dns_queries_look_real() -> None:
    traffic = DnsTraffic(4)
    entries = [traffic.next(NOW_MS) for _ in range(3_000)]
    statuses = Counter(e["status"] for e in entries)
    assert statuses["default"] > statuses["blocked"] > 0 and statuses["allowed"] > 0
    assert all(e["domain"].endswith(e["root"]) for e in entries)
    assert any("tracker" in e for e in entries)
    assert {e["protocol"] for e in entries} >= {"DNS-over-HTTPS", "DNS-over-TLS", "UDP"}
    assert all(e["encrypted"] == (e["protocol"] != "UDP") for e in entries)


def test_a_positive_rate_generates_traffic_in_the_background() -> None:
    with DemoServer(make_config(rate=200.0)) as server, httpx.Client(
        headers={"Authorization": f"Bearer {TOKEN}"}, timeout=5
    ) as client, client.stream("GET", server.proxy_url + "/_logs/stream") as response:
        events = take(response, 20)
        assert len(events) == 20
        assert server.entries("instant-logs")
        assert server.entries("nextdns", raw=True)


def test_a_stopped_server_cannot_be_restarted() -> None:
    server = DemoServer(make_config())
    server.start()
    server.stop()
    with pytest.raises(RuntimeError):
        server.start()


def test_an_idle_server_stops_at_once_not_at_uvicorns_next_tick() -> None:
    """Every test with a demo server stops one: uvicorn alone notices a stop at its next tick
    and then pauses for connections, a fifth of a second each time."""
    took = []
    for _ in range(5):
        server = DemoServer(make_config()).start()
        started = time.perf_counter()
        server.stop()
        took.append(time.perf_counter() - started)
    assert sorted(took)[2] < 0.05, took


def test_no_entry_is_stamped_later_than_when_it_is_emitted() -> None:
    traffic = ProxyTraffic(9)
    clock = [NOW_MS + 10 * i for i in range(20_000)]
    entries = [(now, traffic.next(now)) for now in clock]
    slow = [e for _, e in entries if e["kind"] == "response" and e["status"] == 504]
    assert slow, "the seed should produce 504s after 30 s"
    assert all(int(e["tsMs"]) <= now for now, e in entries)
    requests = {e["traceId"]: e for _, e in entries if e["kind"] == "request"}
    for response in slow:
        waited = response["tsMs"] - requests[response["traceId"]]["tsMs"]
        assert waited >= response["data"]["durationMs"]
