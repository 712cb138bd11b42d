"""Counts over event time, split by level or status: the stats pane's bar chart, as data.

The stats tracker keeps per-second counts of one breakdown (see
:data:`logtui.core.stats.HISTOGRAM_GROUPS`); this module folds them into a few bars over a
zoomable span (the last minute, five minutes, hour, or everything counted) and names the style
of each value, so the widget only draws. No Textual here.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final

from logtui.core.stats import OTHER

__all__ = [
    "MAX_SERIES",
    "SPANS",
    "Histogram",
    "build_histogram",
    "span_label",
    "style_key",
]

SPANS: Final[tuple[int | None, ...]] = (60, 300, 3600, None)
"""The zoom levels in seconds, narrowest first; ``None`` is everything counted."""
MAX_SERIES: Final = 6
"""Values drawn apart; the rest are stacked together as :data:`OTHER`. Errors and warnings
are kept apart before commoner values."""
_ALARMING: Final = frozenset({"level-error", "level-warn", "status-5xx", "status-4xx",
                              "dns-blocked", "dns-error"})

_SEVERITY: Final = (
    "fatal", "critical", "error", "5xx", "blocked", "warn", "warning", "4xx",
    "info", "2xx", "default", "allowed", "3xx", "1xx", "debug", "trace",
)
"""Drawing order, most severe at the bottom of a bar (values not listed go above them)."""


@dataclass(frozen=True, slots=True)
class Histogram:
    """Bars of equal width in time, each a count per value of the breakdown."""

    start: int
    """The first second of the first bar."""
    bar_seconds: int
    """How many seconds each bar covers."""
    keys: tuple[str, ...]
    """The values drawn, bottom of a bar first (most severe first)."""
    bars: tuple[tuple[int, ...], ...]
    """Per bar (oldest first), the count of each of ``keys``."""
    totals: tuple[int, ...]
    """Per key, the count over the whole span."""

    @property
    def tallest(self) -> int:
        """The largest bar's count (0 for an empty span)."""
        return max((sum(bar) for bar in self.bars), default=0)

    @property
    def span_seconds(self) -> int:
        """The time the bars cover."""
        return self.bar_seconds * len(self.bars)


def span_label(span: int | None) -> str:
    """How a zoom level reads: ``1 min``, ``5 min``, ``1 h``, ``all``."""
    if span is None:
        return "all"
    if span % 3600 == 0:
        return f"{span // 3600} h"
    if span % 60 == 0:
        return f"{span // 60} min"
    return f"{span}s"


def _rank(key: str) -> tuple[int, str]:
    lowered = key.lower()
    if lowered in _SEVERITY:
        return (_SEVERITY.index(lowered), "")
    return (len(_SEVERITY), lowered)


def build_histogram(
    by_second: Mapping[int, Mapping[str, int]], now_second: int, span: int | None, bars: int
) -> Histogram:
    """Fold per-second counts into ``bars`` bars ending at ``now_second``.

    ``span`` None covers everything from the oldest counted second. A bar covers a whole
    number of seconds (at least one), so the span may be rounded up to fit.
    """
    bars = max(1, bars)
    if span is None:
        oldest = min(by_second, default=now_second)
        span = max(1, now_second - oldest + 1)
    bar_seconds = max(1, -(-span // bars))
    start = now_second - bar_seconds * bars + 1
    sums: list[dict[str, int]] = [{} for _ in range(bars)]
    totals: dict[str, int] = {}
    # Look up each second of a short span; walk the whole index only when it is the smaller.
    if now_second - start + 1 <= len(by_second):
        seconds = [(s, by_second.get(s)) for s in range(start, now_second + 1)]
    else:
        seconds = [(s, c) for s, c in by_second.items() if start <= s <= now_second]
    for second, counts in seconds:
        if not counts:
            continue
        bar = sums[(second - start) // bar_seconds]
        for key, count in counts.items():
            bar[key] = bar.get(key, 0) + count
            totals[key] = totals.get(key, 0) + count
    ranked = sorted(totals, key=lambda key: (style_key(key) not in _ALARMING, -totals[key]))
    shown = ranked[:MAX_SERIES] if len(ranked) <= MAX_SERIES else ranked[: MAX_SERIES - 1]
    rest = [key for key in ranked if key not in shown]
    keys = sorted(shown, key=_rank) + ([OTHER] if rest else [])
    folded_totals = [totals[key] for key in keys if key != OTHER]
    if rest:
        folded_totals.append(sum(totals[key] for key in rest))
    folded_bars = []
    for bar in sums:
        row = [bar.get(key, 0) for key in keys if key != OTHER]
        if rest:
            row.append(sum(bar.get(key, 0) for key in rest))
        folded_bars.append(tuple(row))
    return Histogram(start, bar_seconds, tuple(keys), tuple(folded_bars), tuple(folded_totals))


def style_key(value: str) -> str:
    """How a value's part of a bar looks, as a row style key (``level-error``, ``status-5xx``,
    ``dns-blocked``) or ``""`` for the default colour."""
    lowered = value.lower()
    if lowered in {"fatal", "critical", "error", "panic", "emerg", "alert", "crit"}:
        return "level-error"
    if lowered in {"warn", "warning"}:
        return "level-warn"
    if lowered in {"debug", "trace"}:
        return "level-debug"
    if lowered in {"info", "notice"}:
        return "level-info"
    if len(lowered) == 3 and lowered[0] in "12345" and lowered[1:] == "xx":
        return f"status-{lowered}"
    if lowered.isdigit() and len(lowered) == 3 and lowered[0] in "12345":
        return f"status-{lowered[0]}xx"
    if lowered in {"blocked", "allowed", "error"}:
        return f"dns-{lowered}"
    return ""
