"""Every built-in theme, dark and light, keeps the dashboard readable: the selected row on a
warn row, ordinary and muted rows, the header and the pane borders."""

from __future__ import annotations

import pytest
from rich.color import Color
from rich.segment import Segment
from rich.style import Style
from textual.theme import BUILTIN_THEMES

from logtui.tui.widgets.stream_view import StreamView

from .conftest import AppMaker
from .entries import proxy_entries
from .helpers import frame

THEMES = sorted(BUILTIN_THEMES)
MIN_CURSOR_CONTRAST = 4.5
"""WCAG's ratio for normal text: the selected row must be as readable as body text."""
MIN_TEXT_CONTRAST = 3.0
"""Header and muted rows may be quieter than body text, but never faint."""


def _luminance(color: Color, *, foreground: bool) -> float:
    red, green, blue = color.get_truecolor(foreground=foreground)

    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    return 0.2126 * channel(red) + 0.7152 * channel(green) + 0.0722 * channel(blue)


def contrast(style: Style) -> float:
    """The WCAG contrast ratio of a rendered segment's foreground on its background."""
    fore = style.color or Color.default()
    back = style.bgcolor or Color.default()
    if style.reverse:
        fore, back = back, fore
    lighter, darker = sorted(
        (_luminance(fore, foreground=True), _luminance(back, foreground=False)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def _text_segments(segments: list[Segment]) -> list[Segment]:
    return [seg for seg in segments if seg.text.strip() and seg.style is not None]


async def _row_segments(make_app: AppMaker, theme: str) -> dict[str, list[Segment]]:
    """The stream's header, one unselected row of each level, and each level's row selected
    (``selected-warn`` and so on)."""
    app, _ = make_app(entries=proxy_entries(12))
    async with app.run_test(size=(120, 40)) as pilot:
        app.theme = theme
        await frame(pilot)
        stream = app.query_one(StreamView)
        view = list(stream._entries.view)
        top = stream._first_visible()
        rows: dict[str, list[Segment]] = {"header": list(stream.render_line(0))}
        for i, item in enumerate(view):
            name = str(item.data.get("level"))
            if item.data.get("kind") == "response" and name not in rows:
                rows[name] = list(stream.render_line(i - top + 1))
        for level in ("warn", "error", "info", "debug"):
            target = max(i for i, e in enumerate(view) if e.data.get("level") == level)
            stream.cursor = target
            stream.clear_cache()
            await frame(pilot)
            rows[f"selected-{level}"] = list(stream.render_line(target - top + 1))
        return rows


@pytest.mark.parametrize("theme", THEMES)
async def test_every_row_and_the_selected_row_are_readable_in_every_theme(
    make_app: AppMaker, theme: str
) -> None:
    """The cursor row (a warn row's colour once matched the cursor's) reads like body text;
    the header and debug rows (muted text once resolved to white) and level colours stay
    readable on light themes too."""
    rows = await _row_segments(make_app, theme)
    for name, segments in rows.items():
        text = _text_segments(segments)
        assert text, name
        worst = min(contrast(seg.style) for seg in text if seg.style)
        wanted = MIN_CURSOR_CONTRAST if name.startswith("selected") else MIN_TEXT_CONTRAST
        assert worst >= wanted, (theme, name, round(worst, 2))


MIN_BORDER_CONTRAST = 2.0
"""A pane border must be seen against the screen, even unfocused."""


@pytest.mark.parametrize("theme", THEMES)
async def test_pane_borders_stand_out_in_every_theme(make_app: AppMaker, theme: str) -> None:
    app, _ = make_app(entries=proxy_entries(4))
    async with app.run_test(size=(120, 40)) as pilot:
        app.theme = theme
        await frame(pilot)
        for selector in ("#stream", "#stats", "#detail"):
            pane = app.query_one(selector)
            if theme.startswith("ansi"):
                continue  # the terminal's own palette decides
            behind = pane.background_colors[0]
            _, color = pane.styles.border_top
            shown = behind + color
            style = Style(color=shown.rich_color, bgcolor=behind.rich_color)
            assert contrast(style) >= MIN_BORDER_CONTRAST, (theme, selector, shown.hex)
