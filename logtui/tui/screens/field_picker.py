"""The field picker (``C``): choose one field of the selected entry to copy its value.

Every field is listed by its dotted path with its value, sanitised and cut short for display;
the value copied is the field's own (a string as it is, anything else as compact JSON).
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from typing import Any, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from logtui.tui.text import wire_content

MAX_FIELDS = 500
"""The most fields listed (a payload with more is cut; the whole entry is ``c``)."""
PREVIEW = 60
"""Characters of each value shown beside its path."""


def value_text(value: Any) -> str:
    """A field's value as the text to copy: strings as they are, the rest as JSON."""
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), default=str)


def flat_fields(data: Mapping[str, Any], prefix: str = "") -> Iterator[tuple[str, str]]:
    """Each field as (dotted path, value text); objects are walked, lists kept whole."""
    for key, value in data.items():
        path = f"{prefix}{key}"
        if isinstance(value, Mapping) and value:
            yield from flat_fields(value, f"{path}.")
        else:
            yield path, value_text(value)


class FieldPicker(ModalScreen[tuple[str, str] | None]):
    """Lists an entry's fields; dismisses with (path, value), or ``None`` on esc."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="fields.cancel"),
    ]

    def __init__(self, data: Mapping[str, Any]) -> None:
        super().__init__()
        self._fields = list(flat_fields(data))[:MAX_FIELDS]

    def compose(self) -> ComposeResult:
        with Vertical(id="fields-body") as body:
            body.border_title = "Copy a field's value"
            body.border_subtitle = "enter copies · esc cancels"
            yield Static(Content("Pick the field to copy (up/down move, enter copies):"))
            yield OptionList(
                *(Option(Content.assemble((path, "bold"), " ", wire_content(value[:PREVIEW])),
                         id=str(index))
                  for index, (path, value) in enumerate(self._fields)),
                id="fields-list",
            )

    @on(OptionList.OptionSelected, "#fields-list")
    def _picked(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(self._fields[event.option_index])

    def action_cancel(self) -> None:
        self.dismiss(None)
