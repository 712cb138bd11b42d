"""The stats pane: events per second as a sparkline, and counts by level, status and source.

Counts follow the current filter (the tracker is fed the matching entries and recounted when the
filter changes) and the pane says so; for proxy-logs the server's own ``/_logs/stats`` totals
are shown under them when available.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import Sparkline, Static

from logtui.core.models import SourceKind
from logtui.tui.text import wire_content

TOP_N = 4
"""Rows shown per top list."""


def _counts_line(title: str, counts: Mapping[str, int], limit: int = TOP_N) -> Content:
    items = sorted(counts.items(), key=lambda item: (-item[1], item[0]))[:limit]
    if not items:
        return Content.assemble((f"{title}: ", "bold"), ("—", "$text-muted"))
    parts = [
        Content.assemble(wire_content(str(name)[:24] or "∅"), (f" {count:,}", "$accent"))
        for name, count in items
    ]
    return Content.assemble((f"{title}: ", "bold"), Content("  ").join(parts))


class StatsPane(Vertical):
    """Sparkline on top, counts under it."""

    def __init__(self, kind: SourceKind, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.kind = kind

    def compose(self) -> ComposeResult:
        yield Static("", id="stats-rate", markup=False)
        yield Sparkline([], id="stats-sparkline")
        yield Static("", id="stats-counts", markup=False)

    def show(self, snapshot: Any, filtered: bool, server: Mapping[str, Any] | None) -> None:
        """Redraw from a stats snapshot; ``filtered`` says counts follow a filter."""
        per_second = list(getattr(snapshot, "per_second", []))
        self.query_one("#stats-sparkline", Sparkline).data = per_second or [0]
        scope = "matching the filter" if filtered else "all entries"
        self.border_subtitle = scope
        total = getattr(snapshot, "total", 0)
        self.query_one("#stats-rate", Static).update(
            Content.assemble(("events/s ", "bold"), f"(last {len(per_second)}s)  total {total:,}")
        )
        lines = [_counts_line("level", getattr(snapshot, "by_level", {}))]
        if server:
            lines.append(Content.styled("server /_logs/stats", "bold underline"))
            for key in ("byLevel", "byService", "byProject"):
                value = server.get(key)
                if isinstance(value, Mapping):
                    lines.append(_counts_line(key[2:].lower(), value))
        self.query_one("#stats-counts", Static).update(Content("\n").join(lines))
