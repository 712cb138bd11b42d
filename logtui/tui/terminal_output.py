"""Fewer colour codes in what the dashboard writes to the terminal, for the same screen.

Textual writes every segment of a row as ``SGR text RESET``: a row of a dozen coloured columns
carries a dozen full sets of 24-bit colours (about 760 bytes for 88 cells), and every scroll of
the stream repaints every row. Over ssh that is most of the traffic. :func:`compact_sgr`
rewrites a write so the terminal shows exactly the same cells with fewer codes:

- ``RESET`` then the style that was active already is dropped (neighbours of one style);
- blanks between two pieces of text take the style before them when a blank looks the same in
  both (same background, not reversed, nothing drawn through, under or over it), so the reset
  and the blank's own style are dropped too.

Only a style set right after a reset is taken as known; anything else is written as it came.
"""

from __future__ import annotations

import re
from typing import Final

__all__ = ["blank_alike", "compact_sgr"]

RESET: Final = "\x1b[0m"
_SGR: Final = re.compile(r"(\x1b\[[0-9;]*m)")
_LINES: Final = frozenset({"4", "9", "21", "53"})
"""Underline, strike-through, double underline, overline: drawn on a blank too."""
_UNKNOWN: Final = "?"
"""The active style when it is not one known SGR set after a reset."""


def _blank_look(sgr: str) -> tuple[str, bool] | None:
    """How a blank looks in ``sgr``: its background and whether it is reversed; None when a
    blank shows more than that (a line through, under or over it)."""
    params = sgr[2:-1].split(";")
    background = ""
    reverse = False
    index = 0
    while index < len(params):
        param = params[index]
        if param in ("38", "48", "58"):
            width = 5 if index + 1 < len(params) and params[index + 1] == "2" else 3
            if param == "48":
                background = ";".join(params[index : index + width])
            index += width
            continue
        if param in _LINES:
            return None
        if param == "7":
            reverse = True
        elif param in ("0", ""):
            background, reverse = "", False
        elif param == "49" or (len(param) >= 2 and param[0] in "4" and param[1].isdigit()) or (
            len(param) == 3 and param.startswith("10")
        ):
            background = param
        index += 1
    return background, reverse


def blank_alike(active: str, other: str) -> bool:
    """Whether blanks look the same in style ``other`` as in the ``active`` one."""
    one, two = _blank_look(active), _blank_look(other)
    if one is None or two is None or one != two:
        return False
    return not one[1] or active == other  # reversed, a blank shows the foreground


def compact_sgr(data: str) -> str:
    """``data`` with the redundant colour codes of Textual's segments left out."""
    if "\x1b[0m" not in data:
        return data
    parts = _SGR.split(data)
    out: list[str] = []
    active: str | None = None  # Textual ends every write with a reset
    pending_reset = False
    count = len(parts)
    index = 0
    while index < count:
        part = parts[index]
        if not index % 2:  # text (cursor moves included: the style outlives them)
            if part:
                if pending_reset:
                    out.append(RESET)
                    active, pending_reset = None, False
                out.append(part)
            index += 1
            continue
        if part in (RESET, "\x1b[m"):
            if active is None and not pending_reset:
                out.append(part)  # nothing known to reset: keep it as it came
            else:
                pending_reset = True
            index += 1
            continue
        if pending_reset and active is not None and active != _UNKNOWN:
            if part == active:
                pending_reset = False  # the same style again
                index += 1
                continue
            blank = parts[index + 1] if index + 1 < count else ""
            if (
                blank and not blank.strip(" ") and index + 2 < count
                and parts[index + 2] in (RESET, "\x1b[m") and blank_alike(active, part)
            ):
                out.append(blank)  # the blanks in the style already active
                index += 3
                continue  # the reset after them stays pending
        if pending_reset:
            out.append(RESET)
            pending_reset = False
            active = part
        else:
            active = part if active is None else _UNKNOWN
        out.append(part)
        index += 1
    if pending_reset:
        out.append(RESET)
    return "".join(out)
