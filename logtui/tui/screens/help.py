"""The help screen: every key, built from the same table as the bindings and the palette."""

from __future__ import annotations

from collections.abc import Mapping
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Static

from logtui.tui.actions import APP_ACTIONS, FILTER_KEYS, STREAM_KEYS

KEY_WIDTH = 14


def _row(keys: str, text: str) -> Content:
    return Content.assemble((keys.ljust(KEY_WIDTH), "bold $accent"), text)


def help_text(keymap: Mapping[str, str] | None = None) -> Content:
    """Every key of the dashboard, grouped by where it works; keymap overrides shown."""
    keymap = keymap or {}
    lines: list[Content] = [Content.styled("Anywhere", "bold underline")]
    for action in APP_ACTIONS:
        keys = keymap.get(action.id) or action.key_display or action.keys
        lines.append(_row(keys.replace(",", " / "), f"{action.help}  [{action.id}]"))
    lines.append(_row("ctrl+p", "Command palette: every action by name."))
    lines.append(Content(""))
    lines.append(Content.styled("Stream pane", "bold underline"))
    lines.extend(_row(keys, text) for keys, text in STREAM_KEYS)
    lines.append(Content(""))
    lines.append(Content.styled("Filter input", "bold underline"))
    lines.extend(_row(keys, text) for keys, text in FILTER_KEYS)
    lines.append(Content(""))
    lines.append(Content.styled("Filter expressions", "bold underline"))
    for example, meaning in (
        ("url:users", "field contains"),
        ("level=error", "field equals (!= differs)"),
        ("status>=500", "compare numbers and times (> >= < <=)"),
        ("url~^/v1", "field matches a regex"),
        ("level:warn,error", "any of"),
        ("-health", "not (before any term)"),
        ("timeout", "a bare word searches everywhere"),
    ):
        lines.append(_row(example, meaning))
    lines.append(Content(""))
    lines.append(Content.styled(
        "Remap any key by its binding id (in brackets) in ~/.config/logtui/keymap.toml:",
        "$text-muted"))
    lines.append(Content.styled('  [keymap]  "logtui.reconnect" = "ctrl+r"', "$text-muted"))
    return Content("\n").join(lines)


class HelpScreen(ModalScreen[None]):
    """A modal listing every key; any of esc, q or ? closes it."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,question_mark", "dismiss", "Close", id="help.close"),
    ]

    def __init__(self, keymap: Mapping[str, str] | None = None) -> None:
        super().__init__()
        self._keymap = keymap

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help-body") as body:
            body.border_title = "logtui keys"
            body.border_subtitle = "esc closes"
            yield Static(help_text(self._keymap), markup=False)
