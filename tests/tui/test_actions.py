"""Keys and actions: detail and trace, copy, export, reconnect, panes, help, palette, keymap."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from textual.worker import WorkerFailed

from logtui.core.errors import ConfigError
from logtui.tui.actions import APP_ACTIONS
from logtui.tui.commands import DashboardCommands, palette_commands
from logtui.tui.export import write_ndjson
from logtui.tui.screens import ExportScreen, HelpScreen

from .conftest import AppMaker
from .entries import proxy_entries
from .helpers import frame, screen_text


def _read_lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").splitlines()


def _names(directory: Path) -> list[str]:
    return sorted(path.name for path in directory.iterdir())


async def test_enter_opens_the_detail_with_pretty_json_and_the_trace(make_app: AppMaker) -> None:
    app, _ = make_app(entries=proxy_entries(20))
    async with app.run_test(size=(120, 40)) as pilot:
        await frame(pilot)
        await pilot.press("k", "enter")
        await frame(pilot)
        assert app.detail.display
        selected = app.stream.selected_entry
        assert selected is not None and app.detail.entry is selected
        text = screen_text(app)
        assert '"traceId": "trace-0019"' in text
        assert "trace trace-0019" in text
        assert "request GET 200 /healthz" in text  # the other half of the trace


async def test_t_filters_the_stream_to_the_selected_trace(make_app: AppMaker) -> None:
    app, _ = make_app(entries=proxy_entries(20))
    async with app.run_test(size=(120, 40)) as pilot:
        await frame(pilot)
        await pilot.press("k", "k", "k", "enter", "t")
        await frame(pilot)
        assert app.filter_input.value == "traceId=trace-0018"
        assert [entry.data["kind"] for entry in app.store.view] == ["request", "response"]


async def test_c_copies_the_selected_entry_as_json(make_app: AppMaker) -> None:
    app, _ = make_app(entries=proxy_entries(5))
    async with app.run_test(size=(120, 40)) as pilot:
        await frame(pilot)
        await pilot.press("k", "c")
        selected = app.stream.selected_entry
        assert selected is not None
        assert json.loads(app.clipboard) == dict(selected.data)


async def test_e_exports_the_filtered_view_to_the_path_asked(
    make_app: AppMaker, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app, _ = make_app(entries=proxy_entries(20))
    monkeypatch.chdir(tmp_path)  # a short relative path to type, with a slash in it
    target = tmp_path / "errors.ndjson"
    async with app.run_test(size=(120, 40)) as pilot:
        await frame(pilot)
        await pilot.press("slash", *"level=error", "enter")
        await pilot.press("e")
        await pilot.pause()
        assert isinstance(app.screen, ExportScreen)
        # typed as a user would: the slashes of a path are text here, not the filter key
        await pilot.press("ctrl+a", "ctrl+k", *"./errors.ndjson", "enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
    lines = _read_lines(target)
    assert len(lines) == 3
    assert all(json.loads(line)["level"] == "error" for line in lines)
    assert _names(tmp_path) == ["errors.ndjson"]  # no temporary file left behind


async def test_esc_cancels_an_export(make_app: AppMaker, tmp_path: Path) -> None:
    app, _ = make_app(entries=proxy_entries(3))
    async with app.run_test(size=(80, 24)) as pilot:
        await frame(pilot)
        await pilot.press("e", "escape")
        await pilot.pause()
        assert not isinstance(app.screen, ExportScreen)
    assert _names(tmp_path) == []


async def test_r_asks_the_source_to_reconnect_now(make_app: AppMaker) -> None:
    app, factory = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("r")
        assert factory.source is not None and factory.source.reconnects == 1


async def test_s_and_d_show_and_hide_the_side_panes(make_app: AppMaker) -> None:
    app, _ = make_app(entries=proxy_entries(5))
    async with app.run_test(size=(120, 40)) as pilot:
        await frame(pilot)
        assert app.stats_pane.display and not app.detail.display
        await pilot.press("s")
        assert not app.stats_pane.display
        assert not app.query_one("#side").display
        await pilot.press("d")
        assert app.detail.display and app.query_one("#side").display
        await pilot.press("d", "s")
        assert app.stats_pane.display and not app.detail.display


async def test_question_mark_lists_every_key(make_app: AppMaker) -> None:
    app, _ = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        text = screen_text(app)
        for _ in range(8):  # the help is longer than a screen: read it a page at a time
            await pilot.press("pagedown")
            await pilot.pause()
            text += screen_text(app)
        for action in APP_ACTIONS:
            assert action.id in text
        for keys in ("down / j", "pgdn", "pgup", "g / home", "end / f", "ctrl+p"):
            assert keys in text
        await pilot.press("escape")
        assert not isinstance(app.screen, HelpScreen)


async def test_the_command_palette_offers_every_action(make_app: AppMaker) -> None:
    app, _ = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        provider = DashboardCommands(app.screen)
        titles = [hit.text async for hit in provider.discover()]
        assert titles == [command.title for command in palette_commands(app.toggle_fields)]
        assert {action.title for action in APP_ACTIONS} <= set(titles)
        hits = [hit async for hit in provider.search("reconn")]
        assert hits and hits[0].text == "Reconnect"
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"Stats", "enter")
        await pilot.pause()
        assert not app.stats_pane.display


async def test_bindings_are_remapped_by_id_through_a_keymap(make_app: AppMaker) -> None:
    app, factory = make_app(keymap={"logtui.reconnect": "ctrl+r", "logtui.pause": "p"})
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("ctrl+r")
        assert factory.source is not None and factory.source.reconnects == 1
        await pilot.press("p")
        assert not app.stream.following


async def test_q_quits_and_stops_the_source(make_app: AppMaker) -> None:
    app, factory = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("q")
        await pilot.pause()
    assert app.return_code == 0 and app.return_value == 0
    assert factory.source is not None and factory.source.stopped


def test_an_export_gets_ordinary_permissions_and_replaces_the_target_whole(
    tmp_path: Path,
) -> None:
    target = tmp_path / "out.ndjson"
    target.write_text("old\n", encoding="utf-8")
    assert write_ndjson(target, proxy_entries(2)) == 4
    assert len(_read_lines(target)) == 4
    umask = os.umask(0)
    os.umask(umask)
    assert target.stat().st_mode & 0o777 == 0o666 & ~umask  # not mkstemp's private 0600
    assert _names(tmp_path) == ["out.ndjson"]


def test_an_export_to_a_missing_directory_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="does not exist"):
        write_ndjson(tmp_path / "nowhere" / "out.ndjson", proxy_entries(1))


async def test_a_failed_export_is_reported_and_the_dashboard_keeps_running(
    make_app: AppMaker, tmp_path: Path
) -> None:
    app, _ = make_app(entries=proxy_entries(3))
    async with app.run_test(size=(120, 40)) as pilot:
        await frame(pilot)
        worker = app.export_view(tmp_path / "missing" / "out.ndjson", list(app.store.view))
        with pytest.raises(WorkerFailed):
            await worker.wait()
        await pilot.pause()
        assert app.is_running
        messages = [toast.message for toast in app._notifications]
        assert any(message.startswith("Export failed: cannot export") for message in messages)
