"""The benchmark's pre-generated SSE server speaks the proxy-logs stream API faithfully.

If it did not, every ingest figure would measure clients against the wrong protocol.
"""

from __future__ import annotations

import json
import threading

import httpx
from httpx_sse import connect_sse

from benchmarks.payloads import payload_texts
from benchmarks.sse_server import Pacing, PregeneratedSSEServer

TOKEN = "test-token"


def _read_stream(server: PregeneratedSSEServer) -> tuple[list[str], list[str], list[str]]:
    ids: list[str] = []
    data: list[str] = []
    events: list[str] = []
    with (
        httpx.Client(timeout=10) as client,
        connect_sse(
            client, "GET", server.stream_url, headers={"Authorization": f"Bearer {TOKEN}"}
        ) as source,
    ):
        for event in source.iter_sse():
            events.append(event.event)
            if event.event == "message":
                ids.append(event.id)
                data.append(event.data)
    return ids, data, events


def test_stream_serves_every_frame_with_ring_seq_ids_then_scope_destroyed() -> None:
    payloads = payload_texts(3_000)
    with PregeneratedSSEServer(payloads, token=TOKEN, first_seq=41) as server:
        ids, data, events = _read_stream(server)
    assert data == payloads
    assert ids == [str(41 + i) for i in range(3_000)]
    assert events[-1] == "scope-destroyed"


def test_paced_stream_delivers_the_same_frames() -> None:
    payloads = payload_texts(200)
    with PregeneratedSSEServer(payloads, token=TOKEN, pacing=Pacing(rate=20_000)) as server:
        _, data, events = _read_stream(server)
    assert data == payloads
    assert events[-1] == "scope-destroyed"


def test_wrong_token_gets_the_documented_403_body() -> None:
    with PregeneratedSSEServer(payload_texts(10), token=TOKEN) as server:
        response = httpx.get(server.stream_url, headers={"Authorization": "Bearer nope"})
    assert response.status_code == 403
    assert response.json()["statusCode"] == 403


def test_history_endpoint_answers_an_empty_page() -> None:
    with PregeneratedSSEServer(payload_texts(10), token=TOKEN) as server:
        response = httpx.get(
            f"{server.base_url}/_logs",
            params={"last": "100"},
            headers={"Authorization": f"Bearer {TOKEN}"},
        )
    assert response.status_code == 200
    assert response.json()["entries"] == []


def test_payloads_are_realistic_proxy_log_entries_of_about_450_bytes() -> None:
    payloads = payload_texts(2_000)
    mean = sum(map(len, payloads)) / len(payloads)
    assert 400 <= mean <= 500
    first, second = (json.loads(p) for p in payloads[:2])
    assert first["kind"] == "request" and second["kind"] == "response"
    assert first["traceId"] == second["traceId"]


def test_gated_stream_sends_only_heartbeats_until_the_gate_opens() -> None:
    gate = threading.Event()
    payloads = payload_texts(50)
    with (
        PregeneratedSSEServer(
            payloads, token=TOKEN, ending="scope-destroyed", gate=gate, heartbeat_interval=0.02
        ) as server,
        httpx.Client(timeout=10) as client,
        client.stream(
            "GET", server.stream_url, headers={"Authorization": f"Bearer {TOKEN}"}
        ) as response,
    ):
        lines = response.iter_lines()
        before = [next(lines) for _ in range(4)]
        gate.set()
        after = list(lines)
    assert set(before) <= {":", ""}
    assert sum(line.startswith('data: {"id"') for line in after) == 50
    assert "event: scope-destroyed" in after
