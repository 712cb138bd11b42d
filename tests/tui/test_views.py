"""Saved views in the dashboard: saving the setup by name, opening one, restoring the last."""

from __future__ import annotations

from pathlib import Path

import pytest

from logtui.core.column_prefs import ColumnChoice, build_columns
from logtui.core.columns import Column
from logtui.core.views import (
    Setup,
    View,
    ViewSource,
    list_views,
    load_last,
    load_view,
    save_view,
)
from logtui.tui.rows import ordered
from logtui.tui.run import save_last_quietly
from logtui.tui.screens.columns import ColumnChooser

from .conftest import AppMaker
from .entries import proxy_entries
from .helpers import screen_text, settle

SOURCE = ViewSource("proxy", "http://127.0.0.1:8080/api/proxy-logs")


@pytest.fixture(autouse=True)
def config_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "config"
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home))
    return home


async def test_v_saves_the_filter_zone_theme_and_panes_by_name(make_app: AppMaker) -> None:
    app, _ = make_app(entries=proxy_entries(20), view_source=SOURCE)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert app.apply_filter("status>=500")
        await pilot.press("z", "s")
        app.theme = "textual-light"
        await pilot.press("v", *"errors", "enter")
        await settle(pilot)
    view = load_view("errors")
    assert view.source == SOURCE
    assert view.setup.filter == "status>=500"
    assert view.setup.zone == "local"
    assert view.setup.theme == "textual-light"
    assert view.setup.stats is False and view.setup.detail is False


async def test_a_bad_name_is_refused_in_the_dialog(make_app: AppMaker) -> None:
    app, _ = make_app(view_source=SOURCE)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("v", *"../x", "enter")
        await settle(pilot)
        assert "must be 1-64 letters" in str(app.screen.query_one("#view-name-problem")
                                             .render())
        await pilot.press("escape")
    assert list_views() == []


async def test_a_setup_opens_with_its_filter_zone_theme_and_panes(make_app: AppMaker) -> None:
    setup = Setup(filter="status>=500", zone="local", theme="textual-light", stats=False,
                  detail=True)
    app, _ = make_app(entries=proxy_entries(20), setup=setup, view_source=SOURCE)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert app.outcome is not None and app.outcome.expression == "status>=500"
        assert app.stream.zone == "local" and app.status_bar.zone == "local"
        assert app.theme == "textual-light"
        assert not app.stats_pane.display and app.detail.display


async def test_the_setup_left_is_kept_for_the_next_time(make_app: AppMaker) -> None:
    """Read as the user quits, while the panes still say what shows (the stats pane shows at
    120 columns, the detail pane was opened)."""
    app, _ = make_app(entries=proxy_entries(5), view_source=SOURCE)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert app.apply_filter("method=GET")
        await pilot.press("z", "d", "q")
        await settle(pilot)
    assert app.final_setup is not None
    save_last_quietly(SOURCE, app.final_setup)
    restored = load_last(SOURCE)
    assert restored is not None
    assert (restored.filter, restored.zone) == ("method=GET", "local")
    assert (restored.stats, restored.detail) == (True, True)


async def test_open_view_from_the_palette_applies_it(make_app: AppMaker) -> None:
    save_view(View("slow", Setup(filter="status>=400", zone="local", stats=False), SOURCE))
    app, _ = make_app(entries=proxy_entries(20), view_source=SOURCE)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p", *"Open view", "enter")
        await settle(pilot)
        await pilot.press("enter")  # the first (only) view
        await settle(pilot)
        assert app.outcome is not None and app.outcome.expression == "status>=400"
        assert app.stream.zone == "local"
        assert not app.stats_pane.display


async def test_a_view_of_another_source_closes_the_dashboard_to_open_it(
    make_app: AppMaker
) -> None:
    other = ViewSource("nextdns", "abc123")
    save_view(View("dns", Setup(filter="status=blocked"), other))
    app, _ = make_app(entries=proxy_entries(5), view_source=SOURCE)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert app.apply_filter("method=GET")
        app.action_open_view()
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
    assert app.open_next == "dns"
    assert app.return_code == 0
    assert app.final_setup is not None and app.final_setup.filter == "method=GET"


async def test_without_a_command_a_view_of_another_source_is_only_named(
    make_app: AppMaker
) -> None:
    save_view(View("dns", Setup(filter="status=blocked"), ViewSource("nextdns", "abc123")))
    app, _ = make_app(entries=proxy_entries(5))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        app.action_open_view()
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert app.outcome is None and app.open_next is None
        assert any("logtui --view dns" in str(n.message) for n in app._notifications)


def test_a_restored_filter_starts_the_source_with_its_server_terms() -> None:
    """So the stream opens filtered, rather than opening wide and reconnecting at once."""
    from logtui.core.sources import SourceConfig
    from logtui.tui.run import build_dashboard

    config = SourceConfig(kind="proxy", url="http://127.0.0.1:9/api/proxy-logs")
    app, _ = build_dashboard(config, setup=Setup(filter="level=error method=GET"),
                             remember=SOURCE)
    assert app.server_params == {"level": "error"}
    assert app._initial_filter == "level=error method=GET"
    given = SourceConfig(kind="proxy", url=config.url, filters={"level": "warn"})
    app, _ = build_dashboard(given, setup=Setup(filter="level=error"))
    assert app.server_params == {"level": "warn"}  # the command line's filter wins


def _layout(columns: tuple[Column, ...]) -> list[tuple[str, int]]:
    """Columns by name and width (a payload field's reader is a new closure each time)."""
    return [(column.name, column.width) for column in columns]


def _header(text: str) -> str:
    return next(line for line in text.splitlines() if "time UTC" in line)


async def test_a_view_saved_with_chosen_columns_opens_them_in_a_fresh_dashboard(
    make_app: AppMaker, config_home: Path
) -> None:
    app, _ = make_app(entries=proxy_entries(20), view_source=SOURCE)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("vertical_line")
        chooser = app.screen
        assert isinstance(chooser, ColumnChooser)
        await pilot.press("down", "x")  # level goes
        await pilot.press("right", "right")  # the next one is made wider
        await pilot.press("a", *"data.bytesOut", "enter")
        await settle(pilot)
        chosen = tuple(chooser.choices)
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("v", *"narrow", "enter")
        await settle(pilot)
    assert any(choice.width is not None for choice in chosen)
    assert "level" not in [choice.field for choice in chosen]
    saved = load_view("narrow").setup
    assert saved.columns == tuple(choice.field for choice in chosen)
    assert saved.widths == tuple((c.field, c.width) for c in chosen if c.width is not None)
    (config_home / "logtui" / "columns.json").unlink()  # only the view knows them now

    fresh, _ = make_app(entries=proxy_entries(20), view_source=SOURCE)
    async with fresh.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert "level" in _header(screen_text(fresh))
        fresh.action_open_view()
        await settle(pilot)
        await pilot.press("enter")  # the first (only) view
        await settle(pilot)
        assert _layout(fresh.stream.columns) == _layout(ordered(build_columns("proxy", chosen)))
        header = _header(screen_text(fresh))
        assert "level" not in header and "data.bytesOut" in header


async def test_the_last_setup_opens_with_its_columns_and_their_widths(
    make_app: AppMaker,
) -> None:
    setup = Setup(columns=("time", "status", "data.bytesOut", "url"), widths=(("status", 9),))
    app, _ = make_app(entries=proxy_entries(20), setup=setup, view_source=SOURCE)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        expected = (ColumnChoice("time"), ColumnChoice("status", 9),
                    ColumnChoice("data.bytesOut"), ColumnChoice("url"))
        assert _layout(app.stream.columns) == _layout(ordered(build_columns("proxy", expected)))
        await pilot.press("q")
        await settle(pilot)
    assert app.final_setup is not None
    assert (app.final_setup.columns, app.final_setup.widths) == (setup.columns, setup.widths)


async def test_a_view_column_that_cannot_be_a_field_is_left_out_and_named(
    make_app: AppMaker,
) -> None:
    setup = Setup(columns=("time", "[red]x", "url"))
    app, _ = make_app(entries=proxy_entries(5), setup=setup, view_source=SOURCE)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert [column.name for column in app.stream.columns] == ["time", "url"]
        assert any("is not a field name" in str(n.message) for n in app._notifications)
