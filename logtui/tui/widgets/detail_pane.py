"""The detail pane: one entry's whole payload as pretty, highlighted JSON, and its trace.

For proxy-logs the entries sharing the selected entry's ``traceId`` (request and response) are
listed under the payload. The payload is sanitised after pretty-printing, so a control character
or bidi override hidden in a value shows as a placeholder, and the highlighter receives plain
text: nothing in the payload is ever read as markup.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence

from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.content import Content
from textual.widgets import Static

from logtui.core.eventtime import Zone, time_text
from logtui.core.models import Entry
from logtui.tui.text import wire_block, wire_content

TraceLookup = Callable[[str], Sequence[Entry]]
"""Finds the buffered entries of a trace id."""

EMPTY = "Select a row (j/k) and press enter."
"""What the pane says before anything is selected."""

MAX_PAYLOAD_CHARS = 64_000
"""Longer payloads are cut in the pane (export and copy keep them whole)."""


def trace_id_of(entry: Entry) -> str | None:
    """The entry's ``traceId`` if it has a usable one."""
    value = entry.data.get("traceId")
    return value if isinstance(value, str) and value else None


def pretty_payload(entry: Entry) -> Content:
    """The payload as highlighted, sanitised, indented JSON (raw text if it is not JSON)."""
    if entry.is_json:
        try:
            text = json.dumps(entry.data, indent=2, ensure_ascii=False, default=str)
        except (TypeError, ValueError):
            text = entry.raw
    else:
        text = entry.raw
    if len(text) > MAX_PAYLOAD_CHARS:
        text = text[:MAX_PAYLOAD_CHARS] + "\n… (cut; export or copy keeps the whole entry)"
    safe = wire_block(text)
    if not entry.is_json:
        return Content(safe)
    # Imported when an entry is first opened: the highlighter loads pygments (1.3 MB resident
    # and about 10 ms), which a dashboard that never opens an entry does not need.
    from textual.highlight import highlight

    return highlight(safe, language="json")


def trace_line(entry: Entry, selected: Entry, zone: Zone = "utc") -> Content:
    """One member of a trace: time (in ``zone``), kind, method, status, url, duration."""
    data = entry.data
    nested = data.get("data")
    duration = nested.get("durationMs") if isinstance(nested, dict) else None
    marker = "▶ " if entry is selected else "  "
    # A request has no status yet (null in the payload): a missing value is left out.
    parts = [time_text(entry, zone), *(
        str(value) for value in (data.get(key) for key in ("kind", "method", "status", "url"))
        if value is not None and value != ""
    )]
    if duration is not None:
        parts.append(f"{duration}ms")
    return Content(marker) + wire_content(" ".join(parts))


class DetailPane(VerticalScroll, can_focus=True):
    """Shows one entry in full; empty until a row is selected."""

    def __init__(
        self,
        trace_lookup: TraceLookup,
        *,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self._trace_lookup = trace_lookup
        self._entry: Entry | None = None
        self.source_colours: Mapping[str, str] = {}
        """With several sources, each one's colour: the title names the entry's source."""
        self.zone: Zone = "utc"
        """The zone of the trace lines' times (the stream's)."""
        self._payload = Static(EMPTY, id="detail-payload", markup=False)
        self._trace = Static("", id="detail-trace", markup=False)

    @property
    def entry(self) -> Entry | None:
        """The entry shown."""
        return self._entry

    def compose(self) -> ComposeResult:
        yield self._payload
        yield self._trace

    def show_entry(self, entry: Entry | None) -> None:
        """Show ``entry`` (or the empty state) and its trace."""
        if entry is self._entry:
            return
        self._entry = entry
        payload = self._payload
        trace = self._trace
        if entry is None:
            self.border_subtitle = ""
            payload.update(EMPTY)
            trace.update("")
            trace.display = False
            return
        origin = "" if entry.origin == "live" else f" · {entry.origin}"
        # The dashboard's own arrival number, not the server's event id nor the payload's "id".
        self.border_subtitle = f"row #{entry.seq}{origin}" + (" · late" if entry.late else "")
        if entry.source is not None and self.source_colours:
            colour = self.source_colours.get(entry.source)
            self.border_title = Content("detail · ") + wire_content(
                entry.source, f"bold {colour}" if colour else "bold")
        payload.update(pretty_payload(entry))
        trace_id = trace_id_of(entry)
        members = list(self._trace_lookup(trace_id)) if trace_id else []
        if trace_id is None:
            trace.update("")
            trace.display = False
        else:
            heading = Content.assemble(("trace ", "bold"), wire_content(trace_id))
            lines = [trace_line(member, entry, self.zone) for member in members]
            if len(members) <= 1:
                lines.append(Content.styled("  (no other entry of this trace in the buffer)",
                                            "$text-muted"))
            lines.append(Content.styled("  t: show only this trace", "$text-muted"))
            trace.update(Content("\n").join([heading, *lines]))
            trace.display = True
        self.scroll_home(animate=False)

    def refresh_trace(self) -> None:
        """New entries may have completed the shown trace: redraw it."""
        entry, self._entry = self._entry, None
        self.show_entry(entry)
