"""The view dialogs: name the current setup to save it, or pick a saved view to open.

The name is checked as it is typed (it becomes a file name), and the views already saved are
listed, so replacing one is a choice the user can see.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from logtui.core.errors import ConfigError
from logtui.core.views import check_name

LISTED = 12
"""Saved names shown in the save dialog (the rest are counted)."""


class SaveViewScreen(ModalScreen[str | None]):
    """Asks for a view name; dismisses with it, or ``None`` on esc."""

    CSS_PATH = "views.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="views.cancel"),
    ]

    def __init__(self, saved: Sequence[str], default: str = "") -> None:
        super().__init__()
        self._saved = list(saved)
        self._default = default

    def compose(self) -> ComposeResult:
        with Vertical(id="view-save-body") as body:
            body.border_title = "Save view as…"
            body.border_subtitle = "enter saves · esc cancels"
            yield Static(Content(
                "The filter, columns, time zone, theme and panes are saved with this source "
                "(never its credentials). Name:"
            ))
            yield Input(value=self._default, placeholder="e.g. errors-only",
                        id="view-name", compact=True)
            yield Static(Content(""), id="view-name-problem")
            yield Static(Content(self._saved_line()), id="view-saved")

    def _saved_line(self) -> str:
        if not self._saved:
            return "No views saved yet."
        shown = ", ".join(self._saved[:LISTED])
        more = f" and {len(self._saved) - LISTED} more" if len(self._saved) > LISTED else ""
        return f"Saved (the same name replaces one): {shown}{more}"

    @on(Input.Changed, "#view-name")
    def _typed(self, event: Input.Changed) -> None:
        problem = self._problem(event.value.strip()) if event.value.strip() else None
        self.query_one("#view-name-problem", Static).update(Content(problem or ""))

    @staticmethod
    def _problem(name: str) -> str | None:
        try:
            check_name(name)
        except ConfigError as error:
            return str(error)
        return None

    @on(Input.Submitted, "#view-name")
    def _submit(self, event: Input.Submitted) -> None:
        name = event.value.strip()
        if not name:
            self.dismiss(None)
        elif self._problem(name) is None:
            self.dismiss(name)

    def action_cancel(self) -> None:
        self.dismiss(None)


class OpenViewScreen(ModalScreen[str | None]):
    """Lists the saved views; dismisses with the one picked, or ``None`` on esc."""

    CSS_PATH = "views.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="views.cancel"),
    ]

    def __init__(self, names: Sequence[str]) -> None:
        super().__init__()
        self._names = list(names)

    def compose(self) -> ComposeResult:
        with Vertical(id="view-open-body") as body:
            body.border_title = "Open view…"
            body.border_subtitle = "enter opens · esc cancels"
            yield OptionList(*(Option(Content(name), id=name) for name in self._names),
                             id="view-list")

    @on(OptionList.OptionSelected, "#view-list")
    def _picked(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(self._names[event.option_index])

    def action_cancel(self) -> None:
        self.dismiss(None)


__all__ = ["OpenViewScreen", "SaveViewScreen"]
