"""The filter pane: server/client split, inline errors, match count, history, quick toggles."""

from __future__ import annotations

from textual import events
from textual.widgets import Input

from logtui.core.models import SourceKind
from logtui.tui.screens import ExportScreen

from .conftest import AppMaker
from .entries import dns_entries, proxy_entries
from .helpers import frame, screen_text


async def test_client_terms_filter_the_buffer_at_once_without_a_reconnect(
    make_app: AppMaker,
) -> None:
    app, factory = make_app(entries=proxy_entries(30))
    async with app.run_test(size=(120, 40)) as pilot:
        await frame(pilot)
        await pilot.press("slash", *"url:healthz", "enter")
        await frame(pilot)
        assert len(app.store.view) == 14
        assert all("healthz" in entry.data["url"] for entry in app.store.view)
        assert factory.source is not None and factory.source.server_filters == []
        text = screen_text(app)
        assert "14 matching of 60 in buffer" in text
        assert "server: —" in text and "here: url:healthz" in text
        assert app.focused is app.stream


async def test_server_terms_go_to_the_engine_and_filter_the_buffer_too(
    make_app: AppMaker,
) -> None:
    app, factory = make_app(entries=proxy_entries(30))
    async with app.run_test(size=(120, 40)) as pilot:
        await frame(pilot)
        await pilot.press("slash", *"level=error method=GET", "enter")
        await frame(pilot)
        assert factory.source is not None
        assert factory.source.server_filters == [{"level": "error"}]
        assert {entry.data["level"] for entry in app.store.view} == {"error"}
        assert {entry.data["method"] for entry in app.store.view} == {"GET"}
        text = screen_text(app)
        assert "server: level=error" in text and "here: method=GET" in text


async def test_an_expression_that_does_not_parse_is_shown_inline_and_not_applied(
    make_app: AppMaker,
) -> None:
    app, _ = make_app(entries=proxy_entries(10))
    async with app.run_test(size=(80, 24)) as pilot:
        await frame(pilot)
        await pilot.press("slash", *"status>=", "enter")
        await frame(pilot)
        text = screen_text(app)
        assert "not applied: " in text and "(column 7)" in text
        assert "^" in text
        assert len(app.store.view) == 20
        assert app.focused is app.filter_input
        assert app.is_running


async def test_up_and_down_recall_earlier_expressions(make_app: AppMaker) -> None:
    app, _ = make_app(entries=proxy_entries(10))
    async with app.run_test(size=(120, 40)) as pilot:
        await frame(pilot)
        await pilot.press("slash", *"level=warn", "enter")
        await pilot.press("slash", "ctrl+a", "ctrl+k", *"url:users", "enter")
        await pilot.press("slash")
        await pilot.press("ctrl+a", "ctrl+k", *"draft")
        await pilot.press("up")
        assert app.filter_input.value == "url:users"
        await pilot.press("up")
        assert app.filter_input.value == "level=warn"
        await pilot.press("down", "down")
        assert app.filter_input.value == "draft"


async def test_a_level_toggle_click_rewrites_the_expression_and_goes_to_the_server(
    make_app: AppMaker,
) -> None:
    app, factory = make_app(entries=proxy_entries(30))
    async with app.run_test(size=(120, 40)) as pilot:
        await frame(pilot)
        for _ in range(4):  # debug, info, warn, error
            await pilot.click("#toggle-level")
        await frame(pilot)
        assert app.filter_input.value == "level=error"
        assert factory.source is not None
        assert factory.source.server_filters[-1] == {"level": "error"}
        assert "level:error" in screen_text(app)
        await pilot.click("#toggle-level")  # back to any
        await frame(pilot)
        assert factory.source.server_filters[-1] == {}
        assert len(app.store.view) == 60


async def test_nextdns_toggles_offer_status_device_and_raw(make_app: AppMaker) -> None:
    app, factory = make_app(SourceKind.NEXTDNS, dns_entries(30),
                            description="http://127.0.0.1:8080/profiles/demo")
    async with app.run_test(size=(120, 40)) as pilot:
        await frame(pilot)
        assert app.toggle_fields == ("status", "device", "raw")
        await pilot.click("#toggle-status")
        await pilot.click("#toggle-status")
        await frame(pilot)
        assert factory.source is not None
        assert factory.source.server_filters[-1] == {"status": "blocked"}
        assert {entry.data["status"] for entry in app.store.view} == {"blocked"}


async def test_initial_server_filters_show_as_an_editable_expression(make_app: AppMaker) -> None:
    app, factory = make_app(entries=proxy_entries(10), initial_filter="level=warn",
                            server_params={"level": "warn"})
    async with app.run_test(size=(120, 40)) as pilot:
        await frame(pilot)
        assert app.filter_input.value == "level=warn"
        assert factory.source is not None and factory.source.server_filters == []
        assert {entry.data["level"] for entry in app.store.view} == {"warn"}


async def test_keys_typed_at_once_after_slash_all_reach_the_filter(make_app: AppMaker) -> None:
    """A pasted or fast-typed ``/level=error`` must not leak ``e`` (export) to the app."""
    app, _ = make_app(entries=proxy_entries(10))
    async with app.run_test(size=(120, 40)) as pilot:
        await frame(pilot)
        for character in "/level=error":
            app.post_message(events.Key("slash" if character == "/" else character, character))
        await pilot.pause()
        assert app.filter_input.value == "level=error"
        assert not isinstance(app.screen, ExportScreen)


async def test_a_path_typed_at_once_into_the_export_dialog_keeps_its_slashes(
    make_app: AppMaker,
) -> None:
    """In a dialog ``/`` is text: typed fast (one terminal read), a path arrives in order."""
    app, _ = make_app(entries=proxy_entries(10))
    async with app.run_test(size=(120, 40)) as pilot:
        await frame(pilot)
        await pilot.press("e")
        await pilot.pause()
        assert isinstance(app.screen, ExportScreen)
        await pilot.press("ctrl+a", "ctrl+k")
        for character in "/tmp/out/x.ndjson":
            app.post_message(events.Key("slash" if character == "/" else character, character))
        await pilot.pause()
        assert app.screen.query_one("#export-path", Input).value == "/tmp/out/x.ndjson"


async def test_a_slash_inside_the_filter_is_just_text(make_app: AppMaker) -> None:
    app, _ = make_app(entries=proxy_entries(10))
    async with app.run_test(size=(120, 40)) as pilot:
        await frame(pilot)
        await pilot.press("slash", *"url~^/v1/", "enter")
        assert app.filter_input.value == "url~^/v1/"
        assert {entry.data["url"][:4] for entry in app.store.view} == {"/v1/"}
