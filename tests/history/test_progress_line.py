"""The history load's progress on stderr: silent for a quick load, one rewritten line on a
terminal, a line every few seconds otherwise, always with the final counts, sanitised."""

from __future__ import annotations

import io

from logtui.core.models import HistoryProgress, Notice, SourceKind, SourceStatus
from logtui.headless import NdjsonSink
from logtui.headless_progress import ProgressLine


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def _status(entries: int | None, pages: int = 0, name: str = "") -> SourceStatus:
    progress = None if entries is None else HistoryProgress(entries, pages)
    return SourceStatus(kind=SourceKind.PROXY, description="proxy", history_progress=progress,
                        name=name)


def _feed(line: ProgressLine, clock: Clock, steps: list[tuple[float, int | None]]) -> None:
    for at, entries in steps:
        clock.now = 100.0 + at
        line.update(_status(entries, 0 if entries is None else entries // 1000))


def test_a_quick_load_says_nothing() -> None:
    err, clock = io.StringIO(), Clock()
    _feed(ProgressLine(err, tty=False, clock=clock), clock, [(0, 1000), (0.5, 2000), (0.9, None)])
    assert err.getvalue() == ""


def test_without_a_terminal_a_line_every_few_seconds_and_the_final_counts() -> None:
    err, clock = io.StringIO(), Clock()
    steps: list[tuple[float, int | None]] = [(t * 0.5, (t + 1) * 1000) for t in range(14)]
    _feed(ProgressLine(err, tty=False, clock=clock), clock, [*steps, (7.0, None)])
    assert err.getvalue().splitlines() == [
        "logtui: history: 3,000 entries, 3 pages",
        "logtui: history: 9,000 entries, 9 pages",
        "logtui: history: 14,000 entries, 14 pages",
    ]


def test_on_a_terminal_one_line_rewritten_then_ended() -> None:
    err, clock = io.StringIO(), Clock()
    _feed(ProgressLine(err, tty=True, clock=clock), clock,
          [(0, 1000), (1.2, 2000), (1.25, 3000), (1.4, 4000), (2.0, None)])
    assert err.getvalue() == (
        "\r\x1b[Klogtui: history: 2,000 entries, 2 pages"
        "\r\x1b[Klogtui: history: 4,000 entries, 4 pages\n"
    )


def test_a_warning_during_the_load_takes_the_line_off_first() -> None:
    err, clock = io.StringIO(), Clock()
    line = ProgressLine(err, tty=True, clock=clock)
    sink = NdjsonSink(io.BytesIO(), err, progress=line)
    clock.now = 100.0
    sink.on_status(_status(1000, 1))
    clock.now = 102.0
    sink.on_status(_status(2000, 2))
    sink.on_notice(Notice("warning", "the server keeps nothing from before then"))
    assert err.getvalue().endswith(
        "\r\x1b[Klogtui: warning: the server keeps nothing from before then\n"
    )


def test_a_source_name_is_shown_inert() -> None:
    err, clock = io.StringIO(), Clock()
    line = ProgressLine(err, tty=False, clock=clock)
    line.update(_status(10, 1, name="a\x1b]0;owned\x07"))
    clock.now = 102.0
    line.update(_status(20, 2, name="a\x1b]0;owned\x07"))
    assert "\x1b" not in err.getvalue() and "\x07" not in err.getvalue()
    assert "history: 20 entries, 2 pages" in err.getvalue()


def test_loads_of_several_named_sources_share_the_line_until_each_ends() -> None:
    err, clock = io.StringIO(), Clock()
    line = ProgressLine(err, tty=False, clock=clock)
    for at, name, entries in [(0, "a", 1000), (0.5, "b", 500), (1.0, "a", 2000),
                              (2.0, "b", 1000), (4.5, "a", None), (5.0, "b", None)]:
        clock.now = 100.0 + at
        line.update(_status(entries, 0 if entries is None else max(1, entries // 1000), name))
    assert err.getvalue().splitlines() == [
        "logtui: a: history: 2,000 entries, 2 pages",
        "logtui: a: history: 2,000 entries, 2 pages; b: history: 1,000 entries, 1 page",
        "logtui: b: history: 1,000 entries, 1 page",
    ]
