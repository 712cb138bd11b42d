"""What the dashboard writes to the terminal is shorter and shows exactly the same cells.

A small terminal model reads both the original and the compacted output into cells (character,
and the style as the cell shows it: a blank shows only its background, reversal and lines) and
the two screens must be equal.
"""

from __future__ import annotations

import io
import re

from rich.console import Console

from logtui.tui.terminal_output import compact_sgr

from .conftest import AppMaker
from .entries import proxy_entries
from .helpers import settle

_TOKEN = re.compile(r"\x1b\[([0-9;]*)([A-Za-z])|(\r)|(\n)|(.)", re.DOTALL)


def _blank_look(params: tuple[str, ...]) -> tuple[object, ...]:
    background: str = ""
    reverse = lines = False
    foreground = ""
    index = 0
    while index < len(params):
        param = params[index]
        if param in ("38", "48", "58"):
            width = 5 if params[index + 1] == "2" else 3
            value = ";".join(params[index : index + width])
            if param == "48":
                background = value
            elif param == "38":
                foreground = value
            index += width
            continue
        if param in ("0", ""):
            background, reverse, lines, foreground = "", False, False, ""
        elif param == "7":
            reverse = True
        elif param in ("4", "9", "21", "53"):
            lines = True
        index += 1
    return (background, reverse, lines, foreground if reverse or lines else "")


def screen(output: str) -> dict[tuple[int, int], tuple[str, object]]:
    """The cells ``output`` leaves on a terminal, each with how it looks."""
    cells: dict[tuple[int, int], tuple[str, object]] = {}
    style: tuple[str, ...] = ()
    y = x = 0
    for match in _TOKEN.finditer(output):
        params, final, cr, lf, char = match.groups()
        if final == "m":
            given = tuple(params.split(";")) if params else ("0",)
            style = () if given in (("0",), ("",)) else style + given
        elif final == "H":
            row, column = (params or "1;1").split(";")
            y, x = int(row) - 1, int(column) - 1
        elif final is not None:
            continue  # modes, cursor visibility: no cells
        elif cr:
            x = 0
        elif lf:
            y += 1
        else:
            look: object = _blank_look(style) if char == " " else style
            cells[y, x] = (char, look)
            x += 1
    return cells


async def test_the_dashboard_screen_is_written_with_far_fewer_bytes_and_looks_the_same(
    make_app: AppMaker,
) -> None:
    app, _ = make_app(entries=proxy_entries(30))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        update = app.screen._compositor.render_update(full=True)
        terminal = Console(file=io.StringIO(), width=120, height=40, force_terminal=True,
                           color_system="truecolor", legacy_windows=False)
        original = update.render_segments(terminal)
    compacted = compact_sgr(original)
    assert "\x1b[38;2;" in original  # coloured, as a real terminal gets it
    assert screen(compacted) == screen(original)
    assert len(compacted) < 0.6 * len(original)


def test_blanks_keep_their_look_when_it_differs_from_the_text_before_them() -> None:
    red_on_black = "\x1b[38;2;255;0;0;48;2;0;0;0m"
    green_on_black = "\x1b[38;2;0;255;0;48;2;0;0;0m"
    on_blue = "\x1b[38;2;0;255;0;48;2;0;0;255m"
    underlined = "\x1b[4;38;2;0;255;0;48;2;0;0;0m"
    reversed_ = "\x1b[7;38;2;0;255;0;48;2;0;0;0m"
    stacked = "\x1b[1m"
    cases = [
        f"{red_on_black}ab\x1b[0m{green_on_black}  \x1b[0m{red_on_black}cd\x1b[0m",  # merged
        f"{red_on_black}ab\x1b[0m{on_blue}  \x1b[0m{red_on_black}cd\x1b[0m",
        f"{red_on_black}ab\x1b[0m{underlined}  \x1b[0m{red_on_black}cd\x1b[0m",
        f"{red_on_black}ab\x1b[0m{reversed_}  \x1b[0m{red_on_black}cd\x1b[0m",
        f"{red_on_black}ab{stacked}x\x1b[0m{red_on_black}  \x1b[0m{green_on_black}e\x1b[0m",
        f"{red_on_black}ab\x1b[0m\x1b[2;5H{red_on_black}cd\x1b[0mef",
        f"{red_on_black}ab\x1b[0m{green_on_black}  x\x1b[0m",
        "plain text, no codes",
    ]
    for case in cases:
        assert screen(compact_sgr(case)) == screen(case), repr(case)
    merged = compact_sgr(cases[0])
    assert merged == f"{red_on_black}ab  cd\x1b[0m"
    assert compact_sgr(cases[1]).count("\x1b[0m") == 3  # a blank on another background stays
