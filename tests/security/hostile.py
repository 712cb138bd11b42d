"""The hostile strings every security test feeds through logtui, and how to recognise leaks.

Each escape sequence below does something to a real terminal if it reaches it raw: set the
window title (OSC 0/2), write the clipboard (OSC 52), plant a hyperlink (OSC 8), clear the
screen (``ESC[2J``), report or resize the window (``ESC[21t``), start a CSI with the 8-bit C1
introducer (0x9B), or reorder what the user reads (U+202E). The markup strings are what a Rich
or Textual markup parser would act on: close a style it never opened, run an action on click,
make a link, or choke on a parameter list.
"""

from __future__ import annotations

from typing import Final

ESCAPES: Final[dict[str, str]] = {
    "osc0-title": "\x1b]0;pwned-title\x07",
    "osc2-title": "\x1b]2;pwned-title\x1b\\",
    "osc52-clipboard": "\x1b]52;c;cm0gLXJmIH4=\x07",
    "osc8-hyperlink": "\x1b]8;;https://evil.example/\x1b\\click\x1b]8;;\x1b\\",
    "clear-screen": "\x1b[2J",
    "window-report": "\x1b[21t",
    "c1-csi": "\x9b31m",
    "del": "a\x7fb",
    "bidi-override": "\u202eexe.txt",
}
"""Escape sequences and invisible controls, by what they would do."""

MARKUP: Final[dict[str, str]] = {
    "close-tag": "[/red]",
    "click-action": "[@click=app.quit]quit[/]",
    "link": "[link=https://evil.example]x[/link]",
    "parameters": "[type=x, v={'a[0]'}]",
}
"""Markup a parser would interpret; each must show as the literal text."""

ALL: Final[str] = "".join([*ESCAPES.values(), *MARKUP.values()])
"""Everything at once, for single fields."""

RAW_SEQUENCES: Final[tuple[str, ...]] = (
    "\x1b]", "\x1b[2J", "\x1b[21t", "\x9b", "\x07", "\x7f", "\u202e", "\x1b\\",
)
"""Byte sequences that must never reach the terminal from wire text."""


def forbidden_characters(text: str) -> set[str]:
    """The control, C1, DEL and bidi characters in ``text`` (as readable code points)."""
    bad = set()
    for char in text:
        code = ord(char)
        if code < 0x20 or code == 0x7F or 0x80 <= code < 0xA0 or 0x202A <= code <= 0x202E \
                or 0x2066 <= code <= 0x2069:
            bad.add(f"U+{code:04X}")
    return bad
