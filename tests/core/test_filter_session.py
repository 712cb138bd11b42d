"""The core's filter session: one expression to server parameters and a client predicate, and
server parameters back to the expression they stand for."""

from __future__ import annotations

import pytest

from logtui.core.errors import ConfigError
from logtui.core.filters.session import FilterSession, toggle_value, with_toggle
from logtui.core.models import Entry
from logtui.core.wiring import checked_filter, command_expression


def _entry(**data: object) -> Entry:
    return Entry(raw="", data=data)


@pytest.mark.parametrize(("kind", "params"), [
    ("proxy", {"projectId": "p1", "containerId": "c 2", "kind": "event", "level": "error"}),
    ("nextdns", {"device": "__UNIDENTIFIED__", "status": "blocked", "search": "exa.mple",
                 "raw": "1"}),
])
def test_server_params_become_an_expression_that_asks_the_server_for_them_again(
    kind: str, params: dict[str, str]
) -> None:
    session = FilterSession(kind)
    outcome = session.evaluate(session.expression_for(params))

    assert dict(outcome.server_params) == params
    assert outcome.client_terms == ()
    assert outcome.client_predicate is None


def test_the_client_predicate_tests_only_what_the_server_does_not() -> None:
    outcome = FilterSession("proxy").evaluate("level=error status>=500")

    assert dict(outcome.server_params) == {"level": "error"}
    assert outcome.client_predicate is not None and outcome.predicate is not None
    info_500 = _entry(level="info", status=500)
    assert outcome.client_predicate(info_500)  # the server filtered level already
    assert not outcome.predicate(info_500)  # the buffer filter tests every term
    assert not outcome.client_predicate(_entry(level="error", status=200))


def test_flags_and_filter_make_one_expression() -> None:
    expression = command_expression("proxy", {"level": "error"}, " status>=500 ")

    assert expression == "level=error status>=500"


def test_an_expression_that_does_not_parse_is_a_usage_error_with_a_caret() -> None:
    with pytest.raises(ConfigError) as raised:
        checked_filter("sse", 'a=1 b="')

    assert raised.value.exit_code == 2
    assert str(raised.value).endswith('a=1 b=^"')
    assert "\n" not in str(raised.value)


def test_a_toggle_replaces_its_fields_plain_terms_and_keeps_the_rest_as_typed() -> None:
    expression = 'Level:warn url~"^/v1/(a|b)" -level=debug "two words" level>=3'
    assert with_toggle(expression, "level", "error") == (
        'url~"^/v1/(a|b)" -level=debug "two words" level>=3 level=error'
    )
    assert with_toggle(expression, "level", None) == (
        'url~"^/v1/(a|b)" -level=debug "two words" level>=3'
    )
    assert with_toggle("", "device", "my phone") == 'device="my phone"'


def test_a_toggles_value_is_its_one_plain_term_read_through_the_parser() -> None:
    assert toggle_value('url:users device="my phone"', "device") == "my phone"
    assert toggle_value("LEVEL=warn", "level") == "warn"
    assert toggle_value("level=warn level=error", "level") is None, "two terms: no one value"
    assert toggle_value("-level=warn level!=error", "level") is None
    assert toggle_value('"level=warn"', "level") is None, "a quoted phrase is a text search"
    assert toggle_value('level=warn "unclosed', "level") is None, "does not parse"
    assert toggle_value("url:a,b", "url") == "a,b"
