"""The filter pane: the expression input, quick toggles, and what the filter does.

Under the input one line says which terms the server applies and which filter the buffer here,
how many entries match, or (for an expression that does not parse) what is wrong and where, with
a caret under the column. Errors are shown as you type; enter applies.

The bar owns the filter's state: the expression applied now (:attr:`FilterBar.applied`), the
problem with the one being typed, and the input's history. When the user applies a filter (enter,
or a quick toggle) it posts :class:`FilterBar.Applied`; the app reacts by filtering its store and
handing the server terms to the engine. A toggle edits the parsed expression through the core's
filter session (:func:`~logtui.core.filters.session.with_toggle`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol, cast

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.message import Message
from textual.widgets import Static

from logtui.core.eventtime import Zone
from logtui.core.filters.session import FilterOutcome, FilterSession, toggle_value, with_toggle
from logtui.core.models import Entry
from logtui.tui.text import wire_content
from logtui.tui.widgets.filter_input import FilterInput
from logtui.tui.widgets.quick_toggles import QuickToggles, ToggleChip, next_value

if TYPE_CHECKING:
    from textual.css.styles import RulesMap

class FilterChecker(Protocol):
    """What checks an expression: :class:`FilterSession`, or a session over several sources
    (:class:`~logtui.core.filters.multi.MultiFilterSession`)."""

    def evaluate(self, expression: str, *, now: float | None = None,
                 entries: Sequence[Entry] = (), zone: Zone | None = None) -> FilterOutcome: ...


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

    @dataclass
    class Applied(Message):
        """The user applied a filter (enter in the input, or a quick toggle)."""

        outcome: FilterOutcome
        """The expression checked and split; it parsed."""
        typed: bool = False
        """Whether it was typed and entered (the app then goes back to the stream)."""

    def __init__(
        self,
        toggles: QuickToggles,
        *,
        clock: Callable[[], float],
        zone: Callable[[], Zone],
        entries: Callable[[], Sequence[Entry]],
        id: str | None = None,
        session: FilterChecker | None = None,
    ) -> None:
        super().__init__(id=id)
        self._toggles = toggles
        self._session: FilterChecker = (
            session if session is not None else FilterSession(toggles.kind)
        )
        """Checks and splits expressions (one API's session, or one over several sources)."""
        self._clock = clock
        self._zone = zone
        self._entries = entries
        """The buffer, which tells a field no entry has from one the source does not list."""
        self.applied: FilterOutcome | None = None
        """The filter applied now (``None``: no filter)."""
        self._problem: FilterOutcome | None = None
        """The expression typed or last entered, while it does not parse."""
        self.outcome: FilterOutcome | None = None
        """What the info line shows: the problem, or else the filter applied."""
        self._counts = (0, 0)
        self._shown: Content | None = None
        self.input = FilterInput(toggles.kind, id="filter-input")
        """The expression input (it keeps the history of applied expressions)."""
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

    @property
    def expression(self) -> str:
        """The expression applied now (empty: no filter)."""
        return self.applied.expression if self.applied is not None else ""

    def apply(self, expression: str) -> FilterOutcome:
        """Check and take ``expression`` as the filter: the input, its history and the toggles
        follow; one that does not parse is shown inline and changes nothing. The caller acts on
        the outcome (this posts nothing; see :class:`Applied`)."""
        outcome = self._session.evaluate(expression, now=self._clock(), entries=self._entries(),
                                         zone=self._zone())
        if not outcome.ok:
            self._problem = outcome
            self._redraw()
            return outcome
        self.applied = outcome if expression.strip() else None
        self._problem = None
        self._redraw()
        self.input.remember(expression.strip())
        if self.input.value != expression:
            self.input.replace_expression(expression)
        self._toggles.show_values(
            {spec.field: toggle_value(expression, spec.field) for spec in self._toggles.specs}
        )
        return outcome

    def cycle_toggle(self, field: str) -> None:
        """Move a quick toggle to its next value and apply the rewritten expression."""
        current = self.expression
        value = next_value(toggle_value(current, field), self._toggles.choices(field))
        self._apply_and_post(with_toggle(current, field, value))

    def _apply_and_post(self, expression: str, *, typed: bool = False) -> None:
        outcome = self.apply(expression)
        if outcome.ok:
            self.post_message(self.Applied(outcome, typed))

    @on(FilterInput.Submitted, "#filter-input")
    def _submitted(self, event: FilterInput.Submitted) -> None:
        event.stop()
        self._apply_and_post(event.value, typed=True)

    @on(FilterInput.Changed, "#filter-input")
    def _changed(self, event: FilterInput.Changed) -> None:
        event.stop()
        outcome = self._session.evaluate(event.value, now=self._clock(), zone=self._zone())
        self._problem = outcome if not outcome.ok else None
        self._redraw()

    @on(ToggleChip.Cycled)
    def _toggle_cycled(self, event: ToggleChip.Cycled) -> None:
        event.stop()
        self.cycle_toggle(event.field)

    def show_counts(self, matched: int, buffered: int) -> None:
        """Redraw the info line with the view's and the buffer's sizes now."""
        self._counts = (matched, buffered)
        self._redraw()

    def _redraw(self) -> None:
        """Redraw the info line (and the caret line, shown only with an error)."""
        outcome = self._problem if self._problem is not None else self.applied
        matched, buffered = self._counts
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
