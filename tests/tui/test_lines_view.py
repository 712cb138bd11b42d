"""Lines that repaint only the rows that changed: a row that shows what it showed is not
rendered again, a changed line repaints the rows that changed (no layout unless the row count
changes), items wrap between items, and a new theme or width renders every line again."""

from __future__ import annotations

from typing import Any

import pytest
from textual.app import App, ComposeResult
from textual.content import Content
from textual.geometry import Region
from textual.pilot import Pilot
from textual.visual import Visual
from textual.widget import Widget

from logtui.tui.widgets.lines_view import Items, Line, LinesView


def items(title: str, *values: tuple[str, int]) -> Items:
    return Items((f"{title}: ", "bold"),
                 tuple(((name, ""), (f" {count}", "$accent")) for name, count in values))


def plain(line: Items, width: int) -> list[str]:
    return ["".join(text for text, _ in row) for row in line.rows(width)]


def test_items_wrap_between_items_never_inside_one() -> None:
    line = items("Level", ("info", 177), ("debug", 15), ("warn", 8))
    assert plain(line, 26) == ["Level: info 177 · debug 15", "  warn 8"]
    assert plain(line, 80) == ["Level: info 177 · debug 15 · warn 8"]
    assert plain(line, 5) == ["Level: info 177", "  debug 15", "  warn 8"]


class LinesApp(App[None]):
    def compose(self) -> ComposeResult:
        yield LinesView(id="lines")


def counting(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The plain text of every line rendered from now on."""
    rendered: list[str] = []
    to_strips = Visual.to_strips

    def spy(widget: Widget, visual: Any, *args: Any, **kwargs: Any) -> Any:
        if isinstance(widget, LinesView):
            rendered.append(str(visual))
        return to_strips(widget, visual, *args, **kwargs)

    monkeypatch.setattr(Visual, "to_strips", spy)
    return rendered


def refreshes(monkeypatch: pytest.MonkeyPatch) -> list[tuple[tuple[Region, ...], bool]]:
    """The regions and layout flag of every refresh of a LinesView from now on."""
    calls: list[tuple[tuple[Region, ...], bool]] = []
    refresh = Widget.refresh

    def spy(widget: Widget, *regions: Region, **options: Any) -> Widget:
        if isinstance(widget, LinesView):
            calls.append((regions, bool(options.get("layout"))))
        return refresh(widget, *regions, **options)

    monkeypatch.setattr(Widget, "refresh", spy)
    return calls


async def showing(app: LinesApp, pilot: Pilot[None], lines: list[Line]) -> LinesView:
    """The app's view, once it has drawn ``lines``."""
    view = app.query_one(LinesView)
    view.show_lines(lines)
    await pilot.pause()
    return view


LINES: list[Line] = [
    Content("rate 1.0/s"),
    items("Level", ("info", 90), ("warn", 10)),
    items("Status", ("200", 80), ("404", 20)),
]


async def test_only_a_changed_row_is_rendered_and_repainted(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    app = LinesApp()
    async with app.run_test(size=(30, 10)) as pilot:
        view = await showing(app, pilot, LINES)
        assert view.text.splitlines() == ["rate 1.0/s", "Level: info 90 · warn 10",
                                          "Status: 200 80 · 404 20"]
        rendered, calls = counting(monkeypatch), refreshes(monkeypatch)
        assert not view.show_lines(list(LINES))
        assert rendered == [] and calls == []
        assert view.show_lines([LINES[0], items("Level", ("info", 91), ("warn", 10)), LINES[2]])
        assert rendered == ["Level: info 91 · warn 10"]
        assert calls == [((Region(0, 1, 30, 1),), False)]
        await pilot.pause()
        assert view.text.splitlines()[1] == "Level: info 91 · warn 10"
        assert app.screen.get_widget_at(1, 1)[0] is view
        # A line of two rows whose second row changes: that row alone.
        view.show_lines([LINES[0], items("Level", ("info", 91), ("warn", 10), ("error", 2)),
                         LINES[2]])
        await pilot.pause()
        rendered.clear()
        calls.clear()
        view.show_lines([LINES[0], items("Level", ("info", 91), ("warn", 10), ("error", 3)),
                         LINES[2]])
        assert rendered == ["  error 3"]
        assert calls == [((Region(0, 2, 30, 1),), False)]


async def test_a_line_that_needs_another_row_lays_the_view_out_again(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    app = LinesApp()
    async with app.run_test(size=(30, 10)) as pilot:
        view = await showing(app, pilot, LINES)
        assert view.size.height == 3
        calls = refreshes(monkeypatch)
        view.show_lines([*LINES[:2], items("Status", ("200", 80), ("404", 20), ("500", 3))])
        assert calls[-1] == ((), True)
        await pilot.pause()
        assert view.size.height == 4
        assert view.text.splitlines()[-1] == "  500 3"


async def test_a_new_theme_or_width_renders_every_line_again(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    app = LinesApp()
    async with app.run_test(size=(30, 10)) as pilot:
        view = await showing(app, pilot, LINES)
        accent = view.render_line(1)
        rendered = counting(monkeypatch)
        app.theme = "textual-light" if app.theme != "textual-light" else "nord"
        await pilot.pause()
        assert len(rendered) == 3
        assert view.render_line(1) != accent  # the count's colour is the new theme's
        await pilot.resize_terminal(18, 10)
        await pilot.pause()
        assert view.text.splitlines() == ["rate 1.0/s", "Level: info 90", "  warn 10",
                                          "Status: 200 80", "  404 20"]
