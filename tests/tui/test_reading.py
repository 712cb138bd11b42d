"""Reading rows as an lnav user would: zone, sideways scroll, wrap, search, marks, copy, open."""

from __future__ import annotations

import contextlib
import json
import time
from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest
from rich.style import Style

from logtui.core.models import SourceKind
from logtui.tui.clipboard import tmux_blocks_osc52
from logtui.tui.pager import entry_document, pager_command
from logtui.tui.rows import MARK, RowRenderer
from logtui.tui.screens import FieldPicker
from logtui.tui.search import Highlight, compile_query, filter_highlights

from .conftest import AppMaker
from .entries import entry, proxy_entries
from .helpers import frame, screen_text

LONG_URL = "/v1/reports/" + "abcdefghij" * 12 + "/END"


def _long_entries() -> list:  # type: ignore[type-arg]
    rows = proxy_entries(10)
    data = dict(rows[-1].data)
    data["url"] = LONG_URL
    return [*rows[:-1], entry(data)]


@pytest.fixture
def two_hours_east(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The machine's local zone is UTC+2 (POSIX writes that Etc/GMT-2)."""
    monkeypatch.setenv("TZ", "Etc/GMT-2")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def _stream_lines(app: object) -> list[str]:
    return [line for line in screen_text(app).splitlines() if line.startswith("│")]  # type: ignore[arg-type]


# --- time zone ----------------------------------------------------------------------------


async def test_z_switches_the_time_column_between_utc_and_local_and_says_which(
    make_app: AppMaker, two_hours_east: None
) -> None:
    app, _ = make_app(entries=proxy_entries(5))
    async with app.run_test(size=(120, 40)) as pilot:
        await frame(pilot)
        text = screen_text(app)
        assert "time UTC" in text and "14:07:1" in text
        await pilot.press("z")
        await frame(pilot)
        text = screen_text(app)
        assert "time local" in text and "16:07:1" in text and "14:07:1" not in text


async def test_a_time_of_day_filter_is_read_in_the_zone_the_screen_shows(
    make_app: AppMaker, two_hours_east: None
) -> None:
    # Entries run 14:07:14-14:07:19 UTC; the screen shows UTC, so 14:07:17 means UTC too
    # (read as local time it would be 12:07:17 UTC, and keep every entry).
    app, _ = make_app(entries=proxy_entries(20))
    async with app.run_test(size=(120, 40)) as pilot:
        await frame(pilot)
        await pilot.press("slash", *"time>=14:07:17", "enter")
        await frame(pilot)
        kept = len(app.store.view)
        assert 0 < kept < 40
        await pilot.press("z")  # local: 14:07:17 is now 12:07:17 UTC, before every entry
        await frame(pilot)
        assert len(app.store.view) == 40


async def test_the_detail_panes_trace_shows_times_in_the_same_zone(
    make_app: AppMaker, two_hours_east: None
) -> None:
    app, _ = make_app(entries=proxy_entries(5))
    async with app.run_test(size=(120, 40)) as pilot:
        await frame(pilot)
        await pilot.press("k", "enter", "z")
        await frame(pilot)
        trace = str(app.query_one("#detail-trace").render())
        assert "▶ 16:07:" in trace and "14:07:" not in trace


async def test_the_status_bar_says_when_a_wait_ends_in_the_same_zone(
    make_app: AppMaker, two_hours_east: None
) -> None:
    from logtui.core.models import ConnectionState, SourceStatus

    from .conftest import NOW

    limited = SourceStatus(kind=SourceKind.PROXY, description="proxy",
                           state=ConnectionState.RATE_LIMITED, retry_at=NOW + 42)
    app, _ = make_app(entries=proxy_entries(3), statuses=[limited])
    async with app.run_test(size=(120, 40)) as pilot:
        await frame(pilot)
        assert "rate-limited until 14:09:02" in screen_text(app)
        await pilot.press("z")
        await frame(pilot)
        assert "rate-limited until 16:09:02" in screen_text(app)


async def test_the_export_file_name_uses_the_screens_zone(
    make_app: AppMaker, two_hours_east: None
) -> None:
    app, _ = make_app(entries=proxy_entries(3))
    async with app.run_test(size=(120, 40)) as pilot:
        await frame(pilot)
        await pilot.press("e")
        await pilot.pause()
        assert app.screen.query_one("#export-path").value.endswith(  # type: ignore[attr-defined]
            "logtui-proxy-20240612-140820Z.ndjson")
        await pilot.press("escape", "z", "e")
        await pilot.pause()
        assert app.screen.query_one("#export-path").value.endswith(  # type: ignore[attr-defined]
            "logtui-proxy-20240612-160820.ndjson")


# --- sideways scroll and wrap -------------------------------------------------------------


async def test_right_scrolls_the_row_text_sideways_and_the_time_stays(
    make_app: AppMaker,
) -> None:
    app, _ = make_app(entries=_long_entries())
    async with app.run_test(size=(120, 40)) as pilot:
        await frame(pilot)
        assert not any("/END" in line for line in _stream_lines(app))
        await pilot.press(*["right"] * 30)
        await frame(pilot)
        lines = _stream_lines(app)
        row = next(line for line in lines if "/END" in line)
        assert row.startswith("│  14:07:16.299 ")  # the time column is pinned
        assert app.stream.sideways > 0 and "→" in screen_text(app)
        await pilot.press(*["h"] * 30)
        await frame(pilot)
        assert app.stream.sideways == 0


async def test_w_wraps_a_long_row_over_several_lines_and_the_cursor_moves_by_entry(
    make_app: AppMaker,
) -> None:
    app, _ = make_app(entries=_long_entries())
    async with app.run_test(size=(120, 40)) as pilot:
        await frame(pilot)
        await pilot.press("w")
        await frame(pilot)
        lines = _stream_lines(app)
        assert any("/END" in line for line in lines)
        start = next(i for i, line in enumerate(lines) if "/v1/reports/" in line)
        end = next(i for i, line in enumerate(lines) if "/END" in line)
        assert end > start  # one entry, several screen lines
        await pilot.press("k")
        newest = app.stream.selected_entry
        assert newest is not None and newest.data["url"] == LONG_URL
        await pilot.press("k")
        above = app.stream.selected_entry
        assert above is not None and above.seq == newest.seq - 1
        await pilot.press("w")
        await frame(pilot)
        assert not any("/END" in line for line in _stream_lines(app))


# --- search and highlights ----------------------------------------------------------------


async def test_search_counts_matches_without_hiding_rows_and_n_jumps_between_them(
    make_app: AppMaker,
) -> None:
    app, _ = make_app(entries=proxy_entries(20))
    async with app.run_test(size=(120, 40)) as pilot:
        await frame(pilot)
        await pilot.press("ctrl+f", *"INVOICES")
        await frame(pilot)
        assert len(app.store.view) == 40  # nothing hidden
        assert app.stream.search_matches == 10
        assert "10 matches" in screen_text(app)
        await pilot.press("enter")
        first = app.stream.selected_entry
        assert first is not None and first.data["url"] == "/v1/invoices"
        await pilot.press("N")
        second = app.stream.selected_entry
        assert second is not None and second.data["url"] == "/v1/invoices"
        assert second.seq < first.seq
        await pilot.press("n")
        assert app.stream.selected_entry is first


def test_search_and_filter_terms_are_highlighted_in_the_row() -> None:
    marked = Style(bold=True)
    renderer = RowRenderer(SourceKind.PROXY, lambda key: marked if "match" in key else Style())
    renderer.resize(120)
    renderer.observe(proxy_entries(2))
    pattern = compile_query("INVOICES")
    assert pattern is not None
    renderer.highlights = (Highlight(pattern, "search-match"),
                           *filter_highlights("service:billing -level=error status>=500"))
    row = renderer.row(proxy_entries(2)[2])
    lit = {row.plain[span.start:span.end] for span in row.spans if span.style == marked}
    assert lit == {"invoices", "billing"}


def test_a_search_starting_with_tilde_is_a_regex() -> None:
    pattern = compile_query("~inv.ices$")
    assert pattern is not None and pattern.search("/v1/INVOICES")
    literal = compile_query("inv.ices")
    assert literal is not None and not literal.search("/v1/invoices")


# --- marks --------------------------------------------------------------------------------


async def test_marks_show_in_the_margin_survive_a_filter_and_brackets_jump_to_them(
    make_app: AppMaker,
) -> None:
    app, _ = make_app(entries=proxy_entries(20))
    async with app.run_test(size=(120, 40)) as pilot:
        await frame(pilot)
        await pilot.press("k", "m")
        newest = app.stream.selected_entry
        await pilot.press("k", "k", "k", "k", "m")
        older = app.stream.selected_entry
        assert newest is not None and older is not None
        await frame(pilot)
        assert sum(line.startswith(f"│{MARK}") for line in _stream_lines(app)) == 2
        await pilot.press("slash", *"kind=response", "enter")  # both marks are responses
        await frame(pilot)
        await pilot.press("g", "right_square_bracket")
        assert app.stream.selected_entry is older
        await pilot.press("right_square_bracket")
        assert app.stream.selected_entry is newest
        await pilot.press("left_square_bracket")
        assert app.stream.selected_entry is older


async def test_the_time_from_the_mark_above_is_shown(make_app: AppMaker) -> None:
    app, _ = make_app(entries=proxy_entries(20))
    async with app.run_test(size=(120, 40)) as pilot:
        await frame(pilot)
        await pilot.press("k", "k", "k", "m")
        mark = app.stream.selected_entry
        await pilot.press("j", "j")
        await frame(pilot)
        selected = app.stream.selected_entry
        assert mark is not None and selected is not None
        delta = (selected.data["tsMs"] - mark.data["tsMs"]) / 1000
        assert delta > 0
        assert f"1 mark · +{delta:.3f} s from mark" in screen_text(app)


# --- copy and open ------------------------------------------------------------------------


async def test_copy_says_it_went_via_osc52(make_app: AppMaker,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TMUX", raising=False)
    app, _ = make_app(entries=proxy_entries(3))
    async with app.run_test(size=(120, 40)) as pilot:
        await frame(pilot)
        await pilot.press("k", "c")
        await pilot.pause()
        messages = [n.message for n in app._notifications]
        assert any("to the clipboard via OSC 52" in message for message in messages)


def test_inside_tmux_with_set_clipboard_off_a_copy_is_flagged() -> None:
    asked: list[list[str]] = []

    def probe(command: list[str]) -> str:
        asked.append(command)
        return "off\n"

    assert tmux_blocks_osc52({"TMUX": "/tmp/tmux-0/default,1,0"}, probe)
    assert asked == [["tmux", "show", "-gv", "set-clipboard"]]
    assert not tmux_blocks_osc52({"TMUX": "x"}, lambda command: "external\n")
    assert not tmux_blocks_osc52({}, probe)


async def test_shift_c_copies_the_value_of_the_field_picked(make_app: AppMaker) -> None:
    app, _ = make_app(entries=proxy_entries(3))
    async with app.run_test(size=(120, 40)) as pilot:
        await frame(pilot)
        await pilot.press("k", "C")
        await pilot.pause()
        selected = app.stream.selected_entry
        assert selected is not None
        assert isinstance(app.screen, FieldPicker)
        paths = [path for path, _ in app.screen._fields]
        await pilot.press(*["down"] * paths.index("data.durationMs"), "enter")
        await pilot.pause()
        assert app.clipboard == str(selected.data["data"]["durationMs"])
        assert any("data.durationMs" in n.message and "OSC 52" in n.message
                   for n in app._notifications)


async def test_o_opens_the_entry_as_pretty_json_in_the_pager_with_the_app_suspended(
    make_app: AppMaker, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PAGER", "most -s")
    app, _ = make_app(entries=proxy_entries(3))
    seen: list[tuple[bool, Sequence[str], str]] = []
    suspended = [False]

    @contextlib.contextmanager
    def suspend() -> Iterator[None]:
        suspended[0] = True
        yield
        suspended[0] = False

    def run(command: Sequence[str]) -> None:
        seen.append((suspended[0], command, Path(command[-1]).read_text(encoding="utf-8")))

    monkeypatch.setattr(app, "suspend", suspend)
    monkeypatch.setattr(app, "_run_pager", run)
    async with app.run_test(size=(120, 40)) as pilot:
        await frame(pilot)
        await pilot.press("k", "o")
        selected = app.stream.selected_entry
        assert selected is not None
    [(was_suspended, command, text)] = seen
    assert was_suspended and list(command[:2]) == ["most", "-s"]
    assert json.loads(text) == dict(selected.data) and text.startswith("{\n  ")
    assert not Path(command[-1]).exists()  # noqa: ASYNC240 (the temporary file is removed)


def test_the_pager_is_pager_then_editor_then_less() -> None:
    assert pager_command({"PAGER": "less -R", "EDITOR": "vi"}) == ["less", "-R"]
    assert pager_command({"PAGER": " ", "EDITOR": "vi"}) == ["vi"]
    assert pager_command({}) == ["less"]


def test_a_non_json_entry_reaches_the_pager_sanitised() -> None:
    hostile = entry({"message": "x"})
    hostile.raw, hostile.is_json = "ok \x1b]52;c;ZXZpbA==\x07 done", False
    assert "\x1b" not in entry_document(hostile)


# --- keys ---------------------------------------------------------------------------------


def test_the_palette_offers_the_stream_pane_reading_actions() -> None:
    from logtui.tui.commands import palette_commands

    actions = {command.action for command in palette_commands()}
    assert {"stream('toggle_wrap')", "stream('toggle_mark')", "stream('next_match')",
            "search", "toggle_zone", "open_entry", "copy_field"} <= actions


async def test_the_new_keys_can_be_remapped(make_app: AppMaker) -> None:
    app, _ = make_app(entries=proxy_entries(3), keymap={"stream.mark": "x", "logtui.zone": "u"})
    async with app.run_test(size=(120, 40)) as pilot:
        await frame(pilot)
        await pilot.press("k", "x", "u")
        selected = app.stream.selected_entry
        assert selected is not None and selected in app.stream.marks
        assert app.stream.zone == "local"


async def test_a_search_regex_that_does_not_compile_is_said_and_breaks_nothing(
    make_app: AppMaker,
) -> None:
    app, _ = make_app(entries=proxy_entries(5))
    async with app.run_test(size=(120, 40)) as pilot:
        await frame(pilot)
        await pilot.press("ctrl+f", *"~[v1")
        await frame(pilot)
        assert "search: not a regular expression" in screen_text(app)
        assert len(app.store.view) == 10


async def test_wrapped_and_following_the_newest_entry_stays_in_view(make_app: AppMaker) -> None:
    app, factory = make_app(entries=proxy_entries(5))
    async with app.run_test(size=(120, 40)) as pilot:
        await frame(pilot)
        await pilot.press("w")
        rows = _long_entries()
        for number, row in enumerate(rows * 3):
            data = dict(row.data)
            data["id"] = 1000 + number
            factory.source.push([entry(data)])  # type: ignore[union-attr]
        await frame(pilot)
        assert app.stream.following
        lines = _stream_lines(app)
        assert "/END" in lines[-1] or "/END" in lines[-2]  # the newest entry's last line


async def test_a_mark_on_an_evicted_entry_is_forgotten(make_app: AppMaker) -> None:
    app, factory = make_app(entries=proxy_entries(5), buffer=12)
    async with app.run_test(size=(120, 40)) as pilot:
        await frame(pilot)
        await pilot.press("g", "m")
        assert len(app.stream.marks) == 1
        factory.source.push(proxy_entries(10)[10:])  # type: ignore[union-attr]
        await frame(pilot)
        assert len(app.stream.marks) == 0


def test_columns_take_the_width_their_values_need_up_to_a_cap_and_only_grow() -> None:
    renderer = RowRenderer(SourceKind.NEXTDNS, lambda key: Style())
    renderer.resize(120)
    quiet = entry({"timestamp": "2024-06-12T14:07:14Z", "domain": "a.example", "status": "default",
                   "reasons": [], "device": {"name": "tv"}, "protocol": "DNS-over-HTTPS"})
    assert renderer.observe([quiet])
    header = renderer.header().plain
    assert "reasons domain" in header  # no reason seen: the column is as wide as its name
    loud = entry({**quiet.data, "reasons": [{"id": "x", "name": "blocklist:oisd-full"}] * 3})
    assert renderer.observe([loud])
    assert "reasons        domain" in renderer.header().plain  # grown to its cap, 14
    assert not renderer.observe([quiet])  # never shrinks back
    row = renderer.row(loud).plain
    assert " blocklist:ois… " in row  # a value past the cap is cut with an ellipsis


async def test_a_pager_that_does_not_exist_is_said_and_the_dashboard_comes_back(
    make_app: AppMaker, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PAGER", "/nonexistent/pager")
    app, _ = make_app(entries=proxy_entries(3))
    resumed: list[bool] = []

    @contextlib.contextmanager
    def suspend() -> Iterator[None]:
        yield  # like Textual's: no finally, so an error escaping the block skips the resume
        resumed.append(True)

    monkeypatch.setattr(app, "suspend", suspend)
    async with app.run_test(size=(120, 40)) as pilot:
        await frame(pilot)
        await pilot.press("k", "o")
        await pilot.pause()
        assert resumed == [True]
        assert any("Could not open a pager" in n.message for n in app._notifications)


async def test_reading_keys_do_nothing_under_a_dialog(make_app: AppMaker) -> None:
    """Only priority bindings reach under a modal screen; these keys are not priority."""
    app, _ = make_app(entries=proxy_entries(3))
    async with app.run_test(size=(120, 40)) as pilot:
        await frame(pilot)
        await pilot.press("k", "C")
        await pilot.pause()
        picker = app.screen
        assert isinstance(picker, FieldPicker)
        await pilot.press("C", "z", "ctrl+f")
        await pilot.pause()
        assert app.screen is picker and app.stream.zone == "utc"
