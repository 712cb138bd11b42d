"""The dashboard's status bar shows a history load's progress while it runs, then not."""

from __future__ import annotations

from logtui.core.models import ConnectionState, HistoryProgress, SourceKind, SourceStatus
from logtui.tui.widgets.status_bar import BufferCounts, render_status


def _first_line(progress: HistoryProgress | None) -> str:
    status = SourceStatus(kind=SourceKind.PROXY, description="proxy http://h/api/proxy-logs",
                          state=ConnectionState.LIVE, history_progress=progress)
    return render_status(status, BufferCounts(), 0.0, width=120).plain.splitlines()[0]


def test_the_status_bar_shows_the_history_load_while_it_runs() -> None:
    assert "history: 12,000 entries, 12 pages" in _first_line(HistoryProgress(12_000, 12))
    assert "history:" not in _first_line(None)
