"""A small VT100 for tests: the cells a terminal shows after reading what it is sent.

It follows cursor moves, colour codes, text, carriage returns, line feeds and a scroll region
(DECSTBM), clears the screen on ``CSI 2 J`` and when the alternate screen is entered or left,
and skips every other sequence. Each cell keeps its character and how it looks (a blank shows
only its background, reversal and lines).
"""

from __future__ import annotations

import re

_TOKEN = re.compile(
    r"\x1b\[([?<>=]?)([0-9;:]*)[ $]?([A-Za-z@`~])|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)"
    r"|\x1b[^\[\]]|(\r)|(\n)|[\x00-\x1f]|(.)",
    re.DOTALL,
)
BLANK = (" ", None)
"""A cell nothing was written to."""


def _look(params: tuple[str, ...], char: str) -> object:
    """How a cell in the style ``params`` (codes since the last reset) looks."""
    flags: set[str] = set()
    colours = {"38": "", "48": "", "58": ""}
    index = 0
    while index < len(params):
        param = params[index]
        if param in colours:
            width = 5 if params[index + 1] == "2" else 3
            colours[param] = ";".join(params[index + 1 : index + width])
            index += width
            continue
        if param in ("0", ""):
            flags.clear()
            colours = dict.fromkeys(colours, "")
        elif param in ("39", "49", "59"):
            colours[str(int(param) - 1)] = ""
        elif 30 <= int(param) <= 37 or 90 <= int(param) <= 97:
            colours["38"] = param
        elif 40 <= int(param) <= 47 or 100 <= int(param) <= 107:
            colours["48"] = param
        elif param == "22":
            flags -= {"1", "2"}
        elif param in ("23", "24", "25", "27", "28", "29"):
            flags -= {param[1], "21"} if param == "24" else {param[1]}
        else:
            flags.add(param)
        index += 1
    if char == " ":
        lines = bool(flags & {"4", "9", "21", "53"})
        reverse = "7" in flags
        return (colours["48"], reverse, lines,
                colours["38"] if reverse or lines else "", colours["58"] if lines else "")
    return frozenset(flags), colours["38"], colours["48"], colours["58"]


class Terminal:
    """The cells a VT100 shows after reading what it is sent."""

    def __init__(self, width: int, height: int) -> None:
        self.width, self.height = width, height
        self.rows: list[list[tuple[str, object]]] = []
        self.clear()
        self.top, self.bottom = 0, height - 1
        self.y = self.x = 0
        self.style: tuple[str, ...] = ()
        self.scrolls = 0
        """Lines scrolled by a line feed at the bottom of the scroll region."""

    def clear(self) -> None:
        self.rows = [[BLANK] * self.width for _ in range(self.height)]

    def text(self) -> str:
        """The screen as plain text, a line a row."""
        return "\n".join("".join(char for char, _ in row) for row in self.rows)

    def feed(self, output: str) -> None:
        for match in _TOKEN.finditer(output):
            private, params, final, cr, lf, char = match.groups()
            if private:
                if params in ("1049", "1047", "47"):
                    self.clear()  # the alternate screen, or back
            elif final == "m":
                given = tuple(params.split(";")) if params else ("0",)
                self.style = () if given in (("0",), ("",)) else self.style + given
            elif final == "H":
                row, column = (params or "1;1").split(";")
                self.y, self.x = int(row) - 1, int(column) - 1
            elif final == "r":
                top, bottom = params.split(";") if params else ("1", str(self.height))
                self.top, self.bottom = int(top) - 1, int(bottom) - 1
                self.y = self.x = 0
            elif final == "J" and params == "2":
                self.clear()
            elif cr:
                self.x = 0
            elif lf:
                if self.y == self.bottom:
                    del self.rows[self.top]
                    self.rows.insert(self.bottom, [(" ", _look((), " "))] * self.width)
                    self.scrolls += 1
                elif self.y < self.height - 1:
                    self.y += 1
            elif char is not None and self.x < self.width and 0 <= self.y < self.height:
                self.rows[self.y][self.x] = (char, _look(self.style, char))
                self.x += 1
            # anything else (other sequences, controls) leaves the cells as they are
