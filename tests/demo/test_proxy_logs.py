"""proxy-logs ``/_logs`` and ``/_logs/stats`` over a real socket: every documented parameter."""

from __future__ import annotations

import httpx
import pytest

from logtui.demo import DemoServer

FORBIDDEN = {
    "statusCode": 403,
    "error": "Forbidden",
    "message": "Logs token missing or invalid / SNI gate denied",
}


@pytest.mark.parametrize("path", ["/_logs", "/_logs/stats", "/_logs/stream"])
@pytest.mark.parametrize("auth", [None, "Bearer wrong-token", "Basic dGVzdC10b2tlbg==", "Bearer"])
def test_bad_or_missing_token_gets_the_documented_403(
    server: DemoServer, path: str, auth: str | None
) -> None:
    headers = {"Authorization": auth} if auth else {}
    response = httpx.get(server.proxy_url + path, headers=headers, timeout=5)
    assert response.status_code == 403
    assert response.json() == FORBIDDEN
    assert response.headers["content-type"].startswith("application/json")


def test_default_query_is_newest_first_with_limit_200(
    server: DemoServer, proxy: httpx.Client
) -> None:
    server.emit(250, "proxy")
    body = proxy.get("/_logs").json()
    truth = server.entries("proxy")
    assert body["total"] == 250 and body["limit"] == 200 and body["offset"] == 0
    assert body["entries"] == truth[::-1][:200]


def test_offset_and_limit_page_through_the_selection(
    server: DemoServer, proxy: httpx.Client
) -> None:
    server.emit(30, "proxy")
    newest_first = server.entries("proxy")[::-1]
    page = proxy.get("/_logs", params={"offset": 10, "limit": 5}).json()
    assert page["entries"] == newest_first[10:15]
    assert (page["limit"], page["offset"], page["total"]) == (5, 10, 30)


def test_last_returns_the_newest_entries_oldest_first(
    server: DemoServer, proxy: httpx.Client
) -> None:
    server.emit(300, "proxy")
    body = proxy.get("/_logs", params={"last": 250, "limit": 250}).json()
    assert body["entries"] == server.entries("proxy")[-250:]
    assert proxy.get("/_logs", params={"last": 0}).json()["entries"] == []


def test_last_keeps_the_documented_default_limit_of_200(
    server: DemoServer, proxy: httpx.Client
) -> None:
    server.emit(300, "proxy")
    body = proxy.get("/_logs", params={"last": 250}).json()
    assert body["limit"] == 200 and body["total"] == 250
    assert body["entries"] == server.entries("proxy")[-250:-50]


def test_after_id_is_an_ascending_cursor_that_pages_with_limit(
    server: DemoServer, proxy: httpx.Client
) -> None:
    server.emit(40, "proxy")
    truth = server.entries("proxy")
    cursor = truth[9]["id"]
    seen: list[dict[str, object]] = []
    while True:
        page = proxy.get("/_logs", params={"afterId": cursor, "limit": 7}).json()["entries"]
        seen += page
        if len(page) < 7:
            break
        cursor = page[-1]["id"]
    assert seen == truth[10:]


def test_entry_ids_are_consecutive_row_ids(server: DemoServer) -> None:
    server.emit(20, "proxy")
    ids = [entry["id"] for entry in server.entries("proxy")]
    assert ids == list(range(ids[0], ids[0] + 20))


@pytest.mark.parametrize(
    ("param", "value", "field"),
    [
        ("projectId", "proj_a1b2c3d4", "projectId"),
        ("containerId", "cnt_k1l2m3n4", "containerId"),
        ("serviceName", "webhook-svc", "serviceName"),
        ("kind", "response", "kind"),
        ("kind", "event", "kind"),
        ("method", "post", "method"),
        ("source", "edge", "source"),
    ],
)
def test_each_filter_returns_exactly_the_matching_entries(
    server: DemoServer, proxy: httpx.Client, param: str, value: str, field: str
) -> None:
    server.emit(400, "proxy")
    expected = [
        e for e in server.entries("proxy") if str(e[field]).lower() == value.lower()
    ]
    body = proxy.get("/_logs", params={param: value, "limit": 1000}).json()
    assert expected, "the generated traffic should contain this value"
    assert body["entries"] == expected[::-1]
    assert body["total"] == len(expected)


def test_level_takes_a_comma_list(server: DemoServer, proxy: httpx.Client) -> None:
    server.emit(600, "proxy")
    expected = [e for e in server.entries("proxy") if e["level"] in ("warn", "error")]
    body = proxy.get("/_logs", params={"level": "warn,error", "limit": 1000}).json()
    assert expected and body["entries"] == expected[::-1]


def test_bodies_are_returned_only_when_asked(server: DemoServer, proxy: httpx.Client) -> None:
    server.emit(200, "proxy")
    plain = proxy.get("/_logs", params={"limit": 1000}).json()["entries"]
    assert not any("requestBody" in e or "responseBody" in e for e in plain)
    requests = proxy.get(
        "/_logs", params={"limit": 1000, "includeRequestBody": "true"}
    ).json()["entries"]
    assert any("requestBody" in e for e in requests)
    assert not any("responseBody" in e for e in requests)
    both = proxy.get(
        "/_logs",
        params={"limit": 1000, "includeRequestBody": "1", "includeResponseBody": "true"},
    ).json()["entries"]
    assert both == server.entries("proxy", bodies=True)[::-1]
    assert all("responseBody" in e for e in both if e["kind"] == "response")


@pytest.mark.parametrize(
    "params",
    [{"limit": "-1"}, {"limit": "ten"}, {"offset": "x"}, {"kind": "trace"},
     {"level": "info,loud"}, {"includeRequestBody": "maybe"}, {"afterId": "1.5"}],
)
def test_invalid_parameters_get_a_400_in_the_api_error_shape(
    proxy: httpx.Client, params: dict[str, str]
) -> None:
    response = proxy.get("/_logs", params=params)
    assert response.status_code == 400
    body = response.json()
    assert body["statusCode"] == 400 and body["error"] == "Bad Request"
    assert next(iter(params)) in body["message"]


def test_stats_count_every_entry_by_dimension(server: DemoServer, proxy: httpx.Client) -> None:
    server.emit(300, "proxy")
    truth = server.entries("proxy")
    stats = proxy.get("/_logs/stats").json()
    assert stats["total"] == 300
    for key, field in (("byLevel", "level"), ("byProject", "projectId"),
                       ("byContainer", "containerId"), ("byService", "serviceName")):
        counts: dict[str, int] = {}
        for entry in truth:
            counts[entry[field]] = counts.get(entry[field], 0) + 1
        assert stats[key] == counts
    assert len(stats["byProject"]) >= 3 and len(stats["byService"]) >= 5
