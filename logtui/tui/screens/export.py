"""The export prompt: asks where to write the filtered view as NDJSON."""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static


class ExportScreen(ModalScreen[str | None]):
    """A modal with a path input; dismisses with the path, or ``None`` on esc."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="export.cancel"),
    ]

    def __init__(self, default_path: str, count: int) -> None:
        super().__init__()
        self._default_path = default_path
        self._count = count

    def compose(self) -> ComposeResult:
        with Vertical(id="export-body") as body:
            body.border_title = "Export the filtered view"
            yield Static(
                f"Write {self._count:,} entries as NDJSON to (enter writes, esc cancels):",
                markup=False,
            )
            yield Input(value=self._default_path, id="export-path", compact=True)

    @on(Input.Submitted, "#export-path")
    def _submit(self, event: Input.Submitted) -> None:
        path = event.value.strip()
        self.dismiss(path or None)

    def action_cancel(self) -> None:
        self.dismiss(None)
