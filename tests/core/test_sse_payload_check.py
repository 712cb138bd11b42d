"""Headless mode checks payloads instead of building them (``SSESource.defer_parsing``). That
must never change what is an entry, what is malformed, or an entry's key: the checker may only
vouch for payloads the full parse accepts as objects with the same key, and everything else
must fall through to the full parse. Checked on generated JSON, on mutated (mostly broken)
JSON and on the edge cases where the parsers differ (NaN, huge numbers, lone surrogates,
duplicate keys, deep nesting)."""

from __future__ import annotations

import json
import subprocess
import sys
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from logtui.core.payload import (
    CHECK_ERRORS,
    LazyObject,
    key_checker,
    parse_json,
)
from logtui.core.sources.generic import GenericSSESource
from logtui.core.sources.proxy import ProxySource
from logtui.core.sources.sse_source import SSESource


def proxy() -> ProxySource:
    return ProxySource(secret=None, url="http://127.0.0.1:9", headers={}, filters={})


def generic() -> GenericSSESource:
    return GenericSSESource(url="http://127.0.0.1:9", headers={}, filters={})


def decoded(source: SSESource, payloads: list[str], *, deferred: bool) -> Any:
    """What one chunk of frames becomes, in a comparable form."""
    if deferred:
        source.defer_parsing()
    frames = [(str(n) if n % 3 else "", text, "") for n, text in enumerate(payloads)]
    chunk = source._decode(frames)
    entries = [
        (e.raw, repr_or_deep(e.data), e.origin, e.event_id, e.key, e.is_json)
        for e in chunk.entries
    ]
    return entries, chunk.malformed, list(chunk.notices), chunk.control


def repr_or_deep(data: Any) -> str:
    """A comparable form of an entry's data (NaN is not equal to itself, so not the dict)."""
    try:
        return repr(dict(data))
    except RecursionError:
        return "too deep to show"


def assert_same_either_way(payloads: list[str]) -> None:
    for make in (proxy, generic):
        assert decoded(make(), payloads, deferred=True) == decoded(
            make(), payloads, deferred=False
        )


def assert_checker_sound(text: str) -> None:
    """If the checker vouches for ``text``, the full parse agrees: an object, the same id."""
    check = key_checker("id")
    assert check is not None
    try:
        checked = check(text)
    except CHECK_ERRORS:
        return
    data = parse_json(text)
    assert type(data) is dict
    expected = data.get("id")
    assert (None if checked.key is None else str(checked.key)) == (
        None if expected is None else str(expected)
    )


EDGE_CASES = [
    '{"id":1,"id":2}',
    '{"id":NaN}',
    '{"x":Infinity,"id":3}',
    '{"id":123456789012345678901234567890}',
    '{"id":1e400}',
    '{"id":"\\ud800"}',
    '{"id":"\\ud83d\\ude00"}',
    '{"id":1.5}',
    '{"id":-0.0}',
    '{"id":true}',
    '{"id":null}',
    '{"id":{"a":[1,2]}}',
    "[1,2]",
    '"text"',
    "42",
    "",
    " ",
    "not json",
    "\ufeff{}",
    '{"id":1}\u00a0',
    '{"id":1} ',
    '{"x":"a\tb"}',
    '{"x":01}',
    '{"id":1',
    '{"id":1}}',
    '{"x":"\\x"}',
    '{"x":' + "[" * 950 + "]" * 950 + "}",
    '{"x":' + "[" * 1020 + "]" * 1020 + "}",
    '{"x":' + "[" * 1100 + "]" * 1100 + "}",
    '{"x":' + "[" * 5000 + "]" * 5000 + "}",
]


@pytest.mark.parametrize("text", EDGE_CASES)
def test_deferred_and_full_parsing_agree_on_edge_cases(text: str) -> None:
    assert_checker_sound(text)
    assert_same_either_way([text])


JSON_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=4)
    | st.dictionaries(st.sampled_from(["id", "x", "é", ""]) | st.text(max_size=3), inner,
                      max_size=4),
    max_leaves=12,
)
OBJECTS = st.dictionaries(st.sampled_from(["id", "kind", "data"]), JSON_VALUES, max_size=4)


@st.composite
def payloads(draw: st.DrawFn) -> str:
    value = draw(OBJECTS | JSON_VALUES)
    text = json.dumps(value, ensure_ascii=draw(st.booleans()))
    edits = draw(
        st.lists(
            st.tuples(
                st.integers(min_value=0, max_value=max(0, len(text))),
                st.sampled_from(["", "{", "}", "[", "]", ",", ":", '"', "\\", " ", "0", "e",
                                 "-", "\t", "\x00", "\ud800", "n", "NaN"]),
                st.booleans(),
            ),
            max_size=3,
        )
    )
    for position, piece, replace in edits:
        end = position + 1 if replace else position
        text = text[:position] + piece + text[end:]
    return text


@settings(max_examples=500, deadline=None)
@given(text=payloads())
def test_the_checker_only_vouches_for_what_the_full_parse_accepts_with_the_same_key(
    text: str,
) -> None:
    assert_checker_sound(text)


@settings(max_examples=200, deadline=None)
@given(texts=st.lists(payloads(), max_size=6))
def test_deferred_and_full_parsing_give_the_same_entries_and_malformed_counts(
    texts: list[str],
) -> None:
    assert_same_either_way(texts)


def test_a_deferred_entry_reads_like_the_parsed_object() -> None:
    text = '{"id":7,"kind":"request","data":{"durationMs":12}}'
    lazy = LazyObject(text)
    assert lazy == json.loads(text)
    assert (lazy["kind"], lazy.get("missing")) == ("request", None)
    assert ("id" in lazy, len(lazy)) == (True, 3)
    assert dict(lazy) == json.loads(text)
    assert repr(lazy) == repr(json.loads(text))


def test_deferred_proxy_entries_keep_their_key_and_raw_text() -> None:
    source = proxy()
    source.defer_parsing()
    chunk = source._decode([("5", '{"id":84321,"level":"info"}', ""), ("6", "nope", "")])
    (entry,) = chunk.entries
    assert (entry.raw, entry.key, entry.event_id, chunk.malformed) == (
        '{"id":84321,"level":"info"}',
        "84321",
        "5",
        1,
    )
    assert isinstance(entry.data, LazyObject)


def test_msgspec_loads_only_when_payloads_are_checked() -> None:
    """The dashboard parses every payload anyway; it should not pay for importing msgspec."""
    code = (
        "import sys\n"
        "import logtui.core.sources.proxy\n"
        "assert 'msgspec' not in sys.modules\n"
        "logtui.core.payload.key_checker('id')\n"
        "assert 'msgspec' in sys.modules\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)


@pytest.mark.parametrize("key_field", ["id", None])
def test_checked_payloads_leave_nothing_for_the_cycle_collector_to_track(
    key_field: str | None,
) -> None:
    import gc

    check = key_checker(key_field)
    assert check is not None
    assert not gc.is_tracked(check('{"id": "abc", "nested": {"a": [1, 2]}}'))
