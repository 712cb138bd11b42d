"""Hostile wire text through every pane of the dashboard, checked on what it would write.

Each test fills the stream, detail (payload and trace), stats (with the server's own stats),
filter toggles, status bar and notifications with escape sequences and markup, then renders
the whole screen as the compositor would send it to the terminal and checks that no segment
carries a control, C1, DEL or bidi character, no style carries a link or a click action, the
raw output holds no OSC, clear-screen or window-report sequence, and every piece of markup
shows as its literal text. The app must still be running and answering keys afterwards.
"""

from __future__ import annotations

import io
import json
from collections.abc import Mapping
from typing import Any

from rich.console import Console
from textual._compositor import LayoutUpdate
from textual.pilot import Pilot

from logtui.core.models import ConnectionState, Entry, Notice, SourceKind, SourceStatus
from logtui.tui import ScriptedSourceFactory, create_app
from logtui.tui.app import LogtuiApp

from .hostile import ALL, ESCAPES, MARKUP, RAW_SEQUENCES, forbidden_characters

NOW = 1_718_201_300.0
SIZE = (200, 60)


def _entry(data: dict[str, Any], n: int, *, is_json: bool = True) -> Entry:
    raw = json.dumps(data, ensure_ascii=False) if is_json else str(data["message"])
    return Entry(raw=raw, data=data, event_id=f"{ALL}{n}", key=str(n), received_at=NOW,
                 is_json=is_json)


def _proxy_entries() -> list[Entry]:
    entries = []
    for n, (name, text) in enumerate({**ESCAPES, **MARKUP}.items()):
        entries.append(_entry({
            "id": n, "tsMs": int(NOW * 1000), "kind": "request", "level": "error",
            "method": "GET", "status": 500, "serviceName": text, "projectId": text,
            "containerId": text, "traceId": "trace-shared", "url": f"/{name} {text}",
            "data": {"note": text, "durationMs": 3},
        }, n))
    entries.append(_entry({
        "id": 99, "tsMs": int(NOW * 1000), "kind": ALL, "level": ALL, "method": ALL,
        "status": ALL, "serviceName": ALL, "projectId": "[/red]", "traceId": "trace-shared",
        "url": ALL, "data": {ALL: ALL},
    }, 99))
    return entries


def _nextdns_entries() -> list[Entry]:
    entries = []
    for n, text in enumerate({**ESCAPES, **MARKUP}.values()):
        entries.append(_entry({
            "timestamp": "2024-06-12T14:08:20.000Z", "domain": f"{text}.example",
            "root": text, "protocol": text, "status": "blocked", "clientIp": text,
            "device": {"id": text, "name": text, "model": text},
            "reasons": [{"id": text, "name": text}],
        }, n))
    return entries


def _sse_entries() -> list[Entry]:
    texts = [*ESCAPES.values(), *MARKUP.values(), ALL]
    return [_entry({"message": text}, n, is_json=False) for n, text in enumerate(texts)]


def _hostile_status(kind: SourceKind) -> SourceStatus:
    return SourceStatus(kind=kind, description="http://127.0.0.1:9/stream",
                        state=ConnectionState.RECONNECTING, retry_at=NOW + 5,
                        detail=f"server said {ALL}", last_event_id=ALL, sampling=ALL)


def _server_stats() -> Mapping[str, Any]:
    return {"total": 5, "byLevel": {ALL: 3, "[/red]": 2}, "byService": {ALL: 4},
            "byProject": {"[@click=app.quit]": 1}}


def _make(kind: SourceKind, entries: list[Entry], **options: Any) -> LogtuiApp:
    factory = ScriptedSourceFactory(initial=entries, statuses=[_hostile_status(kind)])
    return create_app(factory, kind, description=f"{kind.value} http://127.0.0.1:9/stream",
                      clock=lambda: NOW, frame_interval=60.0, **options)


async def _frame(pilot: Pilot[Any]) -> None:
    app = pilot.app
    assert isinstance(app, LogtuiApp)
    app.drain()
    app.refresh_status()
    app.refresh_stats()
    await pilot.pause()


def _written(app: LogtuiApp) -> tuple[str, str]:
    """The screen as the terminal would get it: (plain text of every segment, raw output).

    Fails on the spot if a segment carries a forbidden character or a link or click action.
    """
    update = app.screen._compositor.render_update(
        full=True, screen_stack=app._background_screens
    )
    assert isinstance(update, LayoutUpdate)
    for line in update.strips:
        for strip in line:
            for segment in strip:
                if segment.control:
                    continue
                bad = forbidden_characters(segment.text)
                assert not bad, f"{bad} in a rendered segment: {segment.text!r}"
                style = segment.style
                if style is not None:
                    assert not style.link, f"a link reached the terminal: {style.link!r}"
                    assert "@click" not in (style.meta or {}), "a click action was planted"
    width, height = app.size
    console = Console(width=width, height=height, file=io.StringIO(), force_terminal=True,
                      color_system="truecolor", legacy_windows=False, record=True)
    raw = update.render_segments(console)
    for sequence in RAW_SEQUENCES:
        assert sequence not in raw, f"{sequence!r} reached the terminal"
    console.print(update)
    return console.export_text().replace("\xa0", " "), raw  # no-break spaces read as spaces


async def _still_answers(pilot: Pilot[Any], app: LogtuiApp) -> None:
    assert app.is_running
    shown = app.stats_pane.display
    await pilot.press("s")
    assert app.stats_pane.display is not shown
    await pilot.press("s")


async def test_proxy_panes_status_bar_and_notices_show_hostile_text_inertly() -> None:
    app = _make(SourceKind.PROXY, _proxy_entries(), server_stats=_server_stats)
    async with app.run_test(size=SIZE) as pilot:
        await _frame(pilot)
        for _ in range(20):  # the server stats come from a worker thread
            if app.server_stats_data is not None:
                break
            await pilot.pause(0.05)
        assert app.server_stats_data == _server_stats()
        source = app.source
        assert source is not None
        source.push_notice(Notice("warning", f"bad frame {ALL}"))  # type: ignore[attr-defined]
        await _frame(pilot)
        text, _ = _written(app)
        for mark in MARKUP.values():
            assert mark in text, f"{mark!r} is not shown literally in the stream"
        assert "server said" in text and "␛]0;pwned-title␇␛]2;pwned-title␛\\" in text
        assert "<U+009B>31m" in text and "a␡b" in text and "<U+202E>exe.txt" in text
        source.push_status(  # type: ignore[attr-defined]
            SourceStatus(kind=SourceKind.PROXY, description="proxy", state=ConnectionState.LIVE,
                         last_event_id="[/red]\x1b]0;t\x07")
        )
        await _frame(pilot)
        text, _ = _written(app)
        assert "id [/red]␛]0;t␇" in text

        for row in (0, 9, 13):  # an escape, a markup and the all-hostile entry in detail
            await pilot.press("g", *(["j"] * row), "enter")
            await _frame(pilot)
            text, _ = _written(app)
        assert '"[type=x, v={\'a[0]\'}]"' in text or "[type=x, v={'a[0]'}]" in text
        assert "server /_logs/stats" in text
        assert "[@click=app.quit]" in text
        await pilot.press("t")  # trace filter on a clean trace id
        await pilot.click("#toggle-project")  # a toggle offering a value learned from the wire
        await _frame(pilot)
        _written(app)
        await _still_answers(pilot, app)


async def test_nextdns_panes_and_stats_show_hostile_text_inertly() -> None:
    app = _make(SourceKind.NEXTDNS, _nextdns_entries())
    async with app.run_test(size=SIZE) as pilot:
        await _frame(pilot)
        text, _ = _written(app)
        for mark in MARKUP.values():
            assert mark in text
        for row in (0, 10):
            await pilot.press("g", *(["j"] * row), "enter")
            await _frame(pilot)
            _written(app)
        await pilot.click("#toggle-device")
        await _frame(pilot)
        _written(app)
        await _still_answers(pilot, app)


async def test_plain_text_sse_entries_show_hostile_text_inertly() -> None:
    app = _make(SourceKind.SSE, _sse_entries())
    async with app.run_test(size=SIZE) as pilot:
        await _frame(pilot)
        text, _ = _written(app)
        for mark in MARKUP.values():
            assert mark in text
        await pilot.press("G", "enter")
        await _frame(pilot)
        text, _ = _written(app)
        await _still_answers(pilot, app)


async def test_markup_typed_into_the_filter_is_matched_literally() -> None:
    app = _make(SourceKind.PROXY, _proxy_entries())
    async with app.run_test(size=SIZE) as pilot:
        await _frame(pilot)
        await pilot.press("slash")
        await pilot.press(*"url:[@click=app.quit]")
        await pilot.press("enter")
        await _frame(pilot)
        text, _ = _written(app)
        assert app.outcome is not None
        assert [e.data["id"] for e in app.store.view] == [10, 99]
        assert "url:[@click=app.quit]" in text
        await _still_answers(pilot, app)


async def test_a_long_server_reason_cannot_push_the_counters_off_the_status_bar() -> None:
    status = SourceStatus(kind=SourceKind.PROXY, description="proxy http://127.0.0.1:9/api",
                          state=ConnectionState.FAILED, detail="refused: " + "x" * 300,
                          reconnects=7)
    factory = ScriptedSourceFactory(statuses=[status])
    app = create_app(factory, SourceKind.PROXY, clock=lambda: NOW, frame_interval=60.0)
    async with app.run_test(size=(120, 30)) as pilot:
        await _frame(pilot)
        text, _ = _written(app)
        assert "● failed: refused:" in text
        assert "reconnects 7" in text
