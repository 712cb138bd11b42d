"""A filter over the compact store keeps exactly the entries the predicate keeps."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from logtui.core.fields import FieldResolver
from logtui.core.filters import compile_predicate, parse
from logtui.core.filters.syntax import FilterSyntaxError
from logtui.core.models import Entry, SourceKind
from logtui.core.sources.sse_source import entry_from_text
from logtui.core.store import EntryStore

_KEYS = ("level", "status", "kind", "url", "n", "message")
_WORDS = ("error", "Error", "ERR", "info", "api", "/v1/", "500", "5e2", "true", "caf\u00e9",
          "\u212a", "k", "x\\y", "null", "1.5")

_scalar = (
    st.sampled_from(_WORDS)
    | st.text(max_size=6)
    | st.integers(-(2**70), 2**70)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.booleans()
    | st.none()
)
_value = st.recursive(_scalar, lambda inner: st.lists(inner, max_size=2)
                      | st.dictionaries(st.sampled_from(_KEYS), inner, max_size=2), max_leaves=4)
_object = st.dictionaries(st.sampled_from(_KEYS), _value, max_size=5)


@st.composite
def _payload(draw: st.DrawFn) -> str:
    kind = draw(st.sampled_from(["object", "object", "object", "ascii", "value", "text"]))
    if kind == "text":
        return draw(st.sampled_from(_WORDS)) + " " + draw(st.text(max_size=8))
    if kind == "value":
        return json.dumps(draw(_value))
    return json.dumps(draw(_object), ensure_ascii=kind == "ascii")


_term = st.one_of(
    st.tuples(st.sampled_from(_KEYS), st.sampled_from(["=", ":", "^=", "$=", "!="]),
              st.sampled_from(_WORDS)).map(lambda t: f'{t[0]}{t[1]}"{t[2]}"'),
    st.tuples(st.sampled_from(_KEYS), st.sampled_from([">", "<=", ">="]),
              st.sampled_from(["500", "1.5", "-3"])).map("".join),
    st.sampled_from(_WORDS).map(lambda w: json.dumps(w)),
    st.sampled_from(["url~^/v1/", "~err", "level~^E", "message~\u00e9"]),
)
_expression = st.lists(st.tuples(st.booleans(), _term), min_size=1, max_size=3).map(
    lambda terms: " ".join(("-" if negated else "") + term for negated, term in terms)
)


@settings(max_examples=200, deadline=None)
@given(payloads=st.lists(_payload(), min_size=1, max_size=30), expression=_expression)
def test_a_filter_over_the_store_keeps_what_the_predicate_keeps(
    payloads: list[str], expression: str
) -> None:
    try:
        predicate = compile_predicate(parse(expression), FieldResolver.for_kind(SourceKind.PROXY))
    except FilterSyntaxError:
        return
    entries: list[Entry] = []
    for text in payloads:
        entry = entry_from_text(text, origin="live", event_id=None, key_field=None,
                                allow_text=True)
        assert entry is not None
        entries.append(entry)
    expected = [position for position, entry in enumerate(entries) if predicate(entry)]
    store = EntryStore(100)
    store.extend(entries)
    del entries
    store.set_filter(predicate)
    assert [entry.seq for entry in store.view] == expected


def test_a_field_term_matches_a_value_the_raw_text_escapes() -> None:
    data: dict[str, Any] = {"level": "error"}
    raw = '{"level": "\\u0065rror"}'
    store = EntryStore(10)
    store.extend([Entry(raw=raw, data=data)])
    store.set_filter(compile_predicate(parse("level=error"),
                                       FieldResolver.for_kind(SourceKind.PROXY)))
    assert len(store.view) == 1


def test_an_integer_beyond_64_bits_is_read_as_the_entry_reads_it() -> None:
    raw = '{"n": 123456789012345678901234567890}'
    entry = entry_from_text(raw, origin="live", event_id=None, key_field=None,
                            allow_text=False)
    assert entry is not None
    predicate = compile_predicate(parse("n:1234567890123456789012"),
                                  FieldResolver.for_kind(SourceKind.PROXY))
    store = EntryStore(10)
    store.extend([entry])
    store.set_filter(predicate)
    assert len(store.view) == int(predicate(entry))
