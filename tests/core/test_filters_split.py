"""Splitting expressions between the server and the buffer, for each API."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from logtui.core.apis.generic_sse import GENERIC_FILTERS
from logtui.core.apis.instant_logs import INSTANT_LOGS_FILTERS
from logtui.core.apis.nextdns import NEXTDNS_FILTERS
from logtui.core.apis.proxy import PROXY_FILTERS
from logtui.core.filters import (
    FilterPlan,
    ServerFilterSpec,
    parse,
    split,
)
from logtui.core.models import Entry
from logtui.demo.instant_filter import compile_filter

NOW = 1718202834.0


def _plan(expression: str, spec: ServerFilterSpec) -> FilterPlan:
    return split(parse(expression), spec, now=NOW)


def _reasons(plan: FilterPlan) -> dict[str, str]:
    return {c.term.text: c.reason for c in plan.client_terms}


def _sent(plan: FilterPlan) -> dict[str, str]:
    return {s.term.text: s.sent for s in plan.server_terms}


def _job(plan: FilterPlan) -> list[dict[str, Any]]:
    if not plan.job_filter:
        return []
    conditions: list[dict[str, Any]] = json.loads(plan.job_filter)["where"]["and"]
    return conditions


def _entry(data: dict[str, Any]) -> Entry:
    return Entry(raw=json.dumps(data), data=data)


def test_proxy_sends_exact_project_container_kind_and_level() -> None:
    plan = _plan("project=proj_1 container=cnt_2 kind=event level=WARN", PROXY_FILTERS)
    assert plan.params == {
        "projectId": "proj_1",
        "containerId": "cnt_2",
        "kind": "event",
        "level": "warn",
    }
    assert plan.client_terms == ()
    assert _sent(plan)["level=WARN"] == "level=warn"


def test_proxy_keeps_several_levels_client_side_and_says_why() -> None:
    plan = _plan("level=warn,error", PROXY_FILTERS)
    assert plan.params == {}
    assert "one level value" in _reasons(plan)["level=warn,error"]
    assert plan.predicate(_entry({"level": "error"}))
    assert not plan.predicate(_entry({"level": "info"}))


def test_proxy_contains_on_an_enumerated_field_is_sent_when_unambiguous() -> None:
    assert _plan("level:err", PROXY_FILTERS).params == {"level": "error"}
    ambiguous = _plan("level:e", PROXY_FILTERS)
    assert ambiguous.params == {}
    assert "exactly" in _reasons(ambiguous)["level:e"]


def test_proxy_service_and_method_filter_only_the_buffer_on_the_stream() -> None:
    reasons = _reasons(_plan("service=api method=GET", PROXY_FILTERS))
    assert "/_logs" in reasons["service=api"]
    assert "/_logs" in reasons["method=GET"]


def test_proxy_rejects_unknown_levels_negations_and_a_second_value() -> None:
    reasons = _reasons(_plan("level=fatal -kind=event project=a project=b", PROXY_FILTERS))
    assert "accepts only level debug, info, warn, error" in reasons["level=fatal"]
    assert "cannot exclude" in reasons["-kind=event"]
    assert "one projectId value" in reasons["project=b"]


def test_client_predicate_applies_server_terms_too() -> None:
    plan = _plan("level=error timeout", PROXY_FILTERS)
    assert plan.params == {"level": "error"}
    assert plan.predicate(_entry({"level": "error", "msg": "timeout"}))
    assert not plan.predicate(_entry({"level": "info", "msg": "timeout"}))


def test_nextdns_status_device_search_and_raw() -> None:
    plan = _plan("status=blocked device=8TD1G facebook raw=1", NEXTDNS_FILTERS)
    assert plan.params == {"status": "blocked", "device": "8TD1G", "search": "facebook", "raw": "1"}
    assert plan.client_terms == ()
    # raw=1 selects the stream's format; it is not a condition on entries.
    entry = _entry({"status": "blocked", "device": {"id": "8TD1G"}, "domain": "facebook.com"})
    assert plan.predicate(entry)


def test_nextdns_raw_off_sends_nothing_and_filters_nothing() -> None:
    plan = _plan("raw=0", NEXTDNS_FILTERS)
    assert plan.params == {}
    assert plan.client_terms == ()
    assert plan.predicate(_entry({"domain": "example.com"}))


def test_nextdns_domain_contains_becomes_the_search_and_only_one_search_is_sent() -> None:
    plan = _plan("domain:whatsapp other -ads", NEXTDNS_FILTERS)
    assert plan.params == {"search": "whatsapp"}
    reasons = _reasons(plan)
    assert "one search" in reasons["other"]
    assert "cannot exclude" in reasons["-ads"]


def test_nextdns_several_statuses_filter_the_buffer() -> None:
    plan = _plan("status=blocked,allowed", NEXTDNS_FILTERS)
    assert plan.params == {}
    assert plan.predicate(_entry({"status": "allowed"}))


def test_instant_logs_builds_the_documented_job_filter() -> None:
    plan = _plan("EdgeResponseStatus>=500 ClientCountry=CA", INSTANT_LOGS_FILTERS)
    assert json.loads(plan.job_filter) == {
        "where": {
            "and": [
                {"key": "EdgeResponseStatus", "operator": "geq", "value": 500},
                {"key": "ClientCountry", "operator": "eq", "value": "ca"},
            ]
        }
    }
    assert plan.params == {}
    assert plan.predicate(_entry({"EdgeResponseStatus": 503, "ClientCountry": "ca"}))


def test_instant_logs_maps_every_operator() -> None:
    plan = _plan(
        "status=200,201 status!=204 asn>10 asn<20 status<=299 status>199 "
        "path:/static host^=api. host$=.com method=get",
        INSTANT_LOGS_FILTERS,
    )
    assert [(c["key"], c["operator"], c["value"]) for c in _job(plan)] == [
        ("EdgeResponseStatus", "in", [200, 201]),
        ("EdgeResponseStatus", "!eq", 204),
        ("ClientASN", "gt", 10),
        ("ClientASN", "lt", 20),
        ("EdgeResponseStatus", "leq", 299),
        ("EdgeResponseStatus", "gt", 199),
        ("ClientRequestPath", "contains", "/static"),
        ("ClientRequestHost", "startsWith", "api."),
        ("ClientRequestHost", "endsWith", ".com"),
        ("ClientRequestMethod", "eq", "GET"),
    ]
    assert plan.client_terms == ()


def test_instant_logs_negation_uses_the_opposite_operator_or_the_services_not_form() -> None:
    plan = _plan(
        "-country=ca -status=404,500 -status>=500 -path:/static -host^=api. -host$=.net",
        INSTANT_LOGS_FILTERS,
    )
    assert [(c["operator"], c["value"]) for c in _job(plan)] == [
        ("!eq", "ca"),
        ("!in", [404, 500]),
        ("lt", 500),
        ("!contains", "/static"),
        ("!startsWith", "api."),
        ("!endsWith", ".net"),
    ]
    assert plan.client_terms == ()


def test_instant_logs_sends_at_most_30_operators_and_keeps_the_rest_here_saying_so(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # 30 conditions never fit in 1,000 bytes; lift the byte limit to see the operator limit.
    monkeypatch.setattr("logtui.core.filters.plan.MAX_JOB_FILTER_BYTES", 100_000)
    terms = " ".join(f"path!=/p{n}" for n in range(35))
    plan = _plan(terms, INSTANT_LOGS_FILTERS)
    assert len(_job(plan)) == 30
    reasons = _reasons(plan)
    assert set(reasons) == {f"path!=/p{n}" for n in range(30, 35)}
    assert all("at most 30 operators" in reason for reason in reasons.values())
    assert not plan.predicate(_entry({"ClientRequestPath": "/p33"})), "still filtered here"


def test_instant_logs_sends_at_most_1000_bytes_of_filter() -> None:
    terms = " ".join(f"path!=/{'x' * 90}{n}" for n in range(12))
    plan = _plan(terms, INSTANT_LOGS_FILTERS)
    assert len(plan.job_filter.encode("utf-8")) <= 1000
    kept = _reasons(plan)
    assert kept and all("at most 1,000 bytes" in reason for reason in kept.values())
    assert len(_job(plan)) + len(kept) == 12


def test_instant_logs_keeps_what_the_job_cannot_express_client_side() -> None:
    plan = _plan(
        "country:ca,us status>-5m status=abc path~^/a RayID=x status:50 timeout",
        INSTANT_LOGS_FILTERS,
    )
    assert plan.job_filter == ""
    reasons = _reasons(plan)
    assert set(reasons) == {
        "country:ca,us",
        "status>-5m",
        "status=abc",
        "path~^/a",
        "RayID=x",
        "status:50",
        "timeout",
    }
    assert "several values" in reasons["country:ca,us"]
    assert "numbers, not times" in reasons["status>-5m"]
    assert "whole numbers" in reasons["status=abc"]
    assert "regular expressions" in reasons["path~^/a"]
    assert "cannot filter RayID" in reasons["RayID=x"]


def test_generic_sse_filters_nothing_on_the_server() -> None:
    plan = _plan("level=error boom", GENERIC_FILTERS)
    assert plan.params == {}
    assert plan.job_filter == ""
    assert len(plan.client_terms) == 2
    assert plan.predicate(_entry({"level": "error", "m": "boom"}))


def test_plans_compare_by_what_they_ask_the_server() -> None:
    first = _plan("level=error timeout", PROXY_FILTERS)
    second = _plan("level=error other", PROXY_FILTERS)
    third = _plan("level=warn", PROXY_FILTERS)
    assert first.same_server_request(second)
    assert not first.same_server_request(third)


_KEYS_AND_VALUES: dict[str, list[Any]] = {
    "EdgeResponseStatus": [200, 201, 304, 404, 500, 503],
    "ClientASN": [13335, 15169, 7922],
    "ClientCountry": ["ca", "us", "de"],
    "ClientRequestHost": ["api.example.com", "www.example.com"],
    "ClientRequestMethod": ["GET", "POST"],
    "ClientRequestPath": ["/static/app.js", "/v1/users", "/"],
    "CacheCacheStatus": ["hit", "miss", "dynamic"],
    "SecurityActions": [[], ["block"], ["log", "challenge"]],
}
_TERM_TEMPLATES = [
    "{k}={v}", "{k}!={v}", "{k}={v},{w}", "{k}!={v},{w}", "{k}:{p}", "{k}^={p}", "{k}$={s}",
    "{k}>{n}", "{k}>={n}", "{k}<{n}", "{k}<={n}",
]  # fmt: skip


def _text_of(value: Any) -> str:
    return str(value[0] if isinstance(value, list) and value else value or "x")


@st.composite
def _instant_case(draw: st.DrawFn) -> tuple[str, dict[str, Any]]:
    record = {key: draw(st.sampled_from(values)) for key, values in _KEYS_AND_VALUES.items()}
    terms = []
    for _ in range(draw(st.integers(1, 4))):
        key = draw(st.sampled_from(sorted(_KEYS_AND_VALUES)))
        first, second = (_text_of(draw(st.sampled_from(_KEYS_AND_VALUES[key]))) for _ in "ab")
        template = draw(st.sampled_from(_TERM_TEMPLATES))
        term = template.format(
            k=key, v=first, w=second, p=first[:3], s=first[-3:], n=draw(st.integers(0, 20000))
        )
        terms.append(("-" if draw(st.booleans()) else "") + term)
    return " ".join(terms), record


@settings(max_examples=300, deadline=None)
@given(_instant_case())
def test_the_instant_logs_job_never_drops_a_record_the_buffer_filter_keeps(
    case: tuple[str, dict[str, Any]],
) -> None:
    """The demo server applies the job filter as the API documents it: whatever logtui would
    show must pass the job filter, or a server-side term would hide entries."""
    expression, record = case
    plan = _plan(expression, INSTANT_LOGS_FILTERS)
    if plan.predicate(_entry(record)):
        assert compile_filter(plan.job_filter)(record), plan.job_filter
