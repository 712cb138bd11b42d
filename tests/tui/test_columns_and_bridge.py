"""Column layout per source, the row renderer, and the thread-safe sink bridge."""

from __future__ import annotations

import json
import threading
from types import SimpleNamespace
from typing import Any

from rich.style import Style

from logtui.core.apis.instant_logs import INSTANT_LOGS_COLUMNS
from logtui.core.apis.nextdns import NEXTDNS_COLUMNS
from logtui.core.apis.proxy import PROXY_COLUMNS
from logtui.core.columns import columns_for, layout_widths, row_style_key
from logtui.core.models import ConnectionState, Entry, Notice, SourceKind, SourceStatus
from logtui.core.store import EntryStore
from logtui.tui.bridge import QueueSink
from logtui.tui.rows import RowRenderer

from .entries import dns_entries, entry, hostile_proxy_entry, proxy_pair


def test_every_column_fits_on_a_wide_pane_and_the_url_takes_the_rest() -> None:
    widths = layout_widths(PROXY_COLUMNS, 120)
    assert all(widths)
    assert sum(widths) + len(widths) - 1 == 120
    assert widths[[c.name for c in PROXY_COLUMNS].index("url")] > 16


def test_a_narrow_pane_drops_the_least_important_columns_first() -> None:
    names = [column.name for column in PROXY_COLUMNS]
    kept = [name for name, width in zip(names, layout_widths(PROXY_COLUMNS, 69), strict=True)
            if width]
    assert kept == ["time", "level", "kind", "method", "status", "url", "duration"]
    tiny = [name for name, width in zip(names, layout_widths(PROXY_COLUMNS, 30), strict=True)
            if width]
    assert tiny == ["time", "url"]


def test_each_source_has_its_own_columns() -> None:
    assert [c.name for c in columns_for(SourceKind.NEXTDNS)] == [c.name for c in NEXTDNS_COLUMNS]
    assert "domain" in [c.name for c in NEXTDNS_COLUMNS]
    assert [c.name for c in columns_for(SourceKind.SSE)] == ["time", "level", "event", "message"]


def test_http_request_rows_show_the_request_the_edge_answer_and_its_size() -> None:
    record = entry({
        "EdgeStartTimestamp": 1_700_000_000_000_000_000,
        "EdgeResponseStatus": 503,
        "ClientRequestMethod": "GET",
        "ClientRequestHost": "shop.example.com",
        "ClientRequestURI": "/cart?id=7",
        "ClientCountry": "ca",
        "CacheCacheStatus": "miss",
        "EdgeResponseBytes": 12_700,
        "RayID": "8f1e2d3c4b5a6978",
    })
    cells = {column.name: column.extract(record) for column in INSTANT_LOGS_COLUMNS}
    assert list(cells) == [
        "time", "status", "method", "host", "path", "country", "cache", "bytes", "ray",
    ]
    assert cells["status"] == "503" and cells["path"] == "/cart"
    assert (cells["country"], cells["cache"], cells["bytes"]) == ("ca", "miss", "12.4k")
    size_column = INSTANT_LOGS_COLUMNS[[c.name for c in INSTANT_LOGS_COLUMNS].index("bytes")]
    sizes = [size_column.extract(entry({"EdgeResponseBytes": n})) for n in (0, 1023, 5 << 20)]
    assert sizes == ["0", "1023", "5.0M"]


def test_rows_are_styled_by_level_status_and_dns_verdict() -> None:
    request, response = proxy_pair(4)  # n=4: an error response
    assert row_style_key(SourceKind.PROXY, response) == "level-error"
    assert row_style_key(SourceKind.PROXY, request) == "status-5xx"
    blocked = dns_entries(2)[1]
    assert row_style_key(SourceKind.NEXTDNS, blocked) == "dns-blocked"


def test_an_event_shows_its_message_where_the_url_would_be() -> None:
    event = entry({"kind": "event", "level": "warn", "url": None,
                   "data": {"event": "pool", "message": "pool exhausted"}})
    renderer = RowRenderer(SourceKind.PROXY, lambda key: Style())
    renderer.resize(120)
    assert "pool exhausted" in renderer.row(event).plain


def test_a_rendered_row_is_sanitised_and_fills_the_pane_width() -> None:
    renderer = RowRenderer(SourceKind.PROXY, lambda key: Style())
    renderer.resize(100)
    row = renderer.row(hostile_proxy_entry())
    # The last (url) column is never cut: the pane crops it, and right or w shows the rest.
    assert row.cell_len >= 100
    assert "\x1b" not in row.plain and "\u202e" not in row.plain
    assert row.spans == [] or all(span.style == Style() for span in row.spans)


def test_the_sink_bridge_hands_over_every_entry_from_many_threads_in_order() -> None:
    sink = QueueSink()
    per_thread = 2_000

    def produce(thread: int) -> None:
        for n in range(0, per_thread, 10):
            sink.on_entries([Entry(raw="{}", data={"t": thread, "n": n + i}) for i in range(10)])

    threads = [threading.Thread(target=produce, args=(t,)) for t in range(4)]
    for thread in threads:
        thread.start()
    drained: list[Entry] = []
    while any(thread.is_alive() for thread in threads):
        drained.extend(sink.drain().entries)
    for thread in threads:
        thread.join()
    drained.extend(sink.drain().entries)
    assert len(drained) == 4 * per_thread
    for t in range(4):
        assert [e.data["n"] for e in drained if e.data["t"] == t] == list(range(per_thread))


def test_the_bridge_keeps_only_the_newest_status_and_every_notice() -> None:
    sink = QueueSink()
    for state in (ConnectionState.CONNECTING, ConnectionState.LIVE):
        sink.on_status(SourceStatus(kind=SourceKind.PROXY, description="x", state=state))
    sink.on_notice(Notice("warning", "one"))
    sink.on_notice(Notice("error", "two"))
    drained = sink.drain()
    assert drained.status is not None and drained.status.state is ConnectionState.LIVE
    assert [notice.message for notice in drained.notices] == ["one", "two"]
    assert not sink.drain()


def test_the_bridge_hands_over_at_most_a_limit_per_drain_and_keeps_the_rest_in_order() -> None:
    sink = QueueSink()
    for start in range(0, 50, 10):
        sink.on_entries([Entry(raw="{}", data={"n": n}) for n in range(start, start + 10)])
    first = sink.drain(limit=25)
    assert [e.data["n"] for e in first.entries] == list(range(25))
    assert sink.queued == 25
    rest = sink.drain(limit=25)
    assert [e.data["n"] for e in rest.entries] == list(range(25, 50))
    assert sink.queued == 0 and not sink.drain(limit=25)


def test_the_bridge_packs_entries_on_the_engines_thread_and_keeps_what_the_dashboard_shows(
) -> None:
    # The store keeps bytes and columns, so the entry is packed where it arrives (the engine's
    # thread) and the UI thread only appends rows; sharing its strings, as the bridge did when
    # the store kept parsed objects, would be wasted work there.
    store = EntryStore(10, share=False)
    sink = QueueSink(packer=store.packer)
    packed_on: list[int] = []
    pack = store.packer.pack_batch

    def recording(entries: Any) -> Any:
        packed_on.extend(threading.get_ident() for _ in entries)
        return pack(entries)

    sink._packer = SimpleNamespace(pack_batch=recording)  # type: ignore[assignment]
    raw = '{"level": "info"}'
    batch = [Entry(raw=raw, data=json.loads(raw), event_id=f"{n}", key=f"k{n}",
                   origin="history") for n in range(3)]
    data = batch[0].data
    engine = threading.Thread(target=sink.on_entries, args=(batch,))
    engine.start()
    engine.join()
    assert packed_on and set(packed_on) == {engine.ident}
    first = sink.drain(limit=2)
    rest = sink.drain()
    assert first.packed is not None and len(first.packed) == len(first.entries) == 2
    assert rest.packed is not None and len(rest.packed) == len(rest.entries) == 1
    assert store.packer.pack_batch(rest.entries).payload == rest.packed.payload
    assert first.entries[0].data is data  # passed through as parsed: not rebuilt to share
    assert first.entries[0].event_id is None and first.entries[0].key is None
    store.extend(first.entries, first.packed)
    store.extend(rest.entries, rest.packed)
    assert len(packed_on) == 3  # the store packed nothing itself
    store._cache.clear()
    again = store.view[0]
    assert again.raw == raw and again.data == {"level": "info"} and again.origin == "history"


