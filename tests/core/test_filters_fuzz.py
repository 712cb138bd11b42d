"""Property tests: no expression, however odd, breaks the parser, the planner or a predicate."""

from __future__ import annotations

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from logtui.core.errors import FilterSyntaxError
from logtui.core.fields import FieldResolver
from logtui.core.filters import compile_predicate, parse, spec_for, split
from logtui.core.models import Entry, SourceKind

_GRAMMAR = st.sampled_from(
    [" ", "-", '"', "\\", ",", ":", "=", "!=", "^=", "$=", ">", ">=", "<", "<=", "~", "(",
     "[", "*", "level", "status", "a.b", "5", "-5m", "14:30", "2024-06-12", "x", "\t", "é"]
)  # fmt: skip
EXPRESSIONS = st.one_of(
    st.text(max_size=60),
    st.lists(_GRAMMAR, max_size=14).map("".join),
)
ENTRIES = [
    Entry(raw="{}", data={}),
    Entry(raw="plain text", data={"message": "plain text"}, is_json=False),
    Entry(
        raw="{}",
        data={
            "level": "error",
            "status": 503,
            "a": {"b": [1, "two", None, {"c": True}]},
            "time": "2024-06-12T14:00:00Z",
            "x": 10**200,
        },
    ),
]


@settings(max_examples=400, deadline=None)
@given(EXPRESSIONS)
def test_parse_raises_only_syntax_errors_with_a_position_inside_the_input(text: str) -> None:
    try:
        expr = parse(text)
    except FilterSyntaxError as exc:
        assert 0 <= exc.position < len(text)
        assert "\n" not in str(exc)
        return
    for term in expr.terms:
        assert 0 <= term.start < term.end <= len(text)
        assert text[term.start : term.end] == term.text


@settings(max_examples=200, deadline=None)
@given(EXPRESSIONS, st.sampled_from(list(SourceKind)))
def test_valid_expressions_plan_and_evaluate_without_raising(text: str, kind: SourceKind) -> None:
    try:
        expr = parse(text)
    except FilterSyntaxError:
        return
    plan = split(expr, spec_for(kind), now=1718202834.0)
    assert len(plan.server_terms) + len(plan.client_terms) == len(expr.terms)
    if plan.job_filter:
        assert json.loads(plan.job_filter)["where"]["and"]
    predicate = compile_predicate(expr, FieldResolver.for_kind(kind), now=1718202834.0)
    for entry in ENTRIES:
        assert predicate(entry) in (True, False)
        assert plan.predicate(entry) in (True, False)
