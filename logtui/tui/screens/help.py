"""The help screen: every key, built from the same tables as the bindings and the palette.

Keys are read from the bindings themselves and from the user's keymap, so a remapped key is
shown as remapped; each row is a two-column grid row, so a long line wraps under its own text
rather than under the key column.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import ClassVar, Final

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Grid, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Static

from logtui.tui.actions import APP_ACTIONS, FILTER_KEYS, STREAM_KEYS

KEY_NAMES: Final[dict[str, str]] = {
    "slash": "/",
    "question_mark": "?",
    "escape": "esc",
    "pagedown": "pgdn",
    "pageup": "pgup",
    "right_square_bracket": "]",
    "left_square_bracket": "[",
}
"""Textual key names written the way a person types them."""

HelpRow = tuple[str, Content | str]
"""One row: the keys (or a heading when the text is empty) and what they do."""

EXPRESSIONS: Final[tuple[tuple[str, str], ...]] = (
    ("url:users", "field contains"),
    ("level=error", "field equals (!= differs)"),
    ("status>=500", "compare numbers and times (> >= < <=)"),
    ("url~^/v1", "field matches a regex"),
    ("level:warn,error", "any of"),
    ("-health", "not (before any term)"),
    ("timeout", "a bare word searches everywhere"),
)

READING: Final[tuple[tuple[str, str], ...]] = (
    ("▌", "A row you marked (m); the stream's title shows the time since the mark above."),
    ("·", "A row loaded as history, from before the dashboard connected."),
    ("+", "A row backfilled after a gap (fetched once the stream came back)."),
    ("row #N", "The detail pane's number: the order rows reached this dashboard."),
    ("event id", "The status bar's: the server's id of the newest event, where a reconnect "
                 "resumes. A payload's own \"id\" field is shown as it is."),
    ("received", "Stats: entries received since the dashboard started."),
    ("in buffer", "Status bar: entries kept here (the oldest are evicted past the limit)."),
    ("matching", "Filter bar: entries in the buffer the filter keeps."),
)
"""What the marks, numbers and counts on the dashboard mean."""


def display_keys(keys: str) -> str:
    """``end,f`` as ``end / f``; Textual's key names as typed (``slash`` is ``/``)."""
    names = (key.strip() for key in keys.split(","))
    return " / ".join(KEY_NAMES.get(name, name) for name in names if name)


def _binding_keys(owner_bindings: Iterable[BindingType]) -> dict[str, str]:
    """Default keys of each binding with an id."""
    keys: dict[str, str] = {}
    for binding in owner_bindings:
        if isinstance(binding, Binding) and binding.id:
            keys[binding.id] = binding.key
    return keys


def _bound(binding_id: str, defaults: Mapping[str, str], keymap: Mapping[str, str],
           text: str) -> HelpRow:
    """A row for a binding: the keymap's keys if remapped (and said so), else the defaults."""
    remapped = binding_id in keymap
    keys = keymap[binding_id] if remapped else defaults[binding_id]
    note = f"[{binding_id}, remapped]" if remapped else f"[{binding_id}]"
    return display_keys(keys), Content.assemble(text, "  ", (note, "$text-muted"))


def help_rows(keymap: Mapping[str, str] | None = None) -> Iterator[HelpRow]:
    """Every row of the help screen, in order; headings have empty text."""
    from logtui.tui.widgets.filter_input import FilterInput
    from logtui.tui.widgets.stream_view import StreamView

    keymap = keymap or {}
    app_keys = {action.id: action.keys for action in APP_ACTIONS}
    yield "Anywhere", ""
    for action in APP_ACTIONS:
        yield _bound(action.id, app_keys, keymap, action.help)
    yield "ctrl+p", "Command palette: every action by name."
    yield "Stream pane", ""
    stream_keys = _binding_keys(StreamView.BINDINGS)
    for binding_id, text in STREAM_KEYS:
        yield _bound(binding_id, stream_keys, keymap, text)
    yield "Filter input", ""
    yield "enter", "Apply the expression."
    filter_keys = _binding_keys(FilterInput.BINDINGS)
    for binding_id, text in FILTER_KEYS:
        yield _bound(binding_id, filter_keys, keymap, text)
    yield "esc", "Back to the stream."
    yield "Search input", ""
    yield "enter", "Back to the stream, keeping the highlights (n / N jump between matches)."
    yield "esc", "Back to the stream; an empty search is closed."
    yield "Filter expressions", ""
    yield from EXPRESSIONS
    yield "Reading the dashboard", ""
    yield from READING


def _cells(keymap: Mapping[str, str] | None) -> Iterator[Static]:
    first = True
    for keys, text in help_rows(keymap):
        if not text:
            # A blank line above each heading but the first (a margin would clip a grid row).
            heading = Content.styled(keys, "bold underline")
            yield Static(heading if first else Content("\n") + heading, classes="help-heading")
            first = False
        else:
            yield Static(Content.styled(keys, "bold $accent"), classes="help-keys")
            yield Static(text if isinstance(text, Content) else Content(text),
                         classes="help-text")


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
            with Grid(id="help-grid"):
                yield from _cells(self._keymap)
            yield Static(Content.styled(
                "Remap any key by its binding id (in brackets) in ~/.config/logtui/keymap.toml:"
                '\n  [keymap]  "logtui.reconnect" = "ctrl+r"', "$text-muted"),
                id="help-remap")
