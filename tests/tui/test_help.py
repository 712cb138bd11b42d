"""The help screen as a new user reads it: every key, remaps, wrapping and what marks mean."""

from __future__ import annotations

from logtui.tui.screens import HelpScreen

from .conftest import AppMaker
from .helpers import screen_text


async def _help_lines(make_app: AppMaker, size: tuple[int, int], pages: int = 8,
                      **options: object) -> list[str]:
    """Every line the help screen shows, scrolling through it a page at a time."""
    app, _ = make_app(**options)
    lines: list[str] = []
    async with app.run_test(size=size) as pilot:
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        for _ in range(pages):
            lines.extend(screen_text(app).splitlines())
            await pilot.press("pagedown")
            await pilot.pause()
    return lines


def _row(lines: list[str], text: str) -> str:
    return next(line for line in lines if text in line)


async def test_help_lists_every_default_key_of_an_action(make_app: AppMaker) -> None:
    lines = await _help_lines(make_app, (120, 40))
    assert "end / f" in _row(lines, "Jump to the newest entry")
    assert "down / j" in _row(lines, "Move the cursor down")


async def test_help_shows_remapped_keys_as_remapped(make_app: AppMaker) -> None:
    lines = await _help_lines(make_app, (120, 40),
                              keymap={"logtui.reconnect": "ctrl+r", "stream.down": "n"})
    reconnect = _row(lines, "[logtui.reconnect")
    assert "ctrl+r" in reconnect and "remapped" in reconnect
    down = _row(lines, "Move the cursor down")
    assert "│ n " in down and " j " not in down and "down /" not in down
    assert "remapped" in _row(lines, "[stream.down")


async def test_help_wraps_text_under_its_own_column(make_app: AppMaker) -> None:
    lines = await _help_lines(make_app, (80, 24))
    index = next(i for i, line in enumerate(lines) if "Filter the stream to" in line)
    first, wrapped = lines[index], lines[index + 1]
    column = first.index("Filter the stream to")
    assert wrapped[:column].rstrip().endswith("│")  # nothing under the key column
    assert wrapped[column] != " " and wrapped[column - 1] == " "


async def test_help_keeps_a_gap_after_a_long_key(make_app: AppMaker) -> None:
    lines = await _help_lines(make_app, (80, 24))
    row = _row(lines, "level:warn,error")
    assert "level:warn,error  " in row and "any of" in row


async def test_help_explains_the_row_marks_and_the_numbers(make_app: AppMaker) -> None:
    lines = await _help_lines(make_app, (120, 40))
    text = "\n".join(lines)
    assert "history" in _row(lines, "│ ·  ")
    assert "backfilled" in _row(lines, "│ +  ")
    for label in ("row #N", "event id", "received", "in buffer", "matching"):
        assert label in text
