"""The dashboard's ``/_logs/stats`` fetch over a real loopback socket: it follows the same
redirect, credential and size rules as every other request (``core/http.get_json``)."""

from __future__ import annotations

import json

import pytest

from logtui.core.apis.proxy import STATS_LIMIT, stats_fetcher
from logtui.core.errors import TransientSourceError
from tests.cli.raw_server import RawServer

TOKEN = "t0ken-value"
STATS = {"total": 7, "byLevel": {"error": 2}}


def _json(body: bytes, status: bytes = b"200 OK") -> list[bytes]:
    return [b"HTTP/1.1 %s\r\nContent-Type: application/json\r\nContent-Length: %d\r\n"
            b"Connection: close\r\n\r\n%s" % (status, len(body), body)]


def _redirect(location: str) -> list[bytes]:
    return [b"HTTP/1.1 302 Found\r\nLocation: %s\r\nContent-Length: 0\r\n"
            b"Connection: close\r\n\r\n" % location.encode()]


def test_a_same_origin_redirect_is_followed_with_the_token() -> None:
    def answer(head: bytes) -> list[bytes]:
        if head.startswith(b"GET /api/_logs/stats "):
            return _redirect("/v2/_logs/stats")
        return _json(json.dumps(STATS).encode())

    with RawServer(answer) as server:
        stats = stats_fetcher(server.url("/api"), TOKEN, {})()

    assert stats == STATS
    assert [f"Bearer {TOKEN}".encode() in head for head in server.heads] == [True, True]


def test_a_redirect_to_another_origin_never_carries_the_token() -> None:
    with RawServer(lambda head: _json(json.dumps(STATS).encode())) as other, \
            RawServer(lambda head: _redirect(other.url("/_logs/stats"))) as server:
        stats = stats_fetcher(server.url("/api"), TOKEN, {"X-Private": "p4ss"})()

    assert stats == STATS
    assert len(other.heads) == 1
    assert TOKEN.encode() not in other.heads[0]
    assert b"p4ss" not in other.heads[0]


def test_an_answer_past_the_size_limit_is_an_error_not_a_document() -> None:
    body = b'{"pad":"' + b"x" * STATS_LIMIT + b'"}'
    with RawServer(lambda head: _json(body)) as server, \
            pytest.raises(TransientSourceError) as raised:
        stats_fetcher(server.url("/api"), TOKEN, {})()

    assert "server stats unavailable" in str(raised.value)


def test_an_answer_that_is_not_json_is_a_stats_error() -> None:
    with RawServer(lambda head: _json(b"<html>oops</html>")) as server, \
            pytest.raises(TransientSourceError) as raised:
        stats_fetcher(server.url("/api"), TOKEN, {})()

    assert "server stats unavailable" in str(raised.value)
    assert TOKEN not in str(raised.value)
