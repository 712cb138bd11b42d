"""Both forms of a ``/_logs`` answer, told apart by content type or shape, over a real socket."""

from __future__ import annotations

import pytest

from logtui.core.errors import FatalSourceError, TransientSourceError
from logtui.core.http import make_client
from logtui.core.sources.proxy_page import LogsPage, get_logs_page, parse_page
from tests.engine.scripted_server import Reply, ScriptedServer

TRAILER = b'{"__trailer": true, "cursor": "c2lnbmVk", "stoppedReason": "page"}\n'


async def _get(reply: Reply, params: dict[str, str] | None = None) -> LogsPage:
    async with ScriptedServer() as server:
        server.script("/_logs", [reply])
        async with make_client() as client:
            return await get_logs_page(
                client, server.url("/_logs"), params=params or {}, headers={}, what="/_logs",
                credential_hint="set the token", now=0.0,
            )


async def test_ndjson_by_content_type_gives_entries_and_cursor() -> None:
    body = b'{"id":1}\n{"id":2}\n' + TRAILER
    page = await _get(Reply(headers={"Content-Type": "application/x-ndjson"}, parts=[body]))
    assert page.items == [{"id": 1}, {"id": 2}] and page.cursor == "c2lnbmVk"


async def test_ndjson_is_recognised_by_shape_under_a_json_content_type() -> None:
    body = b'{"id":1}\r\n' + TRAILER
    page = await _get(Reply(headers={"Content-Type": "application/json"}, parts=[body]))
    assert page.items == [{"id": 1}] and page.cursor == "c2lnbmVk"


async def test_the_scoped_json_document_still_reads() -> None:
    body = b'{"entries":[{"id":1}],"total":1,"limit":200,"offset":0}'
    page = await _get(Reply(headers={"Content-Type": "application/json"}, parts=[body]))
    assert page.items == [{"id": 1}] and page.cursor is None and page.limit == 200


async def test_an_http_410_on_a_cursor_read_is_an_expired_snapshot() -> None:
    body = b'{"statusCode":410,"error":"Gone","message":"snapshot_expired"}'
    page = await _get(Reply(status=410, headers={"Content-Type": "application/json"},
                            parts=[body]), {"cursor": "old"})
    assert page.expired


def test_a_line_of_garbage_between_entries_is_counted_and_skipped() -> None:
    page = parse_page(b'{"id":1}\nnot json\n{"id":2}\n' + TRAILER, "application/x-ndjson",
                      what="/_logs")
    assert page.items == [{"id": 1}, {"id": 2}] and page.malformed == 1


@pytest.mark.parametrize("body", [
    b'{"id":1}\n{"id":2}\n',
    b'{"id":1}\n{"__trailer": tr',
    b"",
])
def test_a_body_without_a_whole_trailer_is_a_cut_connection(body: bytes) -> None:
    with pytest.raises(TransientSourceError, match="without its trailer"):
        parse_page(body, "application/x-ndjson", what="/_logs")


def test_a_trailer_with_a_client_error_is_fatal_and_sanitised() -> None:
    trailer = b'{"__trailer": true, "error": "bad\\u001b[31m", "status": 400}\n'
    with pytest.raises(FatalSourceError) as caught:
        parse_page(trailer, "application/x-ndjson", what="/_logs")
    assert "\x1b" not in str(caught.value)


def test_a_body_that_is_not_json_at_all_names_the_url_as_the_problem() -> None:
    with pytest.raises(FatalSourceError, match="not JSON"):
        parse_page(b"<html>hello</html>\n", "text/html", what="/_logs")
