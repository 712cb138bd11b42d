"""Turning untrusted wire strings into things a widget can show, safely and literally.

Every string from the wire passes through ``logtui.core.sanitize`` (control characters, escape
sequences and bidi overrides become visible placeholders) and is then wrapped in a Rich
:class:`~rich.text.Text` or Textual :class:`~textual.content.Content` object built directly, never
parsed as markup, so a ``[/red]`` or ``[@click=app.quit]`` is just text.
"""

from __future__ import annotations

from rich.style import Style
from rich.text import Text
from textual.content import Content

__all__ = ["fit", "safe_line", "safe_text", "wire_block", "wire_content", "wire_line"]

from logtui.core.sanitize import safe_line, safe_text


def wire_line(value: object, style: Style | str = "") -> Text:
    """One line of untrusted text as a Rich ``Text`` (no markup, no newlines)."""
    return Text(safe_line(str(value)), style=style, no_wrap=True, end="")


def wire_content(value: object, style: str = "") -> Content:
    """One line of untrusted text as a Textual ``Content`` (no markup, no newlines)."""
    return Content.styled(safe_line(str(value)), style) if style else Content(
        safe_line(str(value))
    )


def wire_block(value: object) -> str:
    """Untrusted multi-line text, sanitised but keeping its newlines and tabs."""
    return safe_text(str(value))


def fit(text: Text, width: int, *, align_right: bool = False) -> Text:
    """Crop ``text`` to ``width`` cells with an ellipsis, padded to exactly ``width``."""
    if width <= 0:
        return Text("", end="")
    fitted = text.copy()
    fitted.truncate(width, overflow="ellipsis")
    missing = width - fitted.cell_len
    if missing > 0:
        if align_right:
            fitted = Text(" " * missing, end="") + fitted
        else:
            fitted.pad_right(missing)
    return fitted
