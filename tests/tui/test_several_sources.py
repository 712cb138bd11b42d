"""The dashboard over several sources at once, on a scripted fleet with a fixed clock."""

from __future__ import annotations

from pathlib import Path

import pytest

from logtui.core.apis.merged import source_colours
from logtui.core.models import ConnectionState, SourceStatus
from logtui.tui.bridge import QueueSink
from logtui.tui.screens.sources import SourcesScreen
from logtui.tui.source import ScriptedFleet

from .conftest import NOW
from .entries import proxy_entries
from .helpers import frame, screen_ansi, screen_text, settle
from .several import REFS, make_fleet_app, mixed_entries, status, tagged

ALL_LIVE = tuple(status(ref.name, ConnectionState.LIVE) for ref in REFS)


def _rgb(colour: str) -> str:
    """A ``#rrggbb`` colour as a truecolor SGR parameter list."""
    red, green, blue = (int(colour[i:i + 2], 16) for i in (1, 3, 5))
    return f"38;2;{red};{green};{blue}"


def _source_rows(app: object) -> list[str | None]:
    return [entry.source for entry in app.store.view]  # type: ignore[attr-defined]


def test_the_bridge_keeps_the_newest_status_of_each_named_source() -> None:
    sink = QueueSink()
    sink.on_status(status("home", ConnectionState.CONNECTING))
    sink.on_status(status("dns", ConnectionState.FAILED, detail="HTTP 403"))
    sink.on_status(status("home", ConnectionState.LIVE))
    drained = sink.drain()
    assert {s.name: s.state for s in drained.statuses} == {
        "home": ConnectionState.LIVE, "dns": ConnectionState.FAILED,
    }
    assert drained.status is not None and drained.status.name == "home"


async def test_rows_name_their_source_in_its_own_colour(tmp_path: Path) -> None:
    app, _ = make_fleet_app(tmp_path, mixed_entries(), ALL_LIVE)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        text = screen_text(app)
        assert "source" in text.splitlines()[3]
        for name in ("home", "office", "dns"):
            assert f" {name} " in text
        ansi = screen_ansi(app)
        for colour in source_colours([ref.name for ref in REFS]).values():
            assert _rgb(colour) in ansi


async def test_a_source_term_keeps_only_that_sources_rows(tmp_path: Path) -> None:
    app, _ = make_fleet_app(tmp_path, mixed_entries(), ALL_LIVE)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert set(_source_rows(app)) == {"home", "office", "dns"}
        app.apply_filter("source=dns")
        await frame(pilot)
        assert set(_source_rows(app)) == {"dns"}
        app.apply_filter("source!=dns")
        await frame(pilot)
        assert set(_source_rows(app)) == {"home", "office"}


async def test_the_server_part_goes_to_each_selected_source_only(tmp_path: Path) -> None:
    app, factory = make_fleet_app(tmp_path, mixed_entries(), ALL_LIVE)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        fleet = factory.source
        assert fleet is not None
        app.apply_filter("source=home level=error")
        await frame(pilot)
        assert fleet.member_filters == [("home", {"level": "error"})]


async def test_a_filter_change_reconnects_only_the_sources_whose_part_changed(
    tmp_path: Path,
) -> None:
    app, factory = make_fleet_app(tmp_path, mixed_entries(), ALL_LIVE)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        fleet = factory.source
        assert fleet is not None
        app.apply_filter("level=error")
        await frame(pilot)
        # NextDNS has no level: nothing is sent to it, and its rows are filtered here.
        assert sorted(fleet.member_filters) == [
            ("home", {"level": "error"}), ("office", {"level": "error"}),
        ]
        assert "dns" not in _source_rows(app)
        fleet.member_filters.clear()
        app.apply_filter("level=error status=blocked")
        await frame(pilot)
        assert fleet.member_filters == [("dns", {"status": "blocked"})]


async def test_the_initial_filter_is_adopted_without_reconnecting_anyone(tmp_path: Path) -> None:
    app, factory = make_fleet_app(tmp_path, mixed_entries(), ALL_LIVE,
                                  initial_filter="level=error")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert factory.source is not None and factory.source.member_filters == []
        assert "dns" not in _source_rows(app)


async def test_the_status_bar_shows_one_dot_per_source_the_worst_first(tmp_path: Path) -> None:
    statuses = (
        status("home", ConnectionState.LIVE),
        status("office", ConnectionState.RECONNECTING, retry_at=NOW + 3, detail="cut"),
        status("dns", ConnectionState.FAILED, detail="HTTP 403 Forbidden: check the API key"),
    )
    app, _ = make_fleet_app(tmp_path, mixed_entries(), statuses)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        lines = screen_text(app).splitlines()
        dots = next(line for line in lines if line.strip().startswith("●"))
        assert dots.index("dns") < dots.index("office") < dots.index("home")
        assert "failed: HTTP 403 Forbidden" in dots
        # Compact at 80 columns: the dots take one line, the counters the next.
        assert "in buffer" in lines[lines.index(dots) + 1]


async def test_one_source_failing_never_stops_the_others(tmp_path: Path) -> None:
    app, factory = make_fleet_app(tmp_path, (), ALL_LIVE)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        fleet = factory.source
        assert fleet is not None
        fleet.push_status_of("dns", status("dns", ConnectionState.FAILED, detail="HTTP 403"))
        fleet.push_from("home", proxy_entries(3))
        await frame(pilot)
        assert _source_rows(app).count("home") == 6
        assert app.status_bar.status.state is ConnectionState.FAILED
        await pilot.press("q")
    assert app.return_value == 0


async def test_quitting_when_every_source_failed_exits_3(tmp_path: Path) -> None:
    failed = tuple(status(ref.name, ConnectionState.FAILED, detail="HTTP 401") for ref in REFS)
    app, _ = make_fleet_app(tmp_path, (), failed)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("q")
    assert app.return_value == 3


async def test_s_opens_each_sources_detail_with_server_text_sanitised(tmp_path: Path) -> None:
    hostile = "refused \x1b]0;pwned\x07[/red] by upstream"
    statuses = (
        status("home", ConnectionState.LIVE, last_event_id="4711", received=120, malformed=2,
               duplicates=3, reconnects=1),
        status("office", ConnectionState.RATE_LIMITED, retry_at=NOW + 42, detail=hostile),
        status("dns", ConnectionState.LIVE, last_event_id="ev000007"),
    )
    app, _ = make_fleet_app(tmp_path, mixed_entries(), statuses)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        fleet = app.source
        assert isinstance(fleet, ScriptedFleet)
        fleet.push_status_of("dns", status("dns", ConnectionState.STALE, detail="no \x1b[2Jdata"))
        await frame(pilot)
        fleet.push_status_of("dns", status("dns", ConnectionState.LIVE, last_event_id="ev9"))
        await frame(pilot)
        await pilot.press("S")
        await pilot.pause()
        assert isinstance(app.screen, SourcesScreen)
        text = screen_text(app)
        assert "resume id 4711" in text and "resume id ev9" in text
        assert "received 120 · malformed 2 · duplicates 3 · reconnects 1" in text
        assert "rate-limited" in text and "[/red] by upstream" in text
        assert "last error at 14:08:20: no" in text and "data" in text
        assert "retry at" in text and "(in 42s)" in text
        assert "\x1b]0;" not in screen_ansi(app)
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, SourcesScreen)


async def test_the_stats_pane_splits_counts_by_source(tmp_path: Path) -> None:
    app, _ = make_fleet_app(tmp_path, mixed_entries(), ALL_LIVE)
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        text = screen_text(app)
        assert "Sources:" in text
        assert "home 12" in text and "office 6" in text and "dns 8" in text
        app.apply_filter("source=dns")
        await frame(pilot)
        text = screen_text(app)
        assert "dns 8" in text and "home 0" in text


async def test_a_late_entry_is_marked_in_its_row(tmp_path: Path) -> None:
    entries = tagged("home", proxy_entries(2))
    entries[-1].late = True
    app, _ = make_fleet_app(tmp_path, entries, ALL_LIVE)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        late_rows = [line for line in screen_text(app).splitlines() if "│ ~" in line]
        assert len(late_rows) == 1


async def test_the_detail_pane_names_the_entrys_source(tmp_path: Path) -> None:
    app, _ = make_fleet_app(tmp_path, mixed_entries(), ALL_LIVE)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("k", "enter")
        await pilot.pause()
        entry = app.detail.entry
        assert entry is not None and entry.source is not None
        assert f"detail · {entry.source}" in screen_text(app)


async def test_with_one_source_s_only_says_so(tmp_path: Path) -> None:
    from logtui.tui import ScriptedSourceFactory, create_app

    app = create_app(ScriptedSourceFactory(statuses=(SourceStatus(kind="proxy", description=""),)),
                     "proxy", clock=lambda: NOW, frame_interval=60.0, export_dir=tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("S")
        await pilot.pause()
        assert not isinstance(app.screen, SourcesScreen)
        assert app.status_bar.sources is None


def test_the_dots_line_stays_one_line_however_narrow() -> None:
    from logtui.tui.widgets.source_dots import SourceDots

    dots = SourceDots([ref.name for ref in REFS], {}, "proxy")
    dots.update([
        status("home", ConnectionState.LIVE),
        status("office", ConnectionState.STALE),
        status("dns", ConnectionState.FAILED, detail="HTTP 403 Forbidden " * 8),
    ], NOW)
    for width in (200, 80, 60, 40, 30, 20):
        line = dots.line(NOW, width)
        assert "\n" not in line.plain and line.cell_length <= width, width
        assert "dns" in line.plain and "failed" in line.plain, width


@pytest.mark.parametrize("theme", ["textual-dark", "textual-light"])
async def test_source_names_stay_readable_on_dark_and_light_themes(
    tmp_path: Path, theme: str,
) -> None:
    from .test_theme_contrast import MIN_TEXT_CONTRAST, contrast

    app, _ = make_fleet_app(tmp_path, mixed_entries(), ALL_LIVE)
    async with app.run_test(size=(120, 40)) as pilot:
        app.theme = theme
        await settle(pilot)
        stream = app.stream
        seen: dict[str, float] = {}
        for y in range(1, 12):
            for segment in stream.render_line(y):
                name = segment.text.strip()
                if name in {"home", "office", "dns"} and segment.style is not None:
                    seen[name] = contrast(segment.style)
        assert set(seen) == {"home", "office", "dns"}
        assert min(seen.values()) >= MIN_TEXT_CONTRAST, seen


def test_leaving_names_each_failed_source_and_exits_3_only_if_all_failed(
    capsys: pytest.CaptureFixture[str],
) -> None:
    from types import SimpleNamespace
    from typing import Any

    from logtui.core.errors import AuthError
    from logtui.tui.run import fleet_exit_code

    refused: Any = SimpleNamespace(error=AuthError("HTTP 403 \x1b]0;pwned\x07: set the token"))
    fine: Any = SimpleNamespace(error=None)
    assert fleet_exit_code({"home": fine, "dns": refused}, 0) == 0
    err = capsys.readouterr().err
    assert "logtui: dns: HTTP 403" in err and "\x1b" not in err and "home" not in err
    assert fleet_exit_code({"home": refused, "dns": refused}, 0) == 3


async def test_the_source_chip_cycles_through_the_sources(tmp_path: Path) -> None:
    app, _ = make_fleet_app(tmp_path, mixed_entries(), ALL_LIVE)
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        assert "source" in app.toggle_fields
        app.action_cycle_toggle("source")
        await frame(pilot)
        assert app.filter_bar.expression == "source=home"
        assert set(_source_rows(app)) == {"home"}
        app.action_cycle_toggle("source")
        await frame(pilot)
        assert app.filter_bar.expression == "source=office"


async def test_the_palette_says_the_source_toggle_filters_here_not_on_a_server(
    tmp_path: Path,
) -> None:
    from logtui.tui.commands import DashboardCommands

    app, _ = make_fleet_app(tmp_path, mixed_entries(), ALL_LIVE)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        hits = {hit.text: hit.help async for hit in DashboardCommands(app.screen).discover()}
    help_text = hits["Toggle source filter"]
    assert help_text is not None
    assert "server" not in help_text and "applied here" in help_text
