"""A filter over the compact store keeps exactly the entries the predicate keeps."""

from __future__ import annotations

import json
import math
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from logtui.core.apis.merged import SourceRef
from logtui.core.compact import (
    NO_SPAN,
    NUMBER_PATHS,
    SPAN_KEYS,
    TIME,
    UNSURE,
    UNSURE_SPAN,
    Packer,
)
from logtui.core.eventtime import epoch_seconds, event_seconds
from logtui.core.fields import FieldResolver, path_getter
from logtui.core.filters import compile_predicate, parse
from logtui.core.filters.multi import MultiFilterSession
from logtui.core.filters.syntax import FilterSyntaxError
from logtui.core.identity import identity_for, order_for
from logtui.core.models import Entry, SourceKind
from logtui.core.rows import Rows
from logtui.core.sources.sse_source import entry_from_text
from logtui.core.store import EntryStore

_KEYS = ("level", "status", "kind", "url", "n", "message", "domain")
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
    # Regexes on keys whose text the store locates (run on the payload bytes in place).
    st.sampled_from(['url~"1$"', 'url~"^/v1/.*5"', 'message~"r{2}"', 'domain~k',
                     'message~"\\berr"', 'url~"[^a-z]"', 'message~"(?=e)r"', 'url~"^$"',
                     'domain~"^(caf|api)"', 'message~"\\.\\d"', 'url~"(?<=/)v"']),
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
    fields = FieldResolver.for_kind(SourceKind.PROXY)
    for key in ("level", "url"):  # a coded key, and one read from the payload
        data: dict[str, Any] = {key: "error"}
        raw = f'{{"{key}": "\\u0065rror"}}'
        store = EntryStore(10)
        store.extend([Entry(raw=raw, data=data)])
        store.set_filter(compile_predicate(parse(f"{key}=error"), fields))
        assert len(store.view) == 1, key


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


def test_filters_over_many_payload_blocks_keep_what_the_predicate_keeps() -> None:
    fields = FieldResolver.for_kind(SourceKind.PROXY)
    entries = []
    for n in range(4000):
        data = {"id": n, "level": ["info", "ERROR", "warn", "\u212aey"][n % 4],
                "status": [200, 500, 404][n % 3], "url": f"/v1/users/{n}" + "x" * (n % 300),
                "message": "timeout" if n % 97 == 0 else "ok \\ fine" if n % 5 == 0 else
                "\u212aey" if n % 11 == 0 else "ok"}
        entries.append(Entry(raw=json.dumps(data, ensure_ascii=n % 7 == 0), data=data))
    store = EntryStore(10_000)
    store.extend(entries)
    assert len(store._rows._blocks) > 2
    for expression in ("timeout", "level=error", "level:key", "status>=500 url:/v1/users/1",
                       "fine", '"users/39"', "-level=warn timeout", "key",
                       "message:key", "url~^/v1/users/(12|39)", "~TIMEOUT", "url~users/1[0-9]",
                       "~(users/2|timeout)x*"):
        predicate = compile_predicate(parse(expression), fields)
        store.set_filter(predicate)
        assert [e.seq for e in store.view] == [e.seq for e in entries if predicate(e)], expression


def test_a_term_on_a_computed_field_is_not_screened_by_the_raw_text() -> None:
    # NextDNS's ``device`` reads ``__UNIDENTIFIED__`` for a query without a device.
    fields = FieldResolver.for_kind(SourceKind.NEXTDNS)
    data: dict[str, Any] = {"domain": "example.com"}
    store = EntryStore(10)
    store.extend([Entry(raw=json.dumps(data), data=data)])
    store.set_filter(compile_predicate(parse("device=__UNIDENTIFIED__"), fields))
    assert len(store.view) == 1


_TIMES = st.one_of(
    st.integers(-(2**60), 2**60), st.integers(1_600_000_000_000, 1_800_000_000_000),
    st.floats(allow_nan=False, allow_infinity=False), st.booleans(), st.none(),
    st.sampled_from(["2024-06-12T14:33:54Z", "1718201234", "soon", "", "1.7e9",
                     "2024-06-12T14:33:54.5+02:00"]),
    st.integers(100_000_000_000, 300_000_000_000),
)
_NUMBERS = st.one_of(
    st.integers(-(2**60), 2**60), st.floats(allow_nan=False, allow_infinity=False),
    st.sampled_from([500, 501, 499.5, "600", "x", True, None, [700], {"a": 900}, 2**53 + 1]),
)
_TIME_KEYS = ("tsMs", "tsIso", "timestamp", "time", "EdgeStartTimestamp", "ts", "datetime")


@st.composite
def _timed(draw: st.DrawFn) -> str:
    data: dict[str, Any] = {}
    for key in draw(st.lists(st.sampled_from(_TIME_KEYS), max_size=2, unique=True)):
        data[key] = draw(_TIMES)
    if draw(st.booleans()):
        data["data"] = draw(st.one_of(st.dictionaries(st.just("durationMs"), _NUMBERS),
                                      _NUMBERS))
    if draw(st.booleans()):
        data["duration"] = draw(_NUMBERS)
    data["level"] = draw(st.sampled_from(["info", "error"]))
    return json.dumps(data)


_comparison = st.tuples(
    st.sampled_from(["time", "duration", "data.durationMs", "latency"]),
    st.sampled_from([">", ">=", "<", "<="]),
    st.sampled_from(["500", "-1.5", "1718201234", "2024-06-12T14:00:00Z", "-1h", "14:30",
                     "1e300"]),
).map("".join)


@settings(max_examples=300, deadline=None)
@given(payloads=st.lists(_timed(), min_size=1, max_size=30),
       terms=st.lists(st.tuples(st.booleans(), _comparison), min_size=1, max_size=3),
       extra=st.sampled_from(["", "level=error", "-level=info", "error"]),
       kind=st.sampled_from(list(SourceKind)), received=st.sampled_from([0.0, 1_718_201_000.5]))
def test_comparisons_on_number_columns_keep_what_the_predicate_keeps(
    payloads: list[str], terms: list[tuple[bool, str]], extra: str, kind: SourceKind,
    received: float,
) -> None:
    # The event time and numeric fields are compared on float columns filled when an entry
    # is packed; whatever a column cannot hold exactly is read from the payload.
    expression = " ".join(("-" if negated else "") + term for negated, term in terms)
    try:
        predicate = compile_predicate(parse(f"{expression} {extra}"),
                                      FieldResolver.for_kind(kind), now=1_718_201_300.0)
    except FilterSyntaxError:
        return
    entries = []
    for text in payloads:
        entry = entry_from_text(text, origin="live", event_id=None, key_field=None,
                                allow_text=False)
        assert entry is not None
        entry.received_at = received
        entries.append(entry)
    expected = [position for position, entry in enumerate(entries) if predicate(entry)]
    store = EntryStore(100)
    store.extend(entries)
    del entries
    store.set_filter(predicate)
    assert [entry.seq for entry in store.view] == expected


@settings(max_examples=200, deadline=None)
@given(payload=_timed())
def test_the_number_columns_hold_what_the_fields_read(payload: str) -> None:
    entry = entry_from_text(payload, origin="live", event_id=None, key_field=None,
                            allow_text=False)
    assert entry is not None
    numbers = Packer().pack(entry)[5]
    for path, number in zip(NUMBER_PATHS, numbers, strict=True):
        value = event_seconds(entry.data) if path == TIME else path_getter(path)(entry)
        if number == UNSURE:
            continue
        if math.isnan(number):
            assert value is None, path
        else:
            assert value == number and value.__class__ in (int, float), path
            if path == TIME:
                assert epoch_seconds(value) == value


@settings(max_examples=300, deadline=None)
@given(payload=_payload(), key=st.sampled_from(["x", "event"]),
       event_id=st.sampled_from([None, "url", "/v1/"]))
def test_the_span_columns_locate_the_values_of_their_keys(
    payload: str, key: str, event_id: str | None
) -> None:
    # A text term on a span key reads only the bytes the span points at.
    entry = entry_from_text(payload, origin="live", event_id=event_id, key_field=None,
                            allow_text=True)
    assert entry is not None
    entry.key = key
    packed = Packer().pack(entry)
    if packed[0] is entry:
        return
    assert isinstance(packed[0], bytes)
    for name, span in zip(SPAN_KEYS, packed[6], strict=True):
        value = entry.data.get(name)
        if span == NO_SPAN:
            assert value is None, name
        elif span != UNSURE_SPAN:
            start = span >> 16
            text = packed[0][start : start + (span & 0xFFFF)]
            assert text.decode("utf-8", "surrogatepass") == value, name


_SEVERAL = (SourceRef("home", "proxy"), SourceRef("work", "proxy"), SourceRef("dns", "nextdns"))


@settings(max_examples=200, deadline=None)
@given(payloads=st.lists(st.tuples(st.sampled_from(["home", "work", "dns", "gone"]),
                                   _payload() | _timed()), min_size=1, max_size=30),
       expression=_expression | st.sampled_from([
           "source=home level=error", "source!=dns url~^/v1/", "time>1718201234 level=info",
           "source:o duration>500", "-source=work error", "status>=500 source=home,dns",
       ]),
       gap=st.booleans())
def test_a_filter_over_several_sources_keeps_what_its_predicate_keeps(
    payloads: list[tuple[str, str]], expression: str, gap: bool
) -> None:
    # Each source's rows are filtered by that source's own predicate, screened and by columns.
    outcome = MultiFilterSession(_SEVERAL).evaluate(expression, now=1_718_201_300.0)
    if outcome.predicate is None:
        return
    predicate = outcome.predicate
    entries: list[Entry] = []
    for source, text in payloads:
        entry = entry_from_text(text, origin="live", event_id=None, key_field=None,
                                allow_text=True)
        assert entry is not None
        entry.source = source
        entries.append(entry)
    if gap:
        entries.insert(len(entries) // 2, Entry(raw="", data={"gap": {}}, origin="gap",
                                                is_json=False, source="home"))
    expected = [position for position, entry in enumerate(entries)
                if entry.origin == "gap" or predicate(entry)]
    store = EntryStore(100)
    store.extend(entries)
    del entries
    store.set_filter(predicate)
    assert [entry.seq for entry in store.view] == expected


@pytest.mark.timeout(10)
def test_a_text_filter_finishes_when_a_gap_row_follows_the_first_entry() -> None:
    # A row kept as an object used to point at the first block's first byte: a hit in the
    # entry there was taken for the gap row's (no bytes), and the search never moved on.
    fields = FieldResolver.for_kind(SourceKind.PROXY)
    store = EntryStore(10)
    store.extend([Entry(raw='{"level": "error"}', data={"level": "error"}),
                  Entry(raw="", data={"gap": {}}, origin="gap", is_json=False),
                  Entry(raw='{"message": "an error"}', data={"message": "an error"})])
    store.set_filter(compile_predicate(parse("error"), fields))
    assert [entry.seq for entry in store.view] == [0, 1, 2]


@pytest.mark.parametrize("expression", ['domain~k', 'url~"^.$"', 'url~"caf.$"', 'url~"^/v1/"'])
def test_a_regex_on_a_text_beyond_ascii_reads_its_characters_not_its_bytes(
    expression: str,
) -> None:
    """The store runs a regex on the payload bytes where a text lies only for texts of ASCII:
    on UTF-8 bytes ``.`` would take a byte, and ``k`` would miss the Kelvin sign that
    case-insensitive ``k`` matches."""
    predicate = compile_predicate(parse(expression), FieldResolver.for_kind(SourceKind.PROXY))
    datas: list[dict[str, str]] = []
    for n in range(300):  # ASCII rows around the others, in blocks of several rows
        datas.append({"url": f"/v1/orders/{n}", "domain": "api.example.com"})
        if n % 50 == 7:
            datas += [{"url": "\u00e9", "domain": "\u212a.example"},
                      {"url": "caf\u00e9", "domain": "x"}]
    entries = [Entry(raw=json.dumps(data, ensure_ascii=False), data=data) for data in datas]
    expected = [position for position, entry in enumerate(entries) if predicate(entry)]
    store = EntryStore(1_000)
    store.extend(entries)
    store.set_filter(predicate)
    assert [entry.seq for entry in store.view] == expected


_URLS = ("/v1/orders/7", "/V1/ORDERS/7", "/v1/", "x/v1/", "/v1/orders/77", "", "k",
         "caf\u00e9", "\u212a", "a.b", "a-b", "axb")


@pytest.mark.parametrize("op", ["=", ":", "^=", "$=", "~"])
@pytest.mark.parametrize("value", ["/v1/", "/v1/orders/7", "orders", "K", "7", "a.b", ""])
def test_a_text_term_on_a_located_text_keeps_what_the_predicate_keeps(
    op: str, value: str
) -> None:
    """Such terms run as a regex on the payload bytes where the text lies: equal, contains,
    starts, ends and a regex keep exactly what the term's own test keeps, whatever case."""
    try:
        predicate = compile_predicate(parse(f'url{op}"{value}"'),
                                      FieldResolver.for_kind(SourceKind.PROXY))
    except FilterSyntaxError:
        return
    entries = [Entry(raw=json.dumps({"url": url, "n": n}, ensure_ascii=False),
                     data={"url": url, "n": n})
               for n in range(40) for url in _URLS]
    expected = [position for position, entry in enumerate(entries) if predicate(entry)]
    store = EntryStore(1_000)
    store.extend(entries)
    store.set_filter(predicate)
    assert [entry.seq for entry in store.view] == expected


def _with_url(entry_id: int, origin: str) -> Entry:
    url = ["/v1/users/", "/v1/caf\u00e9/", "/V1/Orders/", "/x/"][entry_id % 4] + str(entry_id)
    data: dict[str, Any] = {"id": entry_id, "level": "info", "url": url,
                            "message": "x" * (entry_id % 5)}
    return Entry(raw=json.dumps(data, ensure_ascii=entry_id % 3 == 0), data=data,
                 origin=origin)  # type: ignore[arg-type]


@settings(max_examples=100, deadline=None)
@given(capacity=st.integers(5, 400),
       steps=st.lists(st.tuples(st.sampled_from(["live", "history", "one"]),
                                st.lists(st.integers(0, 2_000), min_size=1, max_size=60)),
                      min_size=1, max_size=12),
       expression=st.sampled_from(['url~"1$"', 'url:orders', 'url^="/v1/u"', 'url~"^/x/\\\\d+"',
                                   'message~"^xx$"', 'url$=7']))
def test_a_text_filter_keeps_what_the_predicate_keeps_after_evictions_and_merges(
    capacity: int, steps: list[tuple[str, list[int]]], expression: str
) -> None:
    """The texts a filter reads lie end to end per payload block, each row noting where its
    own starts: rows evicted (blocks freed), appended one by one, in batches, or moved by a
    merge of older entries must still read their own text."""
    kind = SourceKind.PROXY
    store = EntryStore(capacity, identity=identity_for(kind), order=order_for(kind))
    fresh = 10_000
    for how, ids in steps:
        if how == "live":
            batch = [_with_url(fresh + offset, "live") for offset in range(len(ids))]
            fresh += len(ids)
            store.extend(batch)
        elif how == "one":
            store.extend([_with_url(fresh, "live")])
            fresh += 1
        else:  # older entries from history: placed by their id among the buffered ones
            store.extend([_with_url(entry_id, "history") for entry_id in ids])
    predicate = compile_predicate(parse(expression), FieldResolver.for_kind(kind))
    expected = [entry.seq for entry in store.entries() if predicate(entry)]
    store.set_filter(predicate)
    assert [entry.seq for entry in store.view] == expected


def test_a_text_filter_reads_the_right_texts_once_freed_blocks_are_forgotten(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Freed leading blocks are forgotten once they are many (the block list is renumbered):
    the texts kept beside each block must be forgotten with it, and still be read in place
    (not cut out of the payloads one by one)."""
    store = EntryStore(300)
    padding = "p" * 4_000
    for batch in range(60):  # ~25 MB through a buffer of ~1.2 MB: > 64 blocks freed
        entries = []
        for n in range(batch * 100, batch * 100 + 100):
            data = {"id": n, "url": f"/v1/items/{n}", "pad": padding}
            entries.append(Entry(raw=json.dumps(data), data=data))
        store.extend(entries)
    rows = store._rows
    assert rows._first_block > 0
    assert all(len(texts) == len(rows._blocks) for texts in rows._texts)  # one per block

    def cut_out(*_: object) -> list[str]:
        raise AssertionError("texts cut out of the payloads")

    monkeypatch.setattr(Rows, "texts", cut_out)
    predicate = compile_predicate(parse('url~"/58[0-4]7$"'),
                                  FieldResolver.for_kind(SourceKind.PROXY))
    store.set_filter(predicate)
    assert [entry.data["id"] for entry in store.view] == [5807, 5817, 5827, 5837, 5847]
