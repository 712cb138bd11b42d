"""The filter language: parsing, errors with positions, and what each term matches."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

import pytest

from logtui.core.errors import FilterSyntaxError
from logtui.core.fields import FieldResolver
from logtui.core.filters import ComparandKind, Op, compile_predicate, parse
from logtui.core.models import Entry, SourceKind

NOW = 1718202834.0  # 2024-06-12T14:33:54Z

REQUEST: dict[str, Any] = {
    "id": 84321,
    "traceId": "f47ac10b",
    "tsMs": 1718202834000,
    "kind": "request",
    "level": "info",
    "projectId": "proj_a1b2c3d4",
    "serviceName": "user-api",
    "method": "POST",
    "url": "/v1/users?page=2",
    "status": 201,
    "data": {"durationMs": 102, "userAgent": "Hoody-CLI/1.4.2"},
    "tags": ["blue", "Green"],
    "cached": False,
}
DNS: dict[str, Any] = {
    "timestamp": "2021-03-16T04:40:30.344Z",
    "domain": "g.whatsapp.net",
    "device": {"id": "8TD1G", "name": "Romain's iPhone"},
    "status": "blocked",
    "reasons": [{"id": "ads", "name": "Ads & Trackers"}],
}


def _entry(data: dict[str, Any]) -> Entry:
    return Entry(raw=json.dumps(data), data=data)


def _matches(expression: str, data: dict[str, Any], kind: SourceKind = SourceKind.PROXY) -> bool:
    predicate = compile_predicate(parse(expression), FieldResolver.for_kind(kind), now=NOW)
    return predicate(_entry(data))


def test_terms_carry_field_operator_values_and_span() -> None:
    expr = parse('  level=warn -url:"/v1 users",x  boom ')
    level, url, word = expr.terms
    assert (level.field, level.op, level.values, level.negated) == (
        "level",
        Op.EQ,
        ("warn",),
        False,
    )
    assert (url.field, url.op, url.values, url.negated) == (
        "url",
        Op.CONTAINS,
        ("/v1 users", "x"),
        True,
    )
    assert url.text == '-url:"/v1 users",x'
    assert (url.start, url.end) == (13, 31)
    assert (word.field, word.op, word.values) == (None, Op.WORD, ("boom",))


def test_every_operator_is_recognised() -> None:
    ops = [t.op for t in parse("a:1 b=1 c!=1 d^=1 e$=1 f>1 g>=1 h<1 i<=1 j~1 k ~x").terms]
    assert ops == [
        Op.CONTAINS, Op.EQ, Op.NE, Op.STARTS, Op.ENDS,
        Op.GT, Op.GE, Op.LT, Op.LE, Op.REGEX, Op.WORD, Op.REGEX,
    ]  # fmt: skip


def test_empty_expression_matches_everything() -> None:
    assert parse("   ").is_empty
    assert _matches("", REQUEST)


def test_quotes_hold_spaces_commas_and_escaped_quotes() -> None:
    (term,) = parse(r'msg:"say \"hi\", then go"').terms
    assert term.values == ('say "hi", then go',)


def test_comparison_operands_are_numbers_or_times() -> None:
    kinds = [
        t.comparand.kind
        for t in parse("a>5 b<-5m c>=14:30 d<=2024-06-12T14:00:00Z").terms
        if t.comparand
    ]
    assert kinds == [
        ComparandKind.NUMBER,
        ComparandKind.AGO,
        ComparandKind.TIME_OF_DAY,
        ComparandKind.TIME,
    ]


@pytest.mark.parametrize(
    ("expression", "position", "message"),
    [
        ("level:", 5, "missing value after 'level:'"),
        ("a=1 -", 4, "'-' must be followed"),
        ('x "abc', 2, "unterminated quote"),
        ("a:b,", 3, "missing value after ','"),
        ("a:,b", 2, "empty value before ','"),
        ("url~(x", 4, "invalid regular expression"),
        ("t>soon", 2, "needs a number or a time"),
        ("t>25:00", 2, "needs a number or a time"),
        ("--x", 0, "one '-' excludes a term"),
        ('a:"b"c', 5, "after the closing quote"),
    ],
)
def test_syntax_errors_point_at_the_problem(expression: str, position: int, message: str) -> None:
    with pytest.raises(FilterSyntaxError, match=message) as caught:
        parse(expression)
    assert caught.value.position == position


def test_contains_is_case_insensitive_and_any_of() -> None:
    assert _matches("url:V1/USERS", REQUEST)
    assert _matches("service:billing,user", REQUEST)
    assert not _matches("service:billing,webhook", REQUEST)


def test_equals_matches_whole_values_and_numbers_as_numbers() -> None:
    assert _matches("method=post", REQUEST)
    assert not _matches("method=pos", REQUEST)
    assert _matches("status=201", REQUEST)
    assert _matches("status=201.0", REQUEST)
    assert _matches("status=200,201", REQUEST)
    assert _matches("cached=false", REQUEST)


def test_not_equals_also_matches_entries_without_the_field() -> None:
    assert _matches("method!=GET", REQUEST)
    assert not _matches("method!=get,post", REQUEST)
    assert _matches("missing!=x", REQUEST)
    assert not _matches("missing=x", REQUEST)


def test_starts_and_ends_with() -> None:
    assert _matches("url^=/v1", REQUEST)
    assert _matches("url$=PAGE=2", REQUEST)
    assert not _matches("url^=/v2", REQUEST)


def test_numeric_comparisons_read_numbers_and_numeric_text() -> None:
    assert _matches("status>=201 status<300", REQUEST)
    assert not _matches("status>201", REQUEST)
    assert _matches("duration>100 data.durationMs<=102", REQUEST)
    assert _matches("id>1e4", REQUEST)
    assert not _matches("method>1", REQUEST)
    assert _matches("n>5", {"n": "7"})


def test_time_comparisons_accept_iso_relative_and_clock_times() -> None:
    assert _matches("time>=2024-06-12T14:33:54Z", REQUEST)
    assert not _matches("time>2024-06-12T14:33:54Z", REQUEST)
    assert _matches("time>-5m", REQUEST)
    assert not _matches("time<-1h", REQUEST)
    assert _matches('time>"2024-06-12 14:00:00+00:00"', REQUEST)
    local = datetime.fromtimestamp(NOW)
    before = f"{local.hour:02d}:{max(local.minute - 1, 0):02d}"
    assert _matches(f"time>={before}", REQUEST)


def test_time_comparisons_read_iso_text_fields() -> None:
    assert _matches("timestamp<2022-01-01", DNS, SourceKind.NEXTDNS)
    assert _matches("time>2021-03-16T04:40:30Z", DNS, SourceKind.NEXTDNS)


def test_regex_searches_a_field_case_insensitively() -> None:
    assert _matches(r"url~^/V1/(users|orgs)\?", REQUEST)
    assert not _matches("url~^/v2", REQUEST)


def test_bare_words_and_phrases_search_the_raw_text() -> None:
    assert _matches("HOODY-cli", REQUEST)
    assert _matches('"user-api"', REQUEST)
    assert not _matches("billing", REQUEST)
    assert _matches("~hoody-cli/1\\.4", REQUEST)


def test_negation_inverts_any_term() -> None:
    assert _matches("-level=error", REQUEST)
    assert not _matches("-user-api", REQUEST)
    assert _matches("-url~^/v2 -missing:x", REQUEST)


def test_objects_and_lists_match_when_any_value_inside_matches() -> None:
    assert _matches("device=8td1g", DNS, SourceKind.NEXTDNS)
    assert _matches("device.name:iphone", DNS, SourceKind.NEXTDNS)
    assert not _matches("device:iphone", DNS, SourceKind.NEXTDNS)  # device is its id, as the API
    assert _matches("reason:trackers", DNS, SourceKind.NEXTDNS)
    assert _matches("tags=green", REQUEST)
    assert not _matches("tags=red", REQUEST)


def test_all_terms_must_match() -> None:
    assert _matches("level=info method=post status<300 user", REQUEST)
    assert not _matches("level=info method=post status<300 nope", REQUEST)


def test_hostile_values_never_raise() -> None:
    hostile = {
        "n": 10**300,
        "s": "x" * 100_000,
        "deep": [[[[[[[[[[[[[[[[[[[["z"]]]]]]]]]]]]]]]]]]]],
    }
    assert not _matches("n>1e301 s>5 deep=y", hostile)
    assert _matches("n>5 s:xxx", hostile)
