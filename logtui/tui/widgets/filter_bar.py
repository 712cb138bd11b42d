"""The filter pane: the expression input, quick toggles, and what the filter does.

Under the input one line says which terms the server applies and which filter the buffer here,
how many entries match, or (for an expression that does not parse) what is wrong and where, with
a caret under the column. Errors are shown as you type; enter applies.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.widgets import Static

from logtui.tui.filtering import FilterOutcome
from logtui.tui.text import wire_content
from logtui.tui.widgets.filter_input import FilterInput
from logtui.tui.widgets.quick_toggles import QuickToggles

if TYPE_CHECKING:
    from textual.css.styles import RulesMap

PROMPT_WIDTH = 2
"""Cells taken by the ``/`` prompt before the input's text."""


def describe(outcome: FilterOutcome | None, matched: int, buffered: int) -> Content:
    """The line under the input: the split and the match count, or the error."""
    if outcome is not None and outcome.error is not None:
        return Content.assemble(
            ("✗ ", "bold $error"),
            ("not applied: ", "$error"),
            wire_content(outcome.error),
        )
    count = Content.styled(f"{matched:,} matching of {buffered:,} in buffer", "bold")
    if outcome is None or not outcome.expression.strip():
        return Content.assemble(count, ("  ·  no filter: / to type one", "$text-muted"))
    parts: list[Content] = [count]
    server = " ".join(outcome.server_terms)
    client = " ".join(outcome.client_terms)
    parts.append(Content.assemble(("  server: ", "$accent"), wire_content(server or "—")))
    parts.append(Content.assemble(("  here: ", "$accent"), wire_content(client or "—")))
    if outcome.notes:
        parts.append(Content.assemble(("  (", "$text-muted"),
                                      wire_content("; ".join(outcome.notes), "$text-muted"),
                                      (")", "$text-muted")))
    return Content("").join(parts)


def caret_line(outcome: FilterOutcome | None) -> str:
    """A caret under the column of an error (empty when there is none)."""
    if outcome is None or outcome.error is None or outcome.error_position is None:
        return ""
    return " " * (PROMPT_WIDTH + outcome.error_position) + "^"


class FilterBar(Vertical):
    """Input and toggles on one row, the filter's effect on the next."""

    def __init__(self, toggles: QuickToggles, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._toggles = toggles
        self.outcome: FilterOutcome | None = None
        """The last expression applied (or being typed, if it has an error)."""
        self._shown: Content | None = None
        self.input = FilterInput(toggles.kind, id="filter-input")
        """The expression input."""
        self._caret = Static("", id="filter-caret", markup=False)
        self._info = Static("", id="filter-info", markup=False)
        self._info_height = 1

    def compose(self) -> ComposeResult:
        with Horizontal(id="filter-row"):
            yield Static("/", id="filter-prompt", markup=False)
            yield self.input
            yield self._toggles
        yield self._caret
        yield self._info

    def show(self, outcome: FilterOutcome | None, matched: int, buffered: int) -> None:
        """Redraw the info line (and the caret line, shown only with an error)."""
        self.outcome = outcome
        caret = self._caret
        caret_text = caret_line(outcome)
        if caret.display != bool(caret_text):
            caret.display = bool(caret_text)
        caret.update(caret_text, layout=False)
        self.set_class(outcome is not None and outcome.error is not None, "-error")
        info = describe(outcome, matched, buffered)
        if info != self._shown:
            self._shown = info
            # Notes may wrap to more lines: a layout pass only when the line count changes.
            width = max(self._info.content_size.width, 1)
            height = info.get_height(cast("RulesMap", self._info.styles), width)
            self._info.update(info, layout=height != self._info_height)
            self._info_height = height
