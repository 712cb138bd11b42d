"""Saved views in the dashboard: saving the setup by name, opening one, restoring the last."""

from __future__ import annotations

from pathlib import Path

import pytest

from logtui.core.views import (
    Setup,
    View,
    ViewSource,
    list_views,
    load_last,
    load_view,
    save_view,
)
from logtui.tui.run import save_last_quietly

from .conftest import AppMaker
from .entries import proxy_entries
from .helpers import settle

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
