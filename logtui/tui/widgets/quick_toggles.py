"""Quick toggles for the source's server-side filters, shown beside the filter input.

Each toggle is a chip (``level: any``) that cycles through values when clicked or chosen from
the command palette; choosing a value rewrites that field's term in the filter expression, so
the expression stays the single source of truth and the server/client split applies as usual.
The toggles are the API profile's (``ApiProfile.toggles``). A value may be shown by a label:
the NextDNS device chip filters by device id (what the API filters by) and shows the device's
name.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from textual import events
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.content import Content
from textual.message import Message
from textual.widgets import Static

from logtui.core.apis import ToggleSpec, profile_for
from logtui.tui.repaint import content_key
from logtui.tui.text import wire_content


def next_value(current: str | None, choices: Sequence[str]) -> str | None:
    """The value after ``current`` in ``choices``, wrapping to ``None`` (any)."""
    if not choices:
        return None
    if current is None or current not in choices:
        return choices[0]
    index = choices.index(current) + 1
    return choices[index] if index < len(choices) else None


class ToggleChip(Static):
    """One toggle: its field and current value; a click cycles it."""

    @dataclass
    class Cycled(Message):
        """The user asked for the next value of a toggle."""

        field: str

    def __init__(self, spec: ToggleSpec) -> None:
        super().__init__(id=f"toggle-{spec.field}", classes="toggle-chip", markup=False)
        self.spec = spec
        self.value: str | None = None

    def set_value(self, value: str | None, shown: str | None = None) -> None:
        """Show the toggle's current value (``None``: any), as ``shown`` when given."""
        self.value = value
        self.set_class(value is not None, "-on")
        label = Content.styled(f"{self.spec.field}:", "bold")
        text = shown or value
        shown_content = wire_content(text[:16]) if text is not None else Content("any")
        content = Content.assemble(label, shown_content)
        old = self.content
        if isinstance(old, Content):
            if content_key(old) == content_key(content):
                return  # every filter applied sets every chip: most show what they showed
            # The chip is as wide as its text: only a new width moves the chips beside it.
            self.update(content, layout=old.cell_length != content.cell_length)
            return
        self.update(content)

    def on_mount(self) -> None:
        self.set_value(self.value)

    def on_click(self, event: events.Click) -> None:
        event.stop()
        self.post_message(self.Cycled(self.spec.field))


class QuickToggles(Horizontal):
    """The row of toggle chips for one source."""

    def __init__(
        self,
        kind: str,
        seen: Callable[[str], Sequence[str]],
        *,
        label: Callable[[str, str], str | None] | None = None,
        id: str | None = None,
    ) -> None:
        super().__init__(id=id)
        self.kind = kind
        self.specs: tuple[ToggleSpec, ...] = profile_for(kind).toggles
        self._seen = seen
        self._label = label

    def compose(self) -> ComposeResult:
        for spec in self.specs:
            yield ToggleChip(spec)

    def choices(self, field: str) -> Sequence[str]:
        """The values a toggle cycles through now."""
        for spec in self.specs:
            if spec.field == field:
                return spec.values or tuple(self._seen(field))
        return ()

    def show_values(self, values: dict[str, str | None]) -> None:
        """Reflect the expression's current value of each toggled field."""
        for chip in self.query(ToggleChip):
            value = values.get(chip.spec.field)
            shown = None
            if value is not None and self._label is not None:
                shown = self._label(chip.spec.field, value)
            chip.set_value(value, shown)
