"""The filter expression input: enter applies, up/down recall earlier expressions, esc leaves.

Textual runs a widget's own key bindings only once the key has bubbled up to the app, after
the input has already inserted the characters queued behind it: ``/``, ``ctrl+u`` and text
sent in one burst (a paste from tmux, a fast typist) cleared the text typed after ``ctrl+u``.
This input runs its bindings (editing, history, enter) as each key arrives, in order.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from textual import events
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.widgets import Input

from logtui.core.apis import profile_for


class FilterInput(Input):
    """A one-line input with a history of applied expressions."""

    keeps_footer = True
    """The footer goes on showing the stream's keys while a filter is typed (see
    :mod:`~logtui.tui.widgets.steady_footer`): the filter row says what enter and esc do."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up", "history(-1)", "Earlier", show=False, id="filter.history_back"),
        Binding("down", "history(1)", "Later", show=False, id="filter.history_forward"),
    ]

    @dataclass
    class Leave(Message):
        """The user pressed esc: focus goes back to the stream."""

    def __init__(
        self, kind: str, *, id: str | None = None, classes: str | None = None
    ) -> None:
        super().__init__(
            placeholder=f"{profile_for(kind).example_filter}  (enter applies, ? lists the syntax)",
            compact=True,
            id=id,
            classes=classes,
            select_on_focus=False,
        )
        self._history: list[str] = []
        self._position = 0
        self._draft = ""

    @property
    def history(self) -> list[str]:
        """Applied expressions, oldest first, without repeats in a row."""
        return list(self._history)

    def remember(self, expression: str) -> None:
        """Add an applied expression to the history and reset recall."""
        if expression and (not self._history or self._history[-1] != expression):
            self._history.append(expression)
        self._position = len(self._history)
        self._draft = ""

    def action_history(self, step: int) -> None:
        """Recall an earlier (``-1``) or later (``1``) expression."""
        if not self._history:
            return
        if self._position == len(self._history):
            self._draft = self.value
        position = max(0, min(len(self._history), self._position + step))
        self._position = position
        self.value = self._history[position] if position < len(self._history) else self._draft
        self.cursor_position = len(self.value)

    async def _on_key(self, event: events.Key) -> None:
        for binding in self._bindings.key_to_bindings.get(event.key, ()):
            if await self.app.run_action(binding.action, self):
                event.stop()
                event.prevent_default()
                self._restart_blink()
                return
        await super()._on_key(event)

    def replace_expression(self, expression: str) -> None:
        """Show ``expression`` (set by a toggle, the trace key, the palette) with the caret
        at its end, so what is typed next goes after it."""
        self.value = expression
        self.cursor_position = len(expression)

    def key_escape(self) -> None:
        self.post_message(self.Leave())
