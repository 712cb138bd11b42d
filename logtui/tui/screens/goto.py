"""The goto dialog: a time to move the stream to (older ones load the server's history)."""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from logtui.core.errors import ConfigError

TimeReader = Callable[[str], float]
"""Reads the typed time as Unix seconds; raises ConfigError with one line otherwise."""


class GotoScreen(ModalScreen[float | None]):
    """Asks for a time; dismisses with it (Unix seconds), or ``None`` on esc.

    What cannot be read as a time is said under the input, and the dialog stays open.
    """

    CSS_PATH = "goto.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="goto.cancel"),
    ]

    def __init__(self, read_time: TimeReader, zone_label: str) -> None:
        super().__init__()
        self._read_time = read_time
        self._zone_label = zone_label

    def compose(self) -> ComposeResult:
        with Vertical(id="goto-body") as body:
            body.border_title = "Go to time"
            body.border_subtitle = "enter goes · esc cancels"
            yield Static(Content(
                f"A time ({self._zone_label}): 14:00, -15m, 2h or 2024-06-12T14:00:00Z. "
                "Older than the buffer loads the server's history."
            ))
            yield Input(placeholder="14:00", id="goto-time", compact=True)
            yield Static(Content(""), id="goto-problem")

    @on(Input.Submitted, "#goto-time")
    def _submit(self, event: Input.Submitted) -> None:
        text = event.value.strip()
        if not text:
            self.dismiss(None)
            return
        try:
            when = self._read_time(text)
        except ConfigError as error:
            self.query_one("#goto-problem", Static).update(Content(str(error)))
            return
        self.dismiss(when)

    def action_cancel(self) -> None:
        self.dismiss(None)
