"""The column chooser (``|``): which fields the stream pane shows, in what order, how wide.

The list holds the columns shown, left to right (a flex column, the free text, stays last).
Any payload field can be added by its dotted path (``data.durationMs``; the fields of the
selected entry are suggested as you type). The screen only edits a list of
:class:`~logtui.core.column_prefs.ColumnChoice`; it dismisses with that list (enter) or
``None`` (esc), and the app applies and saves it.
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
from textual.suggester import SuggestFromList
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from logtui.core.column_prefs import (
    MAX_COLUMNS,
    ColumnChoice,
    build_columns,
    clamp_width,
    valid_field,
)

WIDTH_STEP = 2
"""Cells one ``left``/``right`` narrows or widens a column."""
HINT = ("a adds a field · x removes · shift+↑/↓ move · ←/→ resize · r defaults · "
        "enter applies · esc cancels")


class ColumnChooser(ModalScreen[tuple[ColumnChoice, ...] | None]):
    """Edits the stream's columns; dismisses with the new list, or ``None`` on esc."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="columns.cancel"),
        # A priority binding: focus moves to the input before the keys typed after ``a``
        # are handed to the list (see check_action).
        Binding("a", "add", "Add", id="columns.add", priority=True),
        Binding("x,delete", "remove", "Remove", id="columns.remove"),
        Binding("shift+up,K", "move(-1)", "Move left", id="columns.move_left"),
        Binding("shift+down,J", "move(1)", "Move right", id="columns.move_right"),
        Binding("left,minus", "resize(-1)", "Narrower", id="columns.narrower"),
        Binding("right,plus,equals_sign", "resize(1)", "Wider", id="columns.wider"),
        Binding("r", "defaults", "Defaults", id="columns.defaults"),
    ]

    def __init__(
        self,
        kind: str,
        choices: Sequence[ColumnChoice],
        defaults: Sequence[ColumnChoice],
        fields: Sequence[str] = (),
    ) -> None:
        super().__init__()
        self._kind = kind
        self.choices: list[ColumnChoice] = list(choices)
        """The columns as edited so far, left to right."""
        self._defaults = tuple(defaults)
        self._fields = [field for field in fields if valid_field(field)]

    def compose(self) -> ComposeResult:
        with Vertical(id="columns-body") as body:
            body.border_title = "Columns"
            body.border_subtitle = "enter applies · esc cancels"
            yield Static(Content(HINT), id="columns-hint")
            yield OptionList(id="columns-list")
            yield Input(placeholder="a payload field to add, e.g. data.durationMs",
                        suggester=SuggestFromList(self._fields, case_sensitive=True),
                        id="columns-add", compact=True)

    def on_mount(self) -> None:
        self._refresh_list(0)
        self.query_one("#columns-list", OptionList).focus()

    @property
    def _list(self) -> OptionList:
        return self.query_one("#columns-list", OptionList)

    def _refresh_list(self, highlighted: int | None) -> None:
        # Listed as they are drawn: a flex (free-text) column always comes last.
        focus = self.choices[highlighted] if highlighted is not None and self.choices else None
        columns = build_columns(self._kind, self.choices)
        pairs = sorted(zip(self.choices, columns, strict=True), key=lambda pair: pair[1].flex)
        self.choices = [choice for choice, _ in pairs]
        columns = tuple(column for _, column in pairs)
        if focus is not None:
            highlighted = self.choices.index(focus)
        own = {choice.field for choice in self._defaults}
        options = []
        for index, (choice, column) in enumerate(zip(self.choices, columns, strict=True)):
            width = f"≥{column.width} fills the rest" if column.flex else f"{column.width} wide"
            where = "" if choice.field in own else "  (payload field)"
            options.append(Option(Content.assemble((f"{choice.field:<28}", "bold"),
                                                   f" {width}{where}"), id=str(index)))
        option_list = self._list
        option_list.clear_options()
        option_list.add_options(options)
        if highlighted is not None and self.choices:
            option_list.highlighted = max(0, min(len(self.choices) - 1, highlighted))

    @property
    def _current(self) -> int | None:
        return self._list.highlighted if self.choices else None

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """In the add input ``a`` is a letter."""
        if action == "add":
            return not isinstance(self.focused, Input)
        return True

    def action_add(self) -> None:
        """``a``: type a field to add."""
        self.set_focus(self.query_one("#columns-add", Input))  # now, not a turn later

    @on(Input.Submitted, "#columns-add")
    def _add(self, event: Input.Submitted) -> None:
        path = event.value.strip()
        if not valid_field(path):
            self.notify("A column is a field name or dotted path (letters, digits, _ - @ $).",
                        severity="warning")
            return
        if any(choice.field == path for choice in self.choices):
            self.notify(f"{path} is already a column.", severity="warning")
        elif len(self.choices) >= MAX_COLUMNS:
            self.notify(f"At most {MAX_COLUMNS} columns.", severity="warning")
        else:
            self.choices.append(ColumnChoice(path))
        event.input.value = ""
        self._refresh_list(len(self.choices) - 1)
        self._list.focus()

    def action_remove(self) -> None:
        """``x``: remove the highlighted column (one at least stays)."""
        index = self._current
        if index is None or len(self.choices) <= 1:
            return
        del self.choices[index]
        self._refresh_list(index)

    def action_move(self, step: int) -> None:
        """``shift+up``/``shift+down``: move the highlighted column left or right."""
        index = self._current
        if index is None:
            return
        target = index + step
        if 0 <= target < len(self.choices):
            self.choices[index], self.choices[target] = self.choices[target], self.choices[index]
            self._refresh_list(target)

    def action_resize(self, step: int) -> None:
        """``left``/``right``: make the highlighted column narrower or wider."""
        index = self._current
        if index is None:
            return
        column = build_columns(self._kind, self.choices[index:index + 1])[0]
        choice = self.choices[index]
        self.choices[index] = ColumnChoice(choice.field,
                                           clamp_width(column.width + step * WIDTH_STEP))
        self._refresh_list(index)

    def action_defaults(self) -> None:
        """``r``: the API's own columns again."""
        self.choices = list(self._defaults)
        self._refresh_list(0)

    @on(OptionList.OptionSelected, "#columns-list")
    def _apply(self) -> None:
        self.dismiss(tuple(self.choices))

    def action_cancel(self) -> None:
        self.dismiss(None)
