"""Make text from the wire safe to show in a terminal: nothing in it can act, hide or mislead.

A log line is attacker-controlled. Sent raw to a terminal, ESC and C1 controls start escape
sequences (set the window title, write the clipboard with OSC 52, plant OSC 8 links, clear the
screen, query the terminal), CR and backspace overwrite what was drawn, bidi overrides reorder
text so ``exe.txt`` reads as ``txt.exe``, and invisible format characters make two different
strings look the same. Every such character is replaced with a visible, inert mark:

- C0 controls and DEL become control pictures (``␛`` for ESC, ``␀`` for NUL, ``␡`` for DEL),
  so ``ESC[2J`` shows as ``␛[2J``;
- C1 controls (U+0080-U+009F, including the 8-bit CSI U+009B), bidi embeddings, overrides,
  isolates and marks, zero-width and other invisible format characters, interlinear annotation
  characters, Unicode tag characters and lone surrogates become ``<U+XXXX>``.

Zero-width joiner and non-joiner are kept: emoji sequences and several scripts need them.

This module knows nothing about markup; the UI never interprets wire text as markup.
"""

from __future__ import annotations

import re
from typing import Final

__all__ = ["safe_line", "safe_text"]


def _code_mark(code: int) -> str:
    return f"<U+{code:04X}>"


def _build_table() -> dict[int, str]:
    table: dict[int, str] = {}
    for code in range(0x20):
        table[code] = chr(0x2400 + code)  # control pictures: ␀ … ␟
    table[0x7F] = "\u2421"  # ␡
    marked = [
        *range(0x80, 0xA0),  # C1 controls
        0x00AD,  # soft hyphen (invisible)
        0x034F,  # combining grapheme joiner
        0x061C,  # Arabic letter mark (bidi)
        0x115F, 0x1160, 0x3164, 0xFFA0,  # Hangul fillers (render blank)
        0x180E,  # Mongolian vowel separator
        0x200B,  # zero-width space
        0x200E, 0x200F,  # left-to-right and right-to-left marks
        0x2028, 0x2029,  # line and paragraph separators
        *range(0x202A, 0x202F),  # bidi embeddings and overrides
        *range(0x2060, 0x2065),  # word joiner, invisible operators
        *range(0x2066, 0x2070),  # bidi isolates, deprecated format characters
        0xFEFF,  # zero-width no-break space
        *range(0xFFF9, 0xFFFC),  # interlinear annotation
        *range(0xD800, 0xE000),  # lone surrogates (cannot even be encoded)
        *range(0xE0000, 0xE0080),  # tag characters (invisible ASCII look-alikes)
    ]
    for code in marked:
        table[code] = _code_mark(code)
    return table


_TEXT_TABLE: Final[dict[int, str]] = _build_table()
"""Replacements for multi-line text: every entry except LF and tab."""
del _TEXT_TABLE[0x0A], _TEXT_TABLE[0x09]

_LINE_TABLE: Final[dict[int, str]] = {**_TEXT_TABLE, 0x0A: "\u240a", 0x09: " "}
"""Replacements for one display line: LF becomes ``␊``, tab a space."""


def _pattern(table: dict[int, str]) -> re.Pattern[str]:
    ranges: list[tuple[int, int]] = []
    for code in sorted(table):
        if ranges and ranges[-1][1] == code - 1:
            ranges[-1] = (ranges[-1][0], code)
        else:
            ranges.append((code, code))
    parts = "".join(
        f"\\U{low:08x}" if low == high else f"\\U{low:08x}-\\U{high:08x}" for low, high in ranges
    )
    return re.compile(f"[{parts}]")


_TEXT_UNSAFE: Final = _pattern(_TEXT_TABLE)
_LINE_UNSAFE: Final = _pattern(_LINE_TABLE)


def safe_line(text: str) -> str:
    """One display line: every unsafe character, and also newlines and tabs, made visible.

    Returns ``text`` itself (no copy) when there is nothing to replace.
    """
    if _LINE_UNSAFE.search(text) is None:
        return text
    return text.translate(_LINE_TABLE)


def safe_text(text: str) -> str:
    """Multi-line text (a detail pane, an exported view): like ``safe_line`` but keeps LF and tab.

    CR is still replaced (``␍``): alone it would move the cursor back over the line.
    """
    if _TEXT_UNSAFE.search(text) is None:
        return text
    return text.translate(_TEXT_TABLE)
